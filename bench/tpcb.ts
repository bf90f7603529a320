/*
 * TPC-B benchmark: pgbench's built-in "tpcb-like" transaction, run against
 * actorgres and against the PostgreSQL 15 of this machine (the anchor) in the
 * same run, and printed as TPS and a ratio. It asserts nothing; it prints.
 *
 *  Data: the tables, columns and primary keys of `pgbench -i` at a scale
 *  (default 1: 1 branch, 10 tellers, 100,000 accounts; fillers char(22),
 *  char(84), char(88)), loaded the same way into both systems with multi-row
 *  INSERTs in batches (each its own transaction; actorgres has no COPY and no
 *  generate_series yet), then the primary keys are added (as pgbench -i does
 *  after the data). PostgreSQL gets a scratch database (actorgres_bench,
 *  dropped at the end) and a VACUUM ANALYZE as pgbench -i; actorgres has no
 *  VACUUM. actorgres runs on a fresh temp data directory with its embedded
 *  Redis and 2 worker processes.
 *
 *  Transaction, as pgbench's tpcb-like script with pgbench's ranges:
 *    aid in [1, 100000*scale], bid in [1, scale], tid in [1, 10*scale], delta in [-5000, 5000]
 *    BEGIN; UPDATE pgbench_accounts ...; SELECT abalance ...; UPDATE pgbench_tellers ...;
 *    UPDATE pgbench_branches ...; INSERT INTO pgbench_history ... CURRENT_TIMESTAMP; END;
 *  with $n parameters (node-postgres: the extended protocol, unnamed
 *  statements, as pgbench -M extended). A serialization failure or deadlock
 *  (40001, 40P01) rolls back and retries the transaction with the same
 *  values, as pgbench --max-tries does; a transaction still failing after
 *  --max-tries attempts counts as a failure. Latency is from the first BEGIN
 *  to the END that committed (retries included), as pgbench reports it.
 *
 *  Paths, each at 1 and 8 concurrent sessions (configurable), interleaved per
 *  concurrency so that they see the same machine conditions:
 *    postgres    node-postgres pg.Client per session -> PostgreSQL (synchronous_commit on)
 *    ag worker   cluster.connect(): backend actors on the 2 worker processes (default placement)
 *    ag local    cluster.connect({ placement: 'local' }): backends in this process
 *    ag wire     node-postgres pg.Client per session -> actorgres's wire protocol (TCP, loopback)
 *  All clients run in this one process, which is also actorgres's postmaster.
 *  Nothing is pinned: on 2 CPUs the clients, the postmaster, 2 workers, Redis
 *  and PostgreSQL's backends all share both cores, as an application
 *  embedding actorgres would. The CPU each process used during each point is
 *  printed, and for actorgres the Redis commands per transaction (INFO
 *  commandstats over the measured window; this includes the WAL writer's,
 *  the background writer's and the registry's commands).
 *
 *  Context: the disk's fdatasync rate under /tmp (where actorgres's data
 *  directory lives), as bench/storage.ts measures it.
 *
 *  At the end, in both systems: sum(abalance) = sum(tbalance) = sum(bbalance)
 *  = sum(delta of history), and count(history) = the transactions this run
 *  committed there.
 *
 * Options (flag or environment variable):
 *   --scale N        TPCB_SCALE     default 1
 *   --duration S     TPCB_DURATION  seconds per point, default 10
 *   --warmup S       TPCB_WARMUP    seconds of warm-up per point, default 2
 *   --clients LIST   TPCB_CLIENTS   default 1,8
 *   --paths LIST     TPCB_PATHS     default postgres,worker,local,wire
 *   --batch N        TPCB_BATCH     rows per INSERT when loading, default 1000
 *   --max-tries N    TPCB_MAX_TRIES attempts per transaction, default 10
 *   --pg URL         TPCB_PG        default postgresql://postgres@127.0.0.1:5432/postgres
 *   --compact        TPCB_COMPACT=1 before each point, rewrite pgbench_branches and pgbench_tellers
 *                                  in both systems (read, TRUNCATE, insert the same rows): every point
 *                                  then starts with one version per row, see "row versions" below
 *
 * Row versions: actorgres has no VACUUM and no pruning yet, and every UPDATE
 * adds a version and an index entry; a lookup by primary key visits every
 * version of the key. The one branch row (and the 10 teller rows) gain one
 * version per transaction, so actorgres's cost per transaction grows with the
 * transactions run before it, and the points run later see longer chains.
 * The report prints, for each point, how many transactions the tables had
 * seen before it; --compact resets that (TRUNCATE + re-insert) between points.
 *
 * Every temp directory, the cluster and the scratch database are removed at
 * the end, also on error or Ctrl-C.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { initDataDirectory, startCluster } from '../index.ts';
import type { Cluster, Session } from '../index.ts';
import { fdatasyncRate, mountOf, percentile, procCpuSeconds } from './machine.ts';

// ---- options ------------------------------------------------------------------------

const { values: flags } = parseArgs({
  options: {
    scale: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    clients: { type: 'string' },
    paths: { type: 'string' },
    batch: { type: 'string' },
    'max-tries': { type: 'string' },
    pg: { type: 'string' },
    compact: { type: 'boolean' },
  },
  allowPositionals: false,
});
const opt = (flag: string | undefined, env: string, dflt: string): string => flag ?? process.env[env] ?? dflt;
const SCALE = Number(opt(flags.scale, 'TPCB_SCALE', '1'));
const RUN_MS = Number(opt(flags.duration, 'TPCB_DURATION', '10')) * 1000;
const WARMUP_MS = Number(opt(flags.warmup, 'TPCB_WARMUP', '2')) * 1000;
const CLIENTS = opt(flags.clients, 'TPCB_CLIENTS', '1,8')
  .split(',')
  .map((s) => Number(s.trim()));
const PATH_NAMES = ['postgres', 'worker', 'local', 'wire'] as const;
type PathName = (typeof PATH_NAMES)[number];
const PATHS = opt(flags.paths, 'TPCB_PATHS', PATH_NAMES.join(','))
  .split(',')
  .map((s) => s.trim()) as PathName[];
const BATCH = Number(opt(flags.batch, 'TPCB_BATCH', '1000'));
const MAX_TRIES = Number(opt(flags['max-tries'], 'TPCB_MAX_TRIES', '10'));
const PG_URL = opt(flags.pg, 'TPCB_PG', 'postgresql://postgres@127.0.0.1:5432/postgres');
const COMPACT = flags.compact === true || process.env['TPCB_COMPACT'] === '1';
const PG_DB = 'actorgres_bench';
const FSYNC_MS = 2000;
/** Hang guard (not a timing assertion): how long the sessions may take to finish their last transaction. */
const GUARD_MS = 60_000;

