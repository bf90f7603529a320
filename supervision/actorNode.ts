/*
 * ActorNode: the actor runtime of one process (the primary or a worker).
 *
 * It hosts actors in nact (one mailbox each, messages handled one at a time),
 * and routes tells, asks and replies to actors in other processes over Links.
 * nact is used for what it does well, the mailbox; everything it does poorly
 * is done here instead:
 *  - asks are correlated by a counter (AskTable), never by random ids;
 *  - a handler that throws never reaches nact's onCrash: the actor ends with
 *    reason `crash`, queued asks are failed, and its supervisor is told;
 *  - messages to an actor that does not exist are counted as dead letters,
 *    and an ask to one fails at once;
 *  - a message to a node that is gone fails fast (NodeDown), never hangs.
 *
 * Monitors (who gets told when an actor ends) live only in the primary,
 * where every supervisor runs; a worker reports each exit there.
 */
import type { SendHandle } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import nact from 'nact';
import { Subject } from 'rxjs';
import { AskTable } from './askTable.ts';
import { ActorCrashed, ActorRuntimeError, ActorStopped, NoSuchActor, NodeDown, RuntimeStopped, fromErrorInfo } from './errors.ts';
import { errorInfo, PRIMARY_NODE } from './types.ts';
import type { ActorRef, ErrorInfo, ExitReason, Json, JsonObject, NodeId } from './types.ts';
import { NODE_PATH } from './wire.ts';
import type { ControlRequest, NodeStats, RefData, Signal, SpawnMeta, Wire } from './wire.ts';

/** What an actor's code sees while it handles a message. */
export interface ActorContext<M extends Json, R extends Json> {
  readonly self: ActorRef<M, R>;
  readonly meta: SpawnMeta;
  readonly node: ActorNode;
  /** True while handling an ask: the handler must call reply() once. */
  readonly asked: boolean;
  reply(value: R): void;
  /** Answer the ask with an error, without crashing the actor. */
  fail(error: unknown): void;
  /** End this actor normally once the current message is handled. */
  stopSelf(): void;
  /** Deliver `msg` to this actor after `ms`; errors then happen inside the actor. */
  setTimer(ms: number, msg: M): () => void;
  /**
   * During init only: the OS handle (a client socket) that came with the
   * spawn request, now owned by this actor; undefined otherwise.
   */
  readonly handle: SendHandle | undefined;
}

/**
 * An actor kind: `(state, msg, ctx) => state` plus its start and stop hooks.
 * Everything the kind needs at start comes in `args` (JSON, so that the
 * primary can ask any worker to spawn it).
 */
export interface ActorBehavior<S, M extends Json, R extends Json, A = JsonObject> {
  init(args: A, ctx: ActorContext<M, R>): S | Promise<S>;
  receive(state: S, msg: M, ctx: ActorContext<M, R>): S | Promise<S>;
  /** Default: `terminate` stops the actor, `reload` and `shutdown` are ignored. */
  onSignal?(state: S, signal: Signal, ctx: ActorContext<M, R>): S | Promise<S>;
  /** Called on a requested stop (not after a crash). */
  terminate?(state: S, ctx: ActorContext<M, R>): void | Promise<void>;
  /**
   * Called at once when a stop is requested, outside the mailbox, while a
   * long handler may still be running (PostgreSQL's interrupt on SIGTERM):
   * cancel what it waits for so that the stop can be handled.
   */
  interrupt?(state: S): void;
}

export type LifecycleEvent =
  | { type: 'spawned'; ref: RefData; kind: string; meta: SpawnMeta; at: number }
  | { type: 'running'; ref: RefData; kind: string; meta: SpawnMeta; at: number }
  | { type: 'exited'; ref: RefData; kind: string; meta: SpawnMeta; reason: ExitReason; at: number };

/** One direction of a process boundary. `send` returns false if the peer is gone; a handle (socket) may travel with the wire. */
export interface Link {
  send(wire: Wire, handle?: SendHandle): boolean;
}

