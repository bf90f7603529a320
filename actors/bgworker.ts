/*
 * Background worker: user code run as a supervised actor on a worker process
 * (PostgreSQL's bgworker.c, RegisterBackgroundWorker).
 *
 * Lifecycle: registered through `registerBackgroundWorker` (API) or by a
 * module of `shared_preload_libraries` (CLI); the postmaster puts each one
 * under a supervisor of its own (its restart intensity and backoff) and places
 * it on the least loaded worker process. The actor imports the module in the
 * worker and calls its export (`main` unless told otherwise) with a context.
 *
 * Normal end: main's promise resolves (a transient worker is then not
 * restarted), or a stop request aborts `ctx.signal` and main returns. Crash:
 * main throws or rejects; the supervisor restarts it with backoff, and once
 * its intensity is exceeded escalates as configured: `stop` gives up on this
 * worker only, `shutdown` shuts the cluster down. If its worker process dies,
 * a permanent background worker is started again on another worker.
 */
import { randomUUID } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BehaviorSubject } from 'rxjs';
import type { Observable } from 'rxjs';
import type { ActorBehavior, ActorContext } from '../supervision/actorNode.ts';
import { defaultBackoff, defaultIntensity } from '../supervision/childSpec.ts';
import type { Backoff, ChildSpec, RestartKind } from '../supervision/childSpec.ts';
import { errorInfo, isJson } from '../supervision/types.ts';
import type { ErrorInfo, Json, JsonObject } from '../supervision/types.ts';
import { elog } from '../utils/elog.ts';
import type { Level } from '../utils/elog.ts';

export interface BackgroundWorkerContext {
  readonly name: string;
  /** `config` from the registration. */
  readonly config: JsonObject;
  /** How often this worker was restarted so far. */
  readonly restarts: number;
  /** Aborted when the worker is asked to stop; main should then return. */
  readonly signal: AbortSignal;
  /** Current settings; `settings$` emits after each reload. */
  settings(): Readonly<Record<string, string>>;
  readonly settings$: Observable<Readonly<Record<string, string>>>;
  /** Serve asks sent to this worker (cluster.backgroundWorker(name).ask(...)). */
  onMessage(handler: (msg: Json) => Json | Promise<Json>): void;
  /** Resolves when `signal` aborts: `await ctx.untilStopped()` keeps a serving worker alive. */
  untilStopped(): Promise<void>;
  log(level: Level, message: string): void;
}

export type BackgroundWorkerMain = (ctx: BackgroundWorkerContext) => void | Promise<void>;

export interface BackgroundWorkerSpec {
  name: string;
  /** The module (absolute path, file: URL or package name) and its export to run. */
  start: { module: string; export?: string };
  restart?: {
    kind?: RestartKind;
    maxRestarts?: number;
    withinMs?: number;
    backoff?: Partial<Backoff>;
    shutdownMs?: number;
    /** After too many restarts: give up on this worker only, or shut the cluster down. */
    escalate?: 'stop' | 'shutdown';
  };
  config?: JsonObject;
}

/** The child spec the postmaster supervises: a supervisor of its own around the worker actor. */
export function bgworkerChildSpec(spec: BackgroundWorkerSpec, settings: Readonly<Record<string, string>>, baseDir = process.cwd()): ChildSpec {
  if (!/^[A-Za-z0-9_.-]{1,63}$/.test(spec.name)) throw new Error(`invalid background worker name "${spec.name}" (letters, digits, _ . -)`);
  if (!spec.start?.module) throw new Error(`background worker "${spec.name}": start.module is required`);
  const r = spec.restart ?? {};
  const shutdownMs = r.shutdownMs ?? 5000;
  if (r.escalate !== undefined && r.escalate !== 'stop' && r.escalate !== 'shutdown') throw new Error(`background worker "${spec.name}": escalate must be stop or shutdown`);
  const config = spec.config ?? {};
  if (!isJson(config)) throw new Error(`background worker "${spec.name}": config must be JSON`);
  return {
    id: `bgworker:${spec.name}`,
    restart: 'temporary',
    significant: r.escalate === 'shutdown',
    shutdownMs: shutdownMs + 1000,
    start: {
      supervisor: {
        name: `bgworker:${spec.name}`,
        strategy: 'one_for_one',
        intensity: { maxRestarts: r.maxRestarts ?? defaultIntensity.maxRestarts, withinMs: r.withinMs ?? defaultIntensity.withinMs },
        backoff: { ...defaultBackoff, ...r.backoff },
        autoShutdown: 'never',
        children: [
          {
            id: spec.name,
            restart: r.kind ?? 'permanent',
            shutdownMs,
            start: {
              kind: 'bgworker',
              role: 'bgworker',
              name: spec.name,
              placement: 'worker',
              args: { name: spec.name, module: moduleSpecifier(spec.start.module, baseDir), export: spec.start.export ?? 'main', config, settings: { ...settings } },
            },
          },
        ],
      },
    },
  };
}

