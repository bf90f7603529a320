/*
 * One SQL session: what PostgreSQL's postgres.c does for a backend between
 * reading a query and sending ReadyForQuery. It owns the transaction block
 * state (idle, in a block, failed), runs each statement in the block's
 * transaction or an implicit one, keeps the session's settings (SET/SHOW),
 * and turns every failure into a PostgreSQL error with its SQLSTATE.
 *
 * Transaction block states (xact.c's TBlockState, reduced):
 *   idle    no block: each statement commits (or aborts) on its own
 *   block   BEGIN ran; statements share one transaction until COMMIT/ROLLBACK
 *   failed  a statement in the block failed: everything but COMMIT/ROLLBACK
 *           fails with 25P02 until the block ends (its transaction is aborted)
 */
import type { DeleteStmt, Node } from '@pgsql/types';
import { StorageError } from '../storage/errors.ts';
import type { Isolation, Transaction } from '../storage/transaction.ts';
import { readCatalog } from './catalog.ts';
import type { CatalogEntry, RelationDef, SequenceDef, TableDef } from './catalog.ts';
import { createIndex, createSequence, createTable, dropRelations } from './ddl.ts';
import { nextval, SequenceLimitReached, setval } from '../storage/sequence.ts';
import type { DdlContext } from './ddl.ts';
import { execDelete, execInsert, execUpdate, returningOf, tableRules } from './dml.ts';
import { coerce, compileExpr, requireBoolClause, Scope, typeFromTypeName } from './expr.ts';
import { alterTable, renameObject, truncate } from './alterTable.ts';
import { execCopy } from './copy.ts';
import type { CopyClient } from './copy.ts';
import { tableColumns } from './plan.ts';
import { newCompileContext } from './select.ts';
import { output } from './types/index.ts';
import { TypeOid, typeByOid } from './types/oids.ts';
import type { TableRules } from './dml.ts';
import { SqlError } from './errors.ts';
import type { Notice } from './errors.ts';
import type { Compiled, Env, SubPlan } from './expr.ts';
import { parse, parseCached, positionInChars } from './parser.ts';
import type { ExecContext, Plan } from './plan.ts';
import { planSelect } from './select.ts';
import type { PlanContext } from './select.ts';
import type { SqlProcess } from './sqlProcess.ts';
import { SessionSettings, zoneForTypes } from './settings.ts';
import { elog } from '../utils/elog.ts';
import type { Datum, SqlType, TypeContext } from './types/index.ts';
import { Types } from './types/oids.ts';

export interface FieldInfo {
  name: string;
  type: SqlType;
}

/** A statement parsed once and described (PREPARE, the extended protocol's Parse). */
export interface PreparedSql {
  sql: string;
  /** null for an empty query string. */
  stmt: Node | null;
  paramTypes: SqlType[];
  fields: FieldInfo[] | null;
}

export interface StatementResult {
  command: string;
  /** Rows affected or returned (null for commands that report none, e.g. BEGIN). */
  rowCount: number | null;
  fields: FieldInfo[] | null;
  rows: Datum[][] | null;
  notices: Notice[];
}

type BlockState = 'idle' | 'block' | 'failed';

export class SqlSession {
  private state: BlockState = 'idle';
  private tx: Transaction | null = null;
  private txStart = 0n;
  private readonly settings = new SessionSettings();
  /** Catalog changes of the open transaction: lookups read the catalog through it. */
  private ddlInTx = false;
  private createdInTx: number[] = [];
  private droppedInTx: number[] = [];
  private txCatalog: Map<string, CatalogEntry> | null = null;
  private readonly rulesCache = new WeakMap<TableDef, TableRules>();
  private notices: Notice[] = [];
  /** The block is READ ONLY (BEGIN READ ONLY): writes fail with 25006. */
  private txReadOnly = false;
  /** Statements run in the current block (SET TRANSACTION must come first). */
  private statementsInBlock = 0;
  private readonly prepared = new Map<string, PreparedSql>();
  /** currval per sequence and lastval: what nextval gave this session. */
  private readonly currvals = new Map<number, number>();
  private lastSequenceValue: number | null = null;
  private lastParamsSeen = new Set<number>();
  private cancelled: SqlError | null = null;
  /** COPY FROM STDIN / TO STDOUT's client stream (the wire protocol sets it per query); null in embedded sessions. */
  copyClient: CopyClient | null = null;
  private deadline = 0;

  constructor(
    private readonly proc: SqlProcess,
    readonly user: string,
    readonly database: string,
  ) {}

  /** ReadyForQuery's transaction status: I idle, T in a block, E in a failed block. */
  get transactionStatus(): 'I' | 'T' | 'E' {
    return this.state === 'idle' ? 'I' : this.state === 'block' ? 'T' : 'E';
  }

  /** Asks the running statement to stop (CancelRequest, pg_cancel_backend). */
  cancel(): void {
    this.cancelled = new SqlError('57014', 'canceling statement due to user request');
  }

