/*
 * actorgres's command line, modelled on initdb and pg_ctl:
 *   actorgres init   -D DIR [--auth trust|scram-sha-256] [-U superuser] [--pwfile FILE]
 *   actorgres start  -D DIR [-p PORT] [--workers N] [--redis-url URL] [-l LOGFILE]
 *   actorgres server -D DIR [-p PORT] [--workers N] [--redis-url URL]
 *   actorgres stop   -D DIR [-m smart|fast|immediate] [-t SECONDS]
 *   actorgres status -D DIR      exit 0 running, 3 not running, 4 no data directory
 *   actorgres reload -D DIR
 * -D defaults to $PGDATA. Bad input: a message on stderr, exit 1, nothing changed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { startCluster } from '../cluster.ts';
import type { Cluster, ClusterEvent } from '../cluster.ts';
import type { ShutdownMode } from '../supervision/wire.ts';
import { checkDataDirectory, confPath, DataDirError, initDataDirectory } from '../utils/dataDir.ts';
import { parseConfFile } from '../utils/guc.ts';
import type { AuthMethod } from '../utils/dataDir.ts';
import { elog } from '../utils/elog.ts';
import { isPostmasterAlive, pidFilePath, readPidFile } from '../utils/pidFile.ts';
import { RecoveryProgressBar } from './progressBar.ts';
import type { RecoveryEvent } from './progressBar.ts';

const PROG = 'actorgres';
const HERE = dirname(fileURLToPath(import.meta.url));

class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
const dataDirOpt: Options = { pgdata: { type: 'string', short: 'D' } };
const serverOpts: Options = {
  ...dataDirOpt,
  port: { type: 'string', short: 'p' },
  workers: { type: 'string' },
  'redis-url': { type: 'string' },
};

const COMMANDS: Record<string, { options: Options; run: (v: Values) => Promise<number> }> = {
  init: { options: { ...dataDirOpt, auth: { type: 'string', short: 'A' }, username: { type: 'string', short: 'U' }, pwfile: { type: 'string' } }, run: cmdInit },
  start: { options: { ...serverOpts, log: { type: 'string', short: 'l' } }, run: cmdStart },
  server: { options: serverOpts, run: cmdServer },
  stop: { options: { ...dataDirOpt, mode: { type: 'string', short: 'm' }, timeout: { type: 'string', short: 't' } }, run: cmdStop },
  status: { options: dataDirOpt, run: cmdStatus },
  reload: { options: dataDirOpt, run: cmdReload },
};

type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

function usage(): string {
  return `${PROG} manages an actorgres cluster.

Usage:
  ${PROG} init   -D DIR [--auth trust|scram-sha-256] [-U SUPERUSER] [--pwfile FILE]
  ${PROG} start  -D DIR [-p PORT] [--workers N] [--redis-url URL] [-l LOGFILE]
  ${PROG} server -D DIR [-p PORT] [--workers N] [--redis-url URL]
  ${PROG} stop   -D DIR [-m smart|fast|immediate] [-t SECONDS]
  ${PROG} status -D DIR
  ${PROG} reload -D DIR

-D defaults to the PGDATA environment variable.`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage() + '\n');
    return command === undefined ? 1 : 0;
  }
  const cmd = COMMANDS[command];
  if (!cmd) throw new UsageError(`unknown command "${command}"`);
  let values: Values;
  try {
    ({ values } = parseArgs({ args: rest, options: cmd.options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message.replace(/\. To specify.*$/s, '') : String(err));
  }
  return cmd.run(values);
}

function dataDir(v: Values): string {
  const d = str(v, 'pgdata') ?? process.env['PGDATA'];
  if (!d) throw new UsageError('no data directory specified: use -D DIR or set PGDATA');
  return resolve(d);
}

function str(v: Values, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}

function intArg(v: Values, name: string, min: number, max: number): number | undefined {
  const s = str(v, name);
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max) throw new UsageError(`invalid value for --${name}: "${s}" (an integer from ${min} to ${max})`);
  return Number(s);
}

// ---- init ---------------------------------------------------------------------

async function cmdInit(v: Values): Promise<number> {
  const dir = dataDir(v);
  const auth = str(v, 'auth') ?? 'trust';
  if (auth !== 'trust' && auth !== 'scram-sha-256') throw new UsageError(`invalid authentication method "${auth}": use trust or scram-sha-256`);
  const pwfile = str(v, 'pwfile');
  const password = pwfile === undefined ? undefined : readFileSync(pwfile, 'utf8').split('\n')[0];
  if (pwfile !== undefined && !password) throw new UsageError(`password file "${pwfile}" is empty`);
  const username = str(v, 'username');
  const r = initDataDirectory(dir, { auth: auth as AuthMethod, ...(username ? { superuser: username } : {}), ...(password ? { password } : {}) });
  process.stdout.write(`The files belonging to this database system will be owned by user "${process.env['USER'] ?? r.superuser}".\n`);
  process.stdout.write(`The database superuser is "${r.superuser}"; authentication: ${r.auth}.\n\n`);
  process.stdout.write(`creating directory ${r.dataDir} ... ok\n`);
  if (r.warnings.length) process.stderr.write(`${PROG}: warning: ${r.warnings[0]}\n${PROG}: hint: ${r.warnings[1]}\n`);
  process.stdout.write(`\nSuccess. You can now start the database server using:\n\n    ${PROG} start -D ${r.dataDir} -l logfile\n\n`);
  return 0;
}

// ---- start / server -------------------------------------------------------------

function clusterOptions(v: Values, dir: string) {
  const port = intArg(v, 'port', 1, 65535);
  const workers = intArg(v, 'workers', 1, 256);
  const redisUrl = str(v, 'redis-url');
  const settings: Record<string, string | number> = port !== undefined ? { port } : {};
  // The server listens on the port setting (-p wins over actorgres.conf) and listen_addresses.
  return { dataDir: dir, ...(workers !== undefined ? { workers } : {}), ...(redisUrl !== undefined ? { redisUrl } : {}), settings, listen: {} };
}

/** Checks everything that can be checked before a server process is started. */
function preflight(dir: string): void {
  checkDataDirectory(dir);
  parseConfFile(confPath(dir));
  const pid = readPidFile(dir);
  if (pid && isPostmasterAlive(pid.pid)) {
    throw new DataDirError(`another server might be running (PID ${pid.pid} in ${pidFilePath(dir)}); trying to start server anyway failed`);
  }
}

