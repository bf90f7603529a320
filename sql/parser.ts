/*
 * SQL parsing with PostgreSQL's own grammar (libpg-query: the server's
 * parser compiled to WebAssembly; DESIGN.md 5). The module loads once per
 * process; parse() is then synchronous. A statement is parsed once per
 * prepared statement, never per execution (see sql/session.ts).
 *
 * Each RawStmt keeps its text slice, so that errors can point into the
 * statement with PostgreSQL's 1-based character position.
 */
import { loadModule, parseSync } from 'libpg-query';
import type { Node, ParseResult } from '@pgsql/types';
import { SqlError } from './errors.ts';

let loaded: Promise<void> | null = null;
let ready = false;

/** Loads the WebAssembly parser; every process calls it once before parse(). */
export function loadParser(): Promise<void> {
  loaded ??= loadModule().then(() => {
    ready = true;
  });
  return loaded;
}

export interface ParsedStatement {
  stmt: Node;
  /** The statement's own text (without the separating semicolon). */
  text: string;
  /** Offset of `text` in the query string (0-based, in characters). */
  offset: number;
}

export function parse(sql: string): ParsedStatement[] {
  if (!ready) throw new Error('the SQL parser is not loaded: await loadParser() first');
  let result: ParseResult;
  try {
    result = parseSync(sql) as ParseResult;
  } catch (err) {
    const details = (err as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
    const message = details?.message ?? (err instanceof Error ? err.message : String(err));
    // A byte offset like every parser location; the session turns positions into characters (positionInChars).
    const position = details?.cursorPosition === undefined ? undefined : details.cursorPosition + 1;
    throw new SqlError(sqlstateOf(message), message, position === undefined ? {} : { position });
  }
  const bytes = Buffer.from(sql, 'utf8');
  const ascii = bytes.length === sql.length;
  const out: ParsedStatement[] = [];
  for (const raw of result.stmts ?? []) {
    if (!raw.stmt) continue;
    const loc = raw.stmt_location ?? 0;
    const len = raw.stmt_len ?? 0;
    // Locations count bytes; a statement of the whole string has length 0.
    const text = ascii ? (len === 0 ? sql.slice(loc) : sql.slice(loc, loc + len)) : (len === 0 ? bytes.subarray(loc) : bytes.subarray(loc, loc + len)).toString('utf8');
    out.push({ stmt: raw.stmt, text, offset: ascii ? loc : byteToCharOffset(sql, loc) });
  }
  return out;
}

const CACHE_SIZE = 512;
const cache = new Map<string, ParsedStatement[]>();

/**
 * parse() with a per-process cache of recent query strings: a statement sent
 * again (a driver's repeated query, an embedded session's loop) is parsed
 * once. The trees are shared, so nothing may change them (the planner builds
 * new nodes instead).
 */
export function parseCached(sql: string): ParsedStatement[] {
  const hit = cache.get(sql);
  if (hit) {
    cache.delete(sql); // most recently used last
    cache.set(sql, hit);
    return hit;
  }
  const parsed = parse(sql);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(sql, parsed);
  return parsed;
}

/** The grammar's messages map to their SQLSTATE as in scan.l / gram.y. */
function sqlstateOf(message: string): string {
  if (/^unterminated|^syntax error|^zero-length delimited identifier|^trailing junk|^invalid/.test(message)) return '42601';
  if (/out of range/.test(message)) return '22003';
  return '42601';
}

/** An error position (1-based) from the parser's byte offsets to PostgreSQL's characters. */
export function positionInChars(sql: string, bytePosition: number): number {
  return byteToCharOffset(sql, bytePosition - 1) + 1;
}

export function byteToCharOffset(s: string, byteOffset: number): number {
  let bytes = 0;
  let i = 0;
  for (; i < s.length && bytes < byteOffset; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return i;
}
