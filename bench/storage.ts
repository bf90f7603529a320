/*
 * Storage benchmark: what the storage engine (storage/) costs against the two
 * things it is built on, the disk's fdatasync and a Redis script call, both
 * measured in the same run on the same machine. It asserts nothing; it prints.
 *
 * The rig is the one of test/helpers/storage.ts without ava: a private
 * redis-server on a unix socket in a temp directory, a fresh data directory,
 * recovery + seedSharedState, one StorageEngine and one WalFlusher running in
 * the background in this same process.
 *
 *  1. Anchor: fdatasync rate of the disk under /tmp (where the data directory
 *     lives): write 8 KiB at offset 0, fdatasync, for ~2 s. A synchronous
 *     commit waits for one fdatasync of the WAL, so one committer can commit
 *     at most about this often; more commits per second than fdatasyncs per
 *     second is only possible by group commit (many commit records flushed by
 *     one fdatasync). Also shown, for context: the same with each 8 KiB
 *     appended to the file (what a WAL writer does: the file grows, so
 *     fdatasync must also journal the new size).
 *  2. Commits/s through the storage API: one transaction = insert of a
 *     100-byte row + commit. 1 committer and 32 concurrent committers with
 *     synchronous commit (waits for the WAL flush), then 32 with asynchronous
 *     commit (returns once the commit record is in the WAL buffer). Each runs
 *     ~5 s after a short warm-up. Reported: commits/s, latency, WAL flushes
 *     per second and commits per flush (from the flusher's counters), CPU of
 *     this process and of redis-server, and the ratios tps(32)/tps(1) (group
 *     commit at work; target >= 8x) and tps(1)/fdatasync rate.
 *  3. Anchor: sequential EVALSHA round trips of a trivial script (INCR) on a
 *     separate connection to the same Redis: the floor for any storage
 *     operation, since each is one Lua script call. Then sequential single
 *     operations through the storage API: (a) point lookup tx.fetch of
 *     committed rows (one read-only transaction, nextStatement() between
 *     fetches), (b) insert (one transaction, aborted at the end, so no commit
 *     cost), (c) update of distinct committed rows (one transaction, aborted
 *     at the end). Each operation alternates with the anchor in blocks, and
 *     its ratio is to the anchor blocks beside it (target >= 0.5x), with
 *     Redis's own time per operation and the CPU used. This runs twice: as
 *     the OS schedules the processes, then with this process and redis-server
 *     pinned to one CPU. On a small VM a sequential round trip costs far more
 *     when the peer must be woken on the other core than on the same one
 *     (bench/runtime.ts found the same for IPC), and that wake-up latency
 *     hides the CPU cost of the scripts in the free ratios: the pinned ones
 *     compare CPU cost.
 *  4. Redo: the flusher and the engine stop, Redis is killed (as in a crash),
 *     and recover() replays all the WAL written since the start (no
 *     checkpoint was ever taken). Reported: MB of WAL per second for the redo
 *     phase alone and for the whole recovery including its end-of-recovery
 *     checkpoint (writing and fsyncing the redone pages).
 *
 * Whole run: about 45 s on 2 CPUs. Every temp directory and the redis-server are removed
 * at the end, also on error or Ctrl-C.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { StorageEngine } from '../storage/engine.ts';
import { recover } from '../storage/recovery.ts';
import type { RecoveryResult } from '../storage/recovery.ts';
import { connectRedis } from '../storage/redis.ts';
import { seedSharedState } from '../storage/sharedState.ts';
import type { Ctid } from '../storage/transaction.ts';
import { WalFlusher } from '../storage/walFlush.ts';
import { startEmbeddedRedis } from '../supervision/redisServer.ts';
import type { EmbeddedRedis } from '../supervision/redisServer.ts';
import { affinityMask, firstCpu, setAffinity } from './affinity.ts';
import { fdatasyncRate, mountOf, percentile, procCpuSeconds } from './machine.ts';

const SEG = 16 * 1024 * 1024;
const FSYNC_MS = 2000;
const APPEND_FSYNC_MS = 1000;
const WARMUP_MS = 700;
const RUN_MS = 5000;
const FREE_MS_PER_OP = 2000;
const PINNED_MS_PER_OP = 1000;
const BLOCKS = 4;
const OPS_WARMUP = 300;
/** Committed rows wanted before the update test (topped up, untimed, if the commit runs left fewer). */
const ROWS_FOR_UPDATES = 40_000;
const ROW_BYTES = 100;