  /**
   * Runs a query string (the simple protocol): every statement in turn, each
   * with its own result; the first error ends the string (and the implicit
   * transaction, or fails the block). Parameters apply to a single statement.
   */
  async query(sql: string, params: ReadonlyArray<string | null> = []): Promise<{ results: StatementResult[]; error: SqlError | null }> {
    const results: StatementResult[] = [];
    let stmts;
    try {
      stmts = parseCached(sql);
    } catch (err) {
      return { results, error: await this.fail(err, sql) };
    }
    if (params.length > 0 && stmts.length > 1) return { results, error: new SqlError('42601', 'cannot insert multiple commands into a prepared statement') };
    for (const s of stmts) {
      this.notices = [];
      this.cancelled = null;
      const timeout = Number(this.settings.get('statement_timeout'));
      this.deadline = timeout > 0 ? Date.now() + timeout : 0;
      try {
        results.push(await this.execute(s.stmt, params));
      } catch (err) {
        const e = await this.fail(err, sql);
        return { results, error: e };
      }
    }
    return { results, error: null };
  }

  /**
   * Parses and describes one statement without running it (the extended
   * protocol's Parse + Describe, and SQL PREPARE): the statement is parsed
   * once here and executed any number of times with executePrepared.
   */
  async prepare(sql: string, paramTypeOids: readonly number[] = []): Promise<PreparedSql> {
    const stmts = parse(sql);
    if (stmts.length > 1) throw new SqlError('42601', 'cannot insert multiple commands into a prepared statement');
    const paramTypes = paramTypeOids.map((oid) => (oid === 0 ? Types.unknown : typeByOid(oid)));
    const stmt = stmts[0]?.stmt ?? null;
    const fields = stmt ? await this.describe(stmt, paramTypes) : null;
    return { sql, stmt, paramTypes, fields };
  }

  /** Runs a prepared statement with its parameters (text form); throws its error (a block in progress fails). */
  async executePrepared(p: PreparedSql, params: ReadonlyArray<string | null>): Promise<StatementResult> {
    this.notices = [];
    this.cancelled = null;
    const timeout = Number(this.settings.get('statement_timeout'));
    this.deadline = timeout > 0 ? Date.now() + timeout : 0;
    if (!p.stmt) return { command: '', rowCount: null, fields: null, rows: null, notices: [] };
    try {
      return await this.execute(p.stmt, params, p.paramTypes);
    } catch (err) {
      throw await this.fail(err, p.sql);
    }
  }

  /** The result columns a statement will have (RowDescription), or null if it returns none. */
  private async describe(stmt: Node, paramTypes: SqlType[]): Promise<FieldInfo[] | null> {
    const pc = await this.planContext(paramTypes);
    this.lastParamsSeen = pc.paramsSeen;
    if ('SelectStmt' in stmt) {
      const q = planSelect(stmt.SelectStmt, null, pc);
      return q.names.map((n, i) => ({ name: n, type: q.types[i]! }));
    }
    const dml = 'InsertStmt' in stmt ? stmt.InsertStmt : 'UpdateStmt' in stmt ? stmt.UpdateStmt : 'DeleteStmt' in stmt ? stmt.DeleteStmt : null;
    if (dml && dml.returningList && dml.returningList.length > 0) {
      const rel = dml.relation!;
      const table = this.table(pc.relation(rel.relname!, rel.location), rel.relname!);
      const r = returningOf(dml.returningList, table, rel.alias?.aliasname ?? table.name, pc)!;
      return r.names.map((n, i) => ({ name: n, type: r.exprs[i]!.type }));
    }
    if ('ExplainStmt' in stmt) return [{ name: 'QUERY PLAN', type: Types.text }];
    if ('VariableShowStmt' in stmt) {
      const name = (stmt.VariableShowStmt.name ?? '').toLowerCase();
      return name === 'all'
        ? [
            { name: 'name', type: Types.text },
            { name: 'setting', type: Types.text },
          ]
        : [{ name: this.settings.show(name).display, type: Types.text }];
    }
    if ('ExecuteStmt' in stmt) return this.preparedByName(stmt.ExecuteStmt.name ?? '').fields;
    return null;
  }

  private preparedByName(name: string): PreparedSql {
    const p = this.prepared.get(name);
    if (!p) throw new SqlError('26000', `prepared statement "${name}" does not exist`);
    return p;
  }

  /** SQL PREPARE name [(types)] AS statement. */
  private async prepareStmt(ps: Extract<Node, { PrepareStmt: unknown }>['PrepareStmt'], text: string): Promise<StatementResult> {
    const name = ps.name ?? '';
    if (this.prepared.has(name)) throw new SqlError('42P05', `prepared statement "${name}" already exists`);
    const paramTypes = (ps.argtypes ?? []).map((t) => ('TypeName' in t ? typeFromTypeName(t.TypeName) : Types.unknown));
    const stmt = ps.query!;
    const fields = await this.describe(stmt, paramTypes);
    checkParamTypes(this.lastParamsSeen, paramTypes);
    this.prepared.set(name, { sql: text, stmt, paramTypes, fields });
    return this.done('PREPARE');
  }

