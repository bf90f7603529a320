/*
 * The data directory: created by `actorgres init` (initdb), checked by every
 * start. A directory is ours if it holds ACTORGRES_VERSION.
 *
 *   ACTORGRES_VERSION   layout version of the directory
 *   actorgres.conf      settings (postgresql.conf's syntax)
 *   hba.conf            client authentication rules (pg_hba.conf's syntax)
 *   global/pg_authid.json  the bootstrap superuser (name, SCRAM verifier)
 *   redis/              the embedded redis-server's socket and log (mode 0700)
 *   postmaster.pid      lock file of the running postmaster
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { scramVerifier } from '../protocol/scramVerifier.ts';

export const LAYOUT_VERSION = '1';

export type AuthMethod = 'trust' | 'scram-sha-256';

export interface InitOptions {
  auth?: AuthMethod;
  superuser?: string;
  /** The superuser's password (from --pwfile); required with scram-sha-256. */
  password?: string;
  /** Lines appended to actorgres.conf. */
  settings?: Record<string, string>;
}

export class DataDirError extends Error {
  override name = 'DataDirError';
}

export interface InitResult {
  dataDir: string;
  superuser: string;
  auth: AuthMethod;
  warnings: string[];
}

export function initDataDirectory(dir: string, opts: InitOptions = {}): InitResult {
  const dataDir = resolve(dir);
  const auth = opts.auth ?? 'trust';
  if (auth !== 'trust' && auth !== 'scram-sha-256') throw new DataDirError(`invalid authentication method "${auth}": use trust or scram-sha-256`);
  const superuser = opts.superuser ?? userInfo().username;
  if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(superuser)) throw new DataDirError(`invalid superuser name "${superuser}"`);
  if (auth === 'scram-sha-256' && !opts.password) throw new DataDirError('must specify a password for the superuser (--pwfile) to enable scram-sha-256 authentication');
  if (existsSync(dataDir)) {
    if (!statSync(dataDir).isDirectory()) throw new DataDirError(`"${dataDir}" exists but is not a directory`);
    if (readdirSync(dataDir).length > 0) throw new DataDirError(`directory "${dataDir}" exists but is not empty; remove it or run init with a new directory`);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(join(dataDir, 'global'), { mode: 0o700 });
  const settings = Object.entries(opts.settings ?? {}).map(([k, v]) => `${k} = '${v.replace(/'/g, "''")}'`);
  writeFileSync(
    join(dataDir, 'actorgres.conf'),
    [
      '# actorgres configuration (postgresql.conf syntax: name = value, # starts a comment).',
      '# Settings not listed keep their defaults; see README.md for the list.',
      '#port = 5432',
      '#node_workers = 0            # 0 = one worker process per CPU',
      "#redis_url = ''              # empty: private redis-server on a unix socket in this directory",
      "#redis_key_prefix = 'ag:'",
      "#shared_preload_libraries = ''",
      '#log_min_messages = warning',
      ...settings,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  writeFileSync(
    join(dataDir, 'hba.conf'),
    [
      '# TYPE  DATABASE        USER            ADDRESS                 METHOD',
      `local   all             all                                     ${auth}`,
      `host    all             all             127.0.0.1/32            ${auth}`,
      `host    all             all             ::1/128                 ${auth}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const authid = [{ rolname: superuser, rolsuper: true, rolcanlogin: true, rolpassword: opts.password ? scramVerifier(opts.password) : null }];
  writeFileSync(join(dataDir, 'global', 'pg_authid.json'), JSON.stringify(authid, null, 2) + '\n', { mode: 0o600 });
  // Written last: a directory without it is an init that did not finish.
  writeFileSync(join(dataDir, 'ACTORGRES_VERSION'), LAYOUT_VERSION + '\n', { mode: 0o600 });
  const warnings =
    auth === 'trust'
      ? ['enabling "trust" authentication for local connections', 'You can change this by editing hba.conf or using the option --auth the next time you run init.']
      : [];
  return { dataDir, superuser, auth, warnings };
}

/** Throws DataDirError unless `dir` is an initialized actorgres data directory of our layout. */
export function checkDataDirectory(dir: string): string {
  const dataDir = resolve(dir);
  if (!existsSync(dataDir)) throw new DataDirError(`data directory "${dataDir}" does not exist (create it with: actorgres init -D ${dir})`);
  if (!statSync(dataDir).isDirectory()) throw new DataDirError(`"${dataDir}" is not a directory`);
  const versionFile = join(dataDir, 'ACTORGRES_VERSION');
  if (!existsSync(versionFile)) throw new DataDirError(`"${dataDir}" is not an actorgres data directory (no ACTORGRES_VERSION file)`);
  const version = readFileSync(versionFile, 'utf8').trim();
  if (version !== LAYOUT_VERSION) throw new DataDirError(`data directory "${dataDir}" has layout version ${version}; this actorgres needs ${LAYOUT_VERSION}`);
  return dataDir;
}

export function confPath(dataDir: string): string {
  return join(dataDir, 'actorgres.conf');
}