// ---- formatting ------------------------------------------------------------------

const out = (s: string): void => void process.stdout.write(`${s}\n`);
const int = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const fix = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const ratio = (a: number, b: number): string => `${fix(a / b, a / b < 10 ? 2 : 1)}x`;
const LABEL = 40;
function row(label: string, value: string, unit: string, note = ''): void {
  out(`${label.padEnd(LABEL)}${value.padStart(10)} ${unit.padEnd(8)}${note ? `  ${note}` : ''}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Hang guard (not a timing assertion): a dead Redis leaves waiters waiting until the engine closes. */
const GUARD_MS = 15_000;
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

/** A ~100-byte row. */
function rowData(n: number): string {
  return `row ${n} `.padEnd(ROW_BYTES, 'abcdefghijklmnopqrstuvwxyz');
}

// ---- machine facts ---------------------------------------------------------------

interface CpuMark {
  wall: number;
  node: NodeJS.CpuUsage;
  redis: number;
}
interface CpuShare {
  nodePct: number;
  redisPct: number;
}
function cpuMark(redisPid: number): CpuMark {
  return { wall: performance.now(), node: process.cpuUsage(), redis: procCpuSeconds(redisPid) };
}
function cpuSince(m: CpuMark, redisPid: number): CpuShare {
  const wallS = (performance.now() - m.wall) / 1000;
  const d = process.cpuUsage(m.node);
  return { nodePct: ((d.user + d.system) / 1e6 / wallS) * 100, redisPct: ((procCpuSeconds(redisPid) - m.redis) / wallS) * 100 };
}
const shareOf = (t: Tally): CpuShare => ({ nodePct: (t.nodeCpuS / (t.ms / 1000)) * 100, redisPct: (t.redisCpuS / (t.ms / 1000)) * 100 });
const cpuText = (c: CpuShare): string => `CPU: node ${fix(c.nodePct, 0)}%, redis ${fix(c.redisPct, 0)}%`;

// ---- 1. fdatasync anchor ---------------------------------------------------------

// ---- the rig -----------------------------------------------------------------------

interface Rig {
  dataDir: string;
  redis: EmbeddedRedis;
  engine: StorageEngine;
  flusher: WalFlusher;
  stopFlusher: () => Promise<void>;
  rel: number;
  /** Every row committed so far, in commit order. */
  committed: Ctid[];
  seq: number;
}

/** Waits until the WAL buffer in Redis is empty (the flusher caught up), at most 20 s. */
async function drainWal(rig: Rig): Promise<void> {
  const end = Date.now() + 20_000;
  while ((await rig.engine.redis.llen(rig.engine.keys.walBuffer())) > 0 && Date.now() < end) await sleep(10);
}

// ---- 2. commits --------------------------------------------------------------------

interface CommitRun {
  tps: number;
  commits: number;
  flushesPerS: number;
  commitsPerFlush: number;
  recordsPerFlush: number;
  p50: number;
  p99: number;
  cpu: CpuShare;
}

async function commitLoad(rig: Rig, committers: number, synchronousCommit: boolean): Promise<CommitRun> {
  const s = { phase: 'warmup' as 'warmup' | 'measure' | 'done', commits: 0, failure: null as unknown };
  const latencies: number[] = [];
  const worker = async (): Promise<void> => {
    while (s.phase !== 'done') {
      const start = performance.now();
      const tx = rig.engine.begin('read committed', { synchronousCommit });
      const ctid = await tx.insert(rig.rel, rowData(rig.seq++));
      await tx.commit();
      rig.committed.push(ctid);
      if (s.phase === 'measure') {
        s.commits++;
        latencies.push(performance.now() - start);
      }
    }
  };
  const workers = Array.from({ length: committers }, () =>
    worker().catch((e: unknown) => {
      s.failure ??= e;
      s.phase = 'done';
    }),
  );
  await sleep(WARMUP_MS);
  const f0 = { ...rig.flusher.stats };
  const cpu0 = cpuMark(rig.redis.pid);
  const t0 = performance.now();
  if (s.phase === 'warmup') s.phase = 'measure';
  await sleep(RUN_MS);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSince(cpu0, rig.redis.pid);
  const commits = s.commits;
  const f1 = { ...rig.flusher.stats };
  s.phase = 'done';
  await guarded(Promise.all(workers), `the ${committers} committers`);
  if (s.failure !== null) throw s.failure;
  const flushes = f1.flushes - f0.flushes;
  const sorted = Float64Array.from(latencies).sort();
  return {
    tps: commits / seconds,
    commits,
    flushesPerS: flushes / seconds,
    commitsPerFlush: commits / flushes,
    recordsPerFlush: (f1.records - f0.records) / flushes,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    cpu,
  };
}

/** Untimed: commits rows in batches until `want` committed rows exist. */
async function topUpRows(rig: Rig, want: number): Promise<void> {
  const batch = 500;
  const worker = async (): Promise<void> => {
    while (rig.committed.length < want) {
      const tx = rig.engine.begin();
      const ctids: Ctid[] = [];
      for (let i = 0; i < batch; i++) ctids.push(await tx.insert(rig.rel, rowData(rig.seq++)));
      await tx.commit();
      rig.committed.push(...ctids);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

// ---- 3. single operations ---------------------------------------------------------

/** Totals over the timed blocks of one kind of operation. */
interface Tally {
  ops: number;
  ms: number;
  nodeCpuS: number;
  redisCpuS: number;
  /** EVALSHA calls and microseconds Redis spent in them during these blocks (INFO commandstats; includes the WAL writer's walFlushed). */
  redisCalls: number;
  redisUsec: number;
  exhausted: boolean;
}
const tally = (): Tally => ({ ops: 0, ms: 0, nodeCpuS: 0, redisCpuS: 0, redisCalls: 0, redisUsec: 0, exhausted: false });
const perSecond = (t: Tally): number => t.ops / (t.ms / 1000);

/** One operation; resolves false when it has nothing left to work on. */
type Op = () => Promise<boolean>;

/** Runs op sequentially for ms into t. */
async function timedBlock(rig: Rig, stats: Redis, op: Op, ms: number, t: Tally): Promise<void> {
  await stats.config('RESETSTAT');
  const node0 = process.cpuUsage();
  const redis0 = procCpuSeconds(rig.redis.pid);
  const t0 = performance.now();
  let t1 = t0;
  let n = 0;
  while (t1 - t0 < ms) {
    if (!(await op())) {
      t.exhausted = true;
      break;
    }
    n++;
    t1 = performance.now();
  }
  const node = process.cpuUsage(node0);
  t.nodeCpuS += (node.user + node.system) / 1e6;
  t.redisCpuS += procCpuSeconds(rig.redis.pid) - redis0;
  t.ops += n;
  t.ms += t1 - t0;
  const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await stats.info('commandstats'));
  if (m) {
    t.redisCalls += Number(m[1]);
    t.redisUsec += Number(m[2]);
  }
}

/**
 * Times op against the EVALSHA anchor, alternating in BLOCKS blocks after an
 * untimed warm-up of each, so that both see the same conditions.
 */
async function compare(rig: Rig, stats: Redis, anchor: Op, op: Op, totalMs: number, anchorTotal: Tally): Promise<{ anchor: Tally; op: Tally }> {
  for (let i = 0; i < OPS_WARMUP; i++) await anchor();
  for (let i = 0; i < OPS_WARMUP; i++) if (!(await op())) break;
  const a = tally();
  const o = tally();
  for (let b = 0; b < BLOCKS && !o.exhausted; b++) {
    await timedBlock(rig, stats, anchor, totalMs / BLOCKS, a);
    await timedBlock(rig, stats, op, totalMs / BLOCKS, o);
  }
  for (const k of ['ops', 'ms', 'nodeCpuS', 'redisCpuS', 'redisCalls', 'redisUsec'] as const) anchorTotal[k] += a[k];
  return { anchor: a, op: o };
}

interface OpPass {
  anchor: Tally;
  fetch: { anchor: Tally; op: Tally };
  insert: { anchor: Tally; op: Tally };
  update: { anchor: Tally; op: Tally };
  fetchMisses: number;
  updatesNotDone: number;
}

/** (a) fetch, (b) insert, (c) update, each against the anchor; `cursor` walks the committed rows for updates. */
async function opPass(rig: Rig, stats: Redis, anchor: Op, rows: Ctid[], cursor: { next: number }, msPerOp: number): Promise<OpPass> {
  const anchorTotal = tally();
  let misses = 0;
  let k = 0;
  const reader = rig.engine.begin();
  const fetch = await compare(
    rig,
    stats,
    anchor,
    async () => {
      const t = await reader.fetch(rig.rel, rows[(k++ * 7919) % rows.length]!);
      reader.nextStatement();
      if (t === null) misses++;
      return true;
    },
    msPerOp,
    anchorTotal,
  );
  await reader.commit();

  const inserter = rig.engine.begin();
  const insert = await compare(
    rig,
    stats,
    anchor,
    async () => {
      await inserter.insert(rig.rel, rowData(rig.seq++));
      return true;
    },
    msPerOp,
    anchorTotal,
  );
  await inserter.abort();
  await drainWal(rig);

  let notDone = 0;
  const updater = rig.engine.begin();
  const update = await compare(
    rig,
    stats,
    anchor,
    async () => {
      const ctid = rows[cursor.next++];
      if (!ctid) return false;
      if ((await updater.update(rig.rel, ctid, rowData(rig.seq++))).status !== 'done') notDone++;
      return true;
    },
    msPerOp,
    anchorTotal,
  );
  await updater.abort();
  await drainWal(rig);
  return { anchor: anchorTotal, fetch, insert, update, fetchMisses: misses, updatesNotDone: notDone };
}

// ---- main ----------------------------------------------------------------------------

interface Cleanup {
  root: string;
  redis: EmbeddedRedis | null;
}

function cleanupNow(c: Cleanup): void {
  c.redis?.kill();
  rmSync(c.root, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const root = mkdtempSync('/tmp/agsb-');
  const cleanup: Cleanup = { root, redis: null };
  const onSignal = (sig: NodeJS.Signals): void => {
    cleanupNow(cleanup);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  out(`actorgres storage benchmark: node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${new Date().toISOString()}`);
  out(`data directory and fdatasync anchor under ${root}: ${mountOf(root)}`);

  let engine: StorageEngine | null = null;
  let stopFlusher: (() => Promise<void>) | null = null;
  let raw: Redis | null = null;
  try {
    // 1. fdatasync anchor, before anything else runs.
    const anchorDir = join(root, 'anchor');
    mkdirSync(anchorDir);
    const fsyncRate = await fdatasyncRate(anchorDir, false, FSYNC_MS);
    const appendRate = await fdatasyncRate(anchorDir, true, APPEND_FSYNC_MS);
    rmSync(anchorDir, { recursive: true, force: true });

    // The rig, as test/helpers/storage.ts builds it.
    const redis = await startEmbeddedRedis(join(root, 'r'));
    cleanup.redis = redis;
    const redisAddress = `unix:${redis.socketPath}`;
    const dataDir = join(root, 'data');
    mkdirSync(join(dataDir, 'global'), { recursive: true });
    const recovery = await recover(dataDir, SEG, () => undefined);
    engine = await StorageEngine.open({ dataDir, redisAddress, keyPrefix: 'ag:', name: 'bench' });
    await seedSharedState(engine.redis, engine.keys, recovery, 16384);
    const flusher = await WalFlusher.open(engine, SEG);
    const abort = new AbortController();
    const running = flusher.run(abort.signal);
    running.catch(() => undefined); // awaited in stopFlusher
    let stopped = false;
    stopFlusher = async () => {
      if (stopped) return;
      stopped = true;
      abort.abort();
      await running.catch(() => undefined);
      await flusher.close();
    };
    const rel = await engine.createRelation('bench');
    const rig: Rig = { dataDir, redis, engine, flusher, stopFlusher, rel, committed: [], seq: 0 };

    // 2. commits.
    const one = await commitLoad(rig, 1, true);
    await drainWal(rig);
    const many = await commitLoad(rig, 32, true);
    await drainWal(rig);
    const manyAsync = await commitLoad(rig, 32, false);
    await drainWal(rig);

    // 3. raw EVALSHA anchor and single operations, alternating; as scheduled, then pinned to one CPU.
    raw = connectRedis(redisAddress, 'bench:raw');
    raw.on('error', () => undefined);
    raw.defineCommand('benchIncr', { numberOfKeys: 1, lua: "return redis.call('INCR', KEYS[1])" });
    const incr: unknown = Reflect.get(raw, 'benchIncr');
    if (typeof incr !== 'function') throw new Error('ioredis did not define benchIncr');
    const rawRedis = raw;
    const anchor: Op = async () => {
      await (incr.call(rawRedis, 'ag:bench:counter') as Promise<unknown>);
      return true;
    };
    const committedByRuns = rig.committed.length;
    if (rig.committed.length < ROWS_FOR_UPDATES) await topUpRows(rig, ROWS_FOR_UPDATES);
    await drainWal(rig);
    const rows = rig.committed.slice();
    const cursor = { next: 0 };
    const free = await opPass(rig, rawRedis, anchor, rows, cursor, FREE_MS_PER_OP);
    let pinned: { pass: OpPass; cpu: number } | null = null;
    let pinNote = '';
    const original = affinityMask(process.pid);
    if (original) {
      const pids = [process.pid, redis.pid];
      const one = firstCpu(original);
      try {
        setAffinity(pids, one.mask);
        pinned = { pass: await opPass(rig, rawRedis, anchor, rows, cursor, PINNED_MS_PER_OP), cpu: one.cpu };
      } catch (err) {
        pinNote = `pinning failed: ${err instanceof Error ? err.message : String(err)}`;
      } finally {
        setAffinity(pids, original);
      }
    } else pinNote = 'taskset not available: no pinned measurement';

    // 4. redo: stop everything, as after a crash, then replay the WAL.
    raw.disconnect();
    raw = null;
    await stopFlusher();
    await engine.close();
    engine = null;
    redis.kill();
    await redis.exited;
    cleanup.redis = null;
    const marks: { start: number; done: number; other: string[] } = { start: NaN, done: NaN, other: [] };
    const r0 = performance.now();
    const redo: RecoveryResult = await recover(dataDir, SEG, (m) => {
      if (m.startsWith('redo starts')) marks.start = performance.now();
      else if (m.startsWith('redo done')) marks.done = performance.now();
      else marks.other.push(m);
    });
    const recoverMs = performance.now() - r0;
    const redoMs = marks.done - marks.start;
    const walBytes = redo.endLsn - redo.redoLsn;

    // ---- report ----
    const secs = (RUN_MS / 1000).toFixed(0);
    out('');
    out('disk');
    row('fdatasync, 8 KiB overwrite at offset 0', int(fsyncRate), '/s', `anchor (${fix(1000 / fsyncRate, 2)} ms each)`);
    row('fdatasync, 8 KiB appended', int(appendRate), '/s', `context: the file grows, as the WAL does (${ratio(appendRate, fsyncRate)} the anchor)`);
    out('');
    out(`commits: insert of a ${ROW_BYTES}-byte row + commit, ${secs} s each after ${WARMUP_MS} ms warm-up`);
    const commitRow = (label: string, c: CommitRun, note: string): void => {
      row(label, int(c.tps), 'tx/s', note);
      out(
        `${''.padEnd(LABEL)}latency p50 ${fix(c.p50, 2)} ms, p99 ${fix(c.p99, 2)} ms; ${int(c.flushesPerS)} WAL flushes/s, ${fix(c.commitsPerFlush, 2)} commits/flush (${fix(c.recordsPerFlush, 1)} records/flush); ${cpuText(c.cpu)}`,
      );
    };
    commitRow('commits/s, 1 committer', one, `(${ratio(one.tps, fsyncRate)} the disk's fdatasync/s)`);
    commitRow('commits/s, 32 committers', many, `(${ratio(many.tps, one.tps)} 1 committer, target >= 8x; ${ratio(many.tps, fsyncRate)} fdatasync/s)`);
    commitRow('commits/s, 32 committers, async commit', manyAsync, `(${ratio(manyAsync.tps, many.tps)} synchronous; ${ratio(manyAsync.tps, fsyncRate)} fdatasync/s)`);
    out('');
    out(`single operations, sequential, each alternated with the raw EVALSHA anchor in ${BLOCKS} blocks after ${OPS_WARMUP} warm-up calls`);
    out('(ratio: to the anchor blocks run beside that operation; Redis us/op: time Redis spent in EVALSHA per operation,');
    out(" INFO commandstats, including the WAL writer's share; CPU: share of one CPU during the operation's blocks)");
    const opLines = (p: OpPass): void => {
      const a = p.anchor;
      row('  EVALSHA of INCR, raw ioredis', int(perSecond(a)), 'ops/s', `anchor; ${fix(a.redisUsec / a.redisCalls, 1)} us/call in Redis; ${cpuText(shareOf(a))}`);
      const opRow = (label: string, c: { anchor: Tally; op: Tally }): void => {
        const o = c.op;
        const note = `(${ratio(perSecond(o), perSecond(c.anchor))} EVALSHA at ${int(perSecond(c.anchor))}/s, target >= 0.5x); ${fix(o.redisUsec / o.ops, 1)} us/op in Redis; ${cpuText(shareOf(o))}`;
        row(label, int(perSecond(o)), 'ops/s', `${note}${o.exhausted ? ` (ran out of rows after ${int(o.ops)})` : ''}`);
      };
      opRow('  (a) tx.fetch of a committed row', p.fetch);
      opRow('  (b) tx.insert, no commit', p.insert);
      opRow('  (c) tx.update of a committed row', p.update);
      if (p.fetchMisses > 0 || p.updatesNotDone > 0) out(`  note: ${p.fetchMisses} fetches found nothing, ${p.updatesNotDone} updates were not done`);
    };
    out(`scheduled freely (~${FREE_MS_PER_OP / 1000} s per operation and as much for its anchor):`);
    opLines(free);
    if (pinned) {
      out(`this process and redis-server pinned to CPU ${pinned.cpu} (taskset; no cross-core wake-ups; ~${PINNED_MS_PER_OP / 1000} s per operation):`);
      opLines(pinned.pass);
    } else out(`  ${pinNote}`);
    out(
      `  rows: ${int(committedByRuns)} committed by the commit runs${rows.length > committedByRuns ? `, ${int(rows.length)} after top-up` : ''}; updates used ${int(cursor.next)}`,
    );
    out('');
    out(`redo: recover() after the flusher stopped, the engine closed and Redis was killed (no checkpoint since the start)`);
    row('WAL replayed', fix(walBytes / 1e6, 1), 'MB', `${int(redo.records)} records, ${int(redo.pagesRedone)} pages, stop: ${redo.stop}`);
    row('redo phase (scan + apply)', fix(walBytes / 1e6 / (redoMs / 1000), 1), 'MB/s', `${int(redoMs)} ms, ${int(redo.records / (redoMs / 1000))} records/s`);
    row('whole recover() incl. checkpoint', fix(walBytes / 1e6 / (recoverMs / 1000), 1), 'MB/s', `${int(recoverMs)} ms (end-of-recovery checkpoint ${int(recoverMs - redoMs)} ms)`);
    for (const m of marks.other) out(`${''.padEnd(LABEL)}recovery: ${m}`);
  } finally {
    raw?.disconnect();
    await guarded(engine?.close() ?? Promise.resolve(), 'closing the engine', 5000).catch(() => undefined);
    await guarded(stopFlusher?.() ?? Promise.resolve(), 'stopping the WAL flusher', 5000).catch(() => undefined);
    cleanupNow(cleanup);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

try {
  await main();
} catch (err) {
  process.stderr.write(`storage benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