  /** SQL EXECUTE name [(params)]: the parameters are expressions, evaluated now and passed as text. */
  private async executeStmt(es: Extract<Node, { ExecuteStmt: unknown }>['ExecuteStmt']): Promise<StatementResult> {
    const p = this.preparedByName(es.name ?? '');
    const args = es.params ?? [];
    if (args.length !== p.paramTypes.length && p.paramTypes.length > 0) {
      throw new SqlError('42601', `wrong number of parameters for prepared statement "${es.name ?? ''}"`, {
        detail: `Expected ${p.paramTypes.length} parameters but got ${args.length}.`,
      });
    }
    const pc = await this.planContext();
    const tx = this.ensureTx();
    const ec = this.execContext(tx, []);
    const cc = newCompileContext(pc);
    const values = args.map((a, i) => {
      const e = compileExpr(a, new Scope([], null), cc);
      const t = p.paramTypes[i] ?? e.type;
      const v = coerce(e, t.oid === TypeOid.unknown ? (e.type.oid === TypeOid.unknown ? Types.text : e.type) : t, 'assignment', undefined).eval([], ec.env);
      return v === null ? null : output(t.oid === TypeOid.unknown ? (e.type.oid === TypeOid.unknown ? Types.text : e.type) : t, v, ec.env.typeCtx);
    });
    const paramTypes = p.paramTypes.length ? p.paramTypes : args.map(() => Types.unknown);
    return this.run(p.stmt!, tx, values, paramTypes);
  }

  /** Ends the session: an open transaction is rolled back. */
  async close(): Promise<void> {
    if (this.tx) await this.abortTx().catch(warned('rolling back at session end'));
    this.state = 'idle';
  }

  // ---- statements ---------------------------------------------------------------

  private async execute(stmt: Node, params: ReadonlyArray<string | null>, paramTypes: SqlType[] = []): Promise<StatementResult> {
    if ('TransactionStmt' in stmt) return this.transactionStmt(stmt.TransactionStmt);
    if (this.state === 'failed') throw new SqlError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    if ('VariableSetStmt' in stmt) return this.setStmt(stmt.VariableSetStmt);
    if ('VariableShowStmt' in stmt) return this.showStmt(stmt.VariableShowStmt.name ?? '');
    if ('DeallocateStmt' in stmt) {
      const name = stmt.DeallocateStmt.name;
      if (name === undefined || stmt.DeallocateStmt.isall) this.prepared.clear();
      else if (!this.prepared.delete(name)) throw new SqlError('26000', `prepared statement "${name}" does not exist`);
      return this.done(name === undefined || stmt.DeallocateStmt.isall ? 'DEALLOCATE ALL' : 'DEALLOCATE');
    }
    if ('PrepareStmt' in stmt) return this.prepareStmt(stmt.PrepareStmt, '');
    const implicit = this.state === 'idle';
    if (!implicit) this.statementsInBlock++;
    if (!implicit && this.txReadOnly) {
      const kind = readOnlyViolation(stmt);
      if (kind) throw new SqlError('25006', `cannot execute ${kind} in a read-only transaction`);
    }
    const tx = this.ensureTx();
    try {
      const r = await this.run(stmt, tx, params, paramTypes);
      tx.nextStatement();
      if (implicit) await this.commitTx();
      return { ...r, notices: this.shownNotices(r.notices) };
    } catch (err) {
      if (implicit) await this.abortTx().catch(warned("aborting the failed statement's transaction"));
      throw err;
    }
  }

  private async run(stmt: Node, tx: Transaction, params: ReadonlyArray<string | null>, paramTypes: SqlType[]): Promise<StatementResult> {
    const pc = await this.planContext(paramTypes);
    const ec = this.execContext(tx, params);
    if ('SelectStmt' in stmt) {
      if (stmt.SelectStmt.intoClause) throw new SqlError('0A000', 'SELECT INTO is not supported');
      const q = planSelect(stmt.SelectStmt, null, pc);
      for (const p of pc.sideEffects) await p.run(ec);
      const rows = await q.plan.run(ec);
      return { command: 'SELECT', rowCount: rows.length, fields: q.names.map((n, i) => ({ name: n, type: q.types[i]! })), rows, notices: this.notices };
    }
    if ('InsertStmt' in stmt || 'UpdateStmt' in stmt || 'DeleteStmt' in stmt) {
      const rel = 'InsertStmt' in stmt ? stmt.InsertStmt.relation! : 'UpdateStmt' in stmt ? stmt.UpdateStmt.relation! : stmt.DeleteStmt.relation!;
      const table = this.table(pc.relation(rel.relname!, rel.location), rel.relname!);
      const rules = this.rules(table, pc);
      const r =
        'InsertStmt' in stmt
          ? await execInsert(stmt.InsertStmt, table, rules, pc, ec)
          : 'UpdateStmt' in stmt
            ? await execUpdate(stmt.UpdateStmt, table, rules, pc, ec)
            : await execDelete(stmt.DeleteStmt, table, pc, ec);
      const command = r.command === 'INSERT' ? 'INSERT 0' : r.command;
      if (r.returning)
        return {
          command,
          rowCount: r.rowCount,
          fields: r.returning.names.map((n, i) => ({ name: n, type: r.returning!.types[i]! })),
          rows: r.returning.rows,
          notices: this.notices,
        };
      return { command, rowCount: r.rowCount, fields: null, rows: null, notices: this.notices };
    }
    if ('CreateStmt' in stmt) {
      await createTable(stmt.CreateStmt, this.ddlContext(tx));
      return this.done('CREATE TABLE');
    }
    if ('DropStmt' in stmt) {
      await dropRelations(stmt.DropStmt, this.ddlContext(tx));
      return this.done(stmt.DropStmt.removeType === 'OBJECT_INDEX' ? 'DROP INDEX' : stmt.DropStmt.removeType === 'OBJECT_SEQUENCE' ? 'DROP SEQUENCE' : 'DROP TABLE');
    }
    if ('AlterTableStmt' in stmt) {
      await alterTable(stmt.AlterTableStmt, this.ddlContext(tx));
      return this.done('ALTER TABLE');
    }
    if ('RenameStmt' in stmt) {
      await renameObject(stmt.RenameStmt, this.ddlContext(tx));
      return this.done('ALTER TABLE');
    }
    if ('TruncateStmt' in stmt) {
      await truncate(stmt.TruncateStmt, this.ddlContext(tx));
      return this.done('TRUNCATE TABLE');
    }
    if ('CreateSeqStmt' in stmt) {
      await createSequence(stmt.CreateSeqStmt, this.ddlContext(tx));
      return this.done('CREATE SEQUENCE');
    }
    if ('IndexStmt' in stmt) {
      await createIndex(stmt.IndexStmt, this.ddlContext(tx));
      return this.done('CREATE INDEX');
    }
    if ('ExplainStmt' in stmt) {
      const inner = stmt.ExplainStmt.query!;
      if (!('SelectStmt' in inner)) throw new SqlError('0A000', 'EXPLAIN is supported for SELECT only');
      const q = planSelect(inner.SelectStmt, null, pc);
      const lines = explainLines(q.plan);
      return { command: 'EXPLAIN', rowCount: lines.length, fields: [{ name: 'QUERY PLAN', type: Types.text }], rows: lines.map((l) => [l]), notices: this.notices };
    }
    if ('CopyStmt' in stmt) {
      const copy = { pc, ec, client: this.copyClient, rules: (t: TableDef) => this.rules(t, pc), createdInTransaction: (relid: number) => this.createdInTx.includes(relid) };
      return { ...(await execCopy(stmt.CopyStmt, copy)), notices: this.notices };
    }
    if ('ExecuteStmt' in stmt) return this.executeStmt(stmt.ExecuteStmt);
    if ('CheckPointStmt' in stmt) throw new SqlError('0A000', 'CHECKPOINT from SQL is not supported yet (use cluster.checkpoint())');
    const kind = Object.keys(stmt)[0] ?? 'statement';
    throw new SqlError('0A000', `${kind.replace(/Stmt$/, '')} statements are not supported yet`);
  }

