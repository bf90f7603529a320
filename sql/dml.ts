/*
 * INSERT, UPDATE and DELETE (PostgreSQL's nodeModifyTable.c): rows are
 * coerced to the column types, checked (NOT NULL, CHECK), and written with
 * their index entries in one storage call per row; a unique index refuses a
 * duplicate key with 23505. UPDATE and DELETE under READ COMMITTED re-check
 * their WHERE clause on the newest version of a row another transaction
 * changed meanwhile (EvalPlanQual); REPEATABLE READ fails with 40001.
 */
import type { InsertStmt, Node, UpdateStmt, DeleteStmt } from '@pgsql/types';
import { UniqueViolation } from '../storage/errors.ts';
import type { Ctid, IndexEntry } from '../storage/transaction.ts';
import type { ColumnDef, IndexDef, TableDef } from './catalog.ts';
import { SqlError } from './errors.ts';
import { coerce, compileExpr, exprLoc, requireBoolClause, Scope } from './expr.ts';
import type { Compiled, SubPlan } from './expr.ts';
import { decodeRow, Filter, NestLoop, prepareSubplans, SeqScan, tableColumns } from './plan.ts';
import type { ExecContext, Plan } from './plan.ts';
import { chooseIndexScan, newCompileContext, planFromList, planSelect } from './select.ts';
import type { PlanContext } from './select.ts';
import { canCoerce, encodeIndexKey, output, serializeDatum, typeDisplayName } from './types/index.ts';
import type { Datum, SqlType, TypeContext } from './types/index.ts';
import { TypeOid, Types } from './types/oids.ts';

export interface DmlResult {
  command: string;
  rowCount: number;
  returning: { names: string[]; types: SqlType[]; rows: Datum[][] } | null;
}

const str = (n: Node): string => ('String' in n ? (n.String.sval ?? '') : '');
const pos = (location: number | undefined) => (location === undefined || location < 0 ? {} : { position: location + 1 });

/** The index entries of a row version: a key with a NULL is never unique-checked (NULLs are distinct). */
export function indexEntries(table: TableDef, row: Datum[]): IndexEntry[] {
  return table.indexes.map((idx) => {
    const vals = idx.columns.map((c) => row[c]!);
    const types = idx.columns.map((c) => ({ ...table.columns[c]!.type, typmod: -1 }));
    return { index: idx.relid, unique: idx.unique && vals.every((v) => v !== null), key: encodeIndexKey(types, vals) };
  });
}

export function encodeRow(table: TableDef, row: Datum[]): string {
  return JSON.stringify(row.map((v, i) => (v === null ? null : serializeDatum(table.columns[i]!.type, v))));
}

function failingRow(table: TableDef, row: Datum[], ctx: TypeContext): string {
  return `Failing row contains (${row
    .map((v, i) => (table.columns[i]!.dropped ? null : v === null ? 'null' : output(table.columns[i]!.type, v, ctx)))
    .filter((x) => x !== null)
    .join(', ')}).`;
}

/** Compiled defaults and checks of a table, cached per catalog version by the session. */
export interface TableRules {
  defaults: Array<Compiled | null>;
  /** What each default needs run per row first (nextval ...). */
  defaultSubplans: SubPlan[][];
  checks: Array<{ name: string; expr: Compiled }>;
}

/** A column's DEFAULT for one row (its nextval calls made first). */
export async function defaultValue(rules: TableRules, i: number, ec: ExecContext): Promise<Datum> {
  const sub = rules.defaultSubplans[i]!;
  if (sub.length) await prepareSubplans(sub, [], ec);
  return rules.defaults[i]!.eval([], ec.env);
}

export function tableRules(table: TableDef, pc: PlanContext): TableRules {
  const cc = newCompileContext(pc);
  const empty = new Scope([], null);
  // Defaults and checks are kept in the catalog as parser nodes (JSON), like pg_attrdef's adbin.
  const defaultSubplans: SubPlan[][] = [];
  const defaults = table.columns.map((c) => {
    cc.subplans = [];
    const d = c.defaultExpr === null ? null : coerce(compileExpr(JSON.parse(c.defaultExpr) as Node, empty, cc), c.type, 'assignment', undefined);
    defaultSubplans.push(cc.subplans);
    return d;
  });
  cc.subplans = [];
  const scope = new Scope(tableColumns(table, table.name, false), null);
  const checks = table.checks.map((ch) => ({ name: ch.name, expr: requireBoolClause(compileExpr(JSON.parse(ch.expr) as Node, scope, cc), 'CHECK') }));
  return { defaults, defaultSubplans, checks };
}

