/*
 * Backend (PostgreSQL's backend process, postgres.c's PostgresMain loop):
 * one actor per session. It runs the session's statements (sql/session.ts)
 * and answers each query with its results already in PostgreSQL's text
 * format, the form the wire protocol sends and node-postgres parses.
 *
 * Lifecycle: spawned by the postmaster on the least loaded worker for each
 * cluster.connect() (or in the embedding process for placement 'local'), as a
 * temporary actor: it is never restarted. Normal end: the session closes
 * (`terminate` message or signal): its open transaction is rolled back. If
 * its worker process dies, only the sessions on that worker end; the
 * transaction it had open is never committed.
 */
import type { ActorBehavior } from '../supervision/actorNode.ts';
import type { Json, JsonObject } from '../supervision/types.ts';
import type { SqlError } from '../sql/errors.ts';
import { SqlSession, toSqlError } from '../sql/session.ts';
import type { StatementResult } from '../sql/session.ts';
import { sqlProcess } from '../sql/sqlProcess.ts';
import { output } from '../sql/types/index.ts';
import type { TypeContext } from '../sql/types/index.ts';

export type BackendMsg = { op: 'query'; sql: string; params: Array<string | null> } | { op: 'terminate' };

/** A statement's result as it crosses processes: values in text format (null for SQL NULL). */
export interface WireResult {
  command: string;
  rowCount: number | null;
  fields: Array<{ name: string; typeOid: number; typmod: number }> | null;
  rows: Array<Array<string | null>> | null;
  notices: Array<{ severity: string; sqlstate: string; message: string; detail?: string; hint?: string }>;
}

export interface WireError {
  severity: string;
  sqlstate: string;
  message: string;
  detail?: string;
  hint?: string;
  position?: number;
}

export interface QueryReply {
  results: WireResult[];
  error: WireError | null;
  status: 'I' | 'T' | 'E';
}

interface State {
  session: SqlSession;
}

export function toWireResult(r: StatementResult, ctx: TypeContext): WireResult {
  const fields = r.fields;
  return {
    command: r.command,
    rowCount: r.rowCount,
    fields: fields ? fields.map((f) => ({ name: f.name, typeOid: f.type.oid, typmod: f.type.typmod })) : null,
    rows: r.rows && fields ? r.rows.map((row) => row.map((v, i) => (v === null ? null : output(fields[i]!.type, v, ctx)))) : null,
    notices: r.notices.map((n) => ({ ...n })),
  };
}

export function toWireError(e: SqlError): WireError {
  return { severity: e.severity, sqlstate: e.sqlstate, message: e.message, ...e.fields };
}

export const backend: ActorBehavior<State, BackendMsg, Json> = {
  async init(args: JsonObject) {
    const proc = await sqlProcess({
      dataDir: String(args['dataDir']),
      redisAddress: String(args['redisAddress']),
      keyPrefix: String(args['keyPrefix']),
      name: `actorgres:backends:${process.pid}`,
    });
    return { session: new SqlSession(proc, String(args['user']), String(args['database'])) };
  },
  async receive(state, msg, ctx) {
    if (msg.op === 'terminate') {
      await state.session.close();
      if (ctx.asked) ctx.reply(true);
      ctx.stopSelf();
      return state;
    }
    let reply: QueryReply;
    try {
      const { results, error } = await state.session.query(msg.sql, msg.params);
      const typeCtx = state.session.outputContext();
      reply = { results: results.map((r) => toWireResult(r, typeCtx)), error: error ? toWireError(error) : null, status: state.session.transactionStatus };
    } catch (err) {
      reply = { results: [], error: toWireError(toSqlError(err)), status: state.session.transactionStatus };
    }
    ctx.reply(reply as unknown as Json);
    return state;
  },
  async terminate(state) {
    await state.session.close();
  },
};
