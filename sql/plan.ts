/*
 * Plan nodes and their execution (PostgreSQL's executor nodes: SeqScan,
 * IndexScan, NestLoop, Agg, Sort, Limit, Unique, Append, Result, ValuesScan).
 * Each node materialises its output as an array of rows: statements here are
 * OLTP-sized, and a row array is what the protocol sends anyway.
 *
 * A row is an array of datums laid out as the node's `columns`. Scans of a
 * table a DML statement changes carry the tuple's ctid as a hidden last
 * column ("blk.slot").
 */
import type { Transaction } from '../storage/transaction.ts';
import type { TableDef } from './catalog.ts';
import { SqlError } from './errors.ts';
import type { Aggregate, Compiled, Env, Eval, ScopeColumn, SubPlan } from './expr.ts';
import { castDatum, compare, deserializeDatum, encodeIndexKey, lookupOperator, output } from './types/index.ts';
import type { Datum, SqlType } from './types/index.ts';
import { TypeOid } from './types/oids.ts';
import { Types } from './types/oids.ts';

export interface ExecContext {
  tx: Transaction;
  env: Env;
  /** Checked between rows: statement_timeout and cancel requests. */
  checkInterrupts(): void;
}

export interface Plan {
  columns: ScopeColumn[];
  run(ec: ExecContext): Promise<Datum[][]>;
  /** One line per node for EXPLAIN. */
  explain(depth: number): string[];
}

const indent = (d: number) => (d === 0 ? '' : ' '.repeat(d * 6 - 4) + '->  ');

/** Runs the subqueries an expression list needs for this row (correlated ones per row, the others once). */
export async function prepareSubplans(subplans: SubPlan[], row: Datum[], ec: ExecContext): Promise<void> {
  for (const sp of subplans) {
    if (sp.call) {
      // A function with side effects or storage access (nextval ...): once per row, before the expression reads it.
      sp.cache = [[await sp.call(row, ec.env)]];
      continue;
    }
    if (sp.correlated || !sp.cache) {
      const env: Env = sp.correlated ? { ...ec.env, outer: [row, ...ec.env.outer] } : ec.env;
      sp.cache = await ec.env.runSubquery(sp, env);
    }
  }
}

export function decodeRow(table: TableDef, data: string): Datum[] {
  const raw = JSON.parse(data) as unknown[];
  const out: Datum[] = new Array(table.columns.length);
  for (let i = 0; i < table.columns.length; i++) {
    const col = table.columns[i]!;
    const v = i < raw.length ? raw[i] : col.missing; // a row older than the column reads its missing value
    out[i] = v === undefined || v === null ? null : deserializeDatum(col.type, v);
  }
  return out;
}

export function tableColumns(table: TableDef, alias: string, withCtid: boolean): ScopeColumn[] {
  const cols: ScopeColumn[] = table.columns.map((c) => ({ name: c.name, type: c.type, range: alias, hidden: c.dropped === true, table: table.name }));
  if (withCtid) cols.push({ name: 'ctid', type: Types.text, range: alias, hidden: true });
  return cols;
}

export class SeqScan implements Plan {
  constructor(
    readonly table: TableDef,
    readonly columns: ScopeColumn[],
    readonly withCtid: boolean,
  ) {}

  async run(ec: ExecContext): Promise<Datum[][]> {
    const out: Datum[][] = [];
    for await (const t of ec.tx.scan(this.table.relid)) {
      const row = decodeRow(this.table, t.data);
      if (this.withCtid) row.push(`${t.ctid.blk}.${t.ctid.slot}`);
      out.push(row);
      if ((out.length & 1023) === 0) ec.checkInterrupts();
    }
    return out;
  }

  explain(d: number): string[] {
    return [`${indent(d)}Seq Scan on ${this.table.name}`];
  }
}

/** A bound of an index range: values for a prefix of the index columns, computed per execution. */
export interface IndexBound {
  values: Compiled[];
  inclusive: boolean;
}

