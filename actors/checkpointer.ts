/*
 * Checkpointer (PostgreSQL's checkpointer.c): timed checkpoints every
 * checkpoint_timeout, one when WAL written since the last reaches
 * max_wal_size, one on request (CHECKPOINT, cluster.checkpoint()), and the
 * shutdown checkpoint the postmaster asks for before an orderly stop. The
 * work is storage/checkpoint.ts; requests queue in the mailbox, so
 * checkpoints never overlap.
 *
 * Lifecycle: a permanent child of the postmaster's supervisor, started after
 * the WAL writer, placed on a worker process. If it dies mid-checkpoint the
 * previous checkpoint stays in force (the control file is written last), and
 * it is restarted.
 */
import type { Subscription } from 'rxjs';
import type { ActorBehavior } from '../supervision/actorNode.ts';
import type { Json } from '../supervision/types.ts';
import { checkpoint } from '../storage/checkpoint.ts';
import { StorageEngine } from '../storage/engine.ts';
import { elog } from '../utils/elog.ts';

export type CheckpointerMsg = { op: 'checkpoint'; reason: 'requested' | 'shutdown' } | { op: 'timed' } | { op: 'wal-volume' };

interface State {
  engine: StorageEngine;
  segmentSize: number;
  timeoutMs: number;
  maxWalSize: number;
  lastRedo: number;
  volumeRequested: boolean;
  cancelTimer: () => void;
  watch: Subscription | null;
}

async function run(state: State, why: string, shutdown: boolean): Promise<Json> {
  const started = Date.now();
  const r = await checkpoint(state.engine, state.segmentSize, shutdown);
  state.lastRedo = r.redoLsn;
  state.volumeRequested = false;
  elog('log', `checkpoint complete (${why}): wrote ${r.pagesWritten} buffers, removed ${r.segmentsRemoved} WAL segments, ${Date.now() - started} ms`);
  return { ...r };
}

export const checkpointer: ActorBehavior<State, CheckpointerMsg, Json> = {
  async init(args, ctx) {
    const engine = await StorageEngine.open({
      dataDir: String(args['dataDir']),
      redisAddress: String(args['redisAddress']),
      keyPrefix: String(args['keyPrefix']),
      name: 'actorgres:checkpointer',
    });
    const state: State = {
      engine,
      segmentSize: Number(args['segmentSize']),
      timeoutMs: Number(args['checkpointTimeoutMs']),
      maxWalSize: Number(args['maxWalSize']),
      lastRedo: Number((await engine.redis.get(engine.keys.ckptRedo())) ?? 0),
      volumeRequested: false,
      cancelTimer: () => undefined,
      watch: null,
    };
    // flushed$ is a BehaviorSubject: it calls back at once, so state must exist first.
    state.watch = engine.notifications.flushed$.subscribe((flushed) => {
      if (!state.volumeRequested && flushed - state.lastRedo > state.maxWalSize) {
        state.volumeRequested = true;
        ctx.node.tell(ctx.self, { op: 'wal-volume' });
      }
    });
    state.cancelTimer = ctx.setTimer(state.timeoutMs, { op: 'timed' });
    return state;
  },

  async receive(state, msg, ctx) {
    switch (msg.op) {
      case 'timed':
        state.cancelTimer = ctx.setTimer(state.timeoutMs, { op: 'timed' });
        await run(state, 'time', false);
        break;
      case 'wal-volume':
        await run(state, 'wal', false);
        break;
      case 'checkpoint': {
        const r = await run(state, msg.reason, msg.reason === 'shutdown');
        if (ctx.asked) ctx.reply(r);
        break;
      }
    }
    return state;
  },

  onSignal(state, signal, ctx) {
    if (signal.type === 'terminate') ctx.stopSelf();
    if (signal.type === 'reload') {
      state.timeoutMs = Number(signal.settings['checkpoint_timeout'] ?? state.timeoutMs);
      state.maxWalSize = Number(signal.settings['max_wal_size'] ?? state.maxWalSize);
    }
    return state;
  },

  /** A stop interrupts a checkpoint in progress: the previous one stays in force. */
  interrupt(state) {
    void state.engine.close();
  },

  async terminate(state) {
    state.cancelTimer();
    state.watch?.unsubscribe();
    await state.engine.close();
  },
};
