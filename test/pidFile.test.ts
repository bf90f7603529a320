import test from 'ava';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createPidFile, DataDirectoryInUse, pidFilePath, readPidFile, redactRedisAddress, removePidFile, updatePidFile } from '../utils/pidFile.ts';
import type { PidFileData } from '../utils/pidFile.ts';
import { tempDir } from './helpers/dirs.ts';

function data(dir: string, pid = process.pid): PidFileData {
  return { pid, dataDir: dir, startTime: 1700000000, port: 5433, socketDir: dir, redis: `unix:${dir}/redis/redis.sock`, status: 'starting' };
}

test('postmaster.pid has the seven documented lines and mode 0600', (t) => {
  const dir = tempDir(t);
  createPidFile(data(dir));
  t.is(statSync(pidFilePath(dir)).mode & 0o777, 0o600);
  t.deepEqual(readFileSync(pidFilePath(dir), 'utf8').split('\n'), [String(process.pid), dir, '1700000000', '5433', dir, `unix:${dir}/redis/redis.sock`, 'starting', '']);
  updatePidFile({ ...data(dir), status: 'ready' });
  t.is(readPidFile(dir)?.status, 'ready');
  removePidFile(dir);
  t.is(readPidFile(dir), null);
});

test('a pid file whose postmaster is gone is stale and replaced; a live one refuses the start', async (t) => {
  const dir = tempDir(t);
  writeFileSync(pidFilePath(dir), '999999\n/elsewhere\n0\n5432\n/x\nunix:/x\nready\n');
  createPidFile(data(dir));
  t.is(readPidFile(dir)?.pid, process.pid);
  removePidFile(dir);
  // A live node process (not us) that owns the directory:
  const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  t.teardown(() => other.kill('SIGKILL'));
  await new Promise((r) => other.once('spawn', r));
  writeFileSync(pidFilePath(dir), `${other.pid}\n${dir}\n0\n5432\n${dir}\nunix:/x\nready\n`);
  t.throws(() => createPidFile(data(dir)), { instanceOf: DataDirectoryInUse, message: new RegExp(`another postmaster \\(PID ${other.pid}\\)`) });
  t.is(readPidFile(dir)?.pid, other.pid, 'the live owner keeps its file');
});

test('the Redis address in the pid file never carries a password', (t) => {
  t.is(redactRedisAddress('redis://user:secret@127.0.0.1:6380/2'), 'redis://user@127.0.0.1:6380/2');
  t.is(redactRedisAddress('unix:/d/redis/redis.sock'), 'unix:/d/redis/redis.sock');
});