for (const [name, v] of [
  ['scale', SCALE],
  ['duration', RUN_MS],
  ['batch', BATCH],
  ['max-tries', MAX_TRIES],
] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
}
if (!Number.isFinite(WARMUP_MS) || WARMUP_MS < 0) throw new Error('--warmup must be >= 0');
if (CLIENTS.some((c) => !Number.isInteger(c) || c < 1)) throw new Error('--clients must be a list of positive integers');
for (const p of PATHS) if (!PATH_NAMES.includes(p)) throw new Error(`unknown path "${p}" (${PATH_NAMES.join(', ')})`);

const NBRANCHES = 1 * SCALE;
const NTELLERS = 10 * SCALE;
const NACCOUNTS = 100_000 * SCALE;

// ---- formatting ---------------------------------------------------------------------

const out = (s: string): void => void process.stdout.write(`${s}\n`);
const int = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const fix = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const ratio = (a: number, b: number): string => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : 'n/a');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function guarded<T>(p: Promise<T>, what: string, ms = GUARD_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, expired]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- machine facts ------------------------------------------------------------------

/** Pids of the processes whose command name is `comm` and (if given) whose command line contains `needle`. */
function pidsOf(comm: string, needle?: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() !== comm) continue;
      if (needle !== undefined && !readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) continue;
      pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

