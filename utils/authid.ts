/*
 * DIR/global/pg_authid.json: the roles (PostgreSQL's pg_authid catalog), as
 * `actorgres init` writes them. The postmaster reads the file at start and on
 * reload and hands the roles to each new backend; both sides decode and check
 * them here, never cast.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Role {
  rolname: string;
  rolsuper: boolean;
  rolcanlogin: boolean;
  /** A SCRAM verifier (or an md5 hash), null without a password. */
  rolpassword: string | null;
}

export function authidPath(dataDir: string): string {
  return join(dataDir, 'global', 'pg_authid.json');
}

/** Checks a decoded JSON value; throws naming the first bad entry. */
export function decodeRoles(value: unknown, where = 'pg_authid'): Role[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list of roles`);
  return value.map((r: unknown, i) => {
    const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    const { rolname, rolsuper, rolcanlogin, rolpassword } = o;
    if (typeof rolname !== 'string' || rolname === '') throw new Error(`${where}: role ${i + 1} has no rolname`);
    if (typeof rolsuper !== 'boolean' || typeof rolcanlogin !== 'boolean') throw new Error(`${where}: role "${rolname}" needs boolean rolsuper and rolcanlogin`);
    if (rolpassword !== null && typeof rolpassword !== 'string') throw new Error(`${where}: role "${rolname}" has a rolpassword that is neither a string nor null`);
    return { rolname, rolsuper, rolcanlogin, rolpassword };
  });
}

export function readRoles(dataDir: string): Role[] {
  const path = authidPath(dataDir);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`could not read "${path}": ${err instanceof Error ? err.message : String(err)}`);
  }
  return decodeRoles(parsed, path);
}
