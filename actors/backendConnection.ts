/*
 * The work of a network backend (not an actor: actors/backend.ts runs it):
 * a protocol/engine.ts ProtocolEngine over one SqlSession, so that
 * protocol/connection.ts can drive SQL from a client socket. It does what
 * PostgreSQL's auth.c (ClientAuthentication), postinit.c (InitPostgres:
 * role, database, connection slots, startup options) and the portal code of
 * postgres.c do; values cross in text format.
 *
 * Extended protocol: Parse parses once (SqlSession.prepare); a portal runs
 * its statement at the first Execute and hands out its rows in slices for
 * Execute row limits (PortalSuspended) until they are gone. Each Execute runs
 * in its own implicit transaction unless a BEGIN block is open (SqlSession
 * has no implicit transaction spanning several Executes up to Sync yet).
 *
 * COPY: a simple Query's CopyChannel becomes the session's CopyClient
 * (sql/copy.ts) for the duration of the query; errors from the client side
 * (CopyFail 57014, protocol violations 08P01) become SqlErrors with their
 * SQLSTATE. A query string with statements before a COPY runs statement by
 * statement, so that their results reach the client before the COPY starts.
 * COPY is not available through the extended protocol (0A000).
 */
import type { Node } from '@pgsql/types';
import { hbaAuthMethod, parseHba } from '../protocol/hba.ts';
import type { HbaRule } from '../protocol/hba.ts';
import { ProtocolError } from '../protocol/errors.ts';
import type {
  AuthDecision,
  CopyChannel,
  ExecuteReply,
  FieldDescription,
  Portal,
  PreparedStatement,
  ProtocolEngine,
  SessionInfo,
  SimpleQueryReply,
  StartupInfo,
  TransactionStatus,
} from '../protocol/engine.ts';
import type { CopyClient } from '../sql/copy.ts';
import { SqlError } from '../sql/errors.ts';
import { parse } from '../sql/parser.ts';
import type { ParsedStatement } from '../sql/parser.ts';
import { SqlSession } from '../sql/session.ts';
import type { FieldInfo, PreparedSql, StatementResult } from '../sql/session.ts';
import type { SqlProcess } from '../sql/sqlProcess.ts';
import { output } from '../sql/types/index.ts';
import type { Role } from '../utils/authid.ts';
import type { SlotReply } from './backendList.ts';
import type { TypeContext } from '../sql/types/index.ts';

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

export function toWireResult(r: StatementResult, ctx: TypeContext): WireResult {
  const fields = r.fields;
  return {
    command: r.command,
    rowCount: r.rowCount,
    fields: fields ? fields.map(fieldOf) : null,
    rows: r.rows && fields ? r.rows.map((row) => row.map((v, i) => (v === null ? null : output(fields[i]!.type, v, ctx)))) : null,
    notices: r.notices.map((n) => ({ ...n })),
  };
}

export function toWireError(e: SqlError): WireError {
  return { severity: e.severity, sqlstate: e.sqlstate, message: e.message, ...e.fields };
}

function fieldOf(f: FieldInfo): FieldDescription {
  return { name: f.name, typeOid: f.type.oid, typmod: f.type.typmod };
}

/** The protocol's command verb: SqlSession tags an insert `INSERT 0` (PostgreSQL's oid field); commandTag adds both numbers. */
function verb(command: string): string {
  return command === 'INSERT 0' ? 'INSERT' : command;
}

export interface BackendConnectionOptions {
  proc: SqlProcess;
  /** hba.conf's text and the roles, as the postmaster last (re)loaded them. */
  hba: string;
  roles: Role[];
  /** Asks the postmaster for one of max_connections' slots (after authentication, as InitPostgres). */
  claimSlot: (superuser: boolean) => Promise<SlotReply>;
}

/** Databases a session may name: there is one catalog; these are initdb's names for it. */
const DATABASES = new Set(['postgres', 'template1']);

/** Startup packet keys that are not settings. */
const NOT_SETTINGS = new Set(['user', 'database', 'options', 'replication', 'client_encoding']);

interface SqlStatement extends PreparedStatement {
  prepared: PreparedSql;
}

interface SqlPortal extends Portal {
  prepared: PreparedSql;
  params: Array<string | null>;
  /** The statement's whole result, from the first Execute on. */
  result: WireResult | null;
  sent: number;
}

export class BackendConnectionEngine implements ProtocolEngine<SqlStatement, SqlPortal> {
  private readonly rules: HbaRule[];
  private session: SqlSession | null = null;
  private role: Role | undefined;

  constructor(private readonly opts: BackendConnectionOptions) {
    this.rules = parseHba(opts.hba, 'hba.conf');
  }

