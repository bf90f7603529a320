import test from 'ava';
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PMState } from '../index.ts';
import type { ClusterEvent } from '../index.ts';
import { fixture, hash, redisCli, testCluster } from './helpers/cluster.ts';
import { nextEvent, until } from './helpers/wait.ts';

test('a background worker that throws on every start is restarted with backoff up to its intensity, then given up; nothing else restarts', async (t) => {
  const { cluster } = await testCluster(t, { backgroundWorkers: [{ name: 'steady', start: { module: fixture('counter.ts') } }] });
  const steady = cluster.backgroundWorker('steady');
  await until('steady running', () => steady.ref());
  const steadyRef = steady.ref();
  const seen: ClusterEvent[] = [];
  cluster.events.subscribe((e) => seen.push(e));
  const escalated = nextEvent(cluster.events, (e: ClusterEvent) => e.type === 'escalated', 'escalation');
  await cluster.registerBackgroundWorker({
    name: 'doomed',
    start: { module: fixture('failsAtStart.ts') },
    restart: { maxRestarts: 3, withinMs: 60_000, backoff: { initialMs: 20, maxMs: 1000 }, escalate: 'stop' },
  });
  const e = await escalated;
  t.like(e, { supervisor: 'postmaster/bgworker:doomed', child: 'doomed', restarts: 3 });
  const forDoomed = seen.filter((x) => 'child' in x && x.child === 'doomed');
  t.deepEqual(
    forDoomed.flatMap((x) => (x.type === 'restarting' ? [x.delayMs] : [])),
    [0, 20, 40],
  );
  t.is(forDoomed.filter((x) => x.type === 'crashed').length, 4);
  t.true(forDoomed.every((x) => x.type !== 'crashed' || (x.reason.kind === 'crash' && /always fails at start/.test(x.reason.error.message))));
  // The root saw its child supervisor end (temporary: not restarted) and nothing else moved.
  await until('root saw it', () => seen.some((x) => x.type === 'crashed' && x.child === 'bgworker:doomed'));
  t.false(seen.some((x) => 'child' in x && (x.child === 'steady' || x.child === 'bgworker:steady')));
  t.deepEqual(steady.ref(), steadyRef);
  t.like(await steady.ask('still there?', 5000), { restarts: 0 });
  const status = await cluster.status();
  t.is(status.state, PMState.Run);
  t.is(redisCli(status, 'EXISTS', 'ag:proc:bgworker:doomed'), '0');
  t.is(hash(status, 'ag:proc:bgworker:steady')['restarts'], '0');
});

test('the registry shows each restart of a background worker that crashes, until it is given up', async (t) => {
  const { cluster } = await testCluster(t);
  await cluster.registerBackgroundWorker({
    name: 'wobbly',
    start: { module: fixture('counter.ts') },
    restart: { maxRestarts: 2, withinMs: 60_000, backoff: { initialMs: 1, maxMs: 5 } },
  });
  const wobbly = cluster.backgroundWorker('wobbly');
  for (let i = 1; i <= 2; i++) {
    const back = nextEvent(cluster.events, (e: ClusterEvent) => e.type === 'restarted' && e.child === 'wobbly', `restart ${i}`);
    await t.throwsAsync(wobbly.ask('crash', 5000));
    await back;
    t.like(await wobbly.ask('hi', 5000), { restarts: i });
    const status = await cluster.status();
    const entry = await until('entry running', () => {
      const h = hash(status, 'ag:proc:bgworker:wobbly');
      return h['state'] === 'running' ? h : null;
    });
    t.is(entry['restarts'], String(i));
  }
  const escalated = nextEvent(cluster.events, (e: ClusterEvent) => e.type === 'escalated', 'escalation');
  await t.throwsAsync(wobbly.ask('crash', 5000));
  await escalated;
  t.is(wobbly.ref(), null);
  await t.throwsAsync(wobbly.ask('hi', 1000), { message: /not running/ });
});

test('escalate: shutdown — a background worker that keeps crashing shuts the cluster down, saying why', async (t) => {
  const { cluster, dataDir } = await testCluster(t);
  await cluster.registerBackgroundWorker({
    name: 'critical',
    start: { module: fixture('failsAtStart.ts') },
    restart: { maxRestarts: 1, withinMs: 60_000, backoff: { initialMs: 1, maxMs: 1 }, escalate: 'shutdown' },
  });
  const reason = await cluster.stopped;
  t.regex(reason, /supervision tree gave up \(postmaster\/bgworker:critical: child critical crashed: this background worker always fails at start after 1 restarts\)/);
  t.false(existsSync(join(dataDir, 'postmaster.pid')));
});

test('reload pushes changed settings to background workers; an invalid line changes nothing; postmaster-only settings wait for a restart', async (t) => {
  const { cluster, dataDir } = await testCluster(t, { workers: 1, backgroundWorkers: [{ name: 'reader', start: { module: fixture('counter.ts') } }] });
  const reader = cluster.backgroundWorker('reader');
  await until('reader running', () => reader.ref());
  t.is(await reader.ask('setting', 5000), null);
  const conf = join(dataDir, 'actorgres.conf');
  appendFileSync(conf, "demo.greeting = 'hello'\nport = 6000\n");
  t.deepEqual(await cluster.reload(), ['demo.greeting']);
  t.is(await reader.ask('setting', 5000), 'hello');
  appendFileSync(conf, 'demo.greeting = bye\nnot_a_setting = 1\n');
  await t.throwsAsync(cluster.reload(), { message: /actorgres\.conf:\d+: unrecognized configuration parameter "not_a_setting"/ });
  t.is(await reader.ask('setting', 5000), 'hello');
  t.is((await cluster.status()).state, PMState.Run);
});
