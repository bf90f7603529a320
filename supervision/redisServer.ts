/*
 * The embedded redis-server: actorgres's shared memory, as a child process of
 * the postmaster (PostgreSQL creates its shared memory segment at start; we
 * start a private Redis).
 *
 * It listens only on a unix socket inside the data directory (no TCP port,
 * so the directory's permissions are its access control) and keeps nothing on
 * disk: it is volatile, like shared memory. It runs under a tiny shell
 * wrapper that holds a pipe from the postmaster on its standard input: when
 * the postmaster dies, even by kill -9, the pipe closes and the wrapper kills
 * Redis at once, so no Redis outlives its postmaster.
 *
 * The postmaster learns of Redis's death from the child's exit and runs the
 * crash-restart cycle.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const WRAPPER = `
exec 3<&0
redis-server "$@" 3<&- </dev/null &
r=$!
echo "actorgres-redis-pid $r"
( read -r _ <&3; kill -KILL $r 2>/dev/null ) 3<&3 &
w=$!
exec 3<&-
wait $r
s=$?
kill $w 2>/dev/null
exit $s
`;

/** Longest unix socket path Linux accepts (sun_path is 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 107;

export interface EmbeddedRedis {
  socketPath: string;
  /** The redis-server's own pid (not the wrapper's). */
  pid: number;
  /** Resolves when redis-server has exited, for whatever reason. */
  exited: Promise<{ code: number | null; signal: string | null }>;
  stop(): Promise<void>;
  /** SIGKILL, for an immediate shutdown. */
  kill(): void;
}

export function redisSocketPath(dataDir: string): string {
  return join(dataDir, 'redis', 'redis.sock');
}

export async function startEmbeddedRedis(dataDir: string, redisServerBin = 'redis-server'): Promise<EmbeddedRedis> {
  const dir = join(dataDir, 'redis');
  const socketPath = redisSocketPath(dataDir);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new Error(`the Redis socket path ${socketPath} is longer than ${MAX_SOCKET_PATH} bytes; use a shorter data directory path`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const args = [
    '--port',
    '0',
    '--unixsocket',
    socketPath,
    '--unixsocketperm',
    '700',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--logfile',
    '',
    '--loglevel',
    'notice',
  ];
  const child: ChildProcess = spawn('/bin/sh', ['-c', WRAPPER.replace('redis-server', shellQuote(redisServerBin)), 'actorgres-redis', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(dir, 'redis.log'), { flags: 'a', mode: 0o600 });
  child.stderr!.pipe(log, { end: false });
  // The wrapper exits with 128+N when redis-server died of signal N: report the signal.
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      const viaWrapper = code !== null && code > 128 ? signalName(code - 128) : null;
      resolve(viaWrapper ? { code: null, signal: viaWrapper } : { code, signal });
    }),
  );
  void exited.then(() => log.end());

  let pid = 0;
  const ready = new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const tail: string[] = [];
    lines.on('line', (line) => {
      log.write(line + '\n');
      const m = /^actorgres-redis-pid (\d+)$/.exec(line);
      if (m) pid = Number(m[1]);
      else {
        tail.push(line);
        if (tail.length > 5) tail.shift();
      }
      if (/ready to accept connections/i.test(line)) resolve();
    });
    void exited.then(({ code }) => reject(new Error(`redis-server exited during start-up (code ${code}): ${tail.join(' | ') || 'no output'}`)));
    child.once('error', (err) => reject(new Error(`cannot run redis-server: ${err.message} (install Debian's redis-server package)`)));
  });
  await ready;
  return {
    socketPath,
    pid,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // redis-server shuts down on SIGTERM; the wrapper then exits with it.
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        child.kill('SIGKILL');
      }
      await Promise.race([exited, once(child, 'exit')]);
    },
    kill() {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

function signalName(n: number): string | null {
  for (const [name, num] of Object.entries(constants.signals)) if (num === n) return name;
  return null;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