export class IndexScan implements Plan {
  constructor(
    readonly table: TableDef,
    readonly index: { relid: number; name: string; types: SqlType[] },
    readonly lower: IndexBound | null,
    readonly upper: IndexBound | null,
    readonly columns: ScopeColumn[],
    private readonly withCtid: boolean,
    private readonly cond: string,
  ) {}

  async run(ec: ExecContext): Promise<Datum[][]> {
    const bound = (b: IndexBound | null) => {
      if (!b) return undefined;
      const vals = b.values.map((v) => v.eval([], ec.env));
      if (vals.some((v) => v === null)) return null; // `col = NULL` matches nothing
      return { key: encodeIndexKey(this.index.types.slice(0, vals.length), vals), inclusive: b.inclusive };
    };
    const lower = bound(this.lower);
    const upper = bound(this.upper);
    if (lower === null || upper === null) return [];
    const out: Datum[][] = [];
    for await (const t of ec.tx.indexScan(this.table.relid, this.index.relid, { ...(lower ? { lower } : {}), ...(upper ? { upper } : {}) })) {
      const row = decodeRow(this.table, t.data);
      if (this.withCtid) row.push(`${t.ctid.blk}.${t.ctid.slot}`);
      out.push(row);
    }
    return out;
  }

  explain(d: number): string[] {
    return [`${indent(d)}Index Scan using ${this.index.name} on ${this.table.name}`, `${' '.repeat(d * 6 + 2)}Index Cond: ${this.cond}`];
  }
}

export class Filter implements Plan {
  constructor(
    readonly child: Plan,
    readonly cond: Compiled,
    readonly subplans: SubPlan[],
  ) {}

  get columns() {
    return this.child.columns;
  }

  async run(ec: ExecContext): Promise<Datum[][]> {
    const rows = await this.child.run(ec);
    const out: Datum[][] = [];
    for (const row of rows) {
      if (this.subplans.length) await prepareSubplans(this.subplans, row, ec);
      if (this.cond.eval(row, ec.env) === true) out.push(row);
    }
    return out;
  }

  explain(d: number): string[] {
    // The condition's text is not kept (no deparser): the line says that rows are filtered.
    const lines = this.child.explain(d);
    const scanLines = this.child instanceof IndexScan ? 2 : 1;
    lines.splice(scanLines, 0, `${' '.repeat(Math.max(0, d * 6 + 2))}Filter: (WHERE clause)`);
    return lines;
  }
}

export class Project implements Plan {
  constructor(
    readonly child: Plan,
    readonly exprs: Compiled[],
    readonly columns: ScopeColumn[],
    readonly subplans: SubPlan[],
  ) {}

  async run(ec: ExecContext): Promise<Datum[][]> {
    const rows = await this.child.run(ec);
    const out: Datum[][] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (this.subplans.length) await prepareSubplans(this.subplans, row, ec);
      out[i] = this.exprs.map((e) => e.eval(row, ec.env));
    }
    return out;
  }

  explain(d: number): string[] {
    return this.child.explain(d);
  }
}

/** One row with no columns: the FROM-less SELECT (PostgreSQL's Result). */
export class Result implements Plan {
  readonly columns: ScopeColumn[] = [];
  async run(): Promise<Datum[][]> {
    return [[]];
  }
  explain(d: number): string[] {
    return [`${indent(d)}Result`];
  }
}

export class Values implements Plan {
  constructor(
    readonly rows: Compiled[][],
    readonly columns: ScopeColumn[],
    readonly subplans: SubPlan[],
  ) {}
  async run(ec: ExecContext): Promise<Datum[][]> {
    if (this.subplans.length) await prepareSubplans(this.subplans, [], ec);
    return this.rows.map((r) => r.map((e) => e.eval([], ec.env)));
  }
  explain(d: number): string[] {
    return [`${indent(d)}Values Scan on "*VALUES*"`];
  }
}

/** A plan computed once per statement (CTE, uncorrelated subquery in FROM). */
export class Materialize implements Plan {
  private result: Promise<Datum[][]> | null = null;
  constructor(
    readonly child: Plan,
    readonly columns: ScopeColumn[],
  ) {}
  run(ec: ExecContext): Promise<Datum[][]> {
    this.result ??= this.child.run(ec);
    return this.result;
  }
  explain(d: number): string[] {
    return this.child.explain(d);
  }
}