// ---- clients ------------------------------------------------------------------------

/** What a benchmark session needs: node-postgres's client and actorgres's Session both fit. */
interface Conn {
  query(text: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  close(): Promise<void>;
}

function sessionConn(s: Session): Conn {
  return { query: (text, params) => s.query(text, params ?? []), close: () => s.close() };
}

async function pgConn(connectionString: string): Promise<Conn> {
  const c = new pg.Client({ connectionString });
  c.on('error', () => undefined); // a dying server shows up as a failed query
  await c.connect();
  return { query: (text, params) => (params ? c.query(text, params) : c.query(text)), close: () => c.end() };
}

const codeOf = (err: unknown): string => {
  const c: unknown = typeof err === 'object' && err !== null ? Reflect.get(err, 'code') : undefined;
  return typeof c === 'string' ? c : '';
};

// ---- schema and load (pgbench -i) ---------------------------------------------------

const DDL = [
  'create table pgbench_history(tid int,bid int,aid int,delta int,mtime timestamp,filler char(22))',
  'create table pgbench_tellers(tid int not null,bid int,tbalance int,filler char(84)) with (fillfactor=100)',
  'create table pgbench_accounts(aid int not null,bid int,abalance int,filler char(84)) with (fillfactor=100)',
  'create table pgbench_branches(bid int not null,bbalance int,filler char(88)) with (fillfactor=100)',
];
const KEYS = ['alter table pgbench_branches add primary key (bid)', 'alter table pgbench_tellers add primary key (tid)', 'alter table pgbench_accounts add primary key (aid)'];

interface LoadTimes {
  tablesMs: number;
  dataMs: number;
  keysMs: number;
  statements: number;
}

/** Multi-row INSERTs of BATCH rows, each its own transaction, as pgbench -i's data (filler: NULL for branches and tellers, '' for accounts). */
async function load(c: Conn): Promise<LoadTimes> {
  let statements = 0;
  const t0 = performance.now();
  for (const s of DDL) await c.query(s);
  const t1 = performance.now();
  const insert = async (table: string, n: number, row: (i: number) => string): Promise<void> => {
    for (let from = 1; from <= n; from += BATCH) {
      const values: string[] = [];
      for (let i = from; i < Math.min(n + 1, from + BATCH); i++) values.push(row(i));
      await c.query(`insert into ${table} values ${values.join(',')}`);
      statements++;
    }
  };
  await insert('pgbench_branches', NBRANCHES, (i) => `(${i},0,null)`);
  await insert('pgbench_tellers', NTELLERS, (i) => `(${i},${Math.floor((i - 1) / 10) + 1},0,null)`);
  await insert('pgbench_accounts', NACCOUNTS, (i) => `(${i},${Math.floor((i - 1) / 100_000) + 1},0,'')`);
  const t2 = performance.now();
  for (const s of KEYS) await c.query(s);
  const t3 = performance.now();
  return { tablesMs: t1 - t0, dataMs: t2 - t1, keysMs: t3 - t2, statements };
}

// ---- the transaction ----------------------------------------------------------------

const SQL = {
  account: 'UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2',
  select: 'SELECT abalance FROM pgbench_accounts WHERE aid = $1',
  teller: 'UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2',
  branch: 'UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2',
  history: 'INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)',
};

/** pgbench's random(lb, ub): uniform, both ends included. */
const random = (lb: number, ub: number): number => lb + Math.floor(Math.random() * (ub - lb + 1));

interface Outcome {
  /** Attempts that ended in 40001/40P01 and were retried (or gave up). */
  retries: number;
  committed: boolean;
}

async function tpcb(c: Conn): Promise<Outcome> {
  const aid = random(1, NACCOUNTS);
  const bid = random(1, NBRANCHES);
  const tid = random(1, NTELLERS);
  const delta = random(-5000, 5000);
  let retries = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      await c.query('BEGIN');
      await c.query(SQL.account, [delta, aid]);
      await c.query(SQL.select, [aid]);
      await c.query(SQL.teller, [delta, tid]);
      await c.query(SQL.branch, [delta, bid]);
      await c.query(SQL.history, [tid, bid, aid, delta]);
      await c.query('END');
      return { retries, committed: true };
    } catch (err) {
      const code = codeOf(err);
      if (code !== '40001' && code !== '40P01') throw err;
      retries++;
      await c.query('ROLLBACK');
      if (attempt >= MAX_TRIES) return { retries, committed: false };
    }
  }
}