type Envelope = { k: 'init'; args: unknown } | { k: 'msg'; msg: Json; ask: { id: number; from: NodeId } | null } | { k: 'signal'; signal: Signal } | { k: 'stop' };

type AnyBehavior = ActorBehavior<unknown, Json, Json, unknown>;

interface Hosted {
  ref: RefData;
  kind: string;
  behavior: AnyBehavior;
  meta: SpawnMeta;
  nactRef: nact.Ref<Envelope>;
  done: boolean;
  /** The state after the last message handled (for interrupt). */
  state: unknown;
  /** The OS handle that came with the spawn request, until init took it. */
  handle: SendHandle | undefined;
  /** Resolved with the exit reason once the actor has ended. */
  exited: Promise<ExitReason>;
  resolveExit: (reason: ExitReason) => void;
}

export interface ActorNodeOptions {
  id: NodeId;
  /** Where to send traffic for another node; undefined means that node is gone. */
  linkTo: (node: NodeId) => Link | undefined;
}

export class ActorNode {
  readonly id: NodeId;
  readonly lifecycle$ = new Subject<LifecycleEvent>();
  private readonly system = nact.start();
  private readonly asks = new AskTable();
  private readonly actors = new Map<string, Hosted>();
  private readonly kinds = new Map<string, AnyBehavior>();
  private readonly monitors = new Map<string, Array<(reason: ExitReason) => void>>();
  private readonly downNodes = new Set<NodeId>();
  private linkTo: (node: NodeId) => Link | undefined;
  private readonly lag = monitorEventLoopDelay({ resolution: 10 });
  private deadLetterCount = 0;
  private closed = false;

  constructor(opts: ActorNodeOptions) {
    this.id = opts.id;
    this.linkTo = opts.linkTo;
    this.lag.enable();
  }

  /** The primary sets its links once the worker pool exists. */
  setLinks(linkTo: (node: NodeId) => Link | undefined): void {
    this.linkTo = linkTo;
  }

  get deadLetters(): number {
    return this.deadLetterCount;
  }

  get actorCount(): number {
    return this.actors.size;
  }

  registerKind<S, M extends Json, R extends Json>(name: string, behavior: ActorBehavior<S, M, R, JsonObject>): void {
    if (this.kinds.has(name)) throw new Error(`actor kind "${name}" is already registered`);
    this.kinds.set(name, behavior as unknown as AnyBehavior);
  }

  // ---- sending -----------------------------------------------------------

  tell<M extends Json>(ref: ActorRef<M, Json>, msg: M): void {
    if (ref.node === this.id) return this.deliverTell(ref.path, msg);
    const link = this.downNodes.has(ref.node) ? undefined : this.linkTo(ref.node);
    if (!link || !link.send({ t: 'tell', to: { node: ref.node, path: ref.path }, msg })) this.deadLetter(ref, 'node is gone');
  }

  ask<M extends Json, R extends Json>(ref: ActorRef<M, R>, msg: M, timeoutMs: number): Promise<R> {
    if (this.closed) return Promise.reject(new ActorRuntimeError(RuntimeStopped, 'the actor runtime has stopped'));
    const { id, reply } = this.asks.open(ref.node, timeoutMs, `${ref.path} on node ${ref.node}`);
    if (ref.node === this.id) {
      this.deliverAsk(ref.path, msg, id, this.id);
    } else {
      const link = this.downNodes.has(ref.node) ? undefined : this.linkTo(ref.node);
      if (!link || !link.send({ t: 'ask', to: { node: ref.node, path: ref.path }, msg, id, from: this.id })) {
        this.asks.reject(id, nodeDown(ref.node));
      }
    }
    return reply as Promise<R>;
  }

  /** Asks a node's own control endpoint (spawn, stop, signal). */
  control(node: NodeId, req: ControlRequest, timeoutMs: number): Promise<Json> {
    return this.ask({ node, path: NODE_PATH }, req as unknown as Json, timeoutMs);
  }