/** What `server` tells `start` over the IPC channel while it starts. */
type ServerToStart = { ready: number } | { recovery: RecoveryEvent };

async function cmdServer(v: Values): Promise<number> {
  const dir = dataDir(v);
  const opts = clusterOptions(v, dir);
  preflight(dir);
  // On a terminal, redo progress is a bar and the log lines go above it; elsewhere (a log file, CI) log lines every 10%.
  const bar = process.stderr.isTTY ? new RecoveryProgressBar(process.stderr) : null;
  const onEvent = (e: ClusterEvent) => {
    if (e.type !== 'recovery') return;
    bar?.update(e);
    // Started by `actorgres start`: it draws the bar if its own output is a terminal.
    if (process.send && process.connected) process.send({ recovery: e } satisfies ServerToStart);
  };
  const cluster = await startCluster({
    ...opts,
    settings: { log_min_messages: 'log', ...opts.settings },
    onEvent,
    ...(bar ? { log: (line: string) => bar.log(line), recoveryProgressLog: false } : {}),
  });
  installSignals(cluster);
  if (process.send) {
    // Started by `actorgres start`: tell it we are ready, then cut the cord.
    process.send({ ready: process.pid } satisfies ServerToStart, () => process.disconnect());
  }
  const reason = await cluster.stopped;
  elog('log', `postmaster exiting: ${reason}`);
  return reason.includes('shutdown request') ? 0 : 1;
}

/** pg_ctl's signals: TERM smart, INT fast, QUIT immediate, HUP reload. */
function installSignals(cluster: Cluster): void {
  const stop = (mode: ShutdownMode) => () => void cluster.stop({ mode }).catch((err: unknown) => elog('warning', `shutdown failed: ${String(err)}`));
  process.on('SIGTERM', stop('smart'));
  process.on('SIGINT', stop('fast'));
  process.on('SIGQUIT', stop('immediate'));
  process.on('SIGHUP', () => void cluster.reload().catch((err: unknown) => elog('log', `configuration file not reloaded: ${err instanceof Error ? err.message : String(err)}`)));
}

