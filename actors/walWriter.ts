/*
 * WAL writer (PostgreSQL's walwriter.c): drains the WAL buffer to the segment
 * files, fdatasyncs, advances the flushed LSN and wakes every committer it
 * covered (storage/walFlush.ts). It sleeps in a blocking Redis call while
 * there is nothing to write.
 *
 * Lifecycle: a permanent child of the postmaster's supervisor, the first one
 * started (so it stops last: the shutdown checkpoint still needs it), placed
 * on a worker process. Stops when asked (its loop ends after the current
 * flush). If it crashes or its worker dies, it is restarted and reopens WAL
 * at the flushed LSN: records leave the buffer only once durable, so none is
 * lost; committers simply wait a little longer.
 */
import type { ActorBehavior } from '../supervision/actorNode.ts';
import { errorInfo } from '../supervision/types.ts';
import type { ErrorInfo, Json } from '../supervision/types.ts';
import { StorageEngine } from '../storage/engine.ts';
import { WalFlusher } from '../storage/walFlush.ts';

/** Internal: the flush loop ended with an error. */
type WalWriterMsg = { op: 'failed'; error: ErrorInfo & { [k: string]: Json } } | { op: 'stats' };

interface State {
  engine: StorageEngine;
  flusher: WalFlusher;
  abort: AbortController;
  running: Promise<void>;
}

export const walWriter: ActorBehavior<State, WalWriterMsg, Json> = {
  async init(args, ctx) {
    const engine = await StorageEngine.open({
      dataDir: String(args['dataDir']),
      redisAddress: String(args['redisAddress']),
      keyPrefix: String(args['keyPrefix']),
      name: 'actorgres:walwriter',
    });
    const flusher = await WalFlusher.open(engine, Number(args['segmentSize']));
    const abort = new AbortController();
    const running = flusher.run(abort.signal).catch((err: unknown) => ctx.node.tell(ctx.self, { op: 'failed', error: errorInfo(err) as ErrorInfo & { [k: string]: Json } }));
    return { engine, flusher, abort, running };
  },

  receive(state, msg, ctx) {
    if (msg.op === 'failed') throw Object.assign(new Error(`WAL writer failed: ${msg.error.message}`), { stack: msg.error.stack });
    if (ctx.asked) ctx.reply({ ...state.flusher.stats });
    return state;
  },

  interrupt(state) {
    state.abort.abort();
    void state.engine.close(); // fails whatever the loop waits for in Redis
  },

  async terminate(state) {
    state.abort.abort();
    await state.running;
    await state.flusher.close();
    await state.engine.close();
  },
};
