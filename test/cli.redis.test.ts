import test from 'ava';
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { actorgres } from './helpers/cli.ts';
import { fixture } from './helpers/cluster.ts';
import { tempDir } from './helpers/dirs.ts';
import { processAlive, until } from './helpers/wait.ts';

function redisCli(socket: string, ...args: string[]): string {
  return execFileSync('redis-cli', ['-s', socket, ...args])
    .toString()
    .trim();
}

/** Every process the cluster started, read from its own registry and Redis. */
function clusterPids(dir: string): { postmaster: number; socket: string; workers: number[]; redis: number } {
  const lines = readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n');
  const socket = lines[5]!.slice('unix:'.length);
  const ids = redisCli(socket, 'SMEMBERS', 'ag:procs').split('\n');
  const workers = ids.filter((id) => id.startsWith('worker:')).map((id) => Number(redisCli(socket, 'HGET', `ag:proc:${id}`, 'pid')));
  const redis = Number(/process_id:(\d+)/.exec(redisCli(socket, 'INFO', 'server'))![1]);
  return { postmaster: Number(lines[0]), socket, workers, redis };
}

async function initWithPreload(dir: string): Promise<void> {
  const r = await actorgres('init', '-D', dir);
  if (r.code !== 0) throw new Error(r.stderr);
  mkdirSync(join(dir, 'lib'));
  copyFileSync(fixture('preload.mjs'), join(dir, 'lib', 'preload.mjs'));
  copyFileSync(fixture('counter.ts'), join(dir, 'lib', 'counter.ts'));
  appendFileSync(join(dir, 'actorgres.conf'), "shared_preload_libraries = 'lib/preload.mjs'\n");
}

