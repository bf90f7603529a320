/*
 * The embedding API: startCluster() boots a postmaster in this process; the
 * returned Cluster is the handle to it (events, background workers, reload,
 * stop). `actorgres server` is this same code behind a command line.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Subject } from 'rxjs';
import type { Observable } from 'rxjs';
import { postmaster } from './actors/postmaster.ts';
import type { ClusterEvent, ListenInfo, PMState, PostmasterMsg } from './actors/postmaster.ts';
export type { ClusterEvent } from './actors/postmaster.ts';
import type { BackgroundWorkerSpec } from './actors/bgworker.ts';
import { ActorNode } from './supervision/actorNode.ts';
import { ActorRuntimeError, NoSuchActor } from './supervision/errors.ts';
import { describeExit, PRIMARY_NODE } from './supervision/types.ts';
import type { ActorRef, ExitReason, Json, JsonObject } from './supervision/types.ts';
import type { RefData, ShutdownMode } from './supervision/wire.ts';
import { checkDataDirectory, confPath } from './utils/dataDir.ts';
import { StorageEngine } from './storage/engine.ts';
import { backend } from './actors/backend.ts';
import { Session } from './session.ts';
import { closeSqlProcesses } from './sql/sqlProcess.ts';
import { readRoles } from './utils/authid.ts';
import { setLogSink } from './utils/elog.ts';
import { defaultSettings, normalizeSetting, parseConfFile } from './utils/guc.ts';

export interface ClusterOptions {
  /** An initialized data directory (see initDataDirectory / `actorgres init`). */
  dataDir: string;
  /** Worker processes; default: the `node_workers` setting (0 = one per CPU). */
  workers?: number;
  /** An external Redis; default: a private redis-server on a unix socket in dataDir. */
  redisUrl?: string;
  /** Prefix of every Redis key of this cluster (default `ag:`). */
  keyPrefix?: string;
  /**
   * Client connections over the wire protocol: TCP on `host` (default: the
   * listen_addresses setting, 'localhost') and `port` (default: the port
   * setting; 0 = any free port), plus the unix socket DIR/.s.PGSQL.<port>.
   * `false` or left out: no sockets (embedded sessions only).
   */
  listen?: { port?: number; host?: string } | false;
  /** Settings that win over actorgres.conf (PostgreSQL names, e.g. { log_min_messages: 'log' }). */
  settings?: Record<string, string | number | boolean>;
  backgroundWorkers?: BackgroundWorkerSpec[];
  /** Where server log lines go (default: stderr). */
  log?: (line: string) => void;
  /**
   * Called with every cluster event from the very start, before startCluster
   * resolves: the start-up's `recovery` progress included (cluster.events
   * only exists once the cluster runs).
   */
  onEvent?: (event: ClusterEvent) => void;
  /**
   * Log redo progress every 10% (default true). Turn it off when the
   * `recovery` events are drawn instead, as `actorgres server` does on a terminal.
   */
  recoveryProgressLog?: boolean;
}

export interface ClusterStatus {
  state: PMState;
  pid: number;
  redis: string;
  /** Where clients connect, or null when the cluster does not listen. */
  listen: ListenInfo | null;
  /** Client connections (network sessions), authenticating or running. */
  connections: number;
  workers: Array<{ node: number; pid: number; ready: boolean; load: number }>;
  bgworkers: string[];
}

export interface BackgroundWorkerHandle {
  /** Where it runs now, or null while it is not running. */
  ref(): RefData | null;
  /** Ask it (its ctx.onMessage handler); fails at once if it is not running or its worker died. */
  ask(msg: Json, timeoutMs: number): Promise<Json>;
  tell(msg: Json): void;
}

type PostmasterRef = ActorRef<PostmasterMsg, Json>;

/** Where each supervised actor child runs now, kept from the supervision events. */
class Directory {
  readonly refs = new Map<string, RefData>();
  stopReason = 'postmaster exited';

  constructor(events: Observable<ClusterEvent>) {
    events.subscribe((e) => {
      if ((e.type === 'started' || e.type === 'restarted') && e.ref) this.refs.set(e.child, e.ref);
      else if (e.type === 'crashed' || e.type === 'exited') this.refs.delete(e.child);
      else if (e.type === 'stopped') this.stopReason = e.reason;
    });
  }
}

const STATUS_TIMEOUT_MS = 10_000;

export class Cluster {
  readonly events: Observable<ClusterEvent>;
  private localBackends = 0;
  /** Resolves with the reason once the cluster has stopped, by request or because it gave up. */
  readonly stopped: Promise<string>;

  /** @internal use startCluster */
  constructor(
    readonly dataDir: string,
    private readonly redisUrl: string,
    private readonly keyPrefix: string,
    private readonly node: ActorNode,
    private readonly pm: PostmasterRef,
    events: Subject<ClusterEvent>,
    private readonly directory: Directory,
    exited: Promise<ExitReason>,
    /** Where clients connect (null: not listening). */
    readonly listening: ListenInfo | null,
    /** The bootstrap superuser, the user of connectionString. */
    private readonly superuser: string,
  ) {
    this.events = events.asObservable();
    this.stopped = exited.then(async (exit) => {
      await node.close(1000);
      await closeSqlProcesses(dataDir); // the engine of 'local' sessions
      return exit.kind === 'crash' ? `postmaster crashed: ${describeExit(exit)}` : directory.stopReason;
    });
  }