  /**
   * Spawns an actor on another node and hands it an OS handle (a client
   * socket), sent with the request over the IPC channel: the handle then
   * belongs to that process and this one's copy is closed. Fails like any
   * ask when the node is gone; the caller still owns the handle then.
   */
  spawnWithHandle(node: NodeId, req: Extract<ControlRequest, { op: 'spawn' }>, handle: SendHandle, timeoutMs: number): Promise<Json> {
    if (this.closed) return Promise.reject(new ActorRuntimeError(RuntimeStopped, 'the actor runtime has stopped'));
    const msg = { ...req, handle: true } as unknown as Json;
    const { id, reply } = this.asks.open(node, timeoutMs, `spawn ${req.path} on node ${node}`);
    if (node === this.id) {
      this.runControl(msg as unknown as ControlRequest, handle).then(
        (value) => this.asks.resolve(id, value),
        (err: unknown) => this.asks.reject(id, err instanceof Error ? err : new Error(String(err))),
      );
    } else {
      const link = this.downNodes.has(node) ? undefined : this.linkTo(node);
      if (!link || !link.send({ t: 'ask', to: { node, path: NODE_PATH }, msg, id, from: this.id }, handle)) this.asks.reject(id, nodeDown(node));
    }
    return reply;
  }

  // ---- receiving ---------------------------------------------------------

  /** Entry point for everything that arrives over a Link (with the OS handle that came along, if any). */
  receive(wire: Wire, handle?: SendHandle): void {
    switch (wire.t) {
      case 'tell':
        if (wire.to.node === this.id) this.deliverTell(wire.to.path, wire.msg);
        else this.forward(wire.to.node, wire, () => this.deadLetter(wire.to, 'node is gone'));
        return;
      case 'ask':
        if (wire.to.node === this.id) this.deliverAsk(wire.to.path, wire.msg, wire.id, wire.from, handle);
        else this.forward(wire.to.node, wire, () => this.sendReply(wire.from, wire.id, { error: errorInfo(nodeDown(wire.to.node)) }));
        return;
      case 'reply':
        if (wire.to === this.id) {
          if (wire.ok) this.asks.resolve(wire.id, wire.value);
          else this.asks.reject(wire.id, fromErrorInfo(wire.error));
        } else this.forward(wire.to, wire, () => undefined);
        return;
      case 'exit':
        this.fireMonitors(wire.ref, wire.reason);
        return;
      case 'node-down':
        this.markNodeDown(wire.node);
        return;
      case 'ready':
      case 'fatal':
        return; // process-level messages: the worker pool handles them
    }
  }

  /**
   * A node is gone: fail every ask waiting on it and, in the primary, tell the
   * monitors of the actors it hosted.
   */
  markNodeDown(node: NodeId, pid = 0): void {
    this.downNodes.add(node);
    this.asks.rejectNode(node, () => nodeDown(node));
    for (const key of [...this.monitors.keys()]) {
      if (key.startsWith(`${node}|`)) {
        const path = key.slice(key.indexOf('|') + 1);
        this.fireMonitors({ node, path }, { kind: 'node-down', pid });
      }
    }
  }

  /**
   * Primary only: call `onDown` once when the actor ends, however it ends.
   * Register it before asking for the spawn: an actor that dies at once may
   * report its exit in the same read of the IPC channel as the spawn reply.
   * Returns a function that cancels the monitor.
   */
  monitor(ref: RefData, onDown: (reason: ExitReason) => void): () => void {
    if (this.downNodes.has(ref.node)) {
      queueMicrotask(() => onDown({ kind: 'node-down', pid: 0 }));
      return () => undefined;
    }
    const key = `${ref.node}|${ref.path}`;
    const list = this.monitors.get(key);
    if (list) list.push(onDown);
    else this.monitors.set(key, [onDown]);
    return () => {
      const l = this.monitors.get(key);
      if (!l) return;
      const rest = l.filter((cb) => cb !== onDown);
      if (rest.length) this.monitors.set(key, rest);
      else this.monitors.delete(key);
    };
  }

  // ---- hosting -----------------------------------------------------------

