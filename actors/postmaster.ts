/*
 * Postmaster: the supervisor of everything (PostgreSQL's postmaster.c).
 *
 * Lifecycle: spawned in the primary process by startCluster (directly, or by
 * `actorgres server`). Its start-up locks the data directory (postmaster.pid),
 * starts shared memory (the embedded redis-server, or attaches to
 * `redis_url`), the shared-memory manager actor, the worker processes and the
 * supervision tree (background workers, and later the auxiliary processes).
 *
 * Normal stop: `stop` with pg_ctl's modes. smart and fast stop the
 * supervision tree in reverse start order, then the workers, then Redis, and
 * remove postmaster.pid; immediate kills workers and Redis without clean-up
 * (the next start recovers).
 *
 * Crashes it handles: a worker process that dies takes only its own actors
 * with it: they are told `node-down`, their supervisors restart the permanent
 * ones elsewhere, the pool starts a replacement worker, and the shared-memory
 * manager removes the dead process's registry entries. Losing shared memory
 * (redis-server exits, or Redis comes back without our epoch) runs the
 * crash-restart cycle: stop every actor, start Redis again, reset the shared
 * state, start the supervision tree again. If the tree gives up (restart
 * intensity exceeded at the top, or a significant child ended) or worker
 * processes keep dying, the postmaster logs why and shuts the cluster down.
 *
 * If the postmaster itself dies, workers exit when their IPC channel closes
 * and the embedded Redis is killed by its wrapper; the next start finds a
 * stale postmaster.pid and replaces it.
 *
 * Rule: the postmaster never touches shared memory itself (no storage/
 * import); it asks the shmem actor.
 */
import { Subject } from 'rxjs';
import type { ActorBehavior, ActorContext, ActorNode } from '../supervision/actorNode.ts';
import { Placement } from '../supervision/placement.ts';
import { startEmbeddedRedis } from '../supervision/redisServer.ts';
import type { EmbeddedRedis } from '../supervision/redisServer.ts';
import { defaultBackoff } from '../supervision/childSpec.ts';
import type { ChildSpec, SupervisorSpec } from '../supervision/childSpec.ts';
import { Supervisor } from '../supervision/supervisor.ts';
import type { SupervisionEvent } from '../supervision/supervisor.ts';
import { describeExit, PRIMARY_NODE } from '../supervision/types.ts';
import type { ActorRef, Json, JsonObject } from '../supervision/types.ts';
import type { ShutdownMode } from '../supervision/wire.ts';
import { WorkerPool } from '../supervision/workerPool.ts';
import { elog, setLogMinMessages } from '../utils/elog.ts';
import type { Level } from '../utils/elog.ts';
import { intSetting, boolSetting, parseConfFile, resolveWorkers, settingContext } from '../utils/guc.ts';
import { confPath } from '../utils/dataDir.ts';
import { createPidFile, redactRedisAddress, removePidFile, updatePidFile } from '../utils/pidFile.ts';
import type { PidFileData, PidStatus } from '../utils/pidFile.ts';
import { openListeners } from '../protocol/listen.ts';
import type { Listeners } from '../protocol/listen.ts';
import { parseHba } from '../protocol/hba.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRoles } from '../utils/authid.ts';
import type { Role } from '../utils/authid.ts';
import { BackendList } from './backendList.ts';
import type { Refusal } from './backendList.ts';
import { bgworkerChildSpec } from './bgworker.ts';
import type { BackgroundWorkerSpec } from './bgworker.ts';
import { shmem } from './shmem.ts';
import type { ShmemMsg, ShmemReply } from './shmem.ts';
import type { RecoveryRelayMsg, StartupReport } from './startup.ts';

/** The postmaster's states (PostgreSQL's PMState). Only setState changes them. */
export enum PMState {
  /** Nothing started yet. */
  Init = 'init',
  /** Starting shared memory, the worker processes and the supervision tree. */
  Startup = 'startup',
  /** Normal operation. */
  Run = 'run',
  /** Shared memory was lost: every actor is being stopped and everything rebuilt. */
  CrashRestart = 'crash_restart',
  /** Shutdown requested: client sessions are ending (smart waits, fast terminates). */
  StopBackends = 'stop_backends',
  /** Sessions are gone: stopping the supervision tree, the workers and Redis. */
  Shutdown = 'shutdown',
  /** Everything is gone; the postmaster actor ends. */
  Stopped = 'stopped',
}

