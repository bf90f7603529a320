import test from 'ava';
import { randomUUID } from 'node:crypto';
import { BackendStatus } from '../storage/backendStatus.ts';
import { Keys } from '../storage/keys.ts';
import { connectRedis } from '../storage/redis.ts';
import { privateRedis } from './helpers/redis.ts';

async function rig(t: Parameters<typeof privateRedis>[0]) {
  const server = await privateRedis(t);
  const redis = connectRedis(`unix:${server.socketPath}`, 'test');
  t.teardown(() => redis.disconnect());
  return { redis, status: new BackendStatus(redis, new Keys(`t${randomUUID().slice(0, 8)}:`)) };
}

test('registry entries are readable hashes, indexed, and changed only by their owning pid', async (t) => {
  const { redis, status } = await rig(t);
  await status.register('bgworker:a', 100, { role: 'bgworker', name: 'a', state: 'starting' });
  await status.register('bgworker:b', 200, { role: 'bgworker', name: 'b', state: 'running' });
  t.deepEqual(await redis.hgetall(status.keys.proc('bgworker:a')), { id: 'bgworker:a', pid: '100', role: 'bgworker', name: 'a', state: 'starting' });
  t.true(await status.update('bgworker:a', 100, { state: 'running' }));
  t.false(await status.update('bgworker:a', 999, { state: 'hijacked' }), 'another pid cannot change it');
  t.false(await status.update('bgworker:gone', 100, { state: 'x' }), 'an update never resurrects an entry');
  t.is(await redis.exists(status.keys.proc('bgworker:gone')), 0);
  t.deepEqual(
    (await status.list()).map((e) => [e.id, e.pid, e.state]),
    [
      ['bgworker:a', 100, 'running'],
      ['bgworker:b', 200, 'running'],
    ],
  );
  t.false(await status.unregister('bgworker:a', 200), 'only the owner removes it');
  t.true(await status.unregister('bgworker:a', 100));
  t.deepEqual(await redis.smembers(status.keys.procs()), ['bgworker:b']);
});

test('removing a dead pid removes its entries but not an id re-registered by another pid', async (t) => {
  const { redis, status } = await rig(t);
  await status.register('worker:1', 100, { role: 'worker' });
  await status.register('bgworker:x', 100, { role: 'bgworker' });
  await status.register('bgworker:y', 100, { role: 'bgworker' });
  await status.register('bgworker:y', 300, { role: 'bgworker' }); // restarted elsewhere first
  t.is(await status.removePid(100), 2);
  t.deepEqual(
    (await status.list()).map((e) => [e.id, e.pid]),
    [['bgworker:y', 300]],
  );
  t.is(await redis.exists(status.keys.procsOfPid(100)), 0);
});

test('reset deletes only this prefix and starts a new epoch', async (t) => {
  const { redis, status } = await rig(t);
  await redis.set('other:key', 'kept');
  await status.register('worker:1', 100, { role: 'worker' });
  t.is(await status.reset('e1'), 3); // proc hash, index, pid set
  t.is(await status.epoch(), 'e1');
  t.is(await redis.get('other:key'), 'kept');
  t.deepEqual(await status.list(), []);
});