  /**
   * A node-postgres connection string for this cluster's superuser and the
   * `postgres` database (postgresql://user@127.0.0.1:PORT/postgres); over
   * the unix socket when there is no TCP address. Throws when not listening.
   */
  get connectionString(): string {
    const l = this.listening;
    if (!l) throw new Error('the cluster does not listen for client connections (start it with listen: { port })');
    const user = encodeURIComponent(this.superuser);
    const host = l.addresses[0];
    if (host !== undefined) return `postgresql://${user}@${host.includes(':') ? `[${host}]` : host}:${l.port}/postgres`;
    return `postgresql://${user}@/postgres?host=${encodeURIComponent(l.socketDir ?? this.dataDir)}&port=${l.port}`;
  }

  async status(): Promise<ClusterStatus> {
    return (await this.node.ask(this.pm, { type: 'status' }, STATUS_TIMEOUT_MS)) as unknown as ClusterStatus;
  }

  /** Re-reads actorgres.conf and pushes changed settings to the actors; returns the changed names. */
  async reload(): Promise<string[]> {
    const r = await this.node.ask(this.pm, { type: 'reload' }, STATUS_TIMEOUT_MS);
    return (r as { changed: string[] }).changed;
  }

  /** Runs a checkpoint now (SQL's CHECKPOINT) and returns what it did. */
  async checkpoint(): Promise<{ redoLsn: number; checkpointLsn: number; pagesWritten: number; segmentsRemoved: number }> {
    return (await this.node.ask(this.pm, { type: 'checkpoint' }, 60 * 60_000)) as unknown as {
      redoLsn: number;
      checkpointLsn: number;
      pagesWritten: number;
      segmentsRemoved: number;
    };
  }

  /**
   * The storage engine of this process, attached to the cluster's shared
   * memory and data directory: the typed storage API (relations and
   * transactions) that SQL sessions will run on. Close it when done.
   */
  async storage(): Promise<StorageEngine> {
    const status = await this.status();
    return StorageEngine.open({
      dataDir: this.dataDir,
      redisAddress: status.redis.startsWith('unix:') ? status.redis : this.redisUrl,
      keyPrefix: this.keyPrefix,
      name: `actorgres:embedded:${process.pid}`,
    });
  }

  /**
   * Opens a session (DESIGN.md 4): a backend actor on the least loaded worker
   * process (placement 'worker', the default: a crash there ends only the
   * sessions on that worker) or in this process ('local': no IPC hop).
   */
  async connect(opts: { user?: string; database?: string; placement?: 'worker' | 'local' } = {}): Promise<Session> {
    const user = opts.user ?? process.env['USER'] ?? 'postgres';
    const database = opts.database ?? 'postgres';
    if (opts.placement === 'local') {
      const status = await this.status();
      const path = `backend:local:${++this.localBackends}`;
      const args = { dataDir: this.dataDir, redisAddress: status.redis.startsWith('unix:') ? status.redis : this.redisUrl, keyPrefix: this.keyPrefix, user, database };
      const ref = this.node.spawnLocal(backend, path, args, { role: 'backend', name: path, restarts: 0 });
      return new Session(this.node, { node: ref.node, path: ref.path });
    }
    const ref = (await this.node.ask(this.pm, { type: 'spawn-backend', user, database }, STATUS_TIMEOUT_MS)) as unknown as RefData;
    return new Session(this.node, ref);
  }

  /** Starts a background worker now (PostgreSQL's RegisterDynamicBackgroundWorker). */
  async registerBackgroundWorker(spec: BackgroundWorkerSpec): Promise<void> {
    await this.node.ask(this.pm, { type: 'register-bgworker', spec: spec as unknown as JsonObject }, STATUS_TIMEOUT_MS);
  }

  backgroundWorker(name: string): BackgroundWorkerHandle {
    const where = () => this.directory.refs.get(name) ?? null;
    return {
      ref: where,
      ask: (msg, timeoutMs) => {
        const ref = where();
        if (!ref) return Promise.reject(new ActorRuntimeError(NoSuchActor, `background worker "${name}" is not running`));
        return this.node.ask(ref, msg, timeoutMs);
      },
      tell: (msg) => {
        const ref = where();
        if (ref) this.node.tell(ref, msg);
      },
    };
  }

