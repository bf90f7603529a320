import test from 'ava';
import { firstValueFrom, filter } from 'rxjs';
import type { ClusterEvent } from '../index.ts';
import { fixture, hash, redisCli, testCluster } from './helpers/cluster.ts';
import { nextEvent, until } from './helpers/wait.ts';

const counter = fixture('counter.ts');

test("kill -9 of one worker: queries on the other worker never fail, a replacement starts and the dead worker's permanent actor is back", async (t) => {
  const { cluster } = await testCluster(t, {
    backgroundWorkers: [
      { name: 'victim', start: { module: counter } },
      { name: 'survivor', start: { module: counter } },
    ],
  });
  const victim = cluster.backgroundWorker('victim');
  const survivor = cluster.backgroundWorker('survivor');
  await until('both running', () => victim.ref() && survivor.ref());
  t.not(victim.ref()!.node, survivor.ref()!.node, 'least-loaded placement spreads them');
  await survivor.ask('warm up', 5000);
  const before = await cluster.status();
  const dead = before.workers.find((w) => w.node === victim.ref()!.node)!;

  // A client that keeps asking the survivor the whole time.
  let ok = 0;
  let failed = 0;
  let running = true;
  const client = (async () => {
    while (running) {
      try {
        await survivor.ask('q', 5000);
        ok++;
      } catch {
        failed++;
      }
    }
  })();
  await until('the client is going', () => ok > 50);

  const victimBack = nextEvent(cluster.events, (e: ClusterEvent) => e.type === 'restarted' && e.child === 'victim', 'victim restarted');
  const replacement = nextEvent(cluster.events, (e: ClusterEvent) => e.type === 'worker-ready', 'replacement worker');
  const workerExit = nextEvent(cluster.events, (e: ClusterEvent) => e.type === 'worker-exit', 'worker exit');
  const killedAt = performance.now();
  process.kill(dead.pid, 'SIGKILL');
  const exit = await workerExit;
  t.like(exit, { pid: dead.pid, signal: 'SIGKILL' });
  await victimBack;
  const back = await victim.ask('are you back?', 5000);
  t.like(back, { restarts: 1 });
  const ready = await replacement;
  t.log(`victim answering again after ${(performance.now() - killedAt).toFixed(0)} ms; replacement worker ready ${(ready.at - exit.at).toFixed(0)} ms after the death`);
  const okAtKill = ok;
  await until('the client went on after the kill', () => ok > okAtKill + 100);
  running = false;
  await client;
  t.is(failed, 0, 'no query to the survivor failed');

  const after = await cluster.status();
  t.is(after.workers.filter((w) => w.ready).length, 2);
  t.false(after.workers.some((w) => w.pid === dead.pid));
  // The registry forgot the dead process and shows the restarted actor where it runs now.
  await until('the dead worker left the registry', () => redisCli(after, 'EXISTS', `ag:proc:worker:${dead.node}`) === '0');
  t.is(redisCli(after, 'EXISTS', `ag:procs:pid:${dead.pid}`), '0');
  const entry = await until('victim registered', () => {
    const h = hash(after, 'ag:proc:bgworker:victim');
    return h['state'] === 'running' ? h : null;
  });
  t.is(entry['restarts'], '1');
  t.true(after.workers.some((w) => String(w.pid) === entry['pid']));
});

test('an uncaught error in a worker process ends that process only: it is reported, replaced, and its actors restarted', async (t) => {
  const { cluster } = await testCluster(t, {
    backgroundWorkers: [
      { name: 'bomb', start: { module: counter } },
      { name: 'bystander', start: { module: counter } },
    ],
  });
  const bomb = cluster.backgroundWorker('bomb');
  const bystander = cluster.backgroundWorker('bystander');
  await until('both running', () => bomb.ref() && bystander.ref());
  const bystanderRef = bystander.ref();
  const exit = firstValueFrom(cluster.events.pipe(filter((e) => e.type === 'worker-exit')));
  const back = nextEvent(cluster.events, (e: ClusterEvent) => e.type === 'restarted' && e.child === 'bomb', 'bomb restarted');
  t.is(await bomb.ask('explode', 5000), 'ticking');
  const e = await exit;
  t.like(e, { error: 'boom from a timer' });
  await back;
  t.like(await bomb.ask('hi', 5000), { restarts: 1 });
  t.deepEqual(bystander.ref(), bystanderRef, 'the bystander on the other worker was not restarted');
  t.like(await bystander.ask('hi', 5000), { restarts: 0 });
});

test('an actor that throws in its handler is restarted alone; its worker process and its neighbours live on', async (t) => {
  const { cluster } = await testCluster(t, {
    workers: 1,
    backgroundWorkers: [
      { name: 'fragile', start: { module: counter } },
      { name: 'neighbour', start: { module: counter } },
    ],
  });
  const fragile = cluster.backgroundWorker('fragile');
  const neighbour = cluster.backgroundWorker('neighbour');
  await until('both running', () => fragile.ref() && neighbour.ref());
  const pidBefore = (await cluster.status()).workers[0]!.pid;
  const back = nextEvent(cluster.events, (e: ClusterEvent) => e.type === 'restarted' && e.child === 'fragile', 'fragile restarted');
  await t.throwsAsync(fragile.ask('crash', 5000), { message: /crashed on request/ });
  await back;
  t.like(await fragile.ask('hi', 5000), { restarts: 1, pid: pidBefore });
  t.like(await neighbour.ask('hi', 5000), { restarts: 0, pid: pidBefore });
});