const TRANSITIONS: Record<PMState, readonly PMState[]> = {
  [PMState.Init]: [PMState.Startup],
  [PMState.Startup]: [PMState.Run, PMState.Shutdown, PMState.Stopped],
  [PMState.Run]: [PMState.CrashRestart, PMState.StopBackends, PMState.Stopped],
  [PMState.CrashRestart]: [PMState.Run, PMState.StopBackends, PMState.Stopped],
  [PMState.StopBackends]: [PMState.Shutdown, PMState.Stopped],
  [PMState.Shutdown]: [PMState.Stopped],
  [PMState.Stopped]: [],
};

export type ClusterEvent = { at: number } & (
  | SupervisionEvent
  | { type: 'state'; state: PMState }
  | { type: 'worker-ready'; node: number; pid: number }
  | { type: 'worker-exit'; node: number; pid: number; code: number | null; signal: string | null; error: string | null }
  | { type: 'crash-restart'; phase: 'begin' | 'end'; reason: string }
  /**
   * Crash recovery's redo, at every start and crash-restart: `begin` (0%), a
   * `progress` at every whole percent, `end` (100%, lsn = endLsn = where
   * valid WAL ended). Before the end, endLsn is where the WAL files end.
   */
  | { type: 'recovery'; phase: 'begin' | 'progress' | 'end'; lsn: number; endLsn: number; percent: number; records: number }
  | { type: 'reload'; changed: string[] }
  | { type: 'stopped'; reason: string }
);

export type PostmasterMsg =
  | { type: 'stop'; mode: ShutdownMode }
  | { type: 'reload' }
  | { type: 'register-bgworker'; spec: JsonObject }
  | { type: 'worker-ready'; node: number; pid: number }
  | { type: 'worker-exit'; node: number; pid: number; code: number | null; signal: string | null; error: string | null }
  | { type: 'redis-exit'; generation: number; code: number | null; signal: string | null }
  | { type: 'shmem-lost'; why: string; epoch: string }
  | { type: 'root-exited'; generation: number; reason: string; escalated: boolean }
  | { type: 'pool-gave-up'; why: string }
  | { type: 'status' }
  | { type: 'checkpoint' }
  /** A network session authenticated and asks for one of max_connections' slots; replies with a SlotReply. */
  | { type: 'backend-slot'; processId: number; superuser: boolean }
  /** A CancelRequest arrived on some connection: route it to the backend with that key. */
  | { type: 'cancel-request'; processId: number; secretKey: number }
  /** A new session: start a backend actor on the least loaded worker (BackendStartup); replies with its RefData. */
  | { type: 'spawn-backend'; user: string; database: string }
  /** Internal: one attempt to bring shared memory back during the crash-restart cycle. */
  | { type: 'reinit' };

export interface PostmasterArgs {
  dataDir: string;
  /** Settings given by the embedding code or the command line: they win over actorgres.conf, also on reload. */
  overrides: Record<string, string>;
  /** Settings in effect at start (defaults < actorgres.conf < overrides). */
  settings: Record<string, string>;
  workerExec: string;
  workerExecArgv: string[];
  bgworkers: BackgroundWorkerSpec[];
  events: Subject<ClusterEvent>;
  /** Log redo progress every 10% (off when someone draws it from the `recovery` events instead). */
  recoveryProgressLog: boolean;
  /**
   * Client connections: TCP on `host` (default: listen_addresses) and `port`
   * (default: the port setting; 0 = a free one), and the unix socket
   * DIR/.s.PGSQL.<port>. null: no sockets (embedded sessions only).
   */
  listen: { port?: number; host?: string } | null;
}

/** Where the postmaster listens, as the status reply and cluster.connectionString report it. */
export interface ListenInfo {
  port: number;
  addresses: string[];
  socketDir: string | null;
}

interface State {
  pm: PMState;
  args: PostmasterArgs;
  settings: Record<string, string>;
  node: ActorNode;
  self: ActorRef<PostmasterMsg, Json>;
  pid: PidFileData;
  redis: EmbeddedRedis | null;
  redisGeneration: number;
  redisAddress: string;
  /** Generation of the shared state in Redis (reset at start and by crash-restart). */
  epoch: string;
  shmem: ActorRef<ShmemMsg, ShmemReply> | null;
  pool: WorkerPool | null;
  root: Supervisor | null;
  rootGeneration: number;
  bgworkers: ChildSpec[];
  supervision: Subject<SupervisionEvent>;
  /** The last escalation in the tree, to explain why the root gave up. */
  lastEscalation: string | null;
  /** WAL segment size, as recovery found it in the control file. */
  segmentSize: number;
  startupRuns: number;
  backendsStarted: number;
  /** When recent crash-restart cycles began (bounded like a supervisor's restart intensity). */
  crashRestarts: number[];
  /** While in CrashRestart: why, when to give up, and how many attempts so far. */
  recovery: { why: string; deadline: number; attempts: number } | null;
  listeners: Listeners | null;
  /** Client connections and their backends. */
  backends: BackendList;
  /** hba.conf's text and pg_authid's roles, read at start and on reload; every new backend gets them. */
  auth: { hba: string; roles: Role[] };
}