/** Renames the columns of a subquery in FROM. */
export class SubqueryScan implements Plan {
  constructor(
    readonly child: Plan,
    readonly columns: ScopeColumn[],
  ) {}
  run(ec: ExecContext): Promise<Datum[][]> {
    return this.child.run(ec);
  }
  explain(d: number): string[] {
    return [`${indent(d)}Subquery Scan`, ...this.child.explain(d + 1)];
  }
}

export type JoinKind = 'inner' | 'left' | 'right' | 'full' | 'cross';

export class NestLoop implements Plan {
  constructor(
    readonly left: Plan,
    readonly right: Plan,
    readonly kind: JoinKind,
    readonly cond: Compiled | null,
    readonly columns: ScopeColumn[],
    readonly subplans: SubPlan[],
  ) {}

  async run(ec: ExecContext): Promise<Datum[][]> {
    const l = await this.left.run(ec);
    const r = await this.right.run(ec);
    const out: Datum[][] = [];
    const rightMatched = new Uint8Array(r.length);
    const lw = this.left.columns.length;
    const rw = this.right.columns.length;
    for (const a of l) {
      let matched = false;
      for (let j = 0; j < r.length; j++) {
        const row = a.concat(r[j]!);
        if (this.cond) {
          if (this.subplans.length) await prepareSubplans(this.subplans, row, ec);
          if (this.cond.eval(row, ec.env) !== true) continue;
        }
        matched = true;
        rightMatched[j] = 1;
        out.push(row);
      }
      if (!matched && (this.kind === 'left' || this.kind === 'full')) out.push(a.concat(new Array<Datum>(rw).fill(null)));
      ec.checkInterrupts();
    }
    if (this.kind === 'right' || this.kind === 'full') {
      for (let j = 0; j < r.length; j++) if (!rightMatched[j]) out.push(new Array<Datum>(lw).fill(null).concat(r[j]!));
    }
    return out;
  }

  explain(d: number): string[] {
    return [
      `${indent(d)}Nested Loop${this.kind === 'inner' || this.kind === 'cross' ? '' : ` ${this.kind[0]!.toUpperCase()}${this.kind.slice(1)} Join`}`,
      ...this.left.explain(d + 1),
      ...this.right.explain(d + 1),
    ];
  }
}

export interface SortKey {
  /** Position in the row sorted. */
  index: number;
  type: SqlType;
  desc: boolean;
  nullsFirst: boolean;
}

export function compareRows(keys: SortKey[]): (a: Datum[], b: Datum[]) => number {
  return (a, b) => {
    for (const k of keys) {
      const x = a[k.index]!;
      const y = b[k.index]!;
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === k.nullsFirst ? -1 : 1;
      }
      const c = compare(k.type, x, y);
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  };
}

export class Sort implements Plan {
  constructor(
    readonly child: Plan,
    readonly keys: SortKey[],
  ) {}
  get columns() {
    return this.child.columns;
  }
  async run(ec: ExecContext): Promise<Datum[][]> {
    const rows = await this.child.run(ec);
    return rows.sort(compareRows(this.keys)); // Array.prototype.sort is stable
  }
  explain(d: number): string[] {
    return [`${indent(d)}Sort`, ...this.child.explain(d + 1)];
  }
}

/** Drops hidden trailing columns (sort keys not in the target list). */
export class Trim implements Plan {
  constructor(
    readonly child: Plan,
    readonly width: number,
  ) {}
  get columns() {
    return this.child.columns.slice(0, this.width);
  }
  async run(ec: ExecContext): Promise<Datum[][]> {
    const rows = await this.child.run(ec);
    return this.child.columns.length === this.width ? rows : rows.map((r) => r.slice(0, this.width));
  }
  explain(d: number): string[] {
    return this.child.explain(d);
  }
}

