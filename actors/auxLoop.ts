/*
 * The shape shared by the auxiliary processes that are a loop over shared
 * memory (WAL writer, background writer): open a storage engine, run the
 * loop beside the mailbox, crash if the loop fails (the supervisor restarts
 * the actor), and on a stop interrupt the loop's waits, then close.
 */
import type { ActorBehavior } from '../supervision/actorNode.ts';
import { errorInfo } from '../supervision/types.ts';
import type { ErrorInfo, Json, JsonObject } from '../supervision/types.ts';
import { StorageEngine } from '../storage/engine.ts';

export interface AuxLoop {
  run(signal: AbortSignal): Promise<void>;
  close(): void | Promise<void>;
  readonly stats: { [key: string]: number };
}

/** 'failed' is internal (the loop ended with an error); 'stats' answers the loop's counters. */
type AuxLoopMsg = { op: 'failed'; error: ErrorInfo & { [k: string]: Json } } | { op: 'stats' };

interface State {
  engine: StorageEngine;
  loop: AuxLoop;
  abort: AbortController;
  running: Promise<void>;
}

export function auxLoopActor(what: string, open: (engine: StorageEngine, args: JsonObject) => AuxLoop | Promise<AuxLoop>): ActorBehavior<State, AuxLoopMsg, Json> {
  return {
    async init(args, ctx) {
      const engine = await StorageEngine.open({
        dataDir: String(args['dataDir']),
        redisAddress: String(args['redisAddress']),
        keyPrefix: String(args['keyPrefix']),
        name: `actorgres:${what}`,
      });
      const loop = await open(engine, args);
      const abort = new AbortController();
      const running = loop.run(abort.signal).catch((err: unknown) => ctx.node.tell(ctx.self, { op: 'failed', error: errorInfo(err) as ErrorInfo & { [k: string]: Json } }));
      return { engine, loop, abort, running };
    },

    receive(state, msg, ctx) {
      if (msg.op === 'failed') throw Object.assign(new Error(`${what} failed: ${msg.error.message}`), { stack: msg.error.stack });
      if (ctx.asked) ctx.reply({ ...state.loop.stats });
      return state;
    },

    interrupt(state) {
      state.abort.abort();
      void state.engine.close(); // fails whatever the loop waits for in Redis
    },

    async terminate(state) {
      state.abort.abort();
      await state.running;
      await state.loop.close();
      await state.engine.close();
    },
  };
}