  async authenticate(s: StartupInfo): Promise<AuthDecision> {
    const method = hbaAuthMethod(this.rules, { local: s.local, ssl: s.ssl, user: s.user, database: s.database, ...(s.remoteAddress ? { address: s.remoteAddress } : {}) });
    this.role = this.opts.roles.find((r) => r.rolname === s.user);
    // An unknown role gets no secret: auth.ts then runs a mock exchange, so it looks like a wrong password.
    return { method, secret: this.role?.rolpassword ?? null };
  }

  async startSession(s: StartupInfo): Promise<SessionInfo> {
    const role = this.role;
    if (!role) throw new ProtocolError(`role "${s.user}" does not exist`, '28000');
    if (!role.rolcanlogin) throw new ProtocolError(`role "${s.user}" is not permitted to log in`, '28000');
    if (!DATABASES.has(s.database)) throw new ProtocolError(`database "${s.database}" does not exist`, '3D000');
    const slot = await this.opts.claimSlot(role.rolsuper);
    if (!slot.ok) throw new ProtocolError(slot.message, slot.sqlstate);
    const session = new SqlSession(this.opts.proc, s.user, s.database);
    this.session = session;
    for (const [name, value] of startupSettings(s.parameters)) {
      const { error } = await session.query(`SET ${quoteIdent(name)} TO ${quoteLiteral(value)}`);
      if (error) throw new ProtocolError(error.message, error.sqlstate);
    }
    return { parameters: { is_superuser: role.rolsuper ? 'on' : 'off', ...this.reported(), application_name: s.parameters['application_name'] ?? '' } };
  }

  private get sql(): SqlSession {
    if (!this.session) throw new ProtocolError('no session', '08P01');
    return this.session;
  }

  /** The GUC_REPORT settings SqlSession lets us read. */
  private reported(): Record<string, string> {
    const ctx = this.sql.outputContext();
    return { TimeZone: ctx.timeZone, DateStyle: ctx.dateStyle ?? 'ISO, MDY' };
  }

  async simpleQuery(text: string, copy?: CopyChannel): Promise<SimpleQueryReply> {
    const session = this.sql;
    const before = this.reported();
    session.copyClient = copy ? copyClient(copy) : null;
    let ran;
    try {
      ran = copy ? await this.queryWithCopy(session, text, copy) : await this.queryWire(session, text);
    } finally {
      session.copyClient = null;
    }
    const { results, error } = ran;
    const after = this.reported();
    const changed = Object.entries(after).filter(([k, v]) => before[k] !== v);
    return {
      results,
      error: error ? toWireError(error) : null,
      status: session.transactionStatus,
      ...(changed.length ? { parameterStatus: Object.fromEntries(changed) } : {}),
    };
  }

  private async queryWire(session: SqlSession, text: string): Promise<{ results: WireResult[]; error: SqlError | null }> {
    const { results, error } = await session.query(text);
    const ctx = session.outputContext();
    return {
      results: results.map((r) => {
        const w = toWireResult(r, ctx);
        return { ...w, command: verb(w.command) };
      }),
      error,
    };
  }

  /**
   * A query string where a COPY follows other statements runs one statement
   * at a time (each is its own transaction unless a block is open, as
   * SqlSession.query runs them too): the results before the COPY are sent
   * ahead of its CopyIn/OutResponse. Error positions stay relative to the
   * whole string.
   */
  private async queryWithCopy(session: SqlSession, text: string, copy: CopyChannel): Promise<{ results: WireResult[]; error: SqlError | null }> {
    let stmts: ParsedStatement[];
    try {
      stmts = /copy/i.test(text) ? parse(text) : [];
    } catch {
      stmts = []; // the session reports the syntax error
    }
    if (!stmts.slice(1).some((s) => 'CopyStmt' in s.stmt)) return this.queryWire(session, text);
    const results: WireResult[] = [];
    for (const s of stmts) {
      if ('CopyStmt' in s.stmt && results.length > 0) copy.sendResults(results.splice(0));
      const r = await this.queryWire(session, s.text);
      results.push(...r.results);
      if (r.error) {
        const e = r.error;
        const shifted = e.fields.position === undefined ? e : new SqlError(e.sqlstate, e.message, { ...e.fields, position: e.fields.position + s.offset }, e.severity);
        return { results, error: shifted };
      }
    }
    return { results, error: null };
  }

  async prepare(text: string, paramTypes: number[]): Promise<SqlStatement> {
    const prepared = await this.sql.prepare(text, paramTypes);
    if (prepared.stmt && 'CopyStmt' in prepared.stmt) throw new SqlError('0A000', 'COPY is not supported in the extended query protocol (use a simple Query)');
    if (!prepared.stmt) return { prepared, paramTypes: [], fields: null, empty: true };
    const n = Math.max(paramTypes.length, maxParam(prepared.stmt));
    // Types the client left open are described as text: the value arrives in text form and SqlSession casts it.
    const types = Array.from({ length: n }, (_, i) => {
      const t = prepared.paramTypes[i];
      return t && t.oid !== UNKNOWN_OID ? t.oid : paramTypes[i] || TEXT_OID;
    });
    return { prepared, paramTypes: types, fields: prepared.fields ? prepared.fields.map(fieldOf) : null };
  }