export class Limit implements Plan {
  constructor(
    readonly child: Plan,
    readonly count: Compiled | null,
    readonly offset: Compiled | null,
  ) {}
  get columns() {
    return this.child.columns;
  }
  async run(ec: ExecContext): Promise<Datum[][]> {
    const rows = await this.child.run(ec);
    const off = this.num(this.offset, 'OFFSET', ec) ?? 0;
    const cnt = this.num(this.count, 'LIMIT', ec);
    return rows.slice(off, cnt === null ? undefined : off + cnt);
  }

  /** How many input rows the limit can use at most (OFFSET + LIMIT). */
  wanted(ec: ExecContext): number {
    const cnt = this.num(this.count, 'LIMIT', ec);
    return cnt === null ? Infinity : (this.num(this.offset, 'OFFSET', ec) ?? 0) + cnt;
  }

  private num(c: Compiled | null, what: string, ec: ExecContext): number | null {
    if (!c) return null;
    const v = c.eval([], ec.env);
    if (v === null) return null;
    const n = Number(v);
    if (n < 0) throw new SqlError(what === 'LIMIT' ? '2201W' : '2201X', `${what} must not be negative`);
    return n;
  }
  explain(d: number): string[] {
    return [`${indent(d)}Limit`, ...this.child.explain(d + 1)];
  }
}

/**
 * LockRows (SELECT ... FOR UPDATE): locks the table row behind each result
 * row, in result order, until `limit` rows are locked. A row another
 * transaction holds is waited for, skipped (SKIP LOCKED) or an error
 * (NOWAIT); one it changed meanwhile is re-checked on its newest version
 * (READ COMMITTED's EvalPlanQual) and the result row recomputed from it.
 * Rows carry the scanned table row (and its ctid last) from `baseOffset` on.
 */
export class LockRows implements Plan {
  constructor(
    readonly child: Plan,
    readonly table: TableDef,
    readonly baseOffset: number,
    readonly cond: Compiled | null,
    /** The output columns (and sort keys) computed from a table row, to rebuild a row after EvalPlanQual. */
    readonly exprs: Compiled[],
    readonly policy: 'wait' | 'nowait' | 'skip',
    readonly limit: Limit | null,
  ) {}

  get columns() {
    return this.child.columns;
  }

  async run(ec: ExecContext): Promise<Datum[][]> {
    const rows = await this.child.run(ec);
    const width = this.table.columns.length;
    const wanted = this.limit ? this.limit.wanted(ec) : Infinity;
    const out: Datum[][] = [];
    for (const row of rows) {
      if (out.length >= wanted) break;
      let base = row.slice(this.baseOffset);
      let current = row;
      for (;;) {
        const [blk, slot] = String(base[width]).split('.').map(Number) as [number, number];
        const r = await ec.tx.lockRow(this.table.relid, { blk, slot }, this.policy);
        if (r.status === 'done' || r.status === 'self') {
          out.push(current);
          break;
        }
        if (r.status === 'busy') {
          if (this.policy === 'nowait') throw new SqlError('55P03', `could not obtain lock on row in relation "${this.table.name}"`);
          break; // SKIP LOCKED
        }
        if (!r.latest) break; // deleted meanwhile
        base = decodeRow(this.table, r.latest.data);
        base.push(`${r.latest.ctid.blk}.${r.latest.ctid.slot}`);
        if (this.cond && this.cond.eval(base, ec.env) !== true) break;
        current = [...this.exprs.map((e) => e.eval(base, ec.env)), ...base];
      }
      ec.checkInterrupts();
    }
    return out;
  }

  explain(d: number): string[] {
    return [`${indent(d)}LockRows`, ...this.child.explain(d + 1)];
  }
}

/** A key under which equal datums (by the type's equality) collide: GROUP BY, DISTINCT, UNION. */
export function datumKey(type: SqlType, v: Datum): string {
  if (v === null) return '\u0000N';
  switch (type.oid) {
    case TypeOid.numeric: {
      const s = output(type, v, { timeZone: 'UTC' });
      return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
    }
    case TypeOid.float4:
    case TypeOid.float8:
      return Object.is(v, -0) ? '0' : String(v);
    case TypeOid.bpchar:
      return String(v).replace(/ +$/, '');
    case TypeOid.text:
    case TypeOid.varchar:
    case TypeOid.unknown:
      return String(v);
    default:
      return typeof v === 'object' ? output(type, v, { timeZone: 'UTC' }) : String(v);
  }
}