type Ctx = ActorContext<PostmasterMsg, Json>;

const SHMEM_TIMEOUT_MS = 10_000;
const RECOVERY_TIMEOUT_MS = 60 * 60_000;
const CHECKPOINT_TIMEOUT_MS = 60 * 60_000;
/** How long the crash-restart cycle waits for an external Redis to come back. */
const REDIS_RETURN_TIMEOUT_MS = 30_000;

export const postmaster: ActorBehavior<State, PostmasterMsg, Json, PostmasterArgs> = {
  async init(args, ctx) {
    const supervision = new Subject<SupervisionEvent>();
    const state: State = {
      pm: PMState.Init,
      args,
      settings: { ...args.settings },
      node: ctx.node,
      self: ctx.self,
      pid: {
        pid: process.pid,
        dataDir: args.dataDir,
        startTime: Math.floor(Date.now() / 1000),
        port: intSetting(args.settings, 'port'),
        socketDir: args.dataDir,
        redis: '',
        status: 'starting',
      },
      redis: null,
      redisGeneration: 0,
      redisAddress: '',
      epoch: '',
      shmem: null,
      pool: null,
      root: null,
      rootGeneration: 0,
      bgworkers: args.bgworkers.map((b) => bgworkerChildSpec(b, args.settings)),
      supervision,
      lastEscalation: null,
      segmentSize: intSetting(args.settings, 'wal_segment_size'),
      startupRuns: 0,
      backendsStarted: 0,
      crashRestarts: [],
      recovery: null,
      listeners: null,
      // Its callbacks read the state once it exists (they run after init's first await).
      backends: new BackendList({
        node: ctx.node,
        pool: () => state.pool,
        refusal: () => refusalOf(state),
        limits: () => ({
          maxConnections: intSetting(state.settings, 'max_connections'),
          reserved: intSetting(state.settings, 'superuser_reserved_connections'),
          authenticationTimeoutMs: intSetting(state.settings, 'authentication_timeout') * 1000,
        }),
        spawnArgs: () => ({
          dataDir: state.args.dataDir,
          redisAddress: state.redisAddress,
          keyPrefix: state.settings['redis_key_prefix'] ?? 'ag:',
          postmaster: { node: state.self.node, path: state.self.path },
          hba: state.auth.hba,
          roles: state.auth.roles as unknown as Json,
        }),
      }),
      auth: loadAuth(args.dataDir),
    };
    supervision.subscribe((e) => {
      if (e.type === 'escalated') {
        state.lastEscalation = `${e.supervisor}: child ${e.child} ${describeExit(e.reason)} after ${e.restarts} restarts`;
        elog('log', `supervisor ${state.lastEscalation}; giving up on it`);
      }
      args.events.next({ ...e, at: Date.now() });
    });
    applyLogSettings(state.settings);
    setState(state, PMState.Startup);
    createPidFile(state.pid);
    try {
      // Sockets first, as PostgreSQL binds them before recovery: a taken port fails the start at once,
      // and a client that connects before the cluster is ready gets 57P03 "the database system is starting up".
      await startListening(state);
      await startSharedMemory(state);
      startPool(state, ctx);
      await state.pool!.start();
      await runStartup(state);
      await startRoot(state);
    } catch (err) {
      elog('fatal', `could not start the cluster: ${err instanceof Error ? err.message : String(err)}`);
      await teardown(state, 'immediate');
      setState(state, PMState.Stopped);
      throw err;
    }
    setState(state, PMState.Run);
    elog('log', 'database system is ready to accept connections');
    return state;
  },

  async receive(state, msg, ctx) {
    // The postmaster must not die of one bad request: an error answers the
    // ask (or is logged), and the postmaster goes on.
    try {
      await handle(state, msg, ctx);
    } catch (err) {
      if (ctx.asked) ctx.fail(err);
      else elog('log', `postmaster: ${msg.type}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return state;
  },

  async terminate(state) {
    if (state.pm !== PMState.Stopped) await shutdown(state, 'fast', 'postmaster stopped');
  },
};

async function handle(state: State, msg: PostmasterMsg, ctx: Ctx): Promise<void> {
  switch (msg.type) {
    case 'status':
      ctx.reply(statusOf(state));
      break;
    case 'stop':
      await shutdown(state, msg.mode, `${msg.mode} shutdown request`);
      ctx.reply(true);
      ctx.stopSelf();
      break;
    case 'reload':
      ctx.reply(reload(state));
      break;
    case 'register-bgworker': {
      const spec = bgworkerChildSpec(msg.spec as unknown as BackgroundWorkerSpec, state.settings);
      if (state.bgworkers.some((c) => c.id === spec.id)) throw new Error(`a background worker named "${String(msg.spec['name'])}" is already registered`);
      if (state.pm !== PMState.Run || !state.root) throw new Error(`cannot register a background worker while the postmaster is in state ${state.pm}`);
      await state.root.addChild(spec);
      state.bgworkers.push(spec);
      ctx.reply(true);
      break;
    }
    case 'backend-slot':
      ctx.reply(state.backends.claimSlot(msg.processId, msg.superuser));
      break;
    case 'cancel-request':
      state.backends.cancel(msg.processId, msg.secretKey);
      break;
    case 'spawn-backend': {
      if (state.pm !== PMState.Run) throw new Error(`the database system is not accepting connections (postmaster state ${state.pm})`);
      const w = await state.pool!.leastLoaded();
      const n = ++state.backendsStarted;
      const path = `backend:${n}#${n}`;
      const args = {
        dataDir: state.args.dataDir,
        redisAddress: state.redisAddress,
        keyPrefix: state.settings['redis_key_prefix'] ?? 'ag:',
        user: msg.user,
        database: msg.database,
      };
      await state.node.control(w.id, { op: 'spawn', kind: 'backend', path, args, meta: { role: 'backend', name: `backend ${n}`, restarts: 0 } }, SHMEM_TIMEOUT_MS);
      ctx.reply({ node: w.id, path });
      break;
    }
    case 'worker-ready':
      if (isUp(state)) await registerWorker(state, msg.node, msg.pid);
      state.args.events.next({ type: 'worker-ready', node: msg.node, pid: msg.pid, at: Date.now() });
      break;
    case 'worker-exit':
      state.args.events.next({ ...msg, at: Date.now() });
      if (isUp(state)) {
        elog(
          'log',
          `worker process ${msg.pid} (node ${msg.node}) exited${msg.signal ? ` on signal ${msg.signal}` : ` with code ${msg.code}`}${msg.error ? `: ${msg.error}` : ''}; its actors are restarted elsewhere`,
        );
        await askShmem(state, { op: 'removePid', pid: msg.pid });
      }
      break;
    case 'redis-exit':
      if (msg.generation === state.redisGeneration && isUp(state)) {
        await crashRestart(state, ctx, `redis-server (shared memory) exited${msg.signal ? ` on signal ${msg.signal}` : ` with code ${msg.code}`}`);
      }
      break;
    case 'shmem-lost':
      if (state.pm === PMState.Run && msg.epoch === state.epoch) await crashRestart(state, ctx, msg.why);
      break;
    case 'root-exited':
      if (msg.generation !== state.rootGeneration || state.pm !== PMState.Run) break;
      if (msg.escalated && crashRestartAllowed(state)) {
        // Children kept crashing (often: shared memory is gone): PostgreSQL's answer to a
        // crashed auxiliary process is the crash-restart cycle, and so is ours.
        await crashRestart(state, ctx, `the supervision tree gave up (${msg.reason})`);
      } else {
        await shutdown(state, 'fast', `the supervision tree gave up (${msg.reason})`);
        ctx.stopSelf();
      }
      break;
    case 'checkpoint': {
      const ref = state.pm === PMState.Run ? state.root?.whereis('checkpointer') : null;
      if (!ref) throw new Error(`cannot run a checkpoint while the postmaster is in state ${state.pm}`);
      ctx.reply(await state.node.ask(ref, { op: 'checkpoint', reason: 'requested' }, CHECKPOINT_TIMEOUT_MS));
      break;
    }
    case 'reinit':
      await reinitAttempt(state, ctx);
      break;
    case 'pool-gave-up':
      if (isUp(state)) {
        await shutdown(state, 'fast', msg.why);
        ctx.stopSelf();
      }
      break;
  }
}

// ---- state ---------------------------------------------------------------------

function setState(state: State, next: PMState): void {
  if (!TRANSITIONS[state.pm].includes(next)) throw new Error(`postmaster: invalid state change ${state.pm} -> ${next}`);
  state.pm = next;
  const status: PidStatus | null =
    next === PMState.Run ? 'ready' : next === PMState.StopBackends || next === PMState.Shutdown ? 'stopping' : next === PMState.CrashRestart ? 'starting' : null;
  if (status && state.pid.status !== status) {
    state.pid.status = status;
    updatePidFile(state.pid);
  }
  if (state.shmem && next !== PMState.Stopped) {
    void askShmem(state, { op: 'update', id: 'postmaster', pid: process.pid, fields: { state: next } }).catch(() => undefined);
  }
  state.args.events.next({ type: 'state', state: next, at: Date.now() });
}

function isUp(state: State): boolean {
  return state.pm === PMState.Run || state.pm === PMState.CrashRestart || state.pm === PMState.Startup;
}

function statusOf(state: State): Json {
  const l = state.listeners;
  const listen: ListenInfo | null = l ? { port: l.port, addresses: l.addresses, socketDir: l.socketPath ? state.args.dataDir : null } : null;
  return {
    state: state.pm,
    listen: listen as unknown as Json,
    connections: state.backends.size,
    pid: process.pid,
    redis: redactRedisAddress(state.redisAddress),
    workers: [...(state.pool?.workers.values() ?? [])].map((w) => ({ node: w.id, pid: w.pid, ready: w.ready, load: w.load })),
    bgworkers: state.bgworkers.map((c) => c.id),
  };
}

function applyLogSettings(settings: Record<string, string>): void {
  setLogMinMessages((settings['log_min_messages'] ?? 'warning') as Level);
}

// ---- start-up ------------------------------------------------------------------

async function startSharedMemory(state: State): Promise<void> {
  const url = state.settings['redis_url'] ?? '';
  if (url === '' && !state.redis) {
    const redis = await startEmbeddedRedis(state.args.dataDir);
    const generation = ++state.redisGeneration;
    state.redis = redis;
    state.redisAddress = `unix:${redis.socketPath}`;
    void redis.exited.then(({ code, signal }) => state.node.tell(state.self, { type: 'redis-exit', generation, code, signal }));
  } else if (url !== '') {
    state.redisAddress = url;
  }
  state.pid.redis = redactRedisAddress(state.redisAddress);
  updatePidFile(state.pid);
  if (!state.shmem) {
    state.shmem = state.node.spawnLocal(
      shmem,
      'shmem',
      {
        dataDir: state.args.dataDir,
        redisAddress: state.redisAddress,
        keyPrefix: state.settings['redis_key_prefix'] ?? 'ag:',
        postmaster: state.self,
        unreachableMs: state.redis ? 0 : intSetting(state.settings, 'redis_unreachable_timeout'),
      },
      { role: 'shmem', name: 'shmem', restarts: 0 },
    );
  }
  try {
    await resetSharedState(state);
  } catch (err) {
    throw new Error(`cannot use Redis at ${redactRedisAddress(state.redisAddress)} as shared memory: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function resetSharedState(state: State): Promise<void> {
  const epoch = `${process.pid}.${Date.now()}.${state.redisGeneration}`;
  await askShmem(state, { op: 'reset', epoch });
  state.epoch = epoch;
  await askShmem(state, {
    op: 'register',
    id: 'postmaster',
    pid: process.pid,
    fields: {
      role: 'postmaster',
      name: 'postmaster',
      node: PRIMARY_NODE,
      state: state.pm,
      started_at: new Date(state.pid.startTime * 1000).toISOString(),
      data_directory: state.args.dataDir,
      restarts: 0,
    },
  });
  for (const w of state.pool?.workers.values() ?? []) if (w.ready) await registerWorker(state, w.id, w.pid);
}

function registerWorker(state: State, node: number, pid: number): Promise<Json> {
  return askShmem(state, {
    op: 'register',
    id: `worker:${node}`,
    pid,
    fields: { role: 'worker', name: `worker ${node}`, node, state: 'running', started_at: new Date().toISOString(), restarts: 0 },
  });
}

async function askShmem(state: State, msg: ShmemMsg): Promise<Json> {
  if (!state.shmem) throw new Error('the shared-memory manager is not running');
  const reply = await state.node.ask(state.shmem, msg, SHMEM_TIMEOUT_MS);
  if (!reply.ok) throw new Error(`shared memory: ${reply.error}`);
  return reply.value;
}

function startPool(state: State, ctx: Ctx): void {
  const pool = new WorkerPool({
    size: resolveWorkers(state.settings),
    exec: state.args.workerExec,
    execArgv: state.args.workerExecArgv,
    env: {
      AG_REDIS_ADDRESS: state.redisAddress,
      AG_KEY_PREFIX: state.settings['redis_key_prefix'] ?? 'ag:',
      AG_LOG_MIN_MESSAGES: state.settings['log_min_messages'] ?? 'warning',
    },
    intensity: { maxRestarts: intSetting(state.settings, 'worker_restart_limit'), withinMs: intSetting(state.settings, 'supervisor_restart_window') },
    onWire: (_from, wire) => state.node.receive(wire),
    onReady: (w) => ctx.node.tell(ctx.self, { type: 'worker-ready', node: w.id, pid: w.pid }),
    onExit: (w, code, signal, fatal) => {
      // Fail fast first, outside the mailbox: asks to the dead node fail, monitors fire.
      state.node.markNodeDown(w.id, w.pid);
      for (const other of pool.workers.keys()) pool.send(other, { t: 'node-down', node: w.id });
      ctx.node.tell(ctx.self, { type: 'worker-exit', node: w.id, pid: w.pid, code, signal, error: fatal ? fatal.message : null });
    },
    onGiveUp: (why) => ctx.node.tell(ctx.self, { type: 'pool-gave-up', why }),
  });
  state.pool = pool;
  state.node.setLinks((node) => ({ send: (wire, handle) => pool.send(node, wire, handle) }));
}

function rootSpec(state: State): SupervisorSpec {
  return {
    name: 'postmaster',
    strategy: 'one_for_one',
    intensity: { maxRestarts: intSetting(state.settings, 'supervisor_max_restarts'), withinMs: intSetting(state.settings, 'supervisor_restart_window') },
    backoff: defaultBackoff,
    autoShutdown: 'any_significant',
    children: [...auxiliaryChildren(state), ...state.bgworkers],
  };
}

/** The auxiliary processes, in start order: the WAL writer first, so that it stops last. */
function auxiliaryChildren(state: State): ChildSpec[] {
  const args = { dataDir: state.args.dataDir, redisAddress: state.redisAddress, keyPrefix: state.settings['redis_key_prefix'] ?? 'ag:', segmentSize: state.segmentSize };
  const child = (role: string, extra: JsonObject): ChildSpec => ({
    id: role,
    restart: 'permanent',
    shutdownMs: intSetting(state.settings, 'shutdown_timeout'),
    start: { kind: role, role, name: role, placement: 'worker', args: { ...args, ...extra } },
  });
  return [
    child('walwriter', {}),
    child('bgwriter', {}),
    child('checkpointer', { checkpointTimeoutMs: intSetting(state.settings, 'checkpoint_timeout'), maxWalSize: intSetting(state.settings, 'max_wal_size') }),
  ];
}

/**
 * Runs the startup actor (crash recovery) on a worker and waits for it: the
 * supervision tree starts only on recovered, seeded shared memory.
 */
async function runStartup(state: State): Promise<void> {
  const w = await state.pool!.leastLoaded();
  const ref = { node: w.id, path: `startup#${++state.startupRuns}` };
  // The postmaster's mailbox is busy until recovery ends: a relay in this process forwards its progress.
  const relay = state.node.spawnLocal(
    recoveryRelay,
    `recovery-relay#${state.startupRuns}`,
    { events: state.args.events, logProgress: state.args.recoveryProgressLog },
    { role: 'recovery-relay', name: 'recovery relay', restarts: 0 },
  );
  const args = {
    dataDir: state.args.dataDir,
    redisAddress: state.redisAddress,
    keyPrefix: state.settings['redis_key_prefix'] ?? 'ag:',
    segmentSize: state.segmentSize,
    sharedBuffers: Math.floor(intSetting(state.settings, 'shared_buffers') / 8192),
    progressTo: { node: relay.node, path: relay.path },
  };
  try {
    await state.node.control(w.id, { op: 'spawn', kind: 'startup', path: ref.path, args, meta: { role: 'startup', name: 'startup', restarts: 0 } }, SHMEM_TIMEOUT_MS);
    const report = (await state.node.ask(ref, { op: 'recover' }, RECOVERY_TIMEOUT_MS)) as StartupReport;
    state.segmentSize = report.segmentSize;
    elog(
      'log',
      `database system was ${report.crashed ? 'interrupted; recovered' : 'shut down cleanly'}: redo of ${report.records} WAL records from ${report.redoLsn} to ${report.endLsn}${report.stop === 'end' ? '' : ` (stopped at a ${report.stop} record: ${report.detail})`}`,
    );
  } finally {
    await state.node.control(w.id, { op: 'stop', path: ref.path, timeoutMs: SHMEM_TIMEOUT_MS }, 2 * SHMEM_TIMEOUT_MS).catch(() => undefined);
    // Its mailbox holds every line and step the startup actor sent before its reply: stopping drains them first.
    await state.node.stop(relay.path, SHMEM_TIMEOUT_MS);
  }
}

interface RelayState {
  events: Subject<ClusterEvent>;
  logProgress: boolean;
}

/** The startup actor's log lines and redo progress, published from the primary: log lines and `recovery` events. */
const recoveryRelay: ActorBehavior<RelayState, RecoveryRelayMsg, Json, RelayState> = {
  init: (args) => args,
  receive(state, msg) {
    if (msg.op === 'log') {
      elog('log', msg.text);
    } else {
      const { phase, lsn, endLsn, percent, records, message } = msg;
      state.events.next({ type: 'recovery', phase, lsn, endLsn, percent, records, at: Date.now() });
      if (message !== null && state.logProgress) elog('log', message);
    }
    return state;
  },
};

async function startRoot(state: State): Promise<void> {
  const root = new Supervisor(rootSpec(state), new Placement(state.node, state.pool!), state.supervision);
  const generation = ++state.rootGeneration;
  state.root = root;
  void root.exited.then((reason) =>
    state.node.tell(state.self, {
      type: 'root-exited',
      generation,
      escalated: reason.kind === 'crash',
      reason: reason.kind === 'crash' ? reason.error.message : (state.lastEscalation ?? describeExit(reason)),
    }),
  );
  await root.start();
}

// ---- client connections ----------------------------------------------------------

/**
 * Opens the listening sockets (the first step of start-up; connections are
 * refused with 57P03 until the state is Run). Every accepted socket goes to
 * the BackendList, which hands it to a backend on a worker.
 */
async function startListening(state: State): Promise<void> {
  const listen = state.args.listen;
  if (!listen) return;
  state.listeners = await openListeners({
    addresses: listen.host ?? state.settings['listen_addresses'] ?? 'localhost',
    port: listen.port ?? intSetting(state.settings, 'port'),
    socketDir: state.args.dataDir,
    onConnection: (socket, local) => state.backends.accept(socket, local),
  });
  state.pid.port = state.listeners.port;
  state.pid.socketDir = state.args.dataDir;
  updatePidFile(state.pid);
  const where = [...state.listeners.addresses.map((a) => `${a.includes(':') ? `[${a}]` : a}:${state.listeners!.port}`), state.listeners.socketPath ?? ''].filter(Boolean);
  elog('log', `listening on ${where.join(', ')}`);
}

async function stopListening(state: State): Promise<void> {
  const l = state.listeners;
  state.listeners = null;
  await l?.close();
}

/** Why a new connection is refused in the current state (PostgreSQL's canAcceptConnections), or null. */
function refusalOf(state: State): Refusal | null {
  switch (state.pm) {
    case PMState.Run:
      return null;
    case PMState.Init:
    case PMState.Startup:
      return { sqlstate: '57P03', message: 'the database system is starting up' };
    case PMState.CrashRestart:
      return { sqlstate: '57P03', message: 'the database system is in recovery mode' };
    default:
      return { sqlstate: '57P03', message: 'the database system is shutting down' };
  }
}

/** hba.conf and pg_authid, checked before use: a bad file fails the start, or is ignored by a reload. */
function loadAuth(dataDir: string): { hba: string; roles: Role[] } {
  const hbaPath = join(dataDir, 'hba.conf');
  const hba = readFileSync(hbaPath, 'utf8');
  parseHba(hba, hbaPath);
  return { hba, roles: readRoles(dataDir) };
}

// ---- crash-restart -------------------------------------------------------------

/**
 * Shared memory is lost. Every actor is stopped first (they may hold state
 * that lived there), then `reinit` messages try to bring shared memory back,
 * one attempt each, so that the postmaster keeps answering (status, stop)
 * while it waits for an external Redis to return.
 */
async function crashRestart(state: State, ctx: Ctx, why: string): Promise<void> {
  elog('log', `${why}; terminating any other active server processes`);
  state.crashRestarts.push(Date.now());
  setState(state, PMState.CrashRestart);
  state.args.events.next({ type: 'crash-restart', phase: 'begin', reason: why, at: Date.now() });
  // Their sessions ran on the shared memory that is gone.
  await state.backends.terminateAll(intSetting(state.settings, 'shutdown_timeout'));
  const root = state.root;
  state.root = null;
  state.rootGeneration++;
  await root?.stop();
  if (!boolSetting(state.settings, 'restart_after_crash')) {
    await shutdown(state, 'immediate', 'shared memory lost and restart_after_crash is off');
    ctx.stopSelf();
    return;
  }
  elog('log', 'all server processes terminated; reinitializing');
  if (state.redis) {
    await state.redis.stop();
    state.redis = null;
  }
  state.recovery = { why, deadline: Date.now() + REDIS_RETURN_TIMEOUT_MS, attempts: 0 };
  ctx.node.tell(ctx.self, { type: 'reinit' });
}

/** More crash-restart cycles than supervisor_max_restarts within the window: shut down instead. */
function crashRestartAllowed(state: State): boolean {
  const now = Date.now();
  const window = intSetting(state.settings, 'supervisor_restart_window');
  state.crashRestarts = state.crashRestarts.filter((t) => t > now - window);
  return state.crashRestarts.length < intSetting(state.settings, 'supervisor_max_restarts');
}

async function reinitAttempt(state: State, ctx: Ctx): Promise<void> {
  const recovery = state.recovery;
  if (state.pm !== PMState.CrashRestart || !recovery) return;
  recovery.attempts++;
  try {
    await startSharedMemory(state);
    await runStartup(state);
    await startRoot(state);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (Date.now() > recovery.deadline) {
      await shutdown(state, 'immediate', `crash-restart failed after ${recovery.attempts} attempts: ${message}`);
      ctx.stopSelf();
      return;
    }
    elog('warning', `shared memory (Redis) not back yet (attempt ${recovery.attempts}): ${message}`);
    ctx.setTimer(Math.min(50 * 2 ** recovery.attempts, 1000), { type: 'reinit' });
    return;
  }
  state.recovery = null;
  setState(state, PMState.Run);
  state.args.events.next({ type: 'crash-restart', phase: 'end', reason: recovery.why, at: Date.now() });
  elog('log', 'database system is ready to accept connections');
}

// ---- reload --------------------------------------------------------------------

function reload(state: State): Json {
  try {
    state.auth = loadAuth(state.args.dataDir);
  } catch (err) {
    elog('log', `${err instanceof Error ? err.message : String(err)}; hba.conf and pg_authid were not reloaded`);
  }
  const fromFile = parseConfFile(confPath(state.args.dataDir));
  const next: Record<string, string> = { ...state.args.settings, ...fromFile, ...state.args.overrides };
  const changed: string[] = [];
  for (const name of new Set([...Object.keys(state.settings), ...Object.keys(next)])) {
    if (state.settings[name] === next[name]) continue;
    if (settingContext(name) === 'postmaster') {
      elog('log', `parameter "${name}" cannot be changed without restarting the server`);
      continue;
    }
    if (next[name] === undefined) delete state.settings[name];
    else state.settings[name] = next[name]!;
    changed.push(name);
  }
  applyLogSettings(state.settings);
  elog('log', `received SIGHUP, reloading configuration files${changed.length ? ` (changed: ${changed.join(', ')})` : ''}`);
  if (changed.length > 0 && state.pool) {
    const signal = { type: 'reload' as const, settings: { ...state.settings }, changed };
    for (const w of state.pool.workers.values()) void state.node.control(w.id, { op: 'signal', path: null, signal }, SHMEM_TIMEOUT_MS).catch(() => undefined);
  }
  state.args.events.next({ type: 'reload', changed, at: Date.now() });
  return { changed };
}

// ---- shutdown ------------------------------------------------------------------

async function shutdown(state: State, mode: ShutdownMode, why: string): Promise<void> {
  if (state.pm === PMState.Stopped) return;
  elog('log', `received ${why}`);
  if (mode === 'immediate') {
    await teardown(state, 'immediate');
  } else {
    // No new connections; smart waits for the clients to leave, fast sends them FATAL 57P01.
    if (state.pm === PMState.Run || state.pm === PMState.CrashRestart) setState(state, PMState.StopBackends);
    await stopListening(state);
    if (mode === 'smart') await state.backends.waitEmpty();
    await state.backends.terminateAll(intSetting(state.settings, 'shutdown_timeout'));
    if (state.pm === PMState.StopBackends) setState(state, PMState.Shutdown);
    await teardown(state, 'orderly');
  }
  setState(state, PMState.Stopped);
  elog('log', 'database system is shut down');
  state.args.events.next({ type: 'stopped', reason: why, at: Date.now() });
}

async function teardown(state: State, how: 'orderly' | 'immediate'): Promise<void> {
  await stopListening(state);
  const root = state.root;
  state.root = null;
  state.rootGeneration++;
  if (how === 'orderly') {
    const ckpt = root?.whereis('checkpointer');
    if (ckpt) {
      await state.node
        .ask(ckpt, { op: 'checkpoint', reason: 'shutdown' }, CHECKPOINT_TIMEOUT_MS)
        .catch((err: unknown) => elog('warning', `shutdown checkpoint failed: ${err instanceof Error ? err.message : String(err)}`));
    }
    await root?.stop();
    await state.pool?.waitExit(intSetting(state.settings, 'shutdown_timeout'));
    if (!state.redis && state.shmem) await askShmem(state, { op: 'destroy' }).catch((err: unknown) => elog('warning', `could not remove the cluster's Redis keys: ${String(err)}`));
    if (state.shmem) await state.node.stop(state.shmem.path, SHMEM_TIMEOUT_MS);
    state.shmem = null;
    await state.redis?.stop();
  } else {
    state.pool?.killAll('SIGKILL');
    await state.pool?.waitExit(1000);
    if (state.shmem) await state.node.stop(state.shmem.path, 1000);
    state.shmem = null;
    state.redis?.kill();
    await state.redis?.exited;
  }
  state.redis = null;
  removePidFile(state.args.dataDir);
}