export function checkRow(table: TableDef, rules: TableRules, row: Datum[], ec: ExecContext): void {
  for (let i = 0; i < table.columns.length; i++) {
    const c = table.columns[i]!;
    if (c.notNull && row[i] === null && !c.dropped) {
      throw new SqlError('23502', `null value in column "${c.name}" of relation "${table.name}" violates not-null constraint`, {
        detail: failingRow(table, row, ec.env.typeCtx),
        table: table.name,
        column: c.name,
      });
    }
  }
  for (const ch of rules.checks) {
    if (ch.expr.eval(row, ec.env) === false) {
      throw new SqlError('23514', `new row for relation "${table.name}" violates check constraint "${ch.name}"`, {
        detail: failingRow(table, row, ec.env.typeCtx),
        table: table.name,
        constraint: ch.name,
      });
    }
  }
}

export function uniqueViolation(table: TableDef, indexId: number, row: Datum[], ctx: TypeContext): SqlError {
  const idx = table.indexes.find((i) => i.relid === indexId);
  if (!idx) return new SqlError('23505', `duplicate key value violates unique constraint`);
  const cols = idx.columns.map((c) => table.columns[c]!.name).join(', ');
  const vals = idx.columns.map((c) => (row[c] === null ? 'null' : output(table.columns[c]!.type, row[c]!, ctx))).join(', ');
  return new SqlError('23505', `duplicate key value violates unique constraint "${idx.name}"`, {
    detail: `Key (${cols})=(${vals}) already exists.`,
    table: table.name,
    constraint: idx.name,
  });
}

/** A unique violation on the ON CONFLICT arbiter index: the row goes to DO NOTHING / DO UPDATE. */
class ConflictOnArbiter extends Error {}

/** Writes a new row version (insert) with its index entries, mapping a unique violation to 23505. */
export async function insertRow(table: TableDef, row: Datum[], ec: ExecContext, arbiter: IndexDef | null = null): Promise<Ctid> {
  try {
    return await ec.tx.insert(table.relid, encodeRow(table, row), indexEntries(table, row));
  } catch (err) {
    if (err instanceof UniqueViolation) {
      if (arbiter && (arbiter.relid === err.indexId || arbiter.relid === -1)) throw new ConflictOnArbiter();
      throw uniqueViolation(table, err.indexId, row, ec.env.typeCtx);
    }
    throw err;
  }
}

/**
 * The ON CONFLICT arbiter (infer_arbiter_indexes): the unique index named by
 * the conflict target or constraint; DO NOTHING without a target takes any
 * unique index (relid -1); DO UPDATE needs a target.
 */