  /**
   * nextval / currval / setval / lastval: run for each row before the
   * expression reads them (storage/sequence.ts); currval and lastval are this
   * session's, as in PostgreSQL.
   */
  private sequenceCall(name: string, args: Compiled[], location: number | undefined): (row: Datum[], env: Env) => Promise<Datum> {
    const want = { nextval: [1], currval: [1], lastval: [0], setval: [2, 3] }[name] ?? [];
    if (!want.includes(args.length)) {
      throw new SqlError('42883', `function ${name}(${args.map((a) => a.type.name).join(', ')}) does not exist`, {
        ...(location === undefined ? {} : { position: location + 1 }),
        hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
      });
    }
    const argLoc = args[0]?.location ?? location;
    const typed = args.map((a, i) => coerce(a, i === 0 ? Types.text : i === 1 ? Types.int8 : Types.bool, 'implicit', location));
    return async (row, env) => {
      if (name === 'lastval') {
        if (this.lastSequenceValue === null) throw new SqlError('55000', 'lastval is not yet defined in this session');
        return BigInt(this.lastSequenceValue);
      }
      const vals = typed.map((a) => a.eval(row, env));
      if (vals.some((v) => v === null)) return null;
      const seq = await this.sequenceByName(String(vals[0]), argLoc);
      const opts = { increment: seq.increment, min: seq.min, max: seq.max, start: seq.start, cycle: seq.cycle };
      switch (name) {
        case 'nextval': {
          let v: number;
          try {
            v = await nextval(this.proc.engine, seq.relid, opts);
          } catch (err) {
            if (err instanceof SequenceLimitReached)
              throw new SqlError('2200H', `nextval: reached ${seq.increment > 0 ? 'maximum' : 'minimum'} value of sequence "${seq.name}" (${err.limit})`);
            throw err;
          }
          this.currvals.set(seq.relid, v);
          this.lastSequenceValue = v;
          return BigInt(v);
        }
        case 'currval': {
          const v = this.currvals.get(seq.relid);
          if (v === undefined) throw new SqlError('55000', `currval of sequence "${seq.name}" is not yet defined in this session`);
          return BigInt(v);
        }
        default: {
          const value = Number(vals[1]);
          if (value < seq.min || value > seq.max) throw new SqlError('22003', `setval: value ${value} is out of bounds for sequence "${seq.name}" (${seq.min}..${seq.max})`);
          const isCalled = vals[2] === undefined ? true : vals[2] === true;
          await setval(this.proc.engine, seq.relid, opts, value, isCalled);
          if (isCalled) {
            this.currvals.set(seq.relid, value);
            this.lastSequenceValue = value;
          }
          return BigInt(value);
        }
      }
    };
  }

  private async sequenceByName(name: string, location: number | undefined): Promise<SequenceDef> {
    const e = (await this.catalog()).get(name);
    const where = location === undefined ? {} : { position: location + 1 };
    if (!e) throw new SqlError('42P01', `relation "${name}" does not exist`, where);
    if (e.def.kind !== 'sequence') throw new SqlError('42809', `"${name}" is not a sequence`);
    return e.def;
  }

