/**
 * runner.ts - replays a regression script against a session and prints
 * what `psql -X -a -q -d DB < sql/<name>.sql` would have printed.
 *
 * The suite lives in test/regress in PostgreSQL's own layout: `schedule`
 * (test names in run order), `sql/<name>.sql` (psql scripts) and
 * `expected/<name>.out` (recorded from PostgreSQL 15 by record.sh). A
 * session that answers like PostgreSQL makes runRegressFile() return the
 * expected file byte for byte.
 *
 * Output is assembled in the order psql writes it; psql flushes stdout
 * after each echoed line and each result, so the stdout (echo, tables) and
 * stderr (errors, notices) streams interleave in event order.
 *
 * Invariants the scripts rely on (see psqlScan.ts for what is not
 * reproduced): one statement per session.query() call, sent exactly as
 * psql sends it; `-q` hides command tags; only `\set VERBOSITY` is
 * supported among the meta-commands.
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildErrorMessage, type Verbosity } from './errorReport.ts';
import { isRightAligned, printAlignedTable } from './printTable.ts';
import { scanScript } from './psqlScan.ts';

export interface RegressField {
  name: string;
  typeOid: number;
}

export interface RegressNotice {
  severity: string;
  sqlstate: string;
  message: string;
  detail?: string;
  hint?: string;
}

export type RegressOutcome =
  /** A result set (SELECT, SHOW, VALUES, ... RETURNING); values in PostgreSQL text format, null for NULL. */
  | { kind: 'rows'; fields: RegressField[]; rows: Array<Array<string | null>>; command: string; rowCount: number; notices: RegressNotice[] }
  /** A command without a result set; command is the tag's verb ('' for an empty query). */
  | { kind: 'command'; command: string; rowCount: number | null; notices: RegressNotice[] }
  /** An ErrorResponse; position is PG_DIAG_STATEMENT_POSITION (1-based characters). */
  | { kind: 'error'; severity: string; sqlstate: string; message: string; detail?: string; hint?: string; position?: number; notices: RegressNotice[] };

/** A connection in the state psql's would be in; one statement per call, simple-protocol semantics. */
export interface RegressSession {
  query(sql: string): Promise<RegressOutcome>;
}

/**
 * Session settings every replaying session must start with: the ones
 * pg_regress (PostgreSQL 15, initialize_environment()) gives psql through
 * PGTZ, PGDATESTYLE and PGOPTIONS, which record.sh sets the same way.
 */
export const REGRESS_SESSION_SETTINGS: Readonly<Record<'TimeZone' | 'DateStyle' | 'IntervalStyle', string>> = {
  TimeZone: 'UTC',
  DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres',
};

/** The directory holding schedule, sql/ and expected/. */
export const REGRESS_DIR = dirname(fileURLToPath(import.meta.url));

/** Test names from the schedule file, in order; blank lines and `#` comments are skipped. */
export function readSchedule(): string[] {
  return readFileSync(join(REGRESS_DIR, 'schedule'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

const verbosities: ReadonlySet<string> = new Set<Verbosity>(['default', 'terse', 'sqlstate']);

function isVerbosity(value: string): value is Verbosity {
  return verbosities.has(value);
}

/** Print one statement's outcome the way psql -q does. */
function renderOutcome(outcome: RegressOutcome, sql: string, verbosity: Verbosity): string {
  let out = '';
  for (const n of outcome.notices) out += buildErrorMessage(n, verbosity, null);
  switch (outcome.kind) {
    case 'rows':
      out += printAlignedTable(
        outcome.fields.map((f) => ({ name: f.name, rightAligned: isRightAligned(f.typeOid) })),
        outcome.rows,
      );
      break;
    case 'command':
      // -q suppresses the command tag.
      break;
    case 'error':
      out += buildErrorMessage(outcome, verbosity, sql);
      break;
  }
  return out;
}

/**
 * Replay a psql script against `session` and return the output
 * `psql -X -a -q` (stdout and stderr merged) produces for it.
 */
export async function runRegressFile(sqlText: string, session: RegressSession): Promise<string> {
  let verbosity: Verbosity = 'default';
  let out = '';
  for (const event of scanScript(sqlText)) {
    switch (event.kind) {
      case 'echo':
        out += event.line + '\n';
        break;
      case 'statement':
        out += renderOutcome(await session.query(event.sql), event.sql, verbosity);
        break;
      case 'meta': {
        const [name, value] = event.args;
        if (event.command !== 'set' || name !== 'VERBOSITY' || event.args.length !== 2 || value === undefined || !isVerbosity(value)) {
          throw new Error(`unsupported psql meta-command: \\${event.command} ${event.args.join(' ')}`);
        }
        verbosity = value;
        break;
      }
    }
  }
  return out;
}