// ---- one measured point ---------------------------------------------------------------

interface CpuPids {
  /** Processes to report, by label (looked up at the start of the point). */
  groups: Array<{ label: string; pids: () => number[] }>;
}

interface Point {
  path: PathName;
  clients: number;
  tps: number;
  committed: number;
  p50: number;
  p99: number;
  retries: number;
  failures: number;
  /** Transactions committed in the whole point (warm-up included): rows this point added to pgbench_history. */
  allCommitted: number;
  /** Transactions committed in this system before this point (versions of the branch row, without --compact). */
  txBefore: number;
  /** % of one CPU during the measured window, by process group. */
  cpu: Array<{ label: string; pct: number }>;
  /** Redis commands per committed transaction over the measured window, by command (actorgres only). */
  redis: { perTx: number; scriptsPerTx: number; scriptUsecPerTx: number; byCommand: Array<{ cmd: string; perTx: number; usecPerCall: number }> } | null;
}

type CmdStats = Map<string, { calls: number; usec: number }>;
async function commandStats(r: Redis): Promise<CmdStats> {
  const m: CmdStats = new Map();
  for (const line of (await r.info('commandstats')).split('\n')) {
    const x = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (x) m.set(x[1]!, { calls: Number(x[2]), usec: Number(x[3]) });
  }
  return m;
}