  /** pg_ctl stop's modes: smart (default) and fast stop in order; immediate kills. */
  async stop(opts: { mode?: ShutdownMode } = {}): Promise<string> {
    const mode = opts.mode ?? 'smart';
    if (mode !== 'smart' && mode !== 'fast' && mode !== 'immediate') throw new Error(`invalid shutdown mode "${String(mode)}": use smart, fast or immediate`);
    await this.node.ask(this.pm, { type: 'stop', mode }, 5 * 60_000).catch((err: unknown) => {
      if (!(err instanceof ActorRuntimeError)) throw err; // already stopped or stopping: wait below
    });
    return this.stopped;
  }
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const listen = opts.listen === undefined || opts.listen === false ? null : opts.listen;
  if (listen && listen.port !== undefined && (!Number.isInteger(listen.port) || listen.port < 0 || listen.port > 65535)) {
    throw new RangeError(`listen.port must be an integer from 0 to 65535, got ${listen.port}`);
  }
  if (opts.log) setLogSink(opts.log);
  const dataDir = checkDataDirectory(opts.dataDir);
  const overrides: Record<string, string> = {};
  const put = (name: string, value: string | number | boolean) => {
    const [k, v] = normalizeSetting(name, typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value));
    overrides[k] = v;
  };
  for (const [k, v] of Object.entries(opts.settings ?? {})) put(k, v);
  if (opts.workers !== undefined) put('node_workers', opts.workers);
  if (opts.redisUrl !== undefined) put('redis_url', opts.redisUrl);
  if (opts.keyPrefix !== undefined) put('redis_key_prefix', opts.keyPrefix);
  const settings = { ...defaultSettings(), ...parseConfFile(confPath(dataDir)), ...overrides };
  const bgworkers = [...(await preloadLibraries(settings['shared_preload_libraries'] ?? '', dataDir)), ...(opts.backgroundWorkers ?? [])];

  const node = new ActorNode({ id: PRIMARY_NODE, linkTo: () => undefined });
  const events = new Subject<ClusterEvent>();
  if (opts.onEvent) events.subscribe(opts.onEvent);
  const directory = new Directory(events);
  const workerEntry = workerProgram();
  const pm = node.spawnLocal(
    postmaster,
    'postmaster',
    {
      dataDir,
      overrides,
      settings,
      workerExec: workerEntry.exec,
      workerExecArgv: workerEntry.execArgv,
      bgworkers,
      events,
      recoveryProgressLog: opts.recoveryProgressLog ?? true,
      listen: listen ? { ...(listen.port !== undefined ? { port: listen.port } : {}), ...(listen.host !== undefined ? { host: listen.host } : {}) } : null,
    },
    { role: 'postmaster', name: 'postmaster', restarts: 0 },
  );
  const exited = new Promise<ExitReason>((r) => node.monitor(pm, r));
  // The first ask is handled after the postmaster's start-up: it answers once the cluster runs.
  const ready = node.ask(pm, { type: 'status' }, 10 * 60_000);
  const outcome = await Promise.race([ready.then(() => null), exited]);
  const status = outcome ? null : ((await ready) as unknown as ClusterStatus);
  if (outcome || !status) {
    await node.close(1000);
    throw outcome?.kind === 'crash'
      ? Object.assign(new Error(outcome.error.message), { name: outcome.error.name })
      : new Error(`the postmaster ended during start-up (${outcome ? describeExit(outcome) : 'no status'})`);
  }
  const superuser = readRoles(dataDir).find((r) => r.rolsuper)?.rolname ?? process.env['USER'] ?? 'postgres';
  return new Cluster(dataDir, settings['redis_url'] ?? '', settings['redis_key_prefix'] ?? 'ag:', node, pm, events, directory, exited, status.listen, superuser);
}

/**
 * shared_preload_libraries: each module is imported here, in the postmaster's
 * process, and its `_PG_init({ registerBackgroundWorker })` export (if any)
 * registers background workers. Relative paths, and names of files in the data
 * directory, are taken relative to the data directory; other names are packages.
 */
async function preloadLibraries(list: string, dataDir: string): Promise<BackgroundWorkerSpec[]> {
  const specs: BackgroundWorkerSpec[] = [];
  for (const raw of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const local = isAbsolute(raw) || raw.startsWith('.') || existsSync(join(dataDir, raw));
    const url = raw.startsWith('file:') ? raw : local ? pathToFileURL(resolve(dataDir, raw)).href : raw;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(url)) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`could not load library "${raw}" (shared_preload_libraries): ${err instanceof Error ? err.message : String(err)}`);
    }
    const init = mod['_PG_init'];
    if (typeof init !== 'function') throw new Error(`library "${raw}" (shared_preload_libraries) has no _PG_init export`);
    await (init as (ctx: { registerBackgroundWorker(spec: BackgroundWorkerSpec): void }) => unknown)({
      registerBackgroundWorker: (spec) => void specs.push({ ...spec, start: { ...spec.start, module: absolutize(spec.start.module, dataDir) } }),
    });
  }
  return specs;
}

function absolutize(module: string, baseDir: string): string {
  return isAbsolute(module) || module.startsWith('.') ? resolve(baseDir, module) : module;
}

/** The worker program next to this file; under tsx its execArgv must load tsx too. */
function workerProgram(): { exec: string; execArgv: string[] } {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const exec = fileURLToPath(new URL(`./actors/workerMain${ext}`, import.meta.url));
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--inspect'));
  // An absolute URL: the worker's cwd need not see our node_modules.
  if (ext === '.ts' && !execArgv.some((a) => a.includes('tsx'))) execArgv.push('--import', import.meta.resolve('tsx'));
  return { exec, execArgv };
}