function moduleSpecifier(module: string, baseDir: string): string {
  if (module.startsWith('file:')) return module;
  if (isAbsolute(module) || module.startsWith('.')) return pathToFileURL(resolve(baseDir, module)).href;
  return module; // a package name, resolved by the worker
}

// ---- the actor ---------------------------------------------------------------

interface State {
  nonce: string;
  abort: AbortController;
  handler: ((msg: Json) => Json | Promise<Json>) | null;
  settings$: BehaviorSubject<Readonly<Record<string, string>>>;
  running: Promise<void>;
}

type Exit = { $bgworker: string; exit: 'normal' } | { $bgworker: string; exit: 'crash'; error: ErrorInfo };

function isExit(msg: Json, nonce: string): msg is Exit & Json {
  return typeof msg === 'object' && msg !== null && !Array.isArray(msg) && msg['$bgworker'] === nonce;
}

export const bgworker: ActorBehavior<State, Json, Json> = {
  async init(args, ctx) {
    const name = String(args['name']);
    const exportName = String(args['export']);
    const mod: Record<string, unknown> = await import(String(args['module']));
    const main = mod[exportName];
    if (typeof main !== 'function') throw new Error(`background worker "${name}": module ${String(args['module'])} has no function export "${exportName}"`);
    const settings = (args['settings'] ?? {}) as Record<string, string>;
    const state: State = {
      nonce: randomUUID(),
      abort: new AbortController(),
      handler: null,
      settings$: new BehaviorSubject<Readonly<Record<string, string>>>(settings),
      running: Promise.resolve(),
    };
    const signal = state.abort.signal;
    const context: BackgroundWorkerContext = {
      name,
      config: (args['config'] ?? {}) as JsonObject,
      restarts: ctx.meta.restarts,
      signal,
      settings: () => state.settings$.value,
      settings$: state.settings$.asObservable(),
      onMessage: (h) => {
        state.handler = h;
      },
      untilStopped: () => (signal.aborted ? Promise.resolve() : new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }))),
      log: (level, message) => elog(level, `background worker "${name}": ${message}`),
    };
    // main runs beside the mailbox: its end, normal or not, comes back as a message.
    state.running = Promise.resolve()
      .then(() => (main as BackgroundWorkerMain)(context))
      .then(
        () => ctx.node.tell(ctx.self, { $bgworker: state.nonce, exit: 'normal' }),
        (err: unknown) => ctx.node.tell(ctx.self, { $bgworker: state.nonce, exit: 'crash', error: errorInfo(err) as unknown as Json }),
      );
    return state;
  },

  async receive(state, msg, ctx: ActorContext<Json, Json>) {
    if (isExit(msg, state.nonce)) {
      if (msg.exit === 'crash') throw Object.assign(new Error(msg.error.message), { name: msg.error.name, stack: msg.error.stack });
      ctx.stopSelf();
      return state;
    }
    if (!state.handler) throw new Error('this background worker does not take messages (it did not call ctx.onMessage)');
    const reply = await state.handler(msg);
    if (ctx.asked) ctx.reply(isJson(reply) ? reply : null);
    return state;
  },

  onSignal(state, signal, ctx) {
    switch (signal.type) {
      case 'reload':
        state.settings$.next(signal.settings);
        break;
      case 'terminate':
        ctx.stopSelf();
        break;
      case 'shutdown':
        state.abort.abort();
        break;
    }
    return state;
  },

  async terminate(state) {
    state.abort.abort();
    await state.running;
    state.settings$.complete();
  },
};