  /** A planning context that knows one table only (compiling its defaults and checks). */
  private tablePlanContext(table: TableDef | null): PlanContext {
    return {
      paramTypes: [],
      ctes: new Map(),
      sideEffects: [],
      paramsSeen: new Set(),
      relation: (name) => {
        if (table) return table;
        throw new SqlError('42P01', `relation "${name}" does not exist`);
      },
      sequenceCall: (name, args, location) => this.sequenceCall(name, args, location),
    };
  }

  /** A data-modifying WITH query as a plan: it runs the statement and yields its RETURNING rows. */
  private planModify(node: Node, pc: PlanContext): { plan: Plan; names: string[]; types: SqlType[]; correlated: boolean } {
    const dml = 'InsertStmt' in node ? node.InsertStmt : 'UpdateStmt' in node ? node.UpdateStmt : 'DeleteStmt' in node ? node.DeleteStmt : null;
    if (!dml) throw new SqlError('0A000', 'only SELECT, INSERT, UPDATE and DELETE are supported in WITH');
    const rel = dml.relation!;
    const table = this.table(pc.relation(rel.relname!, rel.location), rel.relname!);
    const rules = this.rules(table, pc);
    const ret = returningOf(dml.returningList, table, rel.alias?.aliasname ?? table.name, pc);
    const names = ret?.names ?? [];
    const types = ret?.exprs.map((e) => e.type) ?? [];
    const plan: Plan = {
      columns: names.map((n, i) => ({ name: n, type: types[i]!, range: '' })),
      run: async (ec) => {
        const r =
          'InsertStmt' in node
            ? await execInsert(node.InsertStmt, table, rules, pc, ec)
            : 'UpdateStmt' in node
              ? await execUpdate(node.UpdateStmt, table, rules, pc, ec)
              : await execDelete((node as { DeleteStmt: DeleteStmt }).DeleteStmt, table, pc, ec);
        return r.returning?.rows ?? [];
      },
      explain: (d) => [`${d === 0 ? '' : ' '.repeat(d * 6 - 4) + '->  '}${'InsertStmt' in node ? 'Insert' : 'UpdateStmt' in node ? 'Update' : 'Delete'} on ${table.name}`],
    };
    return { plan, names, types, correlated: false };
  }

  private done(command: string): StatementResult {
    return { command, rowCount: null, fields: null, rows: null, notices: this.notices };
  }

  private table(def: RelationDef, name: string): TableDef {
    if (def.kind !== 'table') throw new SqlError('42809', `"${name}" is not a table`);
    return def;
  }

  private rules(table: TableDef, pc: PlanContext): TableRules {
    let r = this.rulesCache.get(table);
    if (!r) this.rulesCache.set(table, (r = tableRules(table, pc)));
    return r;
  }

  private async transactionStmt(t: Extract<Node, { TransactionStmt: unknown }>['TransactionStmt']): Promise<StatementResult> {
    switch (t.kind) {
      case 'TRANS_STMT_BEGIN':
      case 'TRANS_STMT_START': {
        if (this.state !== 'idle') {
          this.notices.push({ severity: 'WARNING', sqlstate: '25001', message: 'there is already a transaction in progress' });
          return this.done('BEGIN');
        }
        const mode = this.transactionModes(t.options ?? [], { isolation: this.settings.get('default_transaction_isolation'), readOnly: false });
        this.ensureTx(isolationOf(mode.isolation));
        this.txReadOnly = mode.readOnly;
        this.statementsInBlock = 0;
        this.state = 'block';
        return this.done(t.kind === 'TRANS_STMT_BEGIN' ? 'BEGIN' : 'START TRANSACTION');
      }
      case 'TRANS_STMT_COMMIT': {
        if (this.state === 'idle') {
          this.notices.push({ severity: 'WARNING', sqlstate: '25P01', message: 'there is no transaction in progress' });
          return this.done('COMMIT');
        }
        if (this.state === 'failed') {
          await this.abortTx();
          this.state = 'idle';
          return this.done('ROLLBACK');
        }
        this.state = 'idle';
        await this.commitTx();
        return this.done('COMMIT');
      }
      case 'TRANS_STMT_ROLLBACK': {
        if (this.state === 'idle') {
          this.notices.push({ severity: 'WARNING', sqlstate: '25P01', message: 'there is no transaction in progress' });
          return this.done('ROLLBACK');
        }
        this.state = 'idle';
        await this.abortTx();
        return this.done('ROLLBACK');
      }
      case 'TRANS_STMT_SAVEPOINT':
      case 'TRANS_STMT_RELEASE':
      case 'TRANS_STMT_ROLLBACK_TO': {
        const what = t.kind === 'TRANS_STMT_SAVEPOINT' ? 'SAVEPOINT' : t.kind === 'TRANS_STMT_RELEASE' ? 'RELEASE SAVEPOINT' : 'ROLLBACK TO SAVEPOINT';
        if (this.state === 'idle') throw new SqlError('25P01', `${what} can only be used in transaction blocks`);
        const name = t.savepoint_name ?? '';
        if (this.state === 'failed' && t.kind !== 'TRANS_STMT_ROLLBACK_TO')
          throw new SqlError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
        const tx = this.ensureTx();
        if (t.kind === 'TRANS_STMT_SAVEPOINT') {
          tx.savepoint(name);
          return this.done('SAVEPOINT');
        }
        if (!tx.hasSavepoint(name)) throw new SqlError('3B001', `savepoint "${name}" does not exist`);
        if (t.kind === 'TRANS_STMT_RELEASE') {
          tx.releaseSavepoint(name);
          return this.done('RELEASE');
        }
        await tx.rollbackToSavepoint(name);
        tx.nextStatement();
        this.txCatalog = null; // catalog changes inside it are gone
        this.state = 'block';
        return this.done('ROLLBACK');
      }
      default:
        if (this.state === 'failed') throw new SqlError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
        throw new SqlError('0A000', `${String(t.kind).replace('TRANS_STMT_', '')} is not supported`);
    }
  }