  async bind(statement: SqlStatement, params: Array<string | null>): Promise<SqlPortal> {
    return { prepared: statement.prepared, params, fields: statement.fields, result: null, sent: 0 };
  }

  async execute(portal: SqlPortal, maxRows: number): Promise<ExecuteReply> {
    const session = this.sql;
    if (!portal.result) {
      const before = this.reported();
      const r = await session.executePrepared(portal.prepared, portal.params);
      portal.result = toWireResult(r, session.outputContext());
      const changed = Object.entries(this.reported()).filter(([k, v]) => before[k] !== v);
      if (changed.length) return { ...this.slice(portal, maxRows), parameterStatus: Object.fromEntries(changed) };
    }
    return this.slice(portal, maxRows);
  }

  private slice(portal: SqlPortal, maxRows: number): ExecuteReply {
    const r = portal.result!;
    const notices = portal.sent === 0 && r.notices.length ? { notices: r.notices } : {};
    if (!r.rows) return { command: verb(r.command), rowCount: r.rowCount, rows: null, suspended: false, ...notices };
    const end = maxRows > 0 ? Math.min(r.rows.length, portal.sent + maxRows) : r.rows.length;
    const rows = r.rows.slice(portal.sent, end);
    portal.sent = end;
    const suspended = maxRows > 0 && end < r.rows.length;
    // A DML ... RETURNING reports its own count; a SELECT the rows of this Execute, as PostgreSQL does.
    const rowCount = r.command === 'SELECT' ? rows.length : r.rowCount;
    return { command: verb(r.command), rowCount, rows, suspended, ...notices };
  }

  closePortal(portal: SqlPortal): void {
    portal.result = null; // its rows can go now
  }

  async sync(): Promise<TransactionStatus> {
    return this.session?.transactionStatus ?? 'I';
  }

  cancel(): void {
    this.session?.cancel();
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    await session?.close();
  }
}

/** The session's view of a query's CopyChannel: text format, errors from the client side as SqlErrors. */
function copyClient(channel: CopyChannel): CopyClient {
  const asSqlError = (err: unknown): unknown => {
    if (err instanceof SqlError || typeof err !== 'object' || err === null) return err;
    const e = err as { sqlstate?: unknown; message?: unknown; severity?: unknown };
    if (typeof e.sqlstate !== 'string') return err;
    return new SqlError(e.sqlstate, String(e.message), {}, e.severity === 'FATAL' ? 'FATAL' : 'ERROR');
  };
  return {
    copyIn: (columns) => {
      const stream = channel.copyIn(0, new Array<number>(columns).fill(0));
      return {
        read: () =>
          stream.read().catch((err: unknown) => {
            throw asSqlError(err);
          }),
      };
    },
    copyOut: (columns) => {
      const stream = channel.copyOut(0, new Array<number>(columns).fill(0));
      return { data: (chunk) => stream.data(Buffer.from(chunk, 'utf8')), done: () => stream.done() };
    },
  };
}

const UNKNOWN_OID = 705;
const TEXT_OID = 25;

/** The highest $n in a parsed statement (ParamRef nodes anywhere in its tree). */
function maxParam(node: unknown): number {
  let max = 0;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v !== null && typeof v === 'object') {
      const ref = (v as { ParamRef?: { number?: number } }).ParamRef;
      if (ref && typeof ref.number === 'number') max = Math.max(max, ref.number);
      for (const x of Object.values(v)) walk(x);
    }
  };
  walk(node as Node);
  return max;
}

/** Startup packet settings, then `options` (-c name=value, --name=value), as PostgreSQL applies them. */
function startupSettings(parameters: Record<string, string>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(parameters)) if (!NOT_SETTINGS.has(k) && !k.startsWith('_pq_.')) out.push([k, v]);
  const words = (parameters['options'] ?? '').match(/(?:\\.|\S)+/g) ?? [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.replace(/\\(.)/g, '$1');
    const pair = w === '-c' ? (words[++i] ?? '').replace(/\\(.)/g, '$1') : w.startsWith('--') ? w.slice(2) : w.startsWith('-c') ? w.slice(2) : null;
    if (pair === null) throw new ProtocolError(`invalid command-line argument for server process: ${w}`, '42601');
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ProtocolError(`-c ${pair} requires a value`, '42601');
    out.push([pair.slice(0, eq).replace(/-/g, '_'), pair.slice(eq + 1)]);
  }
  return out;
}

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
