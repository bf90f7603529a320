/*
 * An actor kind whose code is imported when the first actor of the kind
 * starts, not when the worker process boots: a worker comes up (and is
 * replaced after a crash) without loading the SQL layer until it hosts a
 * backend. The wrapper only forwards; the kind's own lifecycle contract
 * applies unchanged.
 */
import type { ActorBehavior, ActorContext } from '../supervision/actorNode.ts';
import type { Json, JsonObject } from '../supervision/types.ts';
import type { Signal } from '../supervision/wire.ts';

interface Loaded<S> {
  behavior: ActorBehavior<S, Json, Json>;
  state: S;
}

export function lazyKind<S>(load: () => Promise<ActorBehavior<S, Json, Json>>): ActorBehavior<Loaded<S>, Json, Json> {
  let loading: Promise<ActorBehavior<S, Json, Json>> | null = null;
  return {
    async init(args: JsonObject, ctx: ActorContext<Json, Json>) {
      loading ??= load();
      const behavior = await loading;
      return { behavior, state: await behavior.init(args, ctx) };
    },
    async receive(l, msg, ctx) {
      l.state = await l.behavior.receive(l.state, msg, ctx);
      return l;
    },
    async onSignal(l, signal: Signal, ctx) {
      if (l.behavior.onSignal) l.state = await l.behavior.onSignal(l.state, signal, ctx);
      else if (signal.type === 'terminate') ctx.stopSelf();
      return l;
    },
    async terminate(l, ctx) {
      await l.behavior.terminate?.(l.state, ctx);
    },
    interrupt(l) {
      l.behavior.interrupt?.(l.state);
    },
  };
}