async function cmdStart(v: Values): Promise<number> {
  const dir = dataDir(v);
  clusterOptions(v, dir); // validate flags before anything starts
  preflight(dir);
  const logFile = resolve(str(v, 'log') ?? join(dir, 'log', 'actorgres.log'));
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a', 0o600);
  const args = [join(HERE, 'actorgres.js'), 'server', '-D', dir];
  for (const name of ['port', 'workers', 'redis-url']) {
    const s = str(v, name);
    if (s !== undefined) args.push(`--${name}`, s);
  }
  process.stdout.write('waiting for server to start....');
  // On a terminal, the server's redo progress is drawn as a bar while we wait (its log has the lines).
  const bar = process.stdout.isTTY ? new RecoveryProgressBar(process.stdout) : null;
  let drewBar = false;
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', fd, fd, 'ipc'] });
  const outcome = await new Promise<{ ok: true; pid: number } | { ok: false; code: number | null }>((res) => {
    child.on('message', (m: unknown) => {
      if (typeof m !== 'object' || m === null) return;
      if ('recovery' in m && isRecoveryEvent(m.recovery)) {
        if (bar && !drewBar && m.recovery.phase === 'progress') {
          process.stdout.write('\n');
          drewBar = true;
        }
        bar?.update(m.recovery);
      } else if ('ready' in m) res({ ok: true, pid: Number(m.ready) });
    });
    child.once('exit', (code) => res({ ok: false, code }));
  });
  bar?.stop();
  if (drewBar) process.stdout.write('....');
  if (!outcome.ok) {
    process.stdout.write(' stopped waiting\n');
    process.stderr.write(`${PROG}: could not start server (exit code ${outcome.code})\nExamine the log output in ${logFile}:\n${tail(logFile, 10)}\n`);
    return 1;
  }
  child.unref();
  if (child.connected) child.disconnect();
  process.stdout.write(` done\nserver started (PID ${outcome.pid}, log ${logFile})\n`);
  return 0;
}

/** Checks what arrived over the IPC channel before it is drawn. */
function isRecoveryEvent(e: unknown): e is RecoveryEvent {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as Record<string, unknown>;
  return r['type'] === 'recovery' && ['begin', 'progress', 'end'].includes(String(r['phase'])) && ['lsn', 'endLsn', 'percent', 'records'].every((k) => typeof r[k] === 'number');
}

function tail(file: string, n: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---- stop / status / reload ---------------------------------------------------------

function runningPid(dir: string): number | null {
  const pid = readPidFile(dir);
  return pid && isPostmasterAlive(pid.pid) ? pid.pid : null;
}

async function cmdStop(v: Values): Promise<number> {
  const dir = dataDir(v);
  checkDataDirectory(dir);
  const mode = str(v, 'mode') ?? 'fast';
  const signals: Record<string, NodeJS.Signals> = { smart: 'SIGTERM', s: 'SIGTERM', fast: 'SIGINT', f: 'SIGINT', immediate: 'SIGQUIT', i: 'SIGQUIT' };
  const sig = signals[mode];
  if (!sig) throw new UsageError(`unrecognized shutdown mode "${mode}": use smart, fast or immediate`);
  const timeoutS = intArg(v, 'timeout', 1, 86400) ?? 60;
  const pid = runningPid(dir);
  if (pid === null) {
    process.stderr.write(`${PROG}: PID file "${pidFilePath(dir)}" does not name a running server\nIs server running?\n`);
    return 1;
  }
  process.kill(pid, sig);
  process.stdout.write('waiting for server to shut down....');
  const deadline = Date.now() + timeoutS * 1000;
  // pg_ctl polls too: there is no portable way to wait for a process that is not our child.
  while (isPostmasterAlive(pid)) {
    if (Date.now() > deadline) {
      process.stdout.write(' failed\n');
      process.stderr.write(`${PROG}: server does not shut down\n`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stdout.write(' done\nserver stopped\n');
  return 0;
}

async function cmdStatus(v: Values): Promise<number> {
  const dir = dataDir(v);
  try {
    checkDataDirectory(dir);
  } catch (err) {
    process.stderr.write(`${PROG}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 4;
  }
  const pid = runningPid(dir);
  if (pid === null) {
    process.stdout.write(`${PROG}: no server running\n`);
    return 3;
  }
  const data = readPidFile(dir)!;
  process.stdout.write(`${PROG}: server is running (PID: ${pid}, status: ${data.status}, redis: ${data.redis})\n`);
  return 0;
}

async function cmdReload(v: Values): Promise<number> {
  const dir = dataDir(v);
  checkDataDirectory(dir);
  const pid = runningPid(dir);
  if (pid === null) {
    process.stderr.write(`${PROG}: no server running\n`);
    return 1;
  }
  process.kill(pid, 'SIGHUP');
  process.stdout.write('server signaled\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${PROG}: ${msg}\n`);
    if (err instanceof UsageError) process.stderr.write(`Try "${PROG} --help" for more information.\n`);
    process.exit(1);
  },
);