test('init, start --workers 2, status, the registry in redis-cli, stop: and nothing is left behind', async (t) => {
  const dir = join(tempDir(t), 'd');
  const init = await actorgres('init', '-D', dir);
  t.is(init.code, 0, init.stderr);
  t.regex(init.stderr, /warning: enabling "trust" authentication for local connections/);
  t.deepEqual(readdirSync(dir).sort(), ['ACTORGRES_VERSION', 'actorgres.conf', 'global', 'hba.conf']);
  t.regex(readFileSync(join(dir, 'global', 'pg_authid.json'), 'utf8'), new RegExp(`"rolname": "${process.env['USER'] ?? 'root'}"|"rolname": "\\w+"`));
  mkdirSync(join(dir, 'lib'));
  copyFileSync(fixture('preload.mjs'), join(dir, 'lib', 'preload.mjs'));
  copyFileSync(fixture('counter.ts'), join(dir, 'lib', 'counter.ts'));
  appendFileSync(join(dir, 'actorgres.conf'), "shared_preload_libraries = 'lib/preload.mjs'\n");

  const start = await actorgres('start', '-D', dir, '--workers', '2');
  t.is(start.code, 0, start.stderr);
  t.regex(start.stdout, /server started/);
  const status = await actorgres('status', '-D', dir);
  t.is(status.code, 0);
  t.regex(status.stdout, /server is running \(PID: \d+, status: ready/);

  const pidLines = readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n');
  t.is(pidLines[1], dir);
  t.is(pidLines[5], `unix:${join(dir, 'redis', 'redis.sock')}`);
  t.is(pidLines[6], 'ready');
  const pids = clusterPids(dir);
  await until('every actor registered', () => redisCli(pids.socket, 'SCARD', 'ag:procs') === '7');
  const ids = redisCli(pids.socket, 'SMEMBERS', 'ag:procs').split('\n').sort();
  t.is(ids.length, 7);
  t.deepEqual(
    ids.filter((id) => !id.startsWith('worker:')),
    ['bgworker:ticker', 'bgwriter:bgwriter', 'checkpointer:checkpointer', 'postmaster', 'walwriter:walwriter'],
  );
  t.is(pids.workers.length, 2);
  t.is(redisCli(pids.socket, 'HGET', 'ag:proc:postmaster', 'state'), 'run');
  t.is(redisCli(pids.socket, 'HGET', 'ag:proc:bgworker:ticker', 'role'), 'bgworker');

  const reload = await actorgres('reload', '-D', dir);
  t.is(reload.code, 0);
  const stop = await actorgres('stop', '-D', dir);
  t.is(stop.code, 0, stop.stderr);
  t.regex(stop.stdout, /server stopped/);
  for (const pid of [pids.postmaster, pids.redis, ...pids.workers]) t.false(processAlive(pid), `process ${pid} is gone`);
  t.false(existsSync(join(dir, 'postmaster.pid')));
  t.false(existsSync(pids.socket));
  t.is((await actorgres('status', '-D', dir)).code, 3);
});

test('kill -9 of the postmaster: its workers and Redis exit on their own, and the next start succeeds', async (t) => {
  const dir = join(tempDir(t), 'd');
  await initWithPreload(dir);
  t.is((await actorgres('start', '-D', dir, '--workers', '2')).code, 0);
  const pids = clusterPids(dir);
  const killedAt = performance.now();
  process.kill(pids.postmaster, 'SIGKILL');
  await until('everything the postmaster started is gone', () => [pids.redis, ...pids.workers].every((p) => !processAlive(p)), 10_000, 5);
  t.log(`workers and Redis gone ${(performance.now() - killedAt).toFixed(0)} ms after kill -9 of the postmaster`);
  t.true(existsSync(join(dir, 'postmaster.pid')), 'the stale pid file is still there');
  t.is((await actorgres('status', '-D', dir)).code, 3, 'a stale pid file is not a running server');
  const again = await actorgres('start', '-D', dir, '--workers', '1');
  t.is(again.code, 0, again.stderr);
  t.not(clusterPids(dir).postmaster, pids.postmaster);
  t.is((await actorgres('stop', '-D', dir, '-m', 'immediate')).code, 0);
});

test('bad input: a clear message, a non-zero exit, and nothing changed', async (t) => {
  const root = tempDir(t);
  const dir = join(root, 'd');
  t.is((await actorgres('init', '-D', dir)).code, 0);
  const conf = readFileSync(join(dir, 'actorgres.conf'), 'utf8');
  const expectFail = async (args: string[], message: RegExp, code = 1) => {
    const r = await actorgres(...args);
    t.is(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, message, args.join(' '));
  };
  await expectFail(['start', '-D', dir, '--bogus'], /Unknown option '--bogus'/);
  await expectFail(['launch', '-D', dir], /unknown command "launch"/);
  await expectFail(['start'], /no data directory specified/);
  await expectFail(['start', '-D', dir, '--workers', 'many'], /invalid value for --workers: "many"/);
  await expectFail(['start', '-D', join(root, 'missing')], /data directory ".*missing" does not exist/);
  const foreign = join(root, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'PG_VERSION'), '15\n');
  await expectFail(['start', '-D', foreign], /is not an actorgres data directory/);
  await expectFail(['init', '-D', foreign], /exists but is not empty/);
  await expectFail(['init', '-D', join(root, 'x'), '--auth', 'scram-sha-256'], /must specify a password for the superuser/);
  await expectFail(['init', '-D', join(root, 'y'), '--auth', 'md5'], /invalid authentication method "md5"/);
  await expectFail(['stop', '-D', dir], /does not name a running server/);
  await expectFail(['status', '-D', join(root, 'missing')], /does not exist/, 4);
  t.false(existsSync(join(root, 'x')) || existsSync(join(root, 'y')));

  appendFileSync(join(dir, 'actorgres.conf'), 'log_min_messages = chatty\n');
  const lineNo = readFileSync(join(dir, 'actorgres.conf'), 'utf8').trimEnd().split('\n').length;
  await expectFail(['start', '-D', dir], new RegExp(`actorgres\\.conf:${lineNo}: invalid value for parameter "log_min_messages": "chatty"`));
  t.false(existsSync(join(dir, 'postmaster.pid')));
  t.false(existsSync(join(dir, 'redis')));
  writeFileSync(join(dir, 'actorgres.conf'), conf);

  t.is((await actorgres('start', '-D', dir, '--workers', '1')).code, 0);
  const pidFile = readFileSync(join(dir, 'postmaster.pid'), 'utf8');
  await expectFail(['start', '-D', dir], /another server might be running/);
  t.is(readFileSync(join(dir, 'postmaster.pid'), 'utf8'), pidFile, 'the running server keeps its pid file');
  t.is((await actorgres('status', '-D', dir)).code, 0);
  t.is((await actorgres('stop', '-D', dir, '-m', 'fast')).code, 0);
});

test('init with scram-sha-256 stores a verifier, never the password', async (t) => {
  const root = tempDir(t);
  writeFileSync(join(root, 'pw'), 'hunter2\n');
  const r = await actorgres('init', '-D', join(root, 'd'), '--auth', 'scram-sha-256', '-U', 'admin', '--pwfile', join(root, 'pw'));
  t.is(r.code, 0, r.stderr);
  const authid = readFileSync(join(root, 'd', 'global', 'pg_authid.json'), 'utf8');
  t.regex(authid, /"rolname": "admin"/);
  t.regex(authid, /"rolpassword": "SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+"/);
  t.false(authid.includes('hunter2'));
  t.regex(readFileSync(join(root, 'd', 'hba.conf'), 'utf8'), /^local\s+all\s+all\s+scram-sha-256$/m);
});