function conflictArbiter(stmt: InsertStmt, table: TableDef): IndexDef | null {
  const oc = stmt.onConflictClause;
  if (!oc) return null;
  const infer = oc.infer;
  if (!infer) {
    if (oc.action === 'ONCONFLICT_UPDATE') throw new SqlError('42601', 'ON CONFLICT DO UPDATE requires inference specification or constraint name', pos(oc.location));
    return { relid: -1, name: '', columns: [], unique: true, primary: false, constraint: false };
  }
  if (infer.conname) {
    const idx = table.indexes.find((i) => i.name === infer.conname && i.constraint);
    if (!idx) throw new SqlError('42704', `constraint "${infer.conname}" for table "${table.name}" does not exist`);
    return idx;
  }
  const cols = (infer.indexElems ?? []).map((e) => ('IndexElem' in e ? (e.IndexElem.name ?? '') : ''));
  const idx = table.indexes.find((i) => i.unique && cols.length === i.columns.length && i.columns.every((c) => cols.includes(table.columns[c]!.name)));
  if (!idx) throw new SqlError('42P10', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
  return idx;
}

/** The RETURNING list compiled against the table's row (also used to describe a statement before it runs). */
export function returningOf(list: Node[] | undefined, table: TableDef, alias: string, pc: PlanContext): { names: string[]; exprs: Compiled[] } | null {
  if (!list || list.length === 0) return null;
  const scope = new Scope(tableColumns(table, alias, false), null);
  const cc = newCompileContext(pc);
  const names: string[] = [];
  const exprs: Compiled[] = [];
  for (const t of list) {
    if (!('ResTarget' in t)) continue;
    const val = t.ResTarget.val!;
    if ('ColumnRef' in val && (val.ColumnRef.fields ?? []).some((f) => 'A_Star' in f)) {
      table.columns.forEach((c, i) => {
        if (c.dropped) return;
        names.push(c.name);
        exprs.push({ type: c.type, eval: (row) => row[i]! });
      });
      continue;
    }
    const e = compileExpr(val, scope, cc);
    exprs.push(e.type.oid === TypeOid.unknown ? coerce(e, Types.text, 'implicit', undefined) : e);
    names.push(t.ResTarget.name ?? ('ColumnRef' in val ? str((val.ColumnRef.fields ?? []).slice(-1)[0]!) : '?column?'));
  }
  return { names, exprs };
}

export async function execInsert(stmt: InsertStmt, table: TableDef, rules: TableRules, pc: PlanContext, ec: ExecContext): Promise<DmlResult> {
  const alias = stmt.relation!.alias?.aliasname ?? table.name;
  const live = table.columns.map((c, i) => ({ c, i })).filter(({ c }) => !c.dropped);
  const targetCols: number[] = stmt.cols
    ? stmt.cols.map((n) => {
        const name = 'ResTarget' in n ? n.ResTarget.name! : '';
        const i = table.columns.findIndex((c) => c.name === name && !c.dropped);
        if (i < 0) throw new SqlError('42703', `column "${name}" of relation "${table.name}" does not exist`, pos('ResTarget' in n ? n.ResTarget.location : undefined));
        return i;
      })
    : live.map(({ i }) => i);
  (stmt.cols ?? []).forEach((n, k) => {
    if (targetCols.indexOf(targetCols[k]!) !== k) {
      throw new SqlError('42701', `column "${table.columns[targetCols[k]!]!.name}" specified more than once`, pos('ResTarget' in n ? n.ResTarget.location : undefined));
    }
  });
  const arbiter = conflictArbiter(stmt, table);
  const sel = stmt.selectStmt && 'SelectStmt' in stmt.selectStmt ? stmt.selectStmt.SelectStmt : null;
  // Rows: VALUES lists are compiled here so that DEFAULT and the column types apply per column.
  let source: Datum[][];
  const usesDefault: boolean[][] = [];
  if (!sel) {
    source = [[]];
    usesDefault.push(targetCols.map(() => true));
  } else if (sel.valuesLists && !sel.op?.replace('SETOP_NONE', '')) {
    const cc = newCompileContext(pc);
    const empty = new Scope([], null);
    source = [];
    for (const l of sel.valuesLists) {
      const items = 'List' in l ? (l.List.items ?? []) : [];
      if (items.length > targetCols.length) throw new SqlError('42601', 'INSERT has more expressions than target columns', pos(exprLoc(items[targetCols.length]!)));
      if (items.length < targetCols.length && stmt.cols) throw new SqlError('42601', 'INSERT has more target columns than expressions', pos(exprLoc(stmt.cols[items.length]!)));
      const flags: boolean[] = [];
      const exprs = items.map((n, k) => {
        if ('SetToDefault' in n) {
          flags.push(true);
          return null;
        }
        flags.push(false);
        cc.subplans = [];
        const e = assignTo(compileExpr(n, empty, cc), table.columns[targetCols[k]!]!, exprLoc(n));
        return { e, subplans: cc.subplans };
      });
      const row: Datum[] = [];
      for (const x of exprs) {
        if (x === null) {
          row.push(null);
          continue;
        }
        if (x.subplans.length) await prepareSubplans(x.subplans, [], ec);
        row.push(x.e.eval([], ec.env));
      }
      while (flags.length < targetCols.length) flags.push(true);
      source.push(row);
      usesDefault.push(flags);
    }
  } else {
    const q = planSelect(sel, null, pc);
    if (q.types.length > targetCols.length) throw new SqlError('42601', 'INSERT has more expressions than target columns');
    const rows = await q.plan.run(ec);
    const casts = q.types.map((t, k) => assignTo({ type: t, eval: (r) => r[k]! }, table.columns[targetCols[k]!]!, q.locations?.[k]));
    source = rows.map((r) => casts.map((c) => c.eval(r, ec.env)));
    for (const _ of source) usesDefault.push(targetCols.map((_c, k) => k >= q.types.length));
  }
  const returning = returningOf(stmt.returningList, table, alias, pc);
  const out: Datum[][] = [];
  const conflict = stmt.onConflictClause;
  let count = 0;
  /** Rows this command inserted or updated: ON CONFLICT DO UPDATE may not touch one twice. */
  const touched = new Set<string>();
  for (let r = 0; r < source.length; r++) {
    const row: Datum[] = table.columns.map(() => null);
    const given = new Set<number>();
    targetCols.forEach((col, k) => {
      if (!usesDefault[r]![k]) {
        row[col] = source[r]![k] ?? null;
        given.add(col);
      }
    });
    for (let i = 0; i < table.columns.length; i++) {
      const c = table.columns[i]!;
      if (given.has(i)) {
        if (c.identity === 'always' && stmt.override !== 'OVERRIDING_SYSTEM_VALUE') {
          throw new SqlError('428C9', `cannot insert a non-DEFAULT value into column "${c.name}"`, {
            detail: `Column "${c.name}" is an identity column defined as GENERATED ALWAYS.`,
            hint: 'Use OVERRIDING SYSTEM VALUE to override.',
          });
        }
        continue;
      }
      if (rules.defaults[i]) row[i] = await defaultValue(rules, i, ec);
    }
    checkRow(table, rules, row, ec);
    try {
      const ctid = await insertRow(table, row, ec, arbiter);
      touched.add(`${ctid.blk}.${ctid.slot}`);
      if (arbiter && arbiter.relid !== -1) touched.add(arbiterKey(table, arbiter, row));
    } catch (err) {
      if (!(err instanceof ConflictOnArbiter)) throw err;
      if (conflict!.action === 'ONCONFLICT_NOTHING') continue;
      const updated = await onConflictUpdate(stmt, table, rules, row, arbiter!, touched, pc, ec);
      if (updated) {
        count++;
        if (returning) out.push(returning.exprs.map((e) => e.eval(updated, ec.env)));
      }
      continue;
    }
    count++;
    if (returning) out.push(returning.exprs.map((e) => e.eval(row, ec.env)));
  }
  return { command: 'INSERT', rowCount: count, returning: returning ? { names: returning.names, types: returning.exprs.map((e) => e.type), rows: out } : null };
}

/** An expression stored into a column: an assignment cast, or 42804 as transformAssignedExpr words it. */
function assignTo(e: Compiled, col: ColumnDef, location: number | undefined): Compiled {
  if (e.type.oid !== TypeOid.unknown && e.type.oid !== col.type.oid && !canCoerce(e.type, col.type, 'assignment')) {
    throw new SqlError('42804', `column "${col.name}" is of type ${typeDisplayName(col.type.oid)} but expression is of type ${typeDisplayName(e.type.oid)}`, {
      hint: 'You will need to rewrite or cast the expression.',
      ...pos(location),
    });
  }
  return coerce(e, col.type, 'assignment', location);
}

/** ON CONFLICT (...) DO UPDATE: finds the conflicting row through the arbiter index and updates it, with EXCLUDED as the proposed row. */
async function onConflictUpdate(
  stmt: InsertStmt,
  table: TableDef,
  rules: TableRules,
  proposed: Datum[],
  idx: IndexDef,
  touched: Set<string>,
  pc: PlanContext,
  ec: ExecContext,
): Promise<Datum[] | null> {
  const oc = stmt.onConflictClause!;
  const types = idx.columns.map((c) => ({ ...table.columns[c]!.type, typmod: -1 }));
  const key = encodeIndexKey(
    types,
    idx.columns.map((c) => proposed[c]!),
  );
  const cols = tableColumns(table, stmt.relation!.alias?.aliasname ?? table.name, false);
  const excluded = tableColumns(table, 'excluded', false);
  const scope = new Scope([...cols, ...excluded], null);
  const cc = newCompileContext(pc);
  const sets = compileSets(oc.targetList ?? [], table, scope, cc);
  const where = oc.whereClause ? requireBoolClause(compileExpr(oc.whereClause, scope, cc), 'WHERE') : null;
  for await (const t of ec.tx.indexScan(table.relid, idx.relid, { lower: { key, inclusive: true }, upper: { key, inclusive: true } })) {
    if (touched.has(`${t.ctid.blk}.${t.ctid.slot}`)) {
      throw new SqlError('21000', 'ON CONFLICT DO UPDATE command cannot affect row a second time', {
        hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.',
      });
    }
    const old = decodeRow(table, t.data);
    const both = [...old, ...proposed];
    if (where && where.eval(both, ec.env) !== true) return null;
    const next = old.slice();
    for (const s of sets) next[s.col] = s.expr.eval(both, ec.env);
    checkRow(table, rules, next, ec);
    const r = await ec.tx.update(table.relid, t.ctid, encodeRow(table, next), indexEntries(table, next)).catch((err: unknown) => {
      if (err instanceof UniqueViolation) throw uniqueViolation(table, err.indexId, next, ec.env.typeCtx);
      throw err;
    });
    if (r.status === 'self')
      throw new SqlError('21000', 'ON CONFLICT DO UPDATE command cannot affect row a second time', {
        hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.',
      });
    if (r.status === 'changed') throw new SqlError('40001', 'could not serialize access due to concurrent update');
    touched.add(`${r.value.blk}.${r.value.slot}`);
    touched.add(arbiterKey(table, idx, next));
    return next;
  }
  // The conflicting version is not visible: this command wrote it (it sees only what came before it), or a transaction this snapshot cannot see.
  if (touched.has(key))
    throw new SqlError('21000', 'ON CONFLICT DO UPDATE command cannot affect row a second time', {
      hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.',
    });
  throw new SqlError('40001', 'could not serialize access due to concurrent update');
}

function arbiterKey(table: TableDef, idx: IndexDef, row: Datum[]): string {
  return encodeIndexKey(
    idx.columns.map((c) => ({ ...table.columns[c]!.type, typmod: -1 })),
    idx.columns.map((c) => row[c]!),
  );
}

function compileSets(list: Node[], table: TableDef, scope: Scope, cc: ReturnType<typeof newCompileContext>): Array<{ col: number; expr: Compiled }> {
  return list.map((n) => {
    if (!('ResTarget' in n)) throw new SqlError('XX000', 'bad SET');
    const name = n.ResTarget.name!;
    const col = table.columns.findIndex((c) => c.name === name && !c.dropped);
    if (col < 0) throw new SqlError('42703', `column "${name}" of relation "${table.name}" does not exist`, pos(n.ResTarget.location));
    const val = n.ResTarget.val!;
    if ('SetToDefault' in val) return { col, expr: { type: table.columns[col]!.type, eval: () => null } };
    if (table.columns[col]!.identity === 'always')
      throw new SqlError('428C9', `column "${name}" can only be updated to DEFAULT`, { detail: `Column "${name}" is an identity column defined as GENERATED ALWAYS.` });
    return { col, expr: assignTo(compileExpr(val, scope, cc), table.columns[col]!, exprLoc(val)) };
  });
}

/** The rows of the target table a WHERE clause selects, with their ctid as a hidden last column. */
/**
 * The rows of the target table a WHERE clause selects, with their ctid as a
 * hidden column after the table's; with UPDATE ... FROM / DELETE ... USING,
 * joined to those items (their columns follow the ctid).
 */
function targetScan(table: TableDef, alias: string, where: Node | undefined, pc: PlanContext, fromItems: Node[] = []): { plan: Plan; cond: Compiled | null; scope: Scope } {
  const cols = tableColumns(table, alias, true);
  let plan: Plan = new SeqScan(table, cols, true);
  if (fromItems.length > 0) {
    const from = planFromList(fromItems, null, pc, new Set([alias]));
    plan = new NestLoop(plan, from, 'cross', null, [...cols, ...from.columns], []);
  }
  const scope = new Scope(plan.columns, null);
  if (!where) return { plan, cond: null, scope };
  const cc = newCompileContext(pc);
  cc.clause = 'WHERE';
  const cond = requireBoolClause(compileExpr(where, scope, cc), 'WHERE', where);
  if (plan instanceof SeqScan) plan = chooseIndexScan(plan, where, scope, cc) ?? plan;
  return { plan: new Filter(plan, cond, cc.subplans), cond: cc.subplans.length ? null : cond, scope };
}

/** The newest version of a target row, in the layout of the scanned row (joined columns kept). */
function latestRow(table: TableDef, latest: { ctid: Ctid; data: string }, scanned: Datum[]): Datum[] {
  const row = decodeRow(table, latest.data);
  row.push(`${latest.ctid.blk}.${latest.ctid.slot}`);
  return row.concat(scanned.slice(table.columns.length + 1));
}

const parseCtid = (s: string): Ctid => {
  const [b, sl] = s.split('.');
  return { blk: Number(b), slot: Number(sl) };
};

export async function execUpdate(stmt: UpdateStmt, table: TableDef, rules: TableRules, pc: PlanContext, ec: ExecContext): Promise<DmlResult> {
  const alias = stmt.relation!.alias?.aliasname ?? table.name;
  const { plan, cond, scope } = targetScan(table, alias, stmt.whereClause, pc, stmt.fromClause ?? []);
  const cc = newCompileContext(pc);
  const sets = compileSets(stmt.targetList ?? [], table, scope, cc);
  const returning = returningOf(stmt.returningList, table, alias, pc);
  const width = table.columns.length;
  const rows = await plan.run(ec);
  const out: Datum[][] = [];
  let count = 0;
  const seen = new Set<string>(); // with FROM, a target row joined twice is updated once
  for (const r of rows) {
    let row = r;
    if (seen.has(String(row[width]))) continue;
    seen.add(String(row[width]));
    let ctid = parseCtid(String(row[width]));
    for (;;) {
      if (cc.subplans.length) await prepareSubplans(cc.subplans, row, ec);
      const next = row.slice(0, width);
      for (const s of sets) {
        const v = s.expr.eval(row, ec.env);
        next[s.col] = v === null && rules.defaults[s.col] && isDefaultSet(stmt, table, s.col) ? await defaultValue(rules, s.col, ec) : v;
      }
      checkRow(table, rules, next, ec);
      let res;
      try {
        res = await ec.tx.update(table.relid, ctid, encodeRow(table, next), indexEntries(table, next));
      } catch (err) {
        if (err instanceof UniqueViolation) throw uniqueViolation(table, err.indexId, next, ec.env.typeCtx);
        throw err;
      }
      if (res.status === 'done') {
        count++;
        if (returning) out.push(returning.exprs.map((e) => e.eval(next, ec.env)));
        break;
      }
      if (res.status === 'self' || !res.latest) break;
      // EvalPlanQual: re-check the condition on the newest version and update that one.
      const latest = latestRow(table, res.latest, row);
      if (cond && cond.eval(latest, ec.env) !== true) break;
      row = latest;
      ctid = res.latest.ctid;
    }
    ec.checkInterrupts();
  }
  return { command: 'UPDATE', rowCount: count, returning: returning ? { names: returning.names, types: returning.exprs.map((e) => e.type), rows: out } : null };
}

function isDefaultSet(stmt: UpdateStmt, table: TableDef, col: number): boolean {
  return (stmt.targetList ?? []).some(
    (n) => 'ResTarget' in n && n.ResTarget.name === table.columns[col]!.name && n.ResTarget.val !== undefined && 'SetToDefault' in n.ResTarget.val,
  );
}

export async function execDelete(stmt: DeleteStmt, table: TableDef, pc: PlanContext, ec: ExecContext): Promise<DmlResult> {
  const alias = stmt.relation!.alias?.aliasname ?? table.name;
  const { plan, cond } = targetScan(table, alias, stmt.whereClause, pc, stmt.usingClause ?? []);
  const returning = returningOf(stmt.returningList, table, alias, pc);
  const width = table.columns.length;
  const rows = await plan.run(ec);
  const out: Datum[][] = [];
  let count = 0;
  const seen = new Set<string>();
  for (const r of rows) {
    let row = r;
    if (seen.has(String(row[width]))) continue;
    seen.add(String(row[width]));
    let ctid = parseCtid(String(row[width]));
    for (;;) {
      const res = await ec.tx.delete(table.relid, ctid);
      if (res.status === 'done') {
        count++;
        if (returning) out.push(returning.exprs.map((e) => e.eval(row, ec.env)));
        break;
      }
      if (res.status === 'self' || !res.latest) break;
      const latest = latestRow(table, res.latest, row);
      if (cond && cond.eval(latest, ec.env) !== true) break;
      row = latest;
      ctid = res.latest.ctid;
    }
  }
  return { command: 'DELETE', rowCount: count, returning: returning ? { names: returning.names, types: returning.exprs.map((e) => e.type), rows: out } : null };
}