  /** BEGIN / SET TRANSACTION options: ISOLATION LEVEL, READ ONLY / READ WRITE, [NOT] DEFERRABLE. */
  private transactionModes(options: Node[], current: { isolation: string; readOnly: boolean }): { isolation: string; readOnly: boolean } {
    const out = { ...current };
    for (const o of options) {
      if (!('DefElem' in o)) continue;
      const arg = o.DefElem.arg && 'A_Const' in o.DefElem.arg ? o.DefElem.arg.A_Const : null;
      if (o.DefElem.defname === 'transaction_isolation') out.isolation = arg?.sval?.sval ?? '';
      else if (o.DefElem.defname === 'transaction_read_only') out.readOnly = (arg?.ival?.ival ?? 0) === 1;
    }
    isolationOf(out.isolation); // refuses what is not supported
    return out;
  }

  private setStmt(v: Extract<Node, { VariableSetStmt: unknown }>['VariableSetStmt']): StatementResult {
    const name = (v.name ?? '').toLowerCase();
    const inTransaction = this.state !== 'idle';
    if (v.kind === 'VAR_SET_MULTI' && name === 'transaction') {
      if (!inTransaction) {
        this.notices.push({ severity: 'WARNING', sqlstate: '25P01', message: 'SET TRANSACTION can only be used in transaction blocks' });
        return this.done('SET');
      }
      if (this.statementsInBlock > 0) throw new SqlError('25001', 'SET TRANSACTION ISOLATION LEVEL must be called before any query');
      const mode = this.transactionModes(v.args ?? [], { isolation: this.txIsolationName(), readOnly: this.txReadOnly });
      // Nothing ran yet: the transaction starts over with the new level.
      this.tx = this.proc.engine.begin(isolationOf(mode.isolation), { synchronousCommit: this.settings.get('synchronous_commit') !== 'off' });
      this.txReadOnly = mode.readOnly;
      return this.done('SET');
    }
    if (v.kind === 'VAR_RESET_ALL') {
      this.settings.resetAll({ inTransaction });
      return this.done('RESET');
    }
    if (!SessionSettings.known(name)) throw new SqlError('42704', `unrecognized configuration parameter "${v.name ?? ''}"`);
    if (v.is_local && !inTransaction) {
      this.notices.push({ severity: 'WARNING', sqlstate: '25P01', message: 'SET LOCAL can only be used in transaction blocks' });
      return this.done('SET');
    }
    if (v.kind === 'VAR_RESET' || v.kind === 'VAR_SET_DEFAULT') {
      this.settings.set(name, null, { local: v.is_local === true, inTransaction });
      return this.done(v.kind === 'VAR_RESET' ? 'RESET' : 'SET');
    }
    const args = (v.args ?? []).map((a) => {
      const c = 'A_Const' in a ? a.A_Const : 'TypeCast' in a && a.TypeCast.arg && 'A_Const' in a.TypeCast.arg ? a.TypeCast.arg.A_Const : null;
      if (!c) return '';
      if (c.sval) return c.sval.sval ?? '';
      if (c.ival) return String(c.ival.ival ?? 0);
      if (c.fval) return c.fval.fval ?? '';
      if (c.boolval) return c.boolval.boolval ? 'on' : 'off';
      return '0';
    });
    if (args.length > 1 && name !== 'datestyle' && name !== 'search_path') throw new SqlError('42601', `SET ${name} takes only one argument`);
    this.settings.set(name, args.join(', '), { local: v.is_local === true, inTransaction });
    return this.done('SET');
  }

  private txIsolationName(): string {
    return this.tx ? this.tx.isolation : this.settings.get('default_transaction_isolation');
  }

  private showStmt(rawName: string): StatementResult {
    const lower = rawName.toLowerCase();
    if (lower === 'transaction_isolation' || lower === 'transaction_read_only') {
      const value = lower === 'transaction_isolation' ? this.txIsolationName() : this.state !== 'idle' && this.txReadOnly ? 'on' : 'off';
      return { command: 'SHOW', rowCount: 1, fields: [{ name: lower, type: Types.text }], rows: [[value]], notices: this.notices };
    }
    if (lower === 'all') {
      const rows = this.settings.all().map((r) => [r.name, r.setting] as Datum[]);
      return {
        command: 'SHOW',
        rowCount: rows.length,
        fields: [
          { name: 'name', type: Types.text },
          { name: 'setting', type: Types.text },
        ],
        rows,
        notices: this.notices,
      };
    }
    const { display, value } = this.settings.show(rawName);
    return { command: 'SHOW', rowCount: 1, fields: [{ name: display.toLowerCase() === display ? display : display, type: Types.text }], rows: [[value]], notices: this.notices };
  }

