/*
 * Runtime benchmark: what actorgres's actor layer costs on top of what it is
 * built from, measured in one run on this machine and printed as a table.
 * It asserts nothing; it only prints.
 *
 *  1. raw IPC round trip: child_process.fork to a plain-JS echo child
 *     (bench/ipcEcho.mjs), sequential small JSON messages shaped like our
 *     wire envelopes. This is the floor for any cross-process ask, since
 *     worker processes talk to the primary over the same node IPC channel.
 *  2. actor ask across processes: cluster.backgroundWorker('echo').ask()
 *     from the primary to a background worker on a worker process (IPC both
 *     ways, the worker's ActorNode, an nact mailbox, the bgworker actor, the
 *     ask table). Reported as a ratio to (1); the target is <= 1.5x.
 *     (1) and (2) run alternately in blocks while the cluster is up, so both
 *     see the same conditions, twice: as the OS schedules them, then with
 *     every process involved pinned to one CPU (taskset). On a small machine
 *     a sequential round trip costs far more when the peer must be woken on
 *     another core than when it runs on the same one, and which one a run
 *     gets is up to the scheduler: the free numbers are what you get, the
 *     pinned ones compare CPU cost.
 *  3. in-process dispatch: plain nact 7.6.2 (the mailbox actorgres builds on)
 *     against ActorNode.tell to a local actor (nact plus our envelope, async
 *     handler, crash handling). Measured before the cluster starts, so that
 *     nothing else competes for the two cores.
 *  4. recovery after kill -9 of the worker process hosting the background
 *     worker, 20 times: until the supervisor reports it started elsewhere,
 *     until the first ask to it succeeds, until the replacement worker is
 *     ready. For this the echo worker's backoff is 0 and the restart limits
 *     are raised (worker_restart_limit, maxRestarts): with the defaults the
 *     restarts would be delayed 100 ms, 200 ms, ..., the 6th kill within a
 *     minute would make the echo worker's supervisor give up, and the 11th
 *     worker death within a minute would shut the cluster down. The point is
 *     the machinery, not the policy.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import nact from 'nact';
import { filter, firstValueFrom, timeout } from 'rxjs';
import type { Observable } from 'rxjs';
import { initDataDirectory, startCluster } from '../index.ts';
import type { BackgroundWorkerHandle, Cluster, ClusterEvent } from '../index.ts';
import { ActorNode } from '../supervision/actorNode.ts';
import type { ActorBehavior } from '../supervision/actorNode.ts';
import type { Json } from '../supervision/types.ts';
import { affinityMask, firstCpu, setAffinity } from './affinity.ts';

const ROUND_TRIPS = 5000;
const ROUND_TRIP_WARMUP = 500;
/** Raw and actor round trips alternate in this many blocks. */
const BLOCKS = 10;
const DISPATCHES = 200_000;
const DISPATCH_WARMUP = 20_000;
const KILLS = 20;
/** Hang guard for every wait in the kill loop (not a timing assertion). */
const GUARD_MS = 20_000;

// ---- statistics and formatting -------------------------------------------------

interface Latency {
  medianUs: number;
  p99Us: number;
  perSecond: number;
}

function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

