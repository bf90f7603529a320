/*
 * Background writer (PostgreSQL's bgwriter.c): keeps the pages resident in
 * Redis within shared_buffers by a clock sweep, writing dirty victims to
 * their data files first (storage/bufferEviction.ts). It sleeps in a blocking
 * Redis call until a page load pushes residency past the limit.
 *
 * Lifecycle: a permanent child of the postmaster's supervisor, started after
 * the WAL writer (whose flushes it waits for) and placed on a worker process.
 * Stops when asked; if it dies, it is restarted, and until then Redis may hold
 * more pages than shared_buffers.
 */
import type { ActorBehavior } from '../supervision/actorNode.ts';
import { errorInfo } from '../supervision/types.ts';
import type { ErrorInfo, Json } from '../supervision/types.ts';
import { BufferEvictor } from '../storage/bufferEviction.ts';
import { StorageEngine } from '../storage/engine.ts';

type BgWriterMsg = { op: 'failed'; error: ErrorInfo & { [k: string]: Json } } | { op: 'stats' };

interface State {
  engine: StorageEngine;
  evictor: BufferEvictor;
  abort: AbortController;
  running: Promise<void>;
}

export const bgwriter: ActorBehavior<State, BgWriterMsg, Json> = {
  async init(args, ctx) {
    const engine = await StorageEngine.open({
      dataDir: String(args['dataDir']),
      redisAddress: String(args['redisAddress']),
      keyPrefix: String(args['keyPrefix']),
      name: 'actorgres:bgwriter',
    });
    const evictor = BufferEvictor.open(engine);
    const abort = new AbortController();
    const running = evictor.run(abort.signal).catch((err: unknown) => ctx.node.tell(ctx.self, { op: 'failed', error: errorInfo(err) as ErrorInfo & { [k: string]: Json } }));
    return { engine, evictor, abort, running };
  },

  receive(state, msg, ctx) {
    if (msg.op === 'failed') throw Object.assign(new Error(`background writer failed: ${msg.error.message}`), { stack: msg.error.stack });
    if (ctx.asked) ctx.reply({ ...state.evictor.stats });
    return state;
  },

  interrupt(state) {
    state.abort.abort();
    void state.engine.close(); // fails whatever the loop waits for in Redis
  },

  async terminate(state) {
    state.abort.abort();
    await state.running;
    state.evictor.close();
    await state.engine.close();
  },
};
