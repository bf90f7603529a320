/*
 * The main job: boots a cluster on an embedded Redis and a temporary data
 * directory, and shows it working: the supervision tree, the proc registry in
 * Redis, a background worker answering, a worker process killed with
 * SIGKILL and replaced while its background worker comes back, a reload, an
 * SQL session (DDL, DML, a transaction, an index scan, a constraint error),
 * a checkpoint, and a clean stop.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom, filter } from 'rxjs';
import { initDataDirectory, startCluster } from '../index.ts';

const root = mkdtempSync('/tmp/actorgres-demo-');
const dataDir = join(root, 'data');
const say = (s: string) => process.stdout.write(`\n== ${s}\n`);

try {
  say(`actorgres init -D ${dataDir}`);
  initDataDirectory(dataDir, { settings: { 'demo.heartbeat_ms': '200' } });

  say('startCluster({ workers: 2, backgroundWorkers: [heartbeat] })');
  const t0 = performance.now();
  const cluster = await startCluster({
    dataDir,
    workers: 2,
    log: () => undefined,
    backgroundWorkers: [{ name: 'heartbeat', start: { module: join(import.meta.dirname, '..', 'examples', 'heartbeat.ts') } }],
  });
  const status = await cluster.status();
  console.log(`started in ${(performance.now() - t0).toFixed(0)} ms:`, status);
  cluster.events.subscribe((e) => console.log('  event:', JSON.stringify(e)));

  const socket = status.redis.slice('unix:'.length);
  say(`redis-cli -s ${socket} SMEMBERS ag:procs   (the proc registry, like pg_stat_activity)`);
  const cli = (...args: string[]) =>
    execFileSync('redis-cli', ['-s', socket, ...args])
      .toString()
      .trim();
  console.log(cli('SMEMBERS', 'ag:procs'));
  say('redis-cli ... HGETALL ag:proc:bgworker:heartbeat');
  console.log(cli('HGETALL', 'ag:proc:bgworker:heartbeat'));

  const hb = cluster.backgroundWorker('heartbeat');
  say('ask the background worker');
  console.log(await hb.ask('status?', 2000));

  const victim = hb.ref()!.node;
  const pid = status.workers.find((w) => w.node === victim)!.pid;
  say(`kill -9 ${pid} (the worker process hosting it)`);
  const killedAt = performance.now();
  const back = firstValueFrom(cluster.events.pipe(filter((e) => e.type === 'restarted' && e.child === 'heartbeat')));
  const replaced = firstValueFrom(cluster.events.pipe(filter((e) => e.type === 'worker-ready')));
  process.kill(pid, 'SIGKILL');
  await back;
  console.log(`heartbeat running again after ${(performance.now() - killedAt).toFixed(0)} ms:`, await hb.ask('status?', 2000));
  await replaced;
  console.log('workers now:', (await cluster.status()).workers);

  say('reload: demo.heartbeat_ms = 50 in actorgres.conf, then cluster.reload()');
  appendFileSync(join(dataDir, 'actorgres.conf'), "demo.heartbeat_ms = '50'\n");
  console.log('changed:', await cluster.reload());
  console.log(await hb.ask('status?', 2000));

  say('SQL: cluster.connect() -> a backend actor on a worker; DDL, DML, a transaction block, an index scan, a checkpoint');
  const session = await cluster.connect();
  await session.query('CREATE TABLE accounts (id serial PRIMARY KEY, owner text NOT NULL UNIQUE, balance numeric(12,2) CHECK (balance >= 0))');
  await session.query("INSERT INTO accounts (owner, balance) VALUES ('alice', 100), ('bob', 50), ('carol', 75.5)");
  await session.transaction(async (tx) => {
    await tx.query('UPDATE accounts SET balance = balance - $1 WHERE owner = $2', [30, 'alice']);
    await tx.query('UPDATE accounts SET balance = balance + $1 WHERE owner = $2', [30, 'bob']);
  });
  console.log((await session.query('SELECT id, owner, balance FROM accounts ORDER BY id')).rows);
  console.log((await session.query('EXPLAIN SELECT balance FROM accounts WHERE id = 2')).rows.map((r) => r['QUERY PLAN']).join('\n'));
  try {
    await session.query("INSERT INTO accounts (owner, balance) VALUES ('dave', -1)");
  } catch (err) {
    console.log('refused:', (err as { code?: string }).code, (err as Error).message);
  }
  await session.close();
  console.log('checkpoint:', await cluster.checkpoint());
  console.log(
    'redis-cli MGET ag:wal:insert ag:wal:flush ag:ckpt:redo ag:xid:next ->',
    cli('MGET', 'ag:wal:insert', 'ag:wal:flush', 'ag:ckpt:redo', 'ag:xid:next').split('\n').join(' '),
  );

  say("cluster.stop({ mode: 'fast' })");
  console.log('stopped:', await cluster.stop({ mode: 'fast' }));
} finally {
  rmSync(root, { recursive: true, force: true });
}