async function runPoint(path: PathName, conns: Conn[], cpuPids: CpuPids, redis: Redis | null, txBefore: number): Promise<Point> {
  const s = { phase: 'warmup' as 'warmup' | 'measure' | 'done', committed: 0, allCommitted: 0, retries: 0, failures: 0, failure: null as unknown };
  const latencies: number[] = [];
  const session = async (c: Conn): Promise<void> => {
    while (s.phase !== 'done') {
      const phase = s.phase;
      const start = performance.now();
      const o = await tpcb(c);
      if (o.committed) s.allCommitted++;
      if (phase === 'measure' && s.phase === 'measure') {
        s.retries += o.retries;
        if (o.committed) {
          s.committed++;
          latencies.push(performance.now() - start);
        } else s.failures++;
      }
    }
  };
  const running = conns.map((c) =>
    session(c).catch((e: unknown) => {
      s.failure ??= e;
      s.phase = 'done';
    }),
  );
  await sleep(WARMUP_MS);
  const groups = cpuPids.groups.map((g) => ({ label: g.label, pids: g.pids() }));
  const cpu0 = groups.map((g) => g.pids.reduce((a, p) => a + procCpuSeconds(p, 0), 0));
  const node0 = process.cpuUsage();
  const redis0 = redis ? await commandStats(redis) : null;
  const t0 = performance.now();
  if (s.phase === 'warmup') s.phase = 'measure';
  await sleep(RUN_MS);
  if (s.phase === 'measure') s.phase = 'done'; // transactions still running now are not counted
  const seconds = (performance.now() - t0) / 1000;
  const node = process.cpuUsage(node0);
  const cpu1 = groups.map((g) => g.pids.reduce((a, p) => a + procCpuSeconds(p, 0), 0));
  const redis1 = redis ? await commandStats(redis) : null;
  await guarded(Promise.all(running), `the ${conns.length} ${path} sessions`);
  if (s.failure !== null) throw s.failure;
  const sorted = Float64Array.from(latencies).sort();
  const cpu = [
    { label: 'bench process', pct: ((node.user + node.system) / 1e6 / seconds) * 100 },
    ...groups.map((g, i) => ({ label: g.label, pct: ((cpu1[i]! - cpu0[i]!) / seconds) * 100 })),
  ];
  let redisStats: Point['redis'] = null;
  if (redis0 && redis1 && s.committed > 0) {
    const byCommand: Array<{ cmd: string; perTx: number; usecPerCall: number }> = [];
    let calls = 0;
    let scripts = 0;
    let scriptUsec = 0;
    for (const [cmd, v] of redis1) {
      const before = redis0.get(cmd) ?? { calls: 0, usec: 0 };
      const dc = v.calls - before.calls - (cmd === 'info' ? 1 : 0);
      const du = v.usec - before.usec;
      if (dc <= 0) continue;
      calls += dc;
      if (cmd === 'evalsha' || cmd === 'eval' || cmd === 'evalsha_ro' || cmd === 'eval_ro' || cmd === 'fcall') {
        scripts += dc;
        scriptUsec += du;
      }
      byCommand.push({ cmd, perTx: dc / s.committed, usecPerCall: du / dc });
    }
    byCommand.sort((a, b) => b.perTx - a.perTx);
    redisStats = { perTx: calls / s.committed, scriptsPerTx: scripts / s.committed, scriptUsecPerTx: scriptUsec / s.committed, byCommand };
  }
  return {
    path,
    clients: conns.length,
    tps: s.committed / seconds,
    committed: s.committed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    retries: s.retries,
    failures: s.failures,
    allCommitted: s.allCommitted,
    txBefore,
    cpu,
    redis: redisStats,
  };
}

/** Rewrites branches and tellers with their current balances: one version per row again (see --compact). */
async function compact(c: Conn): Promise<void> {
  const b = (await c.query('select bid, bbalance from pgbench_branches order by bid')).rows;
  const t = (await c.query('select tid, bid, tbalance from pgbench_tellers order by tid')).rows;
  await c.query('truncate pgbench_branches, pgbench_tellers');
  await c.query(`insert into pgbench_branches values ${b.map((r) => `(${String(r['bid'])},${String(r['bbalance'])},null)`).join(',')}`);
  await c.query(`insert into pgbench_tellers values ${t.map((r) => `(${String(r['tid'])},${String(r['bid'])},${String(r['tbalance'])},null)`).join(',')}`);
}

// ---- consistency check ----------------------------------------------------------------

interface Sums {
  abalance: string;
  tbalance: string;
  bbalance: string;
  delta: string;
  history: string;
}
async function sums(c: Conn): Promise<Sums> {
  const one = async (sql: string): Promise<string> => String((await c.query(sql)).rows[0]?.['v'] ?? 'null');
  return {
    abalance: await one('select coalesce(sum(abalance), 0) as v from pgbench_accounts'),
    tbalance: await one('select coalesce(sum(tbalance), 0) as v from pgbench_tellers'),
    bbalance: await one('select coalesce(sum(bbalance), 0) as v from pgbench_branches'),
    delta: await one('select coalesce(sum(delta), 0) as v from pgbench_history'),
    history: await one('select count(*) as v from pgbench_history'),
  };
}

// ---- main -----------------------------------------------------------------------------

const LABELS: Record<PathName, string> = {
  postgres: 'postgres (node-postgres)',
  worker: 'actorgres embedded, worker',
  local: 'actorgres embedded, local',
  wire: 'actorgres wire (node-postgres)',
};

