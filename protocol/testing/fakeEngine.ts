/*
 * A tiny in-memory ProtocolEngine for the protocol tests: it knows a
 * handful of fixed statements, keeps BEGIN / COMMIT / ROLLBACK block state,
 * and answers everything else with a syntax error. It is no SQL engine; it
 * exists so connection.ts can be tested against real clients without the
 * storage layer.
 *
 *   SELECT <int>                    one int4 column "?column?"
 *   SELECT $1[, $2 ...]             echoes its parameters (types from Parse, text by default)
 *   SELECT * FROM series(<n>)       column "n" (int4, table 16384 attnum 1), rows 1..n
 *   SELECT * FROM types             one row, one column per type binary.ts handles
 *   INSERT <n>                      INSERT 0 n
 *   BEGIN | COMMIT | ROLLBACK       transaction block state
 *   NOTICE <text>                   a NOTICE, then command NOTICE
 *   SET <name> = <value>            reported as ParameterStatus
 *   SLEEP                           waits until cancel(): 57014
 *   FATAL                           an error with severity FATAL
 *   anything else                   42601 syntax error at position 1
 */
import { hbaAuthMethod, parseHba, type HbaRule } from '../hba.ts';
import type {
  AuthDecision,
  ExecuteReply,
  FieldDescription,
  NoticeLike,
  Portal,
  PreparedStatement,
  ProtocolEngine,
  QueryResult,
  SessionInfo,
  SimpleQueryReply,
  StartupInfo,
  TransactionStatus,
} from '../engine.ts';

export interface FakeEngineOptions {
  /** hba.conf text; default: trust for everyone. */
  hba?: string;
  /** rolpassword per role; a role not listed does not exist. */
  roles?: Record<string, string | null>;
  /** Databases that exist; default: any. */
  databases?: string[];
}

class FakeError extends Error {
  constructor(
    readonly sqlstate: string,
    message: string,
    readonly severity = 'ERROR',
    readonly position?: number,
  ) {
    super(message);
  }
}

interface FakeStatement extends PreparedStatement {
  sql: string;
}

interface FakePortal extends Portal {
  sql: string;
  params: Array<string | null>;
  paramTypes: number[];
  result: QueryResult | null;
  sent: number;
}