function summarize(samplesUs: Float64Array, totalMs: number): Latency {
  const sorted = Float64Array.from(samplesUs).sort();
  return { medianUs: percentile(sorted, 50), p99Us: percentile(sorted, 99), perSecond: samplesUs.length / (totalMs / 1000) };
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const label = (s: string): string => s.padEnd(30);

function latencyLine(name: string, l: Latency, extra = ''): string {
  return `${label(name)}median ${int(l.medianUs).padStart(5)} us  p99 ${int(l.p99Us).padStart(5)} us  ${int(l.perSecond).padStart(8)}/s${extra}`;
}

function msLine(name: string, values: number[]): string {
  if (values.length === 0) return `${label(name)}no data`;
  const sorted = [...values].sort((a, b) => a - b);
  return `${label(name)}median ${int(percentile(sorted, 50)).padStart(5)} ms  max ${int(sorted[sorted.length - 1]!).padStart(5)} ms`;
}

type RoundTrip = () => Promise<unknown>;

/**
 * Times ROUND_TRIPS sequential round trips of each kind after ROUND_TRIP_WARMUP
 * untimed ones, alternating kinds in blocks so that both see the same
 * conditions (other processes' timers, CPU frequency, the scheduler's mood).
 */
async function compareRoundTrips(raw: RoundTrip, ask: RoundTrip): Promise<{ raw: Latency; ask: Latency }> {
  const kinds = [raw, ask];
  const samples = kinds.map(() => new Float64Array(ROUND_TRIPS));
  const totalMs = kinds.map(() => 0);
  for (const f of kinds) for (let i = 0; i < ROUND_TRIP_WARMUP; i++) await f();
  const perBlock = ROUND_TRIPS / BLOCKS;
  for (let b = 0; b < BLOCKS; b++) {
    for (let k = 0; k < kinds.length; k++) {
      const f = kinds[k]!;
      const into = samples[k]!;
      const t0 = performance.now();
      for (let i = b * perBlock; i < (b + 1) * perBlock; i++) {
        const s = performance.now();
        await f();
        into[i] = (performance.now() - s) * 1000;
      }
      totalMs[k]! += performance.now() - t0;
    }
  }
  return { raw: summarize(samples[0]!, totalMs[0]!), ask: summarize(samples[1]!, totalMs[1]!) };
}

function nextEvent(events: Observable<ClusterEvent>, match: (e: ClusterEvent) => boolean, what: string): Promise<ClusterEvent> {
  return firstValueFrom(
    events.pipe(
      filter(match),
      timeout({
        first: GUARD_MS,
        with: () => {
          throw new Error(`no ${what} event within ${GUARD_MS} ms`);
        },
      }),
    ),
  );
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- 1. raw IPC ------------------------------------------------------------------

interface EchoChild {
  pid: number;
  roundTrip: RoundTrip;
  close(): Promise<void>;
}

async function forkEchoChild(): Promise<EchoChild> {
  // execArgv: [] keeps tsx out of the child: the anchor is plain node.
  const child = fork(join(import.meta.dirname, 'ipcEcho.mjs'), [], { execArgv: [], serialization: 'json', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  let pending: ((m: unknown) => void) | null = null;
  child.on('message', (m: unknown) => {
    const p = pending;
    pending = null;
    p?.(m);
  });
  let id = 0;
  return {
    pid: child.pid!,
    roundTrip: () =>
      new Promise((resolve) => {
        pending = resolve;
        child.send({ t: 'ask', to: { node: 1, path: 'x' }, msg: 'ping', id: id++, from: 0 });
      }),
    close: async () => {
      child.disconnect();
      await exited;
    },
  };
}

// ---- 2. actor ask across processes: cluster.backgroundWorker('echo').ask, see main ------------

// ---- 3. in-process dispatch -------------------------------------------------------------

/** Milliseconds for plain nact to take `n` dispatches and handle them all. */
async function nactDispatch(n: number): Promise<number> {
  const sys = nact.start();
  let count = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const actor = nact.spawn(sys, (state: number | undefined, _msg: number) => {
    count++;
    if (count === n) done();
    return state;
  });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) nact.dispatch(actor, i);
  await finished;
  const ms = performance.now() - t0;
  nact.stop(sys);
  return ms;
}

/** Milliseconds for an ActorNode to take `n` tells to a local actor and handle them all. */
async function actorNodeTell(n: number): Promise<number> {
  const node = new ActorNode({ id: 0, linkTo: () => undefined });
  let count = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const behavior: ActorBehavior<number, Json, Json, Record<string, never>> = {
    init: () => 0,
    receive: (s) => {
      count++;
      if (count === n) done();
      return s;
    },
  };
  const running = firstValueFrom(node.lifecycle$.pipe(filter((e) => e.type === 'running' && e.ref.path === 'counter')));
  const ref = node.spawnLocal(behavior, 'counter', {}, { role: 'bench', name: 'counter', restarts: 0 });
  await running; // init is not part of the measurement
  const t0 = performance.now();
  for (let i = 0; i < n; i++) node.tell(ref, 1);
  await finished;
  const ms = performance.now() - t0;
  await node.close(1000);
  return ms;
}

// ---- 4. recovery after kill -9 -----------------------------------------------------------

interface Recovery {
  restartedMs: number[];
  askMs: number[];
  workerReadyMs: number[];
  failedAsks: number;
  error: string | null;
}

async function readyWorkers(cluster: Cluster, want: number): Promise<Array<{ node: number; pid: number }>> {
  const end = Date.now() + GUARD_MS;
  for (;;) {
    const workers = (await cluster.status()).workers.filter((w) => w.ready);
    if (workers.length >= want) return workers;
    if (Date.now() > end) throw new Error(`only ${workers.length} of ${want} workers ready after ${GUARD_MS} ms`);
    await pause(10);
  }
}

async function recovery(cluster: Cluster, echo: BackgroundWorkerHandle): Promise<Recovery> {
  const r: Recovery = { restartedMs: [], askMs: [], workerReadyMs: [], failedAsks: 0, error: null };
  try {
    for (let k = 0; k < KILLS; k++) {
      const workers = await readyWorkers(cluster, 2);
      const where = echo.ref();
      if (!where) throw new Error('the echo background worker is not running before a kill');
      const victim = workers.find((w) => w.node === where.node);
      if (!victim) throw new Error(`no ready worker process for node ${where.node}`);
      // Subscribe before killing, so that no event can be missed.
      const started = nextEvent(cluster.events, (e) => e.type === 'restarted' && e.child === 'echo', "echo 'started'").then(() => performance.now());
      const workerReady = nextEvent(cluster.events, (e) => e.type === 'worker-ready', "'worker-ready'").then(() => performance.now());
      started.catch(() => undefined);
      workerReady.catch(() => undefined);

      const killedAt = performance.now();
      process.kill(victim.pid, 'SIGKILL');
      r.restartedMs.push((await started) - killedAt);
      const askDeadline = Date.now() + GUARD_MS;
      for (;;) {
        try {
          await echo.ask('ping', 1000);
          break;
        } catch (err) {
          r.failedAsks++;
          if (Date.now() > askDeadline) throw new Error(`no successful ask within ${GUARD_MS} ms after a restart: ${err instanceof Error ? err.message : String(err)}`);
          await new Promise<void>((res) => setImmediate(res));
        }
      }
      r.askMs.push(performance.now() - killedAt);
      r.workerReadyMs.push((await workerReady) - killedAt);
    }
    await readyWorkers(cluster, 2);
  } catch (err) {
    r.error = err instanceof Error ? err.message : String(err);
  }
  return r;
}

// ---- main --------------------------------------------------------------------------------

async function main(): Promise<void> {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`actorgres runtime benchmark: node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${new Date().toISOString()}`);

  // 3 first, with nothing else running.
  await nactDispatch(DISPATCH_WARMUP);
  await actorNodeTell(DISPATCH_WARMUP);
  const nactMs = await nactDispatch(DISPATCHES);
  const nodeMs = await actorNodeTell(DISPATCHES);

  const root = mkdtempSync('/tmp/agb-');
  let cluster: Cluster | null = null;
  let echoChild: EchoChild | null = null;
  try {
    const dataDir = join(root, 'data');
    initDataDirectory(dataDir);
    const t0 = performance.now();
    cluster = await startCluster({
      dataDir,
      workers: 2,
      log: () => undefined,
      settings: { worker_restart_limit: 1000 },
      backgroundWorkers: [
        {
          name: 'echo',
          start: { module: join(import.meta.dirname, 'fixtures', 'echo.ts') },
          restart: { kind: 'permanent', maxRestarts: 1000, withinMs: 60_000, backoff: { initialMs: 0, maxMs: 0 } },
        },
      ],
    });
    const echo = cluster.backgroundWorker('echo');
    while (!echo.ref()) await pause(5);
    const startMs = performance.now() - t0;

    // 1 and 2, interleaved: first as the scheduler places the processes, then all on one CPU.
    echoChild = await forkEchoChild();
    const ask: RoundTrip = () => echo.ask('ping', 1000);
    const free = await compareRoundTrips(echoChild.roundTrip, ask);
    let pinned: { raw: Latency; ask: Latency; cpu: number } | null = null;
    let pinNote = '';
    const original = affinityMask(process.pid);
    if (original) {
      const pids = [process.pid, echoChild.pid, ...(await cluster.status()).workers.map((w) => w.pid)];
      const one = firstCpu(original);
      try {
        setAffinity(pids, one.mask);
        pinned = { ...(await compareRoundTrips(echoChild.roundTrip, ask)), cpu: one.cpu };
      } catch (err) {
        pinNote = `pinning failed: ${err instanceof Error ? err.message : String(err)}`;
      } finally {
        setAffinity(pids, original); // before the kills: replacement workers inherit ours
      }
    } else pinNote = 'taskset not available: no pinned measurement';
    await echoChild.close();
    echoChild = null;

    const rec = await recovery(cluster, echo);

    const ratio = (r: { raw: Latency; ask: Latency }) => `   ratio ${(r.ask.medianUs / r.raw.medianUs).toFixed(2)}x (target <= 1.5x)`;
    const nactRate = DISPATCHES / (nactMs / 1000);
    const nodeRate = DISPATCHES / (nodeMs / 1000);
    out('');
    out(`cross-process round trips: ${int(ROUND_TRIPS)} sequential each after ${ROUND_TRIP_WARMUP} warm-up, raw and actor alternating in ${BLOCKS} blocks`);
    out('  scheduled freely (cluster of 2 workers and Redis up, idle):');
    out(latencyLine('raw IPC round trip', free.raw));
    out(latencyLine('actor ask across processes', free.ask, ratio(free)));
    if (pinned) {
      out(`  every process involved pinned to CPU ${pinned.cpu} (taskset; no cross-core wake-ups):`);
      out(latencyLine('raw IPC round trip', pinned.raw));
      out(latencyLine('actor ask across processes', pinned.ask, ratio(pinned)));
      out('  (a free median mixes same-core hand-offs and wake-ups of the other core; which one a run');
      out('   gets is up to the scheduler, so the free ratio is noisy. The pinned one is the CPU cost.)');
    } else out(`  ${pinNote}`);
    out('');
    out(`in-process dispatch: ${int(DISPATCHES)} messages to one actor, after ${int(DISPATCH_WARMUP)} warm-up`);
    out(`${label('nact 7.6.2 dispatch')}${int(nactRate).padStart(10)} msgs/s  (${nactMs.toFixed(0)} ms)`);
    out(`${label('ActorNode tell')}${int(nodeRate).padStart(10)} msgs/s  (${nodeMs.toFixed(0)} ms)   ratio ${(nodeRate / nactRate).toFixed(2)}x of nact`);
    out('');
    out(`recovery after kill -9 of the worker hosting the bgworker: ${rec.askMs.length} of ${KILLS} kills (cluster start took ${startMs.toFixed(0)} ms)`);
    out(msLine('  actor restarted', rec.restartedMs));
    out(msLine('  first successful ask', rec.askMs));
    out(msLine('  replacement worker ready', rec.workerReadyMs));
    if (rec.failedAsks > 0) out(`  note: ${rec.failedAsks} asks failed after 'started' before one succeeded`);
    if (rec.error) out(`  stopped early: ${rec.error}`);
  } finally {
    await echoChild?.close();
    if (cluster) await cluster.stop({ mode: 'fast' });
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