interface Cleanup {
  root: string | null;
  cluster: Cluster | null;
  pgAdmin: pg.Client | null;
  pgDbCreated: boolean;
  conns: Conn[];
  redis: Redis | null;
}

async function cleanupNow(c: Cleanup): Promise<void> {
  for (const conn of c.conns.splice(0)) await conn.close().catch(() => undefined);
  c.redis?.disconnect();
  c.redis = null;
  if (c.cluster) await guarded(c.cluster.stop({ mode: 'fast' }), 'stopping the cluster', 30_000).catch(() => undefined);
  c.cluster = null;
  if (c.pgAdmin) {
    if (c.pgDbCreated) await c.pgAdmin.query(`drop database if exists ${PG_DB} with (force)`).catch(() => undefined);
    await c.pgAdmin.end().catch(() => undefined);
  }
  c.pgAdmin = null;
  if (c.root) rmSync(c.root, { recursive: true, force: true });
  c.root = null;
}

async function main(): Promise<void> {
  const cleanup: Cleanup = { root: null, cluster: null, pgAdmin: null, pgDbCreated: false, conns: [], redis: null };
  const onSignal = (): void => {
    void cleanupNow(cleanup).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    out(`actorgres TPC-B benchmark (pgbench tpcb-like): node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${new Date().toISOString()}`);
    out(
      `scale ${SCALE} (${int(NBRANCHES)} branches, ${int(NTELLERS)} tellers, ${int(NACCOUNTS)} accounts); ${RUN_MS / 1000} s per point after ${WARMUP_MS / 1000} s warm-up; sessions ${CLIENTS.join(', ')}; max tries ${MAX_TRIES}`,
    );
    const root = mkdtempSync('/tmp/agtpcb-');
    cleanup.root = root;

    // Disk anchor first, with nothing else running.
    const fsyncRate = await fdatasyncRate(root, false, FSYNC_MS);
    const appendRate = await fdatasyncRate(root, true, FSYNC_MS / 2);

    // PostgreSQL: a scratch database.
    const admin = new pg.Client({ connectionString: PG_URL });
    admin.on('error', () => undefined);
    await admin.connect();
    cleanup.pgAdmin = admin;
    await admin.query(`drop database if exists ${PG_DB} with (force)`);
    await admin.query(`create database ${PG_DB}`);
    cleanup.pgDbCreated = true;
    const pgSettings = (
      await admin.query(
        "select name, setting, unit from pg_settings where name in ('server_version','synchronous_commit','fsync','wal_sync_method','shared_buffers','max_connections','data_directory') order by name",
      )
    ).rows as Array<{ name: string; setting: string; unit: string | null }>;
    const pgUrl = new URL(PG_URL);
    pgUrl.pathname = `/${PG_DB}`;
    const pgBenchUrl = pgUrl.toString();
    const pgLoadConn = await pgConn(pgBenchUrl);
    const pgLoad = await load(pgLoadConn);
    const v0 = performance.now();
    await pgLoadConn.query('vacuum analyze pgbench_branches, pgbench_tellers, pgbench_accounts, pgbench_history');
    const pgVacuumMs = performance.now() - v0;
    await pgLoadConn.close();

    // actorgres: a fresh data directory, embedded Redis, 2 workers, listening on a free port.
    const dataDir = join(root, 'data');
    initDataDirectory(dataDir);
    const c0 = performance.now();
    const cluster = await startCluster({ dataDir, workers: 2, log: () => undefined, listen: { port: 0 } });
    cleanup.cluster = cluster;
    const startMs = performance.now() - c0;
    const status = await cluster.status();
    const agLoadSession = sessionConn(await cluster.connect());
    cleanup.conns.push(agLoadSession);
    const agLoad = await load(agLoadSession);
    const redisPids = pidsOf('redis-server', dataDir);
    const workerPids = status.workers.map((w) => w.pid);
    const redis = status.redis.startsWith('unix:') ? new Redis({ path: status.redis.slice('unix:'.length), lazyConnect: true }) : new Redis(status.redis, { lazyConnect: true });
    redis.on('error', () => undefined);
    await redis.connect();
    cleanup.redis = redis;

    const agCpu: CpuPids = {
      groups: [
        { label: 'workers', pids: () => workerPids },
        { label: 'redis', pids: () => redisPids },
        { label: 'postgres', pids: () => pidsOf('postgres') },
      ],
    };
    const pgCpu: CpuPids = agCpu;
    const connect: Record<PathName, () => Promise<Conn>> = {
      postgres: async () => {
        const c = await pgConn(pgBenchUrl);
        await c.query('set synchronous_commit = on');
        return c;
      },
      worker: async () => sessionConn(await cluster.connect()),
      local: async () => sessionConn(await cluster.connect({ placement: 'local' })),
      wire: () => pgConn(cluster.connectionString),
    };

    const points: Point[] = [];
    const committedIn = { postgres: 0, actorgres: 0 };
    const sinceCompact = { postgres: 0, actorgres: 0 };
    for (const clients of CLIENTS) {
      for (const path of PATHS) {
        process.stderr.write(`  running ${LABELS[path]}, ${clients} session${clients > 1 ? 's' : ''} ...\n`);
        const conns: Conn[] = [];
        for (let i = 0; i < clients; i++) conns.push(await connect[path]());
        cleanup.conns.push(...conns);
        const system = path === 'postgres' ? 'postgres' : 'actorgres';
        if (COMPACT) {
          await compact(system === 'postgres' ? conns[0]! : agLoadSession);
          sinceCompact[system] = 0;
        }
        const p = await runPoint(path, conns, path === 'postgres' ? pgCpu : agCpu, path === 'postgres' ? null : redis, sinceCompact[system]);
        points.push(p);
        committedIn[system] += p.allCommitted;
        sinceCompact[system] += p.allCommitted;
        for (const c of conns) await c.close();
        cleanup.conns = cleanup.conns.filter((c) => !conns.includes(c));
      }
    }

    // Correctness of the run, in both systems.
    const pgCheckConn = await pgConn(pgBenchUrl);
    cleanup.conns.push(pgCheckConn);
    const pgSums = await sums(pgCheckConn);
    const agSums = await sums(agLoadSession);

    // ---- report ----
    out('');
    out(`disk under ${root} (${mountOf(root)}):`);
    out(`  fdatasync, 8 KiB overwrite at offset 0: ${int(fsyncRate)}/s (${fix(1000 / fsyncRate, 2)} ms each); appended: ${int(appendRate)}/s`);
    out(`  (a synchronous commit waits for one fdatasync: one session can commit at most about this often; more needs group commit)`);
    out(`PostgreSQL: ${pgSettings.map((r) => `${r.name}=${r.setting}${r.unit && r.unit !== '' ? ` ${r.unit}` : ''}`).join(', ')}`);
    out(`  (its data directory may be on another disk than ${root}: ${mountOf(pgSettings.find((r) => r.name === 'data_directory')?.setting ?? '/')})`);
    out(
      `actorgres: cluster start ${int(startMs)} ms; workers ${workerPids.join(', ')}, redis-server ${redisPids.join(', ')}, postmaster + all clients in this process (${process.pid}); nothing pinned`,
    );
    out('');
    out(`load as pgbench -i (multi-row INSERTs of ${int(BATCH)} rows, ${pgLoad.statements} statements, each its own transaction; then primary keys):`);
    const loadLine = (name: string, l: LoadTimes, extra: string): void =>
      out(
        `  ${name.padEnd(10)} tables ${int(l.tablesMs).padStart(6)} ms  data ${int(l.dataMs).padStart(7)} ms (${int((NACCOUNTS + NTELLERS + NBRANCHES) / (l.dataMs / 1000)).padStart(9)} rows/s)  primary keys ${int(l.keysMs).padStart(7)} ms${extra}`,
      );
    loadLine('postgres', pgLoad, `  + vacuum analyze ${int(pgVacuumMs)} ms`);
    loadLine('actorgres', agLoad, `  (data ${ratio(pgLoad.dataMs, agLoad.dataMs)} of PostgreSQL's rate, keys ${ratio(pgLoad.keysMs, agLoad.keysMs)})`);
    out('');
    out(
      `TPC-B (tpcb-like), ${RUN_MS / 1000} s per point after ${WARMUP_MS / 1000} s warm-up; latency from BEGIN to END incl. retries; ratio = TPS / PostgreSQL's TPS at the same sessions (target >= 0.5x)`,
    );
    out(
      `before = transactions the tables had seen before the point${COMPACT ? ' since branches and tellers were last rewritten (--compact)' : ' (actorgres keeps every row version: see the header of bench/tpcb.ts; --compact resets)'}`,
    );
    const header = `${'path'.padEnd(32)}${'sessions'.padStart(8)}${'TPS'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'retries'.padStart(9)}${'failed'.padStart(8)}${'ratio'.padStart(8)}${'before'.padStart(8)}   CPU (% of one core): bench process / workers / redis / postgres`;
    out(header);
    out('-'.repeat(header.length));
    for (const p of points) {
      const anchor = points.find((q) => q.path === 'postgres' && q.clients === p.clients);
      const cpuText = p.cpu.map((c) => fix(c.pct, 0)).join(' / ');
      out(
        `${LABELS[p.path].padEnd(32)}${String(p.clients).padStart(8)}${int(p.tps).padStart(9)}${fix(p.p50, 2).padStart(9)}${fix(p.p99, 2).padStart(9)}${int(p.retries).padStart(9)}${int(p.failures).padStart(8)}${(p.path === 'postgres' ? 'anchor' : anchor ? ratio(p.tps, anchor.tps) : 'n/a').padStart(8)}${int(p.txBefore).padStart(8)}   ${cpuText}`,
      );
    }
    out('');
    out('actorgres, per committed transaction over the measured window (Redis INFO commandstats, which also counts the commands run inside');
    out('scripts and those of the WAL writer, background writer and registry); "before": transactions these tables had seen before the point');
    for (const p of points) {
      if (!p.redis) continue;
      const top = p.redis.byCommand
        .slice(0, 5)
        .map((c) => `${c.cmd} ${fix(c.perTx, 1)} (${fix(c.usecPerCall, 0)} us)`)
        .join(', ');
      out(
        `  ${`${LABELS[p.path]}, ${p.clients}`.padEnd(34)} before ${int(p.txBefore).padStart(6)}: ${fix(p.redis.scriptsPerTx, 1).padStart(5)} scripts/tx (${int(p.redis.scriptUsecPerTx).padStart(6)} us in Redis), ${int(p.redis.perTx).padStart(6)} commands/tx incl. inside scripts; top: ${top}`,
      );
    }
    out('');
    out('consistency: sum(abalance) = sum(tbalance) = sum(bbalance) = sum(delta) over pgbench_history, count(history) = transactions committed by this run');
    const check = (name: string, s: Sums, committed: number): void => {
      const ok = s.abalance === s.delta && s.tbalance === s.delta && s.bbalance === s.delta && Number(s.history) === committed;
      out(
        `  ${name.padEnd(10)} accounts ${s.abalance}, tellers ${s.tbalance}, branches ${s.bbalance}, history ${s.delta} in ${int(Number(s.history))} rows (committed: ${int(committed)})  ${ok ? 'OK' : 'MISMATCH'}`,
      );
      if (!ok) process.exitCode = 1;
    };
    check('postgres', pgSums, committedIn.postgres);
    check('actorgres', agSums, committedIn.actorgres);
  } finally {
    await cleanupNow(cleanup);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

try {
  await main();
} catch (err) {
  process.stderr.write(`tpcb benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