  /** Spawns an actor of a registered kind (what another process can ask for). */
  spawn(kind: string, path: string, args: JsonObject, meta: SpawnMeta, handle?: SendHandle): RefData {
    const behavior = this.kinds.get(kind);
    if (!behavior) throw new Error(`unknown actor kind "${kind}" on node ${this.id}`);
    return this.host(kind, behavior, path, args, meta, handle);
  }

  /** Spawns an actor of this process only; its start arguments need not be JSON. */
  spawnLocal<S, M extends Json, R extends Json, A>(behavior: ActorBehavior<S, M, R, A>, path: string, args: A, meta: SpawnMeta): ActorRef<M, R> {
    return this.host(meta.role, behavior as unknown as AnyBehavior, path, args, meta);
  }

  private host(kind: string, behavior: AnyBehavior, path: string, args: unknown, meta: SpawnMeta, handle?: SendHandle): RefData {
    if (this.closed) throw new ActorRuntimeError(RuntimeStopped, 'the actor runtime has stopped');
    if (path === NODE_PATH || this.actors.has(path)) throw new Error(`an actor at "${path}" already exists on node ${this.id}`);
    const ref: RefData = { node: this.id, path };
    let resolveExit!: (reason: ExitReason) => void;
    const exited = new Promise<ExitReason>((r) => (resolveExit = r));
    const hosted: Hosted = {
      ref,
      kind,
      behavior,
      meta,
      done: false,
      state: undefined,
      handle,
      exited,
      resolveExit,
      nactRef: nact.spawn(this.system, (state: unknown, env: Envelope) => this.handle(hosted, state, env), undefined, {
        // nact's typings say Envelope[], its run time hands { message, sender }[].
        afterStop: (_state: unknown, ctx: { mailbox: unknown[] }) => this.failQueued(ctx.mailbox),
      }),
    };
    this.actors.set(path, hosted);
    this.lifecycle$.next({ type: 'spawned', ref, kind, meta, at: Date.now() });
    nact.dispatch(hosted.nactRef, { k: 'init', args });
    return ref;
  }