  /** Settings a client is told about with ParameterStatus (the protocol's GUC_REPORT ones). */
  reportedSettings(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const n of [
      'TimeZone',
      'DateStyle',
      'IntervalStyle',
      'application_name',
      'client_encoding',
      'server_encoding',
      'standard_conforming_strings',
      'integer_datetimes',
      'server_version',
    ])
      out[n] = this.settings.show(n).value;
    return out;
  }

  /** client_min_messages: notices below it are not sent. */
  private shownNotices(notices: Notice[]): Notice[] {
    const order = ['debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'log', 'notice', 'warning', 'error'];
    const min = order.indexOf(this.settings.get('client_min_messages'));
    return notices.filter((n) => order.indexOf(n.severity.toLowerCase()) >= min || n.severity === 'INFO');
  }

  /** current_setting() / set_config(), for SQL functions. */
  setting(name: string, missingOk: boolean): string | null {
    if (!SessionSettings.known(name)) {
      if (missingOk) return null;
      throw new SqlError('42704', `unrecognized configuration parameter "${name}"`);
    }
    return this.settings.show(name).value;
  }

  setConfig(name: string, value: string, local: boolean): string {
    this.settings.set(name, value, { local, inTransaction: this.state !== 'idle' });
    return this.settings.show(name).value;
  }

  // ---- transactions ---------------------------------------------------------------

  private ensureTx(isolation?: Isolation): Transaction {
    if (!this.tx) {
      const iso = isolation ?? isolationOf(this.settings.get('default_transaction_isolation'));
      this.tx = this.proc.engine.begin(iso, { synchronousCommit: this.settings.get('synchronous_commit') !== 'off' });
      this.txStart = BigInt(Date.now()) * 1000n;
    }
    return this.tx;
  }

  private async commitTx(): Promise<void> {
    const tx = this.tx!;
    const ddl = this.ddlInTx;
    const dropped = this.droppedInTx;
    this.resetTx();
    this.settings.endTransaction(true);
    await tx.commit();
    if (ddl) await this.proc.catalogChanged();
    for (const relid of dropped) await this.proc.engine.dropRelation(relid).catch(warned(`dropping the storage of relation ${relid} after commit`));
  }

  private async abortTx(): Promise<void> {
    const tx = this.tx;
    const created = this.createdInTx;
    this.resetTx();
    this.settings.endTransaction(false);
    if (tx) await tx.abort();
    for (const relid of created) await this.proc.engine.dropRelation(relid).catch(warned(`dropping the storage of relation ${relid} created by an aborted transaction`));
  }

  private resetTx(): void {
    this.tx = null;
    this.ddlInTx = false;
    this.createdInTx = [];
    this.droppedInTx = [];
    this.txCatalog = null;
  }

  /** After a failed statement: an implicit transaction is gone already; a block becomes failed and its transaction aborts at once (locks released). */
  private async fail(err: unknown, sql: string): Promise<SqlError> {
    let e = toSqlError(err);
    // Parser locations count bytes; PostgreSQL reports positions in characters.
    if (e.fields.position !== undefined && Buffer.byteLength(sql) !== sql.length) {
      e = new SqlError(e.sqlstate, e.message, { ...e.fields, position: positionInChars(sql, e.fields.position) }, e.severity);
    }
    if (this.state === 'block' || this.state === 'failed') {
      this.state = 'failed';
      // Inside a savepoint only the failed level is undone now (its locks freed); ROLLBACK TO resumes the block.
      const sp = this.tx?.innermostSavepoint();
      if (this.tx && sp) await this.tx.rollbackToSavepoint(sp).catch(() => this.abortTx().catch(warned('aborting the failed transaction')));
      else if (this.tx) await this.abortTx().catch(warned('aborting the failed transaction'));
    }
    return e;
  }

  // ---- planning context ---------------------------------------------------------------

  private async catalog(): Promise<Map<string, CatalogEntry>> {
    if (this.ddlInTx && this.tx) {
      this.txCatalog ??= await readCatalog(this.tx, this.proc.catalogRels);
      return this.txCatalog;
    }
    return this.proc.catalog.get();
  }

  private async planContext(paramTypes: SqlType[] = []): Promise<PlanContext> {
    const catalog = await this.catalog();
    const pc: PlanContext = {
      paramTypes,
      ctes: new Map(),
      sideEffects: [],
      paramsSeen: new Set(),
      relation: (name, location) => {
        const bare = name.startsWith('public.') ? name.slice(7) : name;
        const e = catalog.get(bare);
        if (!e) throw new SqlError('42P01', `relation "${name}" does not exist`, location === undefined ? {} : { position: location + 1 });
        return e.def;
      },
      planModify: (node) => this.planModify(node, pc),
      sequenceCall: (name, args, location) => this.sequenceCall(name, args, location),
    };
    return pc;
  }

  /** The settings output functions read (TimeZone, DateStyle, extra_float_digits). */
  outputContext(): TypeContext {
    return this.typeContext();
  }

  private typeContext(): TypeContext & { user: string; database: string } {
    return {
      timeZone: zoneForTypes(this.settings.get('timezone')),
      dateStyle: this.settings.get('datestyle'),
      extraFloatDigits: Number(this.settings.get('extra_float_digits')),
      intervalStyle: this.settings.get('intervalstyle') as TypeContext['intervalStyle'],
      byteaOutput: this.settings.get('bytea_output') as TypeContext['byteaOutput'],
      now: this.txStart,
      statementNow: BigInt(Date.now()) * 1000n,
      user: this.user,
      database: this.database,
    };
  }

  private execContext(tx: Transaction, params: ReadonlyArray<string | null>): ExecContext {
    const env: Env = {
      params,
      typeCtx: this.typeContext(),
      outer: [],
      settings: { get: (name, missingOk) => this.setting(name, missingOk), set: (name, value, local) => this.setConfig(name, value, local) },
      runSubquery: (sp: SubPlan, subEnv: Env) => (sp.plan as Plan).run({ ...ec, env: subEnv }),
    };
    const ec: ExecContext = {
      tx,
      env,
      checkInterrupts: () => {
        if (this.cancelled) throw this.cancelled;
        if (this.deadline && Date.now() > this.deadline) throw new SqlError('57014', 'canceling statement due to statement timeout');
      },
    };
    return ec;
  }

  private ddlContext(tx: Transaction): DdlContext {
    const env = this.execContext(tx, []).env;
    return {
      engine: this.proc.engine,
      tx,
      rels: this.proc.catalogRels,
      catalog: () => this.catalog(),
      created: (relid) => this.createdInTx.push(relid),
      dropped: (relid) => this.droppedInTx.push(relid),
      notice: (n) => this.notices.push(n),
      changed: () => {
        this.ddlInTx = true;
        this.txCatalog = null;
      },
      validate: (table) => void tableRules(table, this.tablePlanContext(table)),
      typeCtx: env.typeCtx,
      checkRow: (table, expr, row) => {
        const cc = newCompileContext(this.tablePlanContext(table));
        return requireBoolClause(compileExpr(JSON.parse(expr) as Node, new Scope(tableColumns(table, table.name, false), null), cc), 'CHECK').eval(row, env);
      },
      evalDefault: (col, expr) =>
        coerce(compileExpr(JSON.parse(expr) as Node, new Scope([], null), newCompileContext(this.tablePlanContext(null))), col.type, 'assignment', undefined).eval([], env),
    };
  }
}