export const TYPES_ROW: Array<{ name: string; typeOid: number; text: string }> = [
  { name: 'i2', typeOid: 21, text: '-32768' },
  { name: 'i4', typeOid: 23, text: '2147483647' },
  { name: 'i8', typeOid: 20, text: '-9223372036854775808' },
  { name: 'f4', typeOid: 700, text: '1.5' },
  { name: 'f8', typeOid: 701, text: '3.141592653589793' },
  { name: 'b', typeOid: 16, text: 't' },
  { name: 't', typeOid: 25, text: 'héllo' },
  { name: 'by', typeOid: 17, text: '\\x00ff10' },
  { name: 'u', typeOid: 2950, text: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' },
  { name: 'd', typeOid: 1082, text: '2024-02-29' },
  { name: 'ts', typeOid: 1114, text: '2024-02-29 12:34:56.789' },
  { name: 'tz', typeOid: 1184, text: '2024-02-29 12:34:56.789+00' },
  { name: 'n', typeOid: 1700, text: '-12345.6789' },
  { name: 'j', typeOid: 3802, text: '{"a": 1}' },
];

export class FakeEngine implements ProtocolEngine<FakeStatement, FakePortal> {
  private block: 'idle' | 'block' | 'failed' = 'idle';
  private cancelWaiter: (() => void) | null = null;
  private readonly rules: HbaRule[];
  closedCount = 0;
  readonly log: string[] = [];
  /** maxRows of every Execute, in order. */
  readonly executes: number[] = [];

  constructor(private readonly opts: FakeEngineOptions = {}) {
    this.rules = parseHba(opts.hba ?? 'host all all all trust\nlocal all all trust\n');
  }

  get status(): TransactionStatus {
    return this.block === 'idle' ? 'I' : this.block === 'block' ? 'T' : 'E';
  }

  async authenticate(s: StartupInfo): Promise<AuthDecision> {
    const method = hbaAuthMethod(this.rules, { local: s.local, ssl: s.ssl, user: s.user, database: s.database, ...(s.remoteAddress ? { address: s.remoteAddress } : {}) });
    const roles = this.opts.roles;
    return { method, secret: roles ? (roles[s.user] ?? null) : null };
  }

  async startSession(s: StartupInfo): Promise<SessionInfo> {
    if (this.opts.databases && !this.opts.databases.includes(s.database)) throw new FakeError('3D000', `database "${s.database}" does not exist`, 'FATAL');
    return { parameters: { is_superuser: 'on' } };
  }

  private describe(sql: string, paramTypes: number[]): FieldDescription[] | null {
    let m: RegExpExecArray | null;
    if (/^SELECT \d+$/i.test(sql)) return [{ name: '?column?', typeOid: 23, typmod: -1 }];
    if ((m = /^SELECT (\$\d+(?:, *\$\d+)*)$/i.exec(sql))) return m[1]!.split(',').map((_, i) => ({ name: '?column?', typeOid: paramTypes[i] || 25, typmod: -1 }));
    if (/^SELECT \* FROM series\(\d+\)$/i.test(sql)) return [{ name: 'n', typeOid: 23, typmod: -1, tableOid: 16384, columnAttnum: 1 }];
    if (/^SELECT \* FROM types$/i.test(sql)) return TYPES_ROW.map((c) => ({ name: c.name, typeOid: c.typeOid, typmod: -1 }));
    return null;
  }

  private async run(sql: string, params: Array<string | null>, paramTypes: number[]): Promise<QueryResult & { parameterStatus?: Record<string, string> }> {
    this.log.push(sql);
    const upper = sql.toUpperCase();
    if (this.block === 'failed' && upper !== 'COMMIT' && upper !== 'ROLLBACK')
      throw new FakeError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    let m: RegExpExecArray | null;
    const fields = this.describe(sql, paramTypes);
    if ((m = /^SELECT (\d+)$/i.exec(sql))) return { command: 'SELECT', rowCount: 1, fields, rows: [[m[1]!]] };
    if (/^SELECT \$/i.test(sql) && fields) return { command: 'SELECT', rowCount: 1, fields, rows: [fields.map((_, i) => params[i] ?? null)] };
    if ((m = /^SELECT \* FROM series\((\d+)\)$/i.exec(sql))) {
      const n = Number(m[1]);
      return { command: 'SELECT', rowCount: n, fields, rows: Array.from({ length: n }, (_, i) => [String(i + 1)]) };
    }
    if (/^SELECT \* FROM types$/i.test(sql)) return { command: 'SELECT', rowCount: 1, fields, rows: [TYPES_ROW.map((c) => c.text)] };
    if ((m = /^INSERT (\d+)$/i.exec(sql))) return { command: 'INSERT', rowCount: Number(m[1]), fields: null, rows: null };
    if ((m = /^NOTICE (.*)$/i.exec(sql))) {
      const notices: NoticeLike[] = [{ severity: 'NOTICE', sqlstate: '00000', message: m[1]! }];
      return { command: 'NOTICE', rowCount: null, fields: null, rows: null, notices };
    }
    if ((m = /^SET (\w+) = (.*)$/i.exec(sql))) return { command: 'SET', rowCount: null, fields: null, rows: null, parameterStatus: { [m[1]!]: m[2]! } };
    switch (upper) {
      case 'BEGIN':
        if (this.block === 'idle') this.block = 'block';
        return { command: 'BEGIN', rowCount: null, fields: null, rows: null };
      case 'COMMIT':
      case 'ROLLBACK': {
        const failed = this.block === 'failed';
        this.block = 'idle';
        return { command: failed ? 'ROLLBACK' : upper, rowCount: null, fields: null, rows: null };
      }
      case 'SLEEP':
        await new Promise<void>((r) => (this.cancelWaiter = r));
        throw new FakeError('57014', 'canceling statement due to user request');
      case 'FATAL':
        throw new FakeError('57P01', 'terminating connection due to administrator command', 'FATAL');
    }
    throw new FakeError('42601', `syntax error at or near "${sql.split(/\s/)[0]}"`, 'ERROR', 1);
  }

  private fail(err: unknown): void {
    if (this.block === 'block') this.block = 'failed';
    void err;
  }

  async simpleQuery(sql: string): Promise<SimpleQueryReply> {
    const results: QueryResult[] = [];
    let parameterStatus: Record<string, string> | undefined;
    for (const stmt of sql
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== '')) {
      try {
        const r = await this.run(stmt, [], []);
        if (r.parameterStatus) parameterStatus = { ...parameterStatus, ...r.parameterStatus };
        results.push(r);
      } catch (err) {
        this.fail(err);
        return { results, error: err as FakeError, status: this.status };
      }
    }
    return { results, error: null, status: this.status, ...(parameterStatus ? { parameterStatus } : {}) };
  }

  async prepare(sql: string, paramTypes: number[]): Promise<FakeStatement> {
    const text = sql.trim().replace(/;$/, '');
    const n = Math.max(0, ...[...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    const types = Array.from({ length: n }, (_, i) => paramTypes[i] || 25);
    if (text === '') return { sql: text, paramTypes: [], fields: null, empty: true };
    if (/^BOGUS/i.test(text)) throw new FakeError('42601', 'syntax error at or near "BOGUS"', 'ERROR', 1);
    return { sql: text, paramTypes: types, fields: this.describe(text, types) };
  }

  async bind(statement: FakeStatement, params: Array<string | null>): Promise<FakePortal> {
    return { sql: statement.sql, params, paramTypes: statement.paramTypes, fields: statement.fields, result: null, sent: 0 };
  }

  async execute(portal: FakePortal, maxRows: number): Promise<ExecuteReply> {
    this.executes.push(maxRows);
    try {
      portal.result ??= await this.run(portal.sql, portal.params, portal.paramTypes);
    } catch (err) {
      this.fail(err);
      throw err;
    }
    const r = portal.result;
    const all = r.rows ?? [];
    const end = maxRows > 0 ? Math.min(all.length, portal.sent + maxRows) : all.length;
    const rows = all.slice(portal.sent, end);
    portal.sent = end;
    const suspended = maxRows > 0 && end < all.length;
    return { command: r.command, rowCount: r.rows ? rows.length : r.rowCount, rows: r.rows ? rows : null, suspended, ...(r.notices ? { notices: r.notices } : {}) };
  }

  async sync(): Promise<TransactionStatus> {
    return this.status;
  }

  cancel(): void {
    this.cancelWaiter?.();
    this.cancelWaiter = null;
  }

  async close(): Promise<void> {
    this.closedCount++;
    this.cancel();
  }
}