export const rowKey = (types: SqlType[], row: Datum[]): string => row.map((v, i) => datumKey(types[i]!, v)).join('\u0001');

/** DISTINCT (on the given columns): keeps the first row of each set of equal rows, in input order. */
export class Unique implements Plan {
  constructor(
    readonly child: Plan,
    readonly on: number[],
  ) {}
  get columns() {
    return this.child.columns;
  }
  async run(ec: ExecContext): Promise<Datum[][]> {
    const rows = await this.child.run(ec);
    const types = this.on.map((i) => this.columns[i]!.type);
    const seen = new Set<string>();
    return rows.filter((r) => {
      const k = rowKey(
        types,
        this.on.map((i) => r[i]!),
      );
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  explain(d: number): string[] {
    return [`${indent(d)}Unique`, ...this.child.explain(d + 1)];
  }
}

export class SetOp implements Plan {
  constructor(
    readonly op: 'union' | 'intersect' | 'except',
    readonly all: boolean,
    readonly left: Plan,
    readonly right: Plan,
    readonly columns: ScopeColumn[],
    readonly leftCasts: Array<(v: Datum, env: Env) => Datum>,
    readonly rightCasts: Array<(v: Datum, env: Env) => Datum>,
  ) {}

  async run(ec: ExecContext): Promise<Datum[][]> {
    const cast = (rows: Datum[][], casts: Array<(v: Datum, env: Env) => Datum>) => rows.map((r) => r.map((v, i) => casts[i]!(v, ec.env)));
    const l = cast(await this.left.run(ec), this.leftCasts);
    const r = cast(await this.right.run(ec), this.rightCasts);
    const types = this.columns.map((c) => c.type);
    if (this.op === 'union') {
      const all = l.concat(r);
      if (this.all) return all;
      const seen = new Set<string>();
      return all.filter((row) => {
        const k = rowKey(types, row);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    }
    const counts = new Map<string, number>();
    for (const row of r) counts.set(rowKey(types, row), (counts.get(rowKey(types, row)) ?? 0) + 1);
    const out: Datum[][] = [];
    const emitted = new Set<string>();
    for (const row of l) {
      const k = rowKey(types, row);
      const n = counts.get(k) ?? 0;
      const inRight = n > 0;
      if (this.op === 'intersect' ? !inRight : inRight && (this.all || true)) {
        if (this.op === 'except' && this.all) counts.set(k, n - 1);
        if (this.op === 'except') continue;
        continue;
      }
      if (this.op === 'intersect' && this.all) counts.set(k, n - 1);
      if (!this.all) {
        if (emitted.has(k)) continue;
        emitted.add(k);
      }
      out.push(row);
    }
    return out;
  }

  explain(d: number): string[] {
    return [`${indent(d)}${this.op === 'union' ? 'Append' : 'SetOp'}`, ...this.left.explain(d + 1), ...this.right.explain(d + 1)];
  }
}

/** An aggregate call as the compiler collected it (expr.ts). */
export type AggSpec = Aggregate;

interface AggState {
  count: number;
  acc: Datum;
  seen?: Set<string>;
  parts?: string[];
}

export class Agg implements Plan {
  constructor(
    readonly child: Plan,
    readonly keys: Compiled[],
    readonly aggs: AggSpec[],
    readonly columns: ScopeColumn[],
    readonly subplans: SubPlan[],
    /** Without GROUP BY an empty input still gives one row. */
    readonly plain: boolean,
  ) {}

  async run(ec: ExecContext): Promise<Datum[][]> {
    const rows = await this.child.run(ec);
    const groups = new Map<string, { keys: Datum[]; states: AggState[] }>();
    const keyTypes = this.keys.map((k) => k.type);
    const fresh = () => this.aggs.map((): AggState => ({ count: 0, acc: null }));
    if (this.plain) groups.set('', { keys: [], states: fresh() });
    for (const row of rows) {
      if (this.subplans.length) await prepareSubplans(this.subplans, row, ec);
      const keys = this.keys.map((k) => k.eval(row, ec.env));
      const gk = rowKey(keyTypes, keys);
      let g = groups.get(gk);
      if (!g) groups.set(gk, (g = { keys, states: fresh() }));
      for (let i = 0; i < this.aggs.length; i++) this.accumulate(this.aggs[i]!, g.states[i]!, row, ec.env);
    }
    const out: Datum[][] = [];
    for (const g of groups.values()) out.push([...g.keys, ...this.aggs.map((a, i) => this.finish(a, g.states[i]!))]);
    return out;
  }

  private accumulate(a: AggSpec, s: AggState, row: Datum[], env: Env): void {
    if (a.filter && a.filter.eval(row, env) !== true) return;
    if (a.star) {
      s.count++;
      return;
    }
    const vals = a.args.map((x) => x.eval(row, env));
    const v = vals[0]!;
    if (v === null) return;
    if (a.distinct) {
      s.seen ??= new Set();
      const k = datumKey(a.args[0]!.type, v);
      if (s.seen.has(k)) return;
      s.seen.add(k);
    }
    s.count++;
    const t = a.args[0]!.type;
    switch (a.name) {
      case 'count':
        return;
      case 'sum':
      case 'avg': {
        const acc = sumType(a.name, t);
        const x = acc.oid === t.oid ? v : castDatum(v, t, acc, env.typeCtx, true);
        s.acc = s.acc === null ? x : lookupOperator('+', acc, acc).fn(s.acc, x, env.typeCtx);
        return;
      }
      case 'min':
      case 'max': {
        if (s.acc === null) s.acc = v;
        else {
          const c = compare(t, v, s.acc);
          if (a.name === 'min' ? c < 0 : c > 0) s.acc = v;
        }
        return;
      }
      case 'bool_and':
      case 'every':
        s.acc = s.acc === null ? v : s.acc === true && v === true;
        return;
      case 'bool_or':
        s.acc = s.acc === null ? v : s.acc === true || v === true;
        return;
      case 'string_agg': {
        const sep = vals[1];
        s.parts ??= [];
        if (s.parts.length > 0 && sep !== null && sep !== undefined) s.parts.push(String(sep));
        s.parts.push(String(v));
        return;
      }
      default:
        throw new SqlError('0A000', `aggregate ${a.name} is not supported`);
    }
  }

  private finish(a: AggSpec, s: AggState): Datum {
    switch (a.name) {
      case 'count':
        return BigInt(s.count);
      case 'avg': {
        if (s.acc === null) return null;
        const acc = sumType('avg', a.args[0]!.type);
        if (acc.oid === TypeOid.numeric)
          return lookupOperator('/', Types.numeric, Types.numeric).fn(s.acc, castDatum(BigInt(s.count), Types.int8, Types.numeric, { timeZone: 'UTC' }, true), { timeZone: 'UTC' });
        if (acc.oid === TypeOid.interval) return lookupOperator('/', Types.interval, Types.float8).fn(s.acc, s.count, { timeZone: 'UTC' });
        return Number(s.acc) / s.count;
      }
      case 'string_agg':
        return s.parts ? s.parts.join('') : null;
      default:
        return s.acc;
    }
  }

  explain(d: number): string[] {
    return [`${indent(d)}${this.plain ? 'Aggregate' : 'HashAggregate'}`, ...this.child.explain(d + 1)];
  }
}

/** The type a sum/avg accumulates in: integers widen (int4 sums in int8, int8 in numeric), as PostgreSQL's transition types. */
function sumType(name: string, t: SqlType): SqlType {
  switch (t.oid) {
    case TypeOid.int2:
    case TypeOid.int4:
      return name === 'avg' ? Types.numeric : Types.int8;
    case TypeOid.int8:
    case TypeOid.numeric:
      return Types.numeric;
    case TypeOid.float4:
      return name === 'avg' ? Types.float8 : Types.float4;
    case TypeOid.float8:
      return Types.float8;
    default:
      return { ...t, typmod: -1 };
  }
}

export const identityEval: Eval = (row) => row[0]!;