/**
 * A clean-up that failed after the statement's own error (Redis gone, say)
 * is logged, not raised: the client gets the original error, and what is
 * left is ended by the dead-process or crash-restart clean-up.
 */
function warned(what: string): (err: unknown) => void {
  return (err) => elog('warning', `${what} failed: ${err instanceof Error ? err.message : String(err)}`);
}

/** Every $n up to the highest used needs a type: given, or inferred from its use (PostgreSQL: 42P18). */
function checkParamTypes(seen: Set<number>, given: SqlType[]): void {
  const max = Math.max(0, given.length, ...seen);
  for (let n = 1; n <= max; n++) {
    if (!seen.has(n) && (given[n - 1] === undefined || given[n - 1]!.oid === TypeOid.unknown)) throw new SqlError('42P18', `could not determine data type of parameter $${n}`);
  }
}

/** The command a read-only transaction refuses, or null. */
function readOnlyViolation(stmt: Node): string | null {
  const kind = Object.keys(stmt)[0] ?? '';
  const tags: Record<string, string> = {
    InsertStmt: 'INSERT',
    UpdateStmt: 'UPDATE',
    DeleteStmt: 'DELETE',
    CreateStmt: 'CREATE TABLE',
    DropStmt: 'DROP TABLE',
    IndexStmt: 'CREATE INDEX',
    AlterTableStmt: 'ALTER TABLE',
    RenameStmt: 'ALTER TABLE',
    TruncateStmt: 'TRUNCATE TABLE',
    CreateSeqStmt: 'CREATE SEQUENCE',
  };
  if (kind === 'SelectStmt' && (stmt as { SelectStmt: { lockingClause?: unknown[] } }).SelectStmt.lockingClause?.length) return 'SELECT FOR UPDATE';
  return tags[kind] ?? null;
}

/**
 * READ COMMITTED and REPEATABLE READ are implemented (READ UNCOMMITTED is
 * READ COMMITTED, as in PostgreSQL). SERIALIZABLE is refused rather than run
 * as snapshot isolation: it must be real when it comes (DESIGN.md 3.6).
 */
function isolationOf(s: string): Isolation {
  const v = s.toLowerCase();
  if (v === 'repeatable read') return 'repeatable read';
  if (v === 'read committed' || v === 'read uncommitted') return 'read committed';
  if (v === 'serializable')
    throw new SqlError('0A000', 'SERIALIZABLE isolation is not supported yet', { hint: 'Use REPEATABLE READ (snapshot isolation), which PostgreSQL also offers.' });
  throw new SqlError('22023', `invalid value for parameter "transaction_isolation": "${s}"`);
}

export function toSqlError(err: unknown): SqlError {
  if (err instanceof SqlError) return err;
  if (err instanceof StorageError) return new SqlError(err.sqlstate, err.message);
  const message = err instanceof Error ? err.message : String(err);
  return new SqlError('XX000', message);
}

function explainLines(plan: Plan): string[] {
  return plan.explain(0);
}
