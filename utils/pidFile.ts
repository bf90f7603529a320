/*
 * DIR/postmaster.pid, the data directory's lock file (PostgreSQL's
 * CreateLockFile in miscinit.c). Mode 0600, one value per line:
 *   1 postmaster pid   2 data directory   3 start time (epoch seconds)
 *   4 port             5 socket directory 6 Redis address (no password)
 *   7 status: starting | ready | stopping
 * It is created exclusively (O_EXCL); a file left by a postmaster that is no
 * longer running is stale and replaced.
 */
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type PidStatus = 'starting' | 'ready' | 'stopping';

export interface PidFileData {
  pid: number;
  dataDir: string;
  startTime: number;
  port: number;
  socketDir: string;
  redis: string;
  status: PidStatus;
}

export function pidFilePath(dataDir: string): string {
  return join(dataDir, 'postmaster.pid');
}

function format(d: PidFileData): string {
  return [d.pid, d.dataDir, d.startTime, d.port, d.socketDir, d.redis, d.status].join('\n') + '\n';
}

export function readPidFile(dataDir: string): PidFileData | null {
  let text: string;
  try {
    text = readFileSync(pidFilePath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const l = text.split('\n');
  const status = l[6];
  const pid = Number(l[0]);
  if (!Number.isInteger(pid) || pid <= 0) return { pid: 0, dataDir, startTime: 0, port: 0, socketDir: '', redis: '', status: 'starting' };
  return {
    pid,
    dataDir: l[1] ?? '',
    startTime: Number(l[2]),
    port: Number(l[3]),
    socketDir: l[4] ?? '',
    redis: l[5] ?? '',
    status: status === 'ready' || status === 'stopping' ? status : 'starting',
  };
}

/** True if `pid` is a live process that looks like a Node postmaster (not a recycled pid). */
export function isPostmasterAlive(pid: number): boolean {
  if (!(pid > 0) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /node|actorgres/.test(cmd);
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

export class DataDirectoryInUse extends Error {
  override name = 'DataDirectoryInUse';
}

/**
 * Creates postmaster.pid for this process, replacing a stale one. Throws
 * DataDirectoryInUse if a live postmaster owns the directory.
 */
export function createPidFile(d: PidFileData): void {
  const path = pidFilePath(d.dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, format(d));
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const other = readPidFile(d.dataDir);
      if (other && isPostmasterAlive(other.pid)) {
        throw new DataDirectoryInUse(`lock file "${path}" already exists: is another postmaster (PID ${other.pid}) running in data directory "${d.dataDir}"?`);
      }
      unlinkSync(path); // stale: its postmaster is gone
    }
  }
  throw new DataDirectoryInUse(`could not create lock file "${path}"`);
}

/** Rewrites the file atomically (temp file + rename), e.g. to change the status line. */
export function updatePidFile(d: PidFileData): void {
  const path = pidFilePath(d.dataDir);
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, format(d), { mode: 0o600 });
  renameSync(tmp, path);
}

/** Removes the file if it is still ours. */
export function removePidFile(dataDir: string, pid = process.pid): void {
  const cur = readPidFile(dataDir);
  if (cur && cur.pid === pid) unlinkSync(pidFilePath(dataDir));
}

/** The Redis address as postmaster.pid shows it: a redis:// URL loses its password. */
export function redactRedisAddress(address: string): string {
  if (!/^rediss?:\/\//.test(address)) return address;
  const u = new URL(address);
  u.password = '';
  return u.toString();
}
