/*
 * Startup: crash recovery before anything else runs (PostgreSQL's startup.c
 * and StartupXLOG).
 *
 * Lifecycle: spawned by the postmaster on a worker process at every start and
 * in every crash-restart cycle, after shared memory was reset and before the
 * supervision tree starts; asked once (`recover`), then stopped. It redoes WAL
 * from the last checkpoint, writes an end-of-recovery checkpoint and seeds
 * shared memory (storage/recovery.ts, storage/sharedState.ts).
 *
 * If it fails (a corrupt control file, an I/O error) the reply says why and
 * the postmaster does not start: PostgreSQL refuses to start too. If its
 * worker dies, the ask fails and the start fails likewise.
 */
import type { ActorBehavior } from '../supervision/actorNode.ts';
import type { Json } from '../supervision/types.ts';
import { Keys } from '../storage/keys.ts';
import { connectRedis } from '../storage/redis.ts';
import { recover } from '../storage/recovery.ts';
import { seedSharedState } from '../storage/sharedState.ts';
import { elog } from '../utils/elog.ts';

export type StartupMsg = { op: 'recover' };

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
}

export const startup: ActorBehavior<State, StartupMsg, StartupReport> = {
  init(args) {
    return {
      dataDir: String(args['dataDir']),
      redisAddress: String(args['redisAddress']),
      keyPrefix: String(args['keyPrefix']),
      segmentSize: Number(args['segmentSize']),
      sharedBuffers: Number(args['sharedBuffers']),
    };
  },

  async receive(state, _msg, ctx) {
    const r = await recover(state.dataDir, state.segmentSize, (line) => elog('log', line));
    const redis = connectRedis(state.redisAddress, 'actorgres:startup');
    try {
      await seedSharedState(redis, new Keys(state.keyPrefix), r, state.sharedBuffers);
    } finally {
      redis.disconnect();
    }
    const { segmentSize, endLsn, redoLsn, records, pagesRedone, abortedXids, stop, detail, crashed } = r;
    ctx.reply({ segmentSize, endLsn, redoLsn, records, pagesRedone, abortedXids, stop, detail, crashed });
    return state;
  },
};
