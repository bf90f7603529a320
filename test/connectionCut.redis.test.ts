/*
 * A script's reply lost with the connection. ioredis would re-send commands
 * left unanswered when a connection drops (autoResendUnfulfilledCommands);
 * storage/redis.ts turns that off, so a state-changing Lua script runs at
 * most once and the caller sees the lost reply as an error. These tests cut
 * the connection after a script was sent and ran, before its reply arrived
 * (helpers/cutProxy.ts), and check what the engine and Redis are left with.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { StorageEngine } from '../storage/engine.ts';
import { loadScripts } from '../storage/scripts.ts';
import { cutProxy } from './helpers/cutProxy.ts';
import type { CutProxy } from './helpers/cutProxy.ts';
import { privateRedis } from './helpers/redis.ts';
import { storageRig } from './helpers/storage.ts';
import type { StorageRig } from './helpers/storage.ts';

const SHA = new Map(loadScripts().map((d) => [d.name, createHash('sha1').update(d.lua).digest('hex')]));

/** EVALSHA (or its EVAL fallback) of script `name`, optionally with `arg` among its arguments. */
function runs(name: string, arg?: string): (args: string[]) => boolean {
  const def = loadScripts().find((d) => d.name === name)!;
  return (args) => {
    const cmd = args[0]!.toLowerCase();
    const isIt = (cmd === 'evalsha' && args[1] === SHA.get(name)) || (cmd === 'eval' && args[1] === def.lua);
    return isIt && (arg === undefined || args.includes(arg));
  };
}

/** A storage rig on a private Redis (its WAL writer connects directly) and an engine that connects through a cut proxy. */
async function rigWithProxy(t: ExecutionContext): Promise<{ rig: StorageRig; proxy: CutProxy; engine: StorageEngine }> {
  const redis = await privateRedis(t);
  const rig = await storageRig(t, { redisAddress: `unix:${redis.socketPath}` });
  const proxy = await cutProxy(t, redis.socketPath);
  const engine = await StorageEngine.open({ dataDir: rig.dataDir, redisAddress: proxy.address, keyPrefix: 'ag:', name: 'cut' });
  t.teardown(() => engine.close());
  return { rig, proxy, engine };
}

/** Fails instead of hanging: a lost reply must settle the call, never leave it waiting. */
function settlesWithin<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms`)), ms)));
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

/** Versions of `data` in the relation's first page, read straight from Redis (visible or not). */
async function versions(rig: StorageRig, rel: number, data: string): Promise<string[]> {
  const items = await rig.engine.redis.hvals(rig.engine.keys.page(rel, 0));
  return items.filter((v) => v.endsWith(`|${data}`));
}

async function running(rig: StorageRig): Promise<number[]> {
  return (await rig.engine.redis.zrange(rig.engine.keys.procarray(), 0, -1)).map(Number);
}

async function committedRows(engine: StorageEngine, rel: number): Promise<string[]> {
  const tx = engine.begin();
  const out: string[] = [];
  for await (const r of tx.scan(rel)) out.push(r.data);
  await tx.commit();
  return out.sort();
}

test('a heap write whose reply is lost rejects at once, ran exactly once, and its transaction still aborts cleanly', async (t) => {
  const { rig, proxy, engine } = await rigWithProxy(t);
  const rel = await engine.createRelation('t');
  const tx = engine.begin();
  await tx.insert(rel, 'first'); // the transaction has its xid now
  t.true(tx.xid > 0);
  const walBefore = Number(await rig.engine.redis.get(rig.engine.keys.walInsert()));
  const cut = proxy.cutAfter(runs('heapInsert', 'lost-reply'));
  const err = await t.throwsAsync(settlesWithin(tx.insert(rel, 'lost-reply'), 10_000, 'the insert'));
  t.log(`the insert failed with: ${err?.message}`);
  t.is((await cut)[0]!.toLowerCase(), 'evalsha');
  // It ran once (the proxy let the server answer before cutting), and was not re-sent.
  t.is((await versions(rig, rel, 'lost-reply')).length, 1, 'exactly one version, not two');
  t.true(Number(await rig.engine.redis.get(rig.engine.keys.walInsert())) > walBefore);
  // The transaction knows its xid: aborting it releases everything.
  t.deepEqual(await running(rig), [tx.xid]);
  await settlesWithin(tx.abort(), 10_000, 'the abort');
  t.deepEqual(await running(rig), [], 'no transaction is left running');
  // The engine reconnected; later transactions work, and see nothing of the aborted one.
  const after = engine.begin();
  await after.insert(rel, 'after');
  await after.commit();
  t.deepEqual(await committedRows(engine, rel), ['after']);
  t.deepEqual(await committedRows(rig.engine, rel), ['after']);
  t.true(proxy.connections >= 3, 'the engine opened a new connection (plus its subscriber)');
});

test('a synchronous commit whose reply is lost is resolved from shared memory: its written commit record is waited for and the commit succeeds, once', async (t) => {
  const { rig, proxy, engine } = await rigWithProxy(t);
  const rel = await engine.createRelation('t');
  const tx = engine.begin();
  await tx.insert(rel, 'in-doubt');
  const cut = proxy.cutAfter(runs('xactCommit'));
  await settlesWithin(tx.commit(), 10_000, 'the commit');
  await cut;
  t.deepEqual(await rig.engine.redis.zrange(rig.engine.keys.committing(), 0, -1), [], 'ended by xactEnd after the flush');
  t.deepEqual(await running(rig), []);
  t.deepEqual(await committedRows(engine, rel), ['in-doubt']);
  await t.notThrowsAsync(tx.abort(), 'abort after commit is a no-op, never an abort record after the commit record');
});

test('a commit that succeeded after a lost reply survives a crash exactly as sessions saw it', async (t) => {
  const { rig, proxy, engine } = await rigWithProxy(t);
  const rel = await engine.createRelation('t');
  const tx = engine.begin();
  await tx.insert(rel, 'in-doubt');
  const cut = proxy.cutAfter(runs('xactCommit'));
  await settlesWithin(tx.commit(), 10_000, 'the commit');
  await cut;
  await tx.abort();
  const before = await committedRows(rig.engine, rel);
  t.deepEqual(before, ['in-doubt']);
  await rig.engine.notifications.waitForFlush(Number(await rig.engine.redis.get(rig.engine.keys.walInsert())));
  await rig.stopFlusher();
  await engine.close();
  await rig.engine.close();
  const again = await storageRig(t, { dataDir: rig.dataDir });
  t.deepEqual(await committedRows(again.engine, rel), before, 'recovery restores what sessions saw before the crash');
});

test('a lost reply to the first write of a transaction leaves no transaction running: abort finds its xid by its owner token', async (t) => {
  const { rig, proxy, engine } = await rigWithProxy(t);
  const rel = await engine.createRelation('t');
  const tx = engine.begin();
  const cut = proxy.cutAfter(runs('heapInsert', 'first-write'));
  await t.throwsAsync(settlesWithin(tx.insert(rel, 'first-write'), 10_000, 'the insert'));
  await cut;
  t.is((await running(rig)).length, 1, 'the script ran and assigned an xid the transaction never heard of');
  await tx.abort();
  t.deepEqual(await running(rig), [], 'no orphaned xid in the proc array');
  t.is(await rig.engine.redis.hlen(rig.engine.keys.xidToken()), 0);
  t.deepEqual(await committedRows(rig.engine, rel), []);
});
