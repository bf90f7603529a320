import test from 'ava';
import { freePort } from './helpers/ports.ts';
import type { ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { startCluster } from '../index.ts';
import type { Cluster, ClusterEvent } from '../index.ts';
import { readControlFile } from '../storage/controlFile.ts';
import { BIN } from './helpers/cli.ts';
import { redisCli, testCluster } from './helpers/cluster.ts';
import { deferred, nextEvent } from './helpers/wait.ts';

type RecoveryEvent = Extract<ClusterEvent, { type: 'recovery' }>;
const isRecovery = (e: ClusterEvent): e is RecoveryEvent => e.type === 'recovery';

/** Commits `rows` rows in transactions of 50: about one WAL record per row to redo after a crash. */
async function writeWal(cluster: Cluster, rows: number): Promise<number> {
  const engine = await cluster.storage();
  try {
    const rel = await engine.createRelation('t');
    for (let i = 0; i < rows; i += 50) {
      const tx = engine.begin();
      for (let j = i; j < Math.min(rows, i + 50); j++) await tx.insert(rel, `row-${j}-${'x'.repeat(60)}`);
      await tx.commit();
    }
  } finally {
    await engine.close();
  }
  return Number(redisCli(await cluster.status(), 'GET', 'ag:wal:flush'));
}

/** A data directory that crashed (immediate stop: no shutdown checkpoint) with `rows` rows of WAL to redo. */
async function crashedDataDir(t: ExecutionContext, rows: number): Promise<{ dataDir: string; flushed: number }> {
  const { cluster, dataDir } = await testCluster(t, { workers: 1 });
  const flushed = await writeWal(cluster, rows);
  await cluster.stop({ mode: 'immediate' });
  return { dataDir, flushed };
}

/** The shape every run of redo must have: begin at 0%, whole percents rising, end at 100% where WAL ends. */
function checkRun(t: ExecutionContext, run: RecoveryEvent[], endLsn: number): void {
  t.true(run.length >= 3, `begin, some progress, end: got ${run.length} events`);
  t.like(run[0], { phase: 'begin', percent: 0, records: 0 });
  const last = run.at(-1)!;
  t.like(last, { phase: 'end', percent: 100, lsn: endLsn, endLsn });
  const steps = run.slice(1, -1);
  t.true(
    steps.every((e) => e.phase === 'progress' && Number.isInteger(e.percent) && e.percent < 100 && e.lsn < last.lsn),
    'the steps in between are progress below 100%',
  );
  for (let i = 1; i < run.length; i++) {
    t.true(run[i]!.percent > run[i - 1]!.percent, 'the percentage only rises');
    t.true(run[i]!.lsn >= run[i - 1]!.lsn && run[i]!.records >= run[i - 1]!.records, 'the LSN and the record count only rise');
  }
  t.true(last.records > 0);
}

// Serial: the server log sink is one per process, and these tests read the log.
test.serial('a crash-restart reports redo as recovery events on cluster.events, rising to 100% at the end LSN of WAL', async (t) => {
  const { cluster, dataDir } = await testCluster(t, { workers: 1 });
  const flushed = await writeWal(cluster, 1000);
  const seen: RecoveryEvent[] = [];
  const sub = cluster.events.subscribe((e) => void (isRecovery(e) && seen.push(e)));
  t.teardown(() => sub.unsubscribe());
  const end = nextEvent(cluster.events, (e) => e.type === 'crash-restart' && e.phase === 'end', 'crash-restart ends', 60_000);
  const redisPid = Number(/process_id:(\d+)/.exec(redisCli(await cluster.status(), 'INFO', 'server'))![1]);
  process.kill(redisPid, 'SIGKILL');
  await end;
  checkRun(t, seen, flushed);
  t.true(seen.length > 10, `a step at (nearly) every percent: ${seen.length} events`);
  t.is(readControlFile(dataDir)?.checkpointLsn, flushed, 'redo ended where the end-of-recovery checkpoint says WAL ends');
});

test.serial('a start after a crash reports redo progress to onEvent before startCluster resolves, and logs it every 10%', async (t) => {
  const { dataDir, flushed } = await crashedDataDir(t, 1000);
  const seen: RecoveryEvent[] = [];
  const lines: string[] = [];
  const cluster = await startCluster({
    dataDir,
    workers: 1,
    settings: { log_min_messages: 'log' },
    log: (l) => void lines.push(l),
    onEvent: (e) => void (isRecovery(e) && seen.push(e)),
  });
  t.teardown(() => cluster.stop({ mode: 'immediate' }).catch(() => undefined));
  checkRun(t, seen, flushed);
  const progressLines = lines.filter((l) => /LOG: {2}redo in progress at [0-9A-F]+\/[0-9A-F]+ \(\d+%, \d+ records\)$/.test(l));
  t.deepEqual(
    progressLines.map((l) => Number(/\((\d+)%/.exec(l)![1]) - (Number(/\((\d+)%/.exec(l)![1]) % 10)),
    [10, 20, 30, 40, 50, 60, 70, 80, 90],
    lines.join('\n'),
  );
  const order = ['redo starts at', 'redo in progress at', 'redo done at', 'database system is ready'].map((s) => lines.findIndex((l) => l.includes(s)));
  t.deepEqual(
    [...order].sort((a, b) => a - b),
    order,
    'the lines come out in order, from one process',
  );
});

test.serial('recoveryProgressLog: false leaves the steps to the events: no "redo in progress" lines', async (t) => {
  const { dataDir, flushed } = await crashedDataDir(t, 300);
  const seen: RecoveryEvent[] = [];
  const lines: string[] = [];
  const cluster = await startCluster({
    dataDir,
    workers: 1,
    settings: { log_min_messages: 'log' },
    log: (l) => void lines.push(l),
    onEvent: (e) => void (isRecovery(e) && seen.push(e)),
    recoveryProgressLog: false,
  });
  t.teardown(() => cluster.stop({ mode: 'immediate' }).catch(() => undefined));
  checkRun(t, seen, flushed);
  t.false(
    lines.some((l) => l.includes('redo in progress')),
    lines.join('\n'),
  );
  t.true(
    lines.some((l) => l.includes('redo done at')),
    'the start and end of redo are still logged',
  );
});

interface ServerRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** What it told its parent over the IPC channel, as it does for `actorgres start`. */
  messages: unknown[];
}

/**
 * Runs `actorgres server` with pipes (no terminal) and an IPC channel, as
 * `actorgres start` does: once it says it is ready (its signal handlers are
 * installed by then), SIGINT stops it (fast shutdown).
 */
async function serverUntilReady(dataDir: string): Promise<ServerRun> {
  const child = spawn(process.execPath, [BIN, 'server', '-D', dataDir, '--workers', '1', '-p', String(await freePort())], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const run: ServerRun = { code: null, stdout: '', stderr: '', messages: [] };
  const done = deferred<ServerRun>();
  child.stdout!.on('data', (d: Buffer) => (run.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (run.stderr += d.toString()));
  child.on('message', (m) => {
    run.messages.push(m);
    if (typeof m === 'object' && m !== null && 'ready' in m) child.kill('SIGINT');
  });
  child.once('close', (code) => done.resolve({ ...run, code }));
  return done.promise;
}

test.serial('actorgres server without a terminal logs redo progress as plain lines, with no bar drawn', async (t) => {
  const { dataDir, flushed } = await crashedDataDir(t, 1000);
  const r = await serverUntilReady(dataDir);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /LOG: {2}redo starts at [0-9A-F]+\/[0-9A-F]+/);
  const steps = [...r.stderr.matchAll(/LOG: {2}redo in progress at [0-9A-F]+\/[0-9A-F]+ \((\d+)%, \d+ records\)\n/g)].map((m) => Number(m[1]));
  t.is(steps.length, 9, r.stderr);
  t.regex(r.stderr, /LOG: {2}redo done at [0-9A-F]+\/[0-9A-F]+: \d+ records/);
  t.false(/redo \[|\u001b\[/.test(r.stderr + r.stdout), 'no bar and no terminal control sequences');
  // `actorgres start` hears the same steps over the IPC channel (to draw its bar on a terminal).
  const steps$ = r.messages.flatMap((m) => (typeof m === 'object' && m !== null && 'recovery' in m ? [m.recovery as RecoveryEvent] : []));
  checkRun(t, steps$, flushed);
});
