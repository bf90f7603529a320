import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initDataDirectory, PMState, startCluster } from '../index.ts';
import { tempDir } from './helpers/dirs.ts';

const counter = join(import.meta.dirname, 'fixtures', 'counter.ts');

test('an embedded cluster starts workers, a background worker and a private Redis, and stops leaving nothing behind', async (t) => {
  const dataDir = join(tempDir(t), 'data');
  initDataDirectory(dataDir);
  const cluster = await startCluster({ dataDir, workers: 2, backgroundWorkers: [{ name: 'counter', start: { module: counter } }] });
  const status = await cluster.status();
  t.is(status.state, PMState.Run);
  t.is(status.workers.length, 2);
  t.true(status.redis.startsWith('unix:'));
  const reply = await cluster.backgroundWorker('counter').ask('hello', 5000);
  t.like(reply, { served: 1, restarts: 0 });
  const socket = status.redis.slice('unix:'.length);
  const ids = execFileSync('redis-cli', ['-s', socket, 'SMEMBERS', 'ag:procs']).toString().trim().split('\n').sort();
  t.deepEqual(
    ids,
    [
      'bgworker:counter',
      'bgwriter:bgwriter',
      'checkpointer:checkpointer',
      'postmaster',
      'walwriter:walwriter',
      `worker:${status.workers[0]!.node}`,
      `worker:${status.workers[1]!.node}`,
    ].sort(),
  );
  t.true(existsSync(join(dataDir, 'postmaster.pid')));
  t.is(await cluster.stop({ mode: 'fast' }), 'fast shutdown request');
  t.false(existsSync(join(dataDir, 'postmaster.pid')));
  t.false(existsSync(socket));
});

test('a cluster whose external Redis cannot be reached does not start, says why, and leaves no pid file', async (t) => {
  const dataDir = join(tempDir(t), 'data');
  initDataDirectory(dataDir);
  await t.throwsAsync(startCluster({ dataDir, workers: 1, redisUrl: `unix:${join(tempDir(t), 'nobody.sock')}`, log: () => undefined }), {
    message: /cannot use Redis at unix:.*nobody\.sock as shared memory/,
  });
  t.false(existsSync(join(dataDir, 'postmaster.pid')));
});

test('startCluster refuses a bad listen port and bad settings, before starting anything', async (t) => {
  const dataDir = join(tempDir(t), 'data');
  initDataDirectory(dataDir);
  await t.throwsAsync(startCluster({ dataDir, listen: { port: 70000 } }), { message: /listen\.port must be an integer from 0 to 65535/ });
  await t.throwsAsync(startCluster({ dataDir, settings: { no_such_thing: 1 } }), { message: /unrecognized configuration parameter "no_such_thing"/ });
  await t.throwsAsync(startCluster({ dataDir: join(dataDir, 'nope') }), { message: /does not exist/ });
  t.false(existsSync(join(dataDir, 'postmaster.pid')));
});
