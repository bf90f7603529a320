/*
 * Startup: crash recovery before anything else runs (PostgreSQL's startup.c
 * and StartupXLOG).
 *
 * Lifecycle: spawned by the postmaster on a worker process at every start and
 * in every crash-restart cycle, after shared memory was reset and before the
 * supervision tree starts; asked once (`recover`), then stopped. It redoes WAL
 * from the last checkpoint, writes an end-of-recovery checkpoint, seeds
 * shared memory (storage/recovery.ts, storage/sharedState.ts) and rebuilds
 * the indexes from the heap (sql/indexBuild.ts).
 *
 * While redo runs it tells the postmaster's recovery relay (an actor in the
 * primary, `progressTo`: the postmaster itself is busy waiting for this
 * reply) its log lines and its progress, in order, so that they come out of
 * one process: as `recovery` cluster events and as log lines or a progress
 * bar. Without a relay it logs here.
 *
 * If it fails (a corrupt control file, an I/O error) the reply says why and
 * the postmaster does not start: PostgreSQL refuses to start too. If its
 * worker dies, the ask fails and the start fails likewise.
 */
import type { ActorBehavior } from '../supervision/actorNode.ts';
import type { ActorRef, Json } from '../supervision/types.ts';
import { Keys } from '../storage/keys.ts';
import { connectRedis } from '../storage/redis.ts';
import { recover } from '../storage/recovery.ts';
import type { RecoveryProgress } from '../storage/recovery.ts';
import { seedSharedState } from '../storage/sharedState.ts';
import { StorageEngine } from '../storage/engine.ts';
import { CATALOG_RELATION } from '../sql/catalog.ts';
import { elog } from '../utils/elog.ts';

export type StartupMsg = { op: 'recover' };

/** What the startup actor tells the recovery relay in the primary, in order. */
export type RecoveryRelayMsg =
  /** A log line of recovery (redo starts, stopped, done). */
  | { op: 'log'; text: string }
  /** Where redo stands (storage/recovery.ts's RecoveryProgress); `message` is the 10% log line, or null. */
  | ({ op: 'progress' } & RecoveryProgress);

export interface StartupReport {
  segmentSize: number;
  endLsn: number;
  redoLsn: number;
  records: number;
  pagesRedone: number;
  abortedXids: number;
  stop: string;
  detail: string;
  crashed: boolean;
  [key: string]: Json;
}

interface State {
  dataDir: string;
  redisAddress: string;
  keyPrefix: string;
  segmentSize: number;
  sharedBuffers: number;
  progressTo: ActorRef<RecoveryRelayMsg> | null;
}

export const startup: ActorBehavior<State, StartupMsg, StartupReport> = {
  init(args) {
    return {
      dataDir: String(args['dataDir']),
      redisAddress: String(args['redisAddress']),
      keyPrefix: String(args['keyPrefix']),
      segmentSize: Number(args['segmentSize']),
      sharedBuffers: Number(args['sharedBuffers']),
      progressTo: relayRef(args['progressTo']),
    };
  },

  async receive(state, _msg, ctx) {
    const relay = state.progressTo;
    const r = relay
      ? await recover(
          state.dataDir,
          state.segmentSize,
          (text) => ctx.node.tell(relay, { op: 'log', text }),
          (p) => ctx.node.tell(relay, { op: 'progress', ...p }),
        )
      : await recover(state.dataDir, state.segmentSize, (line) => elog('log', line));
    const redis = connectRedis(state.redisAddress, 'actorgres:startup');
    try {
      await seedSharedState(redis, new Keys(state.keyPrefix), r, state.sharedBuffers);
    } finally {
      redis.disconnect();
    }
    // Indexes live only in shared memory: fill them from the recovered heap before any session runs
    // (the SQL layer is loaded only if SQL objects exist).
    if (r.relations.some((rel) => rel.name === CATALOG_RELATION)) {
      const { rebuildIndexes } = await import('../sql/indexBuild.ts');
      const engine = await StorageEngine.open({ dataDir: state.dataDir, redisAddress: state.redisAddress, keyPrefix: state.keyPrefix, name: 'actorgres:startup' });
      try {
        const built = await rebuildIndexes(engine);
        elog('log', `rebuilt ${built.indexes} indexes (${built.entries} entries) from the heap`);
      } finally {
        await engine.close();
      }
    }
    const { segmentSize, endLsn, redoLsn, records, pagesRedone, abortedXids, stop, detail, crashed } = r;
    ctx.reply({ segmentSize, endLsn, redoLsn, records, pagesRedone, abortedXids, stop, detail, crashed });
    return state;
  },
};

function relayRef(arg: Json | undefined): ActorRef<RecoveryRelayMsg> | null {
  if (arg === null || typeof arg !== 'object' || Array.isArray(arg)) return null;
  const { node, path } = arg;
  return typeof node === 'number' && typeof path === 'string' ? { node, path } : null;
}