  /**
   * Ask a local actor to stop; if it has not ended within `timeoutMs` it is
   * dropped (reason `killed`): its mailbox is discarded and its pending
   * asks fail. JavaScript cannot preempt a running handler, so a handler that
   * never yields is the worker process's problem (the postmaster kills it).
   */
  async stop(path: string, timeoutMs: number): Promise<ExitReason> {
    const hosted = this.actors.get(path);
    if (!hosted) return { kind: 'shutdown' };
    nact.dispatch(hosted.nactRef, { k: 'stop' });
    if (hosted.behavior.interrupt && hosted.state !== undefined) {
      try {
        hosted.behavior.interrupt(hosted.state);
      } catch {
        // an interrupt that fails leaves the stop to its timeout
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const result = await Promise.race([hosted.exited, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.finish(hosted, { kind: 'killed' });
      return { kind: 'killed' };
    }
    return result;
  }

  signal(path: string | null, signal: Signal): number {
    const targets = path === null ? [...this.actors.values()] : [this.actors.get(path)].filter((h): h is Hosted => h !== undefined);
    for (const h of targets) nact.dispatch(h.nactRef, { k: 'signal', signal });
    return targets.length;
  }

  stats(): NodeStats {
    const s: NodeStats = {
      pid: process.pid,
      actors: this.actors.size,
      deadLetters: this.deadLetterCount,
      eventLoopLagP99Ms: round(this.lag.percentile(99) / 1e6),
      eventLoopLagMaxMs: round(this.lag.max / 1e6),
      rssBytes: process.memoryUsage.rss(),
    };
    this.lag.reset();
    return s;
  }

  /** Stops every local actor (reverse spawn order) and refuses further work. */
  async close(timeoutMs: number): Promise<void> {
    for (const path of [...this.actors.keys()].reverse()) await this.stop(path, timeoutMs);
    this.closed = true;
    this.lag.disable();
    this.asks.rejectAll(() => new ActorRuntimeError(RuntimeStopped, 'the actor runtime has stopped'));
    nact.stop(this.system);
  }

  // ---- internals ---------------------------------------------------------

  private async handle(hosted: Hosted, state: unknown, env: Envelope): Promise<unknown> {
    if (hosted.done) {
      if (env.k === 'msg' && env.ask) this.sendReply(env.ask.from, env.ask.id, { error: errorInfo(stopped(hosted.ref.path)) });
      return state;
    }
    const ask = env.k === 'msg' ? env.ask : null;
    const ctx = new HandlerContext(this, hosted, ask);
    try {
      switch (env.k) {
        case 'init':
          ctx.handle = hosted.handle;
          hosted.handle = undefined;
          state = hosted.state = await hosted.behavior.init(env.args, ctx);
          if (!hosted.done) this.lifecycle$.next({ type: 'running', ref: hosted.ref, kind: hosted.kind, meta: hosted.meta, at: Date.now() });
          break;
        case 'msg':
          state = hosted.state = await hosted.behavior.receive(state, env.msg, ctx);
          if (ask && !ctx.replied) ctx.fail(new Error(`${hosted.ref.path} handled the ask without replying`));
          break;
        case 'signal':
          if (hosted.behavior.onSignal) state = await hosted.behavior.onSignal(state, env.signal, ctx);
          else if (env.signal.type === 'terminate') ctx.stopSelf();
          break;
        case 'stop':
          await hosted.behavior.terminate?.(state, ctx);
          this.finish(hosted, { kind: 'shutdown' });
          return state;
      }
      if (ctx.stopAfter) {
        await hosted.behavior.terminate?.(state, ctx);
        this.finish(hosted, { kind: 'normal' });
      }
    } catch (err) {
      if (ask && !ctx.replied) this.sendReply(ask.from, ask.id, { error: errorInfo(new ActorRuntimeError(ActorCrashed, `${hosted.ref.path} crashed: ${errorInfo(err).message}`)) });
      this.finish(hosted, { kind: 'crash', error: errorInfo(err) });
    } finally {
      ctx.replied = true; // a reply after the handler returned would answer nothing
    }
    return state;
  }

  private finish(hosted: Hosted, reason: ExitReason): void {
    if (hosted.done) return;
    hosted.done = true;
    this.actors.delete(hosted.ref.path);
    nact.stop(hosted.nactRef);
    hosted.resolveExit(reason);
    this.lifecycle$.next({ type: 'exited', ref: hosted.ref, kind: hosted.kind, meta: hosted.meta, reason, at: Date.now() });
    if (this.id === PRIMARY_NODE) this.fireMonitors(hosted.ref, reason);
    else this.linkTo(PRIMARY_NODE)?.send({ t: 'exit', ref: hosted.ref, reason });
  }

  private failQueued(mailbox: unknown[]): void {
    for (const item of mailbox) {
      const message = (typeof item === 'object' && item !== null && 'message' in item ? item.message : item) as Envelope;
      if (message.k === 'msg' && message.ask)
        this.sendReply(message.ask.from, message.ask.id, { error: errorInfo(new ActorRuntimeError(ActorStopped, 'the actor stopped before handling the ask')) });
    }
  }

  /** @internal for HandlerContext */
  deliverTell(path: string, msg: Json): void {
    const hosted = this.actors.get(path);
    if (!hosted || hosted.done) return this.deadLetter({ node: this.id, path }, 'no such actor');
    nact.dispatch(hosted.nactRef, { k: 'msg', msg, ask: null });
  }

  private deliverAsk(path: string, msg: Json, id: number, from: NodeId, handle?: SendHandle): void {
    if (path === NODE_PATH) {
      this.runControl(msg as unknown as ControlRequest, handle).then(
        (value) => this.sendReply(from, id, { value }),
        (err: unknown) => this.sendReply(from, id, { error: errorInfo(err) }),
      );
      return;
    }
    const hosted = this.actors.get(path);
    if (!hosted || hosted.done) {
      this.deadLetter({ node: this.id, path }, 'no such actor');
      this.sendReply(from, id, { error: errorInfo(new ActorRuntimeError(NoSuchActor, `no actor at ${path} on node ${this.id}`)) });
      return;
    }
    nact.dispatch(hosted.nactRef, { k: 'msg', msg, ask: { id, from } });
  }

  private async runControl(req: ControlRequest, handle?: SendHandle): Promise<Json> {
    switch (req.op) {
      case 'spawn':
        if (req.handle && !handle) throw new Error(`spawn of ${req.path}: the handle sent with the request did not arrive`);
        try {
          return this.spawn(req.kind, req.path, req.args, req.meta, req.handle ? handle : undefined) as unknown as Json;
        } catch (err) {
          destroyHandle(handle); // nobody else will own it
          throw err;
        }
      case 'stop':
        return (await this.stop(req.path, req.timeoutMs)) as unknown as Json;
      case 'signal':
        return this.signal(req.path, req.signal);
    }
  }

  /** @internal for HandlerContext */
  sendReply(to: NodeId, id: number, result: { value: Json } | { error: ErrorInfo }): void {
    if (to === this.id) {
      if ('value' in result) this.asks.resolve(id, result.value);
      else this.asks.reject(id, fromErrorInfo(result.error));
      return;
    }
    const wire: Wire = 'value' in result ? { t: 'reply', to, id, ok: true, value: result.value } : { t: 'reply', to, id, ok: false, error: result.error };
    this.forward(to, wire, () => undefined);
  }

  private forward(node: NodeId, wire: Wire, onGone: () => void): void {
    const link = this.downNodes.has(node) ? undefined : this.linkTo(node);
    if (!link || !link.send(wire)) onGone();
  }

  private fireMonitors(ref: RefData, reason: ExitReason): void {
    const key = `${ref.node}|${ref.path}`;
    const list = this.monitors.get(key);
    if (!list) return;
    this.monitors.delete(key);
    for (const cb of list) cb(reason);
  }

  private deadLetter(to: RefData, why: string): void {
    this.deadLetterCount++;
    if (this.deadLetterCount === 1 || this.deadLetterCount % 1000 === 0) {
      process.emitWarning(`dead letter to ${to.path} on node ${to.node} (${why}); ${this.deadLetterCount} so far`, 'ActorDeadLetter');
    }
  }
}

/**
 * The context of one message: a small object per message (no closures), so
 * that a reply always answers the message it belongs to.
 */
class HandlerContext implements ActorContext<Json, Json> {
  replied = false;
  stopAfter = false;
  handle: SendHandle | undefined = undefined;

  constructor(
    readonly node: ActorNode,
    private readonly hosted: Hosted,
    private readonly ask: { id: number; from: NodeId } | null,
  ) {}

  get self(): RefData {
    return this.hosted.ref;
  }

  get meta(): SpawnMeta {
    return this.hosted.meta;
  }

  get asked(): boolean {
    return this.ask !== null;
  }

  reply(value: Json): void {
    this.answer({ value });
  }

  fail(error: unknown): void {
    this.answer({ error: errorInfo(error) });
  }

  stopSelf(): void {
    this.stopAfter = true;
  }

  setTimer(ms: number, msg: Json): () => void {
    const path = this.hosted.ref.path;
    const t = setTimeout(() => this.node.deliverTell(path, msg), ms);
    return () => clearTimeout(t);
  }

  private answer(result: { value: Json } | { error: ErrorInfo }): void {
    if (!this.ask) throw new Error('reply() outside an ask');
    if (this.replied) throw new Error('reply() called twice, or after the handler returned');
    this.replied = true;
    this.node.sendReply(this.ask.from, this.ask.id, result);
  }
}

function destroyHandle(handle: SendHandle | undefined): void {
  if (handle && 'destroy' in handle && typeof handle.destroy === 'function') handle.destroy();
  else if (handle && 'close' in handle && typeof handle.close === 'function') handle.close();
}

function nodeDown(node: NodeId): Error {
  return new ActorRuntimeError(NodeDown, `node ${node} is gone (its worker process exited)`);
}

function stopped(path: string): Error {
  return new ActorRuntimeError(ActorStopped, `actor ${path} has stopped`);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
