/**
 * pgSession.ts - a RegressSession backed by node-postgres, for replaying
 * the regression suite against a real PostgreSQL.
 *
 * Lifecycle: openPgSession() connects one client with the settings psql
 * gets from pg_regress (REGRESS_SESSION_SETTINGS, sent as startup options
 * the way libpq sends PGTZ/PGDATESTYLE/PGOPTIONS); close() ends it. One
 * session per test file, as pg_regress starts one psql per file.
 *
 * Every statement goes through the simple query protocol with type parsing
 * turned off, so values stay in PostgreSQL's text format. Notices are
 * collected while a statement runs and handed back with its outcome.
 */

import pg from 'pg';
import type { CustomTypesConfig } from 'pg';

import { REGRESS_SESSION_SETTINGS, type RegressNotice, type RegressOutcome, type RegressSession } from './runner.ts';

export interface PgRegressSession extends RegressSession {
  close(): Promise<void>;
}

/** Keep every column as the text the server sent. */
const textOnly: CustomTypesConfig = {
  getTypeParser: (() => (value: string) => value) as CustomTypesConfig['getTypeParser'],
};

/** `-c name=value` startup options; spaces inside a value are backslash-escaped as libpq requires. */
export function startupOptions(settings: Readonly<Record<string, string>>): string {
  return Object.entries(settings)
    .map(([name, value]) => `-c ${name}=${value.replace(/\\/g, '\\\\').replace(/ /g, '\\ ')}`)
    .join(' ');
}

/** The fields of pg-protocol's NoticeMessage a notice needs (@types/pg does not re-export the class). */
interface NoticeFields {
  severity: string | undefined;
  code: string | undefined;
  message: string | undefined;
  detail: string | undefined;
  hint: string | undefined;
}

function toNotice(n: NoticeFields): RegressNotice {
  const notice: RegressNotice = { severity: n.severity ?? 'NOTICE', sqlstate: n.code ?? '', message: n.message ?? '' };
  if (n.detail !== undefined) notice.detail = n.detail;
  if (n.hint !== undefined) notice.hint = n.hint;
  return notice;
}

/** Decode one row of an array-mode result; the text parser guarantees strings or null. */
function toTextRow(row: unknown): Array<string | null> {
  if (!Array.isArray(row)) throw new Error('node-postgres returned a row that is not an array');
  return row.map((cell: unknown) => {
    if (cell === null || typeof cell === 'string') return cell;
    throw new Error(`node-postgres returned a non-text value: ${typeof cell}`);
  });
}

export async function openPgSession(connectionString: string): Promise<PgRegressSession> {
  const client = new pg.Client({ connectionString, options: startupOptions(REGRESS_SESSION_SETTINGS) });
  let notices: RegressNotice[] = [];
  let sawRowDescription = false;
  client.on('notice', (n) => notices.push(toNotice(n)));
  // A RowDescription is what makes psql print a table, even one without
  // columns; "SELECT ... INTO" has a SELECT tag but no RowDescription.
  client.connection.on('rowDescription', () => {
    sawRowDescription = true;
  });
  await client.connect();

  return {
    async query(sql: string): Promise<RegressOutcome> {
      notices = [];
      sawRowDescription = false;
      try {
        const res = await client.query({ text: sql, rowMode: 'array', types: textOnly });
        const command = res.command ?? '';
        if (sawRowDescription) {
          const rows = res.rows.map(toTextRow);
          return {
            kind: 'rows',
            fields: res.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID })),
            rows,
            command,
            rowCount: res.rowCount ?? rows.length,
            notices,
          };
        }
        return { kind: 'command', command, rowCount: res.rowCount, notices };
      } catch (err) {
        if (!(err instanceof pg.DatabaseError)) throw err;
        const outcome: RegressOutcome = { kind: 'error', severity: err.severity ?? 'ERROR', sqlstate: err.code ?? '', message: err.message, notices };
        if (err.detail !== undefined) outcome.detail = err.detail;
        if (err.hint !== undefined) outcome.hint = err.hint;
        if (err.position !== undefined) outcome.position = Number(err.position);
        return outcome;
      }
    },
    async close(): Promise<void> {
      await client.end();
    },
  };
}
