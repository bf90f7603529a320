/*
 * Embedded sessions (DESIGN.md 4): `cluster.connect()` starts a backend
 * actor, on a worker process (placement 'worker', isolated like a network
 * session) or in this process ('local'); `session.query()` runs SQL on it and
 * returns rows typed as node-postgres types them (its own pg-types parsers),
 * so code moves between actorgres and PostgreSQL unchanged.
 */
import pgTypes from 'pg-types';
import type { BackendMsg, QueryReply, WireError, WireResult } from './actors/backend.ts';
import { SqlError } from './sql/errors.ts';
import type { ActorNode } from './supervision/actorNode.ts';
import type { Json } from './supervision/types.ts';
import type { RefData } from './supervision/wire.ts';

export interface FieldDef {
  name: string;
  dataTypeID: number;
  dataTypeModifier: number;
}

export interface QueryResult<R = Record<string, unknown>> {
  /** The command tag's verb: SELECT, INSERT, UPDATE, DELETE, CREATE, BEGIN ... */
  command: string;
  rowCount: number | null;
  fields: FieldDef[];
  rows: R[];
  /** NOTICE / WARNING messages the statement raised. */
  notices: Array<{ severity: string; code: string; message: string }>;
}

export interface TransactionOptions {
  isolation?: 'read committed' | 'repeatable read';
  /** Retries after a serialization failure (40001) or deadlock (40P01); default 5. */
  retries?: number;
}

/** How long one statement may take on the actor transport (statement_timeout is the SQL-level limit). */
const QUERY_TIMEOUT_MS = 24 * 3600_000;

export class Session {
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  /** @internal cluster.connect() makes sessions */
  constructor(
    private readonly node: ActorNode,
    private readonly ref: RefData,
  ) {}

  /**
   * Runs one statement (with $1.. parameters) or, without parameters, a
   * string of statements (the result of the last is returned). Errors are
   * SqlErrors carrying the SQLSTATE in `code`. Calls on one session run one
   * after another, as on one PostgreSQL connection.
   */
  query<R = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const run = this.queue.then(() => this.send<R>(text, params));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send<R>(text: string, params: readonly unknown[]): Promise<QueryResult<R>> {
    if (this.closed) throw new SqlError('08003', 'the session is closed');
    const msg: BackendMsg = { op: 'query', sql: text, params: params.map(prepareValue) };
    let reply: QueryReply;
    try {
      reply = (await this.node.ask(this.ref, msg as unknown as Json, QUERY_TIMEOUT_MS)) as unknown as QueryReply;
    } catch (err) {
      // The backend or its worker process died: this session is over (as a lost connection).
      this.closed = true;
      throw new SqlError('57P01', `terminating connection: its backend ended (${err instanceof Error ? err.message : String(err)})`, {}, 'FATAL');
    }
    if (reply.error) throw errorOf(reply.error);
    const last = reply.results[reply.results.length - 1];
    if (!last) return { command: '', rowCount: null, fields: [], rows: [], notices: [] };
    return resultOf<R>(last);
  }

  /**
   * Runs fn in a transaction: COMMIT when it resolves, ROLLBACK when it
   * throws; a serialization failure or deadlock (40001, 40P01) runs fn again,
   * up to `retries` times.
   */
  async transaction<T>(fn: (s: Session) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    const retries = opts.retries ?? 5;
    for (let attempt = 0; ; attempt++) {
      await this.query(opts.isolation ? `BEGIN ISOLATION LEVEL ${opts.isolation.toUpperCase()}` : 'BEGIN');
      try {
        const out = await fn(this);
        await this.query('COMMIT');
        return out;
      } catch (err) {
        if (!this.closed) await this.query('ROLLBACK').catch(() => undefined);
        const code = err instanceof SqlError ? err.sqlstate : '';
        if ((code === '40001' || code === '40P01') && attempt < retries) continue;
        throw err;
      }
    }
  }

  /** Ends the session; an open transaction is rolled back. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.node.ask(this.ref, { op: 'terminate' }, 30_000).catch(() => undefined); // its worker may be gone already
  }
}

function errorOf(e: WireError): SqlError {
  const fields: ConstructorParameters<typeof SqlError>[2] = {};
  if (e.detail !== undefined) fields.detail = e.detail;
  if (e.hint !== undefined) fields.hint = e.hint;
  if (e.position !== undefined) fields.position = e.position;
  return new SqlError(e.sqlstate, e.message, fields, e.severity === 'FATAL' ? 'FATAL' : 'ERROR');
}

function resultOf<R>(r: WireResult): QueryResult<R> {
  const fields: FieldDef[] = (r.fields ?? []).map((f) => ({ name: f.name, dataTypeID: f.typeOid, dataTypeModifier: f.typmod }));
  const parsers = fields.map((f) => pgTypes.getTypeParser(f.dataTypeID, 'text') as (v: string) => unknown);
  const rows = (r.rows ?? []).map((vals) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) {
      const v = vals[i];
      row[fields[i]!.name] = v === null || v === undefined ? null : parsers[i]!(v);
    }
    return row as R;
  });
  return { command: r.command.split(' ')[0]!, rowCount: r.rowCount, fields, rows, notices: r.notices.map((n) => ({ severity: n.severity, code: n.sqlstate, message: n.message })) };
}

/** node-postgres's prepareValue: JS values to PostgreSQL's text input form. */
export function prepareValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return '\\x' + v.toString('hex');
  if (v instanceof Date) return dateToString(v);
  if (Array.isArray(v)) return arrayLiteral(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** As node-postgres: local time with its UTC offset. */
function dateToString(d: Date): string {
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function arrayLiteral(a: unknown[]): string {
  return `{${a.map((x) => (x === null || x === undefined ? 'NULL' : Array.isArray(x) ? arrayLiteral(x) : `"${String(prepareValue(x)).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}
