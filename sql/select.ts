/*
 * Planning a SELECT (PostgreSQL's parse_analyze + planner, much reduced):
 * FROM items become scans and nested-loop joins; a WHERE clause on a single
 * table whose conjuncts bound the leading columns of an index becomes an
 * index scan (equality on a prefix, then a range on the next column); then
 * grouping and aggregates, the target list, DISTINCT, ORDER BY and LIMIT.
 * UNION / INTERSECT / EXCEPT and non-recursive WITH are planned here too.
 */
import type { Node, SelectStmt } from '@pgsql/types';
import type { RelationDef, TableDef } from './catalog.ts';
import { SqlError } from './errors.ts';
import { coerce, compileExpr, exprKey, withPos, isAggregateName, makeOperator, requireBoolClause, Scope } from './expr.ts';
import type { CompileContext, Compiled, Env, Grouping, ScopeColumn, SubPlan } from './expr.ts';
import { Agg, Filter, IndexScan, Limit, LockRows, Materialize, NestLoop, Project, Result, SeqScan, SetOp, Sort, SubqueryScan, tableColumns, Trim, Unique, Values } from './plan.ts';
import type { IndexBound, JoinKind, Plan, SortKey } from './plan.ts';
import { castDatum, commonType } from './types/index.ts';
import type { Datum, SqlType } from './types/index.ts';
import { TypeOid, Types } from './types/oids.ts';

export interface PlanContext {
  relation(name: string, location: number | undefined): RelationDef;
  paramTypes: SqlType[];
  ctes: Map<string, Plan>;
  /** Plans an INSERT/UPDATE/DELETE ... RETURNING used as a WITH query (the session provides it). */
  planModify?(stmt: Node): PlannedQuery;
  /** Data-modifying WITH queries: they run before the statement, once, whether it reads them or not. */
  sideEffects: Plan[];
  /** $n numbers the statement refers to. */
  paramsSeen: Set<number>;
  sequenceCall?: CompileContext['sequenceCall'];
}

export interface PlannedQuery {
  plan: Plan;
  names: string[];
  types: SqlType[];
  correlated: boolean;
  /** Where each output column's expression starts (error positions of set operations). */
  locations?: Array<number | undefined>;
}

const str = (n: Node): string => ('String' in n ? (n.String.sval ?? '') : '');
const pos = (location: number | undefined) => (location === undefined || location < 0 ? {} : { position: location + 1 });

/** Read through a function: the compiler sets the flag behind TypeScript's narrowing. */
const readsOuter = (cc: CompileContext): boolean => cc.touchedOuter === true;

export function newCompileContext(pc: PlanContext): CompileContext {
  const cc: CompileContext = {
    paramTypes: pc.paramTypes,
    paramsSeen: pc.paramsSeen,
    ...(pc.sequenceCall ? { sequenceCall: pc.sequenceCall } : {}),
    subplans: [],
    planSubquery: (stmt, scope) => {
      if (!('SelectStmt' in stmt)) throw new SqlError('0A000', 'only SELECT subqueries are supported');
      const q = planSelect(stmt.SelectStmt, scope, pc);
      return { plan: q.plan, types: q.types, correlated: q.correlated };
    },
  };
  return cc;
}

/** keepUnknown: leave untyped literals unknown (a set operation's leaves: the set operation resolves their type). */
export function planSelect(stmt: SelectStmt, outer: Scope | null, pc: PlanContext, keepUnknown = false): PlannedQuery {
  if (stmt.withClause) {
    if (stmt.withClause.recursive) throw new SqlError('0A000', 'WITH RECURSIVE is not supported');
    const ctes = new Map(pc.ctes);
    pc = { ...pc, ctes };
    const local = new Set<string>();
    for (const c of stmt.withClause.ctes ?? []) {
      if (!('CommonTableExpr' in c)) continue;
      const cte = c.CommonTableExpr;
      if (local.has(cte.ctename!)) throw new SqlError('42712', `WITH query name "${cte.ctename!}" specified more than once`, pos(cte.location));
      local.add(cte.ctename!);
      const modifying = !('SelectStmt' in cte.ctequery!);
      if (modifying && !pc.planModify) throw new SqlError('0A000', 'data-modifying statements in WITH are not supported here');
      const q = modifying ? pc.planModify!(cte.ctequery!) : planStatementAsQuery(cte.ctequery!, outer, pc);
      const names = (cte.aliascolnames ?? []).map(str);
      const cols: ScopeColumn[] = q.types.map((t, i) => ({ name: names[i] ?? q.names[i]!, type: t, range: cte.ctename! }));
      const m = new Materialize(q.plan, cols);
      if (modifying) pc.sideEffects.push(m);
      ctes.set(cte.ctename!, m);
    }
  }
  if (stmt.op && stmt.op !== 'SETOP_NONE') return planSetOp(stmt, outer, pc);
  if (stmt.valuesLists) return planValues(stmt, outer, pc);

  let correlated = false;
  const cc = newCompileContext(pc);
  // FROM
  let from: Plan = new Result();
  let scope = new Scope([], outer);
  const items = stmt.fromClause ?? [];
  const ranges = new Set<string>();
  for (const item of items) checkRangeNames(item, ranges);
  const locking = lockingOf(stmt, items);
  for (const item of items) {
    const p = locking ? { plan: lockedScan(item, pc), correlated: false } : planFromItem(item, outer, pc);
    correlated ||= p.correlated;
    from = from instanceof Result ? p.plan : new NestLoop(from, p.plan, 'cross', null, [...from.columns, ...p.plan.columns], []);
  }
  scope = new Scope(from.columns, outer);
  let whereCond: Compiled | null = null;

  // WHERE (with an index scan for a single table when it helps)
  if (stmt.whereClause) {
    cc.subplans = [];
    cc.touchedOuter = false;
    cc.clause = 'WHERE';
    const cond = requireBoolClause(compileExpr(stmt.whereClause, scope, cc), 'WHERE', stmt.whereClause);
    whereCond = cc.subplans.length ? null : cond;
    cc.clause = undefined;
    correlated ||= readsOuter(cc) || cc.subplans.some((s) => s.correlated);
    if (items.length === 1 && from instanceof SeqScan) from = chooseIndexScan(from, stmt.whereClause, scope, cc) ?? from;
    from = new Filter(from, cond, cc.subplans);
  }

  // Targets (expanding *), with grouping
  const targets = expandTargets(stmt.targetList ?? [], scope, items.length > 0);
  const hasAgg = targets.some((t) => containsAggregate(t.node)) || (stmt.havingClause !== undefined && containsAggregate(stmt.havingClause));
  const grouped = hasAgg || (stmt.groupClause ?? []).length > 0;
  if (locking) {
    const what = locking.strength;
    if (hasAgg) throw new SqlError('0A000', `${what} is not allowed with aggregate functions`);
    if ((stmt.groupClause ?? []).length > 0) throw new SqlError('0A000', `${what} is not allowed with GROUP BY clause`);
    if (stmt.distinctClause) throw new SqlError('0A000', `${what} is not allowed with DISTINCT clause`);
  }
  let rowScope = scope;
  let grouping: Grouping | undefined;
  let keyExprs: Compiled[] = [];
  if (grouped) {
    const keys = (stmt.groupClause ?? []).map((g) => resolveGroupRef(g, targets));
    cc.subplans = [];
    cc.clause = 'GROUP BY';
    keyExprs = keys.map((k) => compileExpr(k, scope, cc));
    cc.clause = undefined;
    grouping = { keys, keyTypes: keyExprs.map((k) => k.type), inputScope: scope, aggregates: [], inAggregate: false };
    cc.grouping = grouping;
    rowScope = new Scope([], outer);
  }

  cc.subplans = [];
  cc.touchedOuter = false;
  const compiled = targets.map((t) => compileExpr(t.node, rowScope, cc));
  let having: Compiled | null = null;
  if (stmt.havingClause) having = requireBoolClause(compileExpr(stmt.havingClause, rowScope, cc), 'HAVING', stmt.havingClause);
  const names = targets.map((t) => t.name);
  // ORDER BY: output columns by name or position, else expressions as hidden columns.
  const sortKeys: SortKey[] = [];
  const hidden: Compiled[] = [];
  const sortNodes: Node[] = [];
  for (const sb of stmt.sortClause ?? []) {
    if (!('SortBy' in sb)) continue;
    const s = sb.SortBy;
    sortNodes.push(s.node!);
    let index = outputRef(s.node!, names, compiled.length);
    if (index < 0) index = targets.findIndex((t) => exprKey(t.node) === exprKey(s.node!)); // an expression of the select list
    let type: SqlType;
    if (index >= 0) type = compiled[index]!.type;
    else {
      const e = compileExpr(s.node!, rowScope, cc);
      if (stmt.distinctClause && !isDistinctOn(stmt))
        throw new SqlError('42P10', 'for SELECT DISTINCT, ORDER BY expressions must appear in select list', pos(exprLocation(s.node!)));
      index = compiled.length + hidden.length;
      hidden.push(e);
      type = e.type;
    }
    sortKeys.push(sortKey(s, index, type));
  }
  correlated ||= readsOuter(cc) || cc.subplans.some((s) => s.correlated);
  const subplans: SubPlan[] = cc.subplans;

  let plan: Plan = from;
  if (grouping) {
    const aggCols: ScopeColumn[] = [
      ...keyExprs.map((k, i) => ({ name: `k${i}`, type: k.type, range: '' })),
      ...grouping.aggregates.map((a, i) => ({ name: `a${i}`, type: a.type, range: '' })),
    ];
    plan = new Agg(plan, keyExprs, grouping.aggregates, aggCols, [], (stmt.groupClause ?? []).length === 0);
    if (having) plan = new Filter(plan, having, []);
  }
  const outCols: ScopeColumn[] = compiled.map((c, i) => ({ name: names[i]!, type: c.type.oid === TypeOid.unknown && !keepUnknown ? Types.text : c.type, range: '' }));
  const outExprs = compiled.map((c) => (c.type.oid === TypeOid.unknown && !keepUnknown ? coerce(c, Types.text, 'implicit', undefined) : c));
  let distinctOn: number[] | null = null;
  const project = (p: Plan): Plan =>
    new Project(p, [...outExprs, ...hidden], [...outCols, ...hidden.map((h, i) => ({ name: `?sort${i}`, type: h.type, range: '', hidden: true }))], subplans);
  if (isDistinctOn(stmt)) {
    // DISTINCT ON (exprs): the first row of each group in ORDER BY order; the expressions must lead the ORDER BY.
    const on = stmt.distinctClause!;
    on.forEach((n, i) => {
      const sortNode = sortNodes[i];
      if (sortNodes.length > 0 && (!sortNode || !sameSortTarget(n, sortNode, names, targets))) {
        throw new SqlError('42P10', 'SELECT DISTINCT ON expressions must match initial ORDER BY expressions', pos(exprLocation(n)));
      }
    });
    distinctOn = on.map((n) => {
      let index = outputRef(n, names, compiled.length);
      if (index < 0) index = targets.findIndex((t) => exprKey(t.node) === exprKey(n));
      if (index >= 0) return index;
      const e = compileExpr(n, rowScope, cc);
      hidden.push(e);
      return compiled.length + hidden.length - 1;
    });
  }
  // FOR UPDATE: the scanned row (and its ctid) rides along as hidden columns, so LockRows can lock it and re-check a newer version.
  const baseOffset = compiled.length + hidden.length;
  if (locking) from.columns.forEach((c, i) => hidden.push({ type: c.type, eval: (row) => row[i]! }));
  plan = project(plan);
  if (stmt.distinctClause && !distinctOn)
    plan = new Unique(
      plan,
      compiled.map((_, i) => i),
    );
  if (sortKeys.length) plan = new Sort(plan, sortKeys);
  if (distinctOn) plan = new Unique(plan, distinctOn);
  if (locking) {
    const table = (from instanceof Filter ? from.child : from) as SeqScan | IndexScan;
    const limit = limitOf(stmt, plan, pc);
    const recompute = [...outExprs, ...hidden.slice(0, baseOffset - compiled.length)];
    plan = new LockRows(plan, table.table, baseOffset, whereCond, recompute, locking.policy, limit instanceof Limit ? limit : null);
  }
  plan = new Trim(plan, compiled.length);
  plan = limitOf(stmt, plan, pc);
  return { plan, names, types: outCols.map((c) => c.type), correlated, locations: targets.map((t) => exprLocation(t.node)) };
}

interface Locking {
  strength: string;
  policy: 'wait' | 'nowait' | 'skip';
}

/** FOR UPDATE / FOR NO KEY UPDATE / FOR SHARE / FOR KEY SHARE [NOWAIT | SKIP LOCKED], on one table. */
function lockingOf(stmt: SelectStmt, items: Node[]): Locking | null {
  const clauses = stmt.lockingClause ?? [];
  if (clauses.length === 0) return null;
  const first = clauses[0]!;
  if (!('LockingClause' in first)) return null;
  const lc = first.LockingClause;
  const strength =
    ({ LCS_FORUPDATE: 'FOR UPDATE', LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE', LCS_FORSHARE: 'FOR SHARE', LCS_FORKEYSHARE: 'FOR KEY SHARE' } as Record<string, string>)[
      lc.strength ?? ''
    ] ?? 'FOR UPDATE';
  if (items.length !== 1 || !('RangeVar' in items[0]!)) throw new SqlError('0A000', `${strength} is supported on a single table only`);
  const policy = lc.waitPolicy === 'LockWaitSkip' ? 'skip' : lc.waitPolicy === 'LockWaitError' ? 'nowait' : 'wait';
  return { strength, policy };
}

/** The one table of a locking SELECT, scanned with its ctid. */
function lockedScan(item: Node, pc: PlanContext): SeqScan {
  const rv = (item as { RangeVar: NonNullable<Extract<Node, { RangeVar: unknown }>['RangeVar']> }).RangeVar;
  const def = pc.relation(rv.schemaname ? `${rv.schemaname}.${rv.relname!}` : rv.relname!, rv.location);
  if (def.kind !== 'table') throw new SqlError('42809', `cannot lock rows in sequence "${rv.relname!}"`);
  const alias = rv.alias?.aliasname ?? rv.relname!;
  return new SeqScan(def, renameColumns(tableColumns(def, alias, true), alias, rv.alias?.colnames), true);
}

/** A sort key on output column `index`: ASC/DESC and NULLS FIRST/LAST (NULLS LAST is ASC's default, FIRST DESC's). */
function sortKey(sb: { sortby_dir?: string; sortby_nulls?: string }, index: number, type: SqlType): SortKey {
  const desc = sb.sortby_dir === 'SORTBY_DESC';
  const nullsFirst = sb.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : sb.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : desc;
  return { index, type: type.oid === TypeOid.unknown ? Types.text : type, desc, nullsFirst };
}

function isDistinctOn(stmt: SelectStmt): boolean {
  const d = stmt.distinctClause;
  return d !== undefined && d.length > 0 && Object.keys(d[0]!).length > 0;
}

/** Do a DISTINCT ON expression and an ORDER BY item name the same thing (same output column or same expression)? */
function sameSortTarget(a: Node, b: Node, names: string[], targets: Target[]): boolean {
  if (exprKey(a) === exprKey(b)) return true;
  const ia = outputRef(a, names, names.length) >= 0 ? outputRef(a, names, names.length) : targets.findIndex((t) => exprKey(t.node) === exprKey(a));
  const ib = outputRef(b, names, names.length) >= 0 ? outputRef(b, names, names.length) : targets.findIndex((t) => exprKey(t.node) === exprKey(b));
  return ia >= 0 && ia === ib;
}

function limitOf(stmt: SelectStmt, plan: Plan, pc: PlanContext): Plan {
  if (!stmt.limitCount && !stmt.limitOffset) return plan;
  const cc = newCompileContext(pc);
  const empty = new Scope([], null);
  const num = (n: Node | undefined) => {
    if (!n) return null;
    if ('A_Const' in n && n.A_Const.isnull) return null;
    return coerce(compileExpr(n, empty, cc), Types.int8, 'implicit', undefined);
  };
  return new Limit(plan, num(stmt.limitCount), num(stmt.limitOffset));
}

/** FROM items as one plan (cross-joined), for UPDATE ... FROM and DELETE ... USING; `taken` names may not be reused. */
export function planFromList(items: Node[], outer: Scope | null, pc: PlanContext, taken: Set<string>): Plan {
  for (const item of items) checkRangeNames(item, taken);
  let plan: Plan | null = null;
  for (const item of items) {
    const p = planFromItem(item, outer, pc).plan;
    plan = plan ? new NestLoop(plan, p, 'cross', null, [...plan.columns, ...p.columns], []) : p;
  }
  return plan ?? new Result();
}

function planStatementAsQuery(node: Node, outer: Scope | null, pc: PlanContext): PlannedQuery {
  if ('SelectStmt' in node) return planSelect(node.SelectStmt, outer, pc);
  throw new SqlError('0A000', 'only SELECT is supported in WITH');
}

function planValues(stmt: SelectStmt, outer: Scope | null, pc: PlanContext): PlannedQuery {
  const cc = newCompileContext(pc);
  const scope = new Scope([], outer);
  const rows = (stmt.valuesLists ?? []).map((l) => ('List' in l ? (l.List.items ?? []) : []).map((n) => compileExpr(n, scope, cc)));
  const width = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== width)) throw new SqlError('42601', 'VALUES lists must all be the same length');
  const types = Array.from({ length: width }, (_, i) => {
    const t = commonType(
      rows.map((r) => r[i]!.type),
      'VALUES',
    );
    return t.oid === TypeOid.unknown ? Types.text : t;
  });
  const coerced = rows.map((r) => r.map((e, i) => coerce(e, types[i]!, 'implicit', undefined)));
  const names = types.map((_, i) => `column${i + 1}`);
  let plan: Plan = new Values(
    coerced,
    types.map((t, i) => ({ name: names[i]!, type: t, range: '*VALUES*' })),
    cc.subplans,
  );
  const sortKeys: SortKey[] = [];
  for (const sb of stmt.sortClause ?? []) {
    if (!('SortBy' in sb)) continue;
    const index = outputRef(sb.SortBy.node!, names, names.length);
    if (index < 0) throw new SqlError('0A000', 'ORDER BY on VALUES must name an output column');
    sortKeys.push(sortKey(sb.SortBy, index, types[index]!));
  }
  if (sortKeys.length) plan = new Sort(plan, sortKeys);
  plan = limitOf(stmt, plan, pc);
  return { plan, names, types, correlated: readsOuter(cc) };
}

function planSetOp(stmt: SelectStmt, outer: Scope | null, pc: PlanContext): PlannedQuery {
  const l = planSelect(stmt.larg!, outer, pc, true);
  const r = planSelect(stmt.rarg!, outer, pc, true);
  const opName = stmt.op === 'SETOP_UNION' ? 'UNION' : stmt.op === 'SETOP_INTERSECT' ? 'INTERSECT' : 'EXCEPT';
  if (l.types.length !== r.types.length) {
    const at = l.types.length < r.types.length ? r.locations?.[l.types.length] : r.locations?.[0];
    throw new SqlError('42601', `each ${opName} query must have the same number of columns`, pos(at));
  }
  const types = l.types.map((t, i) => {
    let c: SqlType;
    try {
      c = commonType([t, r.types[i]!], opName);
    } catch (err) {
      if (err instanceof SqlError && err.fields.position === undefined) throw new SqlError(err.sqlstate, err.message, { ...err.fields, ...pos(r.locations?.[i]) });
      throw err;
    }
    return c.oid === TypeOid.unknown ? Types.text : c;
  });
  const casts = (q: PlannedQuery) =>
    q.types.map((f, i) => {
      const to = types[i]!;
      if (f.oid === to.oid) return (v: Datum) => v;
      if (f.oid === TypeOid.unknown) {
        // An untyped literal is read as the resolved type (its errors point at it).
        const read = coerce({ type: f, eval: (row) => row[0]!, location: q.locations?.[i] }, to, 'implicit', undefined);
        return (v: Datum, env: Env) => withPos(() => (v === null ? null : read.eval([v], env)), q.locations?.[i]);
      }
      return (v: Datum, env: Env) => (v === null ? null : castDatum(v, f, to, env.typeCtx, false));
    });
  const cols: ScopeColumn[] = types.map((t, i) => ({ name: l.names[i]!, type: t, range: '' }));
  const op = stmt.op === 'SETOP_UNION' ? 'union' : stmt.op === 'SETOP_INTERSECT' ? 'intersect' : 'except';
  let plan: Plan = new SetOp(op, stmt.all === true, l.plan, r.plan, cols, casts(l), casts(r));
  const sortKeys: SortKey[] = [];
  for (const sb of stmt.sortClause ?? []) {
    if (!('SortBy' in sb)) continue;
    const node = sb.SortBy.node!;
    const index = outputRef(node, l.names, l.names.length);
    if (index < 0 && 'ColumnRef' in node) {
      const f = node.ColumnRef.fields ?? [];
      throw new SqlError('42703', `column ${f.length === 1 ? `"${str(f[0]!)}"` : f.map(str).join('.')} does not exist`, pos(node.ColumnRef.location));
    }
    if (index < 0) {
      throw new SqlError('0A000', `invalid ${opName}/INTERSECT/EXCEPT ORDER BY clause`.replace(`${opName}/INTERSECT/EXCEPT`, 'UNION/INTERSECT/EXCEPT'), {
        detail: 'Only result column names can be used, not expressions or functions.',
        hint: 'Add the expression/function to every SELECT, or move the UNION into a FROM clause.',
        ...pos(exprLocation(node)),
      });
    }
    sortKeys.push(sortKey(sb.SortBy, index, types[index]!));
  }
  if (sortKeys.length) plan = new Sort(plan, sortKeys);
  plan = limitOf(stmt, plan, pc);
  return { plan, names: l.names, types, correlated: l.correlated || r.correlated };
}

interface FromPlan {
  plan: Plan;
  correlated: boolean;
}

function planFromItem(item: Node, outer: Scope | null, pc: PlanContext): FromPlan {
  if ('RangeVar' in item) {
    const rv = item.RangeVar;
    const name = rv.relname!;
    const alias = rv.alias?.aliasname ?? name;
    const cte = rv.schemaname ? undefined : pc.ctes.get(name);
    if (cte) return { plan: new SubqueryScan(cte, renameColumns(cte.columns, alias, rv.alias?.colnames)), correlated: false };
    const def = pc.relation(rv.schemaname ? `${rv.schemaname}.${name}` : name, rv.location);
    if (def.kind !== 'table') throw new SqlError('0A000', `reading sequence "${name}" as a table is not supported`, pos(rv.location));
    const cols = renameColumns(tableColumns(def, alias, false), alias, rv.alias?.colnames);
    return { plan: new SeqScan(def, cols, false), correlated: false };
  }
  if ('RangeSubselect' in item) {
    const rs = item.RangeSubselect;
    if (!rs.alias) throw new SqlError('42601', 'subquery in FROM must have an alias');
    const q = planStatementAsQuery(rs.subquery!, rs.lateral ? outer : null, pc);
    const cols: ScopeColumn[] = q.types.map((t, i) => ({ name: q.names[i]!, type: t, range: rs.alias!.aliasname! }));
    return { plan: new SubqueryScan(q.plan, renameColumns(cols, rs.alias.aliasname!, rs.alias.colnames)), correlated: q.correlated };
  }
  if ('JoinExpr' in item) {
    const j = item.JoinExpr;
    const l = planFromItem(j.larg!, outer, pc);
    const r = planFromItem(j.rarg!, outer, pc);
    const kind: JoinKind =
      j.jointype === 'JOIN_LEFT'
        ? 'left'
        : j.jointype === 'JOIN_RIGHT'
          ? 'right'
          : j.jointype === 'JOIN_FULL'
            ? 'full'
            : j.quals || j.usingClause || j.isNatural
              ? 'inner'
              : 'cross';
    let columns = [...l.plan.columns, ...r.plan.columns];
    const scope = new Scope(columns, outer);
    const cc = newCompileContext(pc);
    let cond: Compiled | null = null;
    const usingNames = j.usingClause
      ? j.usingClause.map(str)
      : j.isNatural
        ? l.plan.columns.filter((c) => !c.hidden && r.plan.columns.some((d) => !d.hidden && d.name === c.name)).map((c) => c.name)
        : null;
    cc.clause = 'JOIN conditions';
    if (j.quals) cond = requireBoolClause(compileExpr(j.quals, scope, cc), 'JOIN/ON', j.quals);
    else if (usingNames) {
      const lw = l.plan.columns.length;
      const conds: Compiled[] = usingNames.map((n) => {
        const li = l.plan.columns.findIndex((c) => c.name === n && !c.hidden);
        const ri = r.plan.columns.findIndex((c) => c.name === n && !c.hidden);
        if (li < 0) throw new SqlError('42703', `column "${n}" specified in USING clause does not exist in left table`);
        if (ri < 0) throw new SqlError('42703', `column "${n}" specified in USING clause does not exist in right table`);
        const lc = { type: l.plan.columns[li]!.type, eval: (row: Datum[]) => row[li]! };
        const rc = { type: r.plan.columns[ri]!.type, eval: (row: Datum[]) => row[lw + ri]! };
        return makeOperator('=', lc, rc, undefined);
      });
      cond = {
        type: Types.bool,
        eval: (row, env) => {
          let sawNull = false;
          for (const c of conds) {
            const v = c.eval(row, env);
            if (v === false) return false;
            if (v === null) sawNull = true;
          }
          return sawNull ? null : true;
        },
      };
      // JOIN USING: one merged column per name first (the left's value, the right's for RIGHT JOIN,
      // COALESCE of both for FULL JOIN), then the other columns; the joined ones stay reachable qualified.
      const join = new NestLoop(l.plan, r.plan, kind, cond, columns, cc.subplans);
      const merged: Compiled[] = usingNames.map((n) => {
        const li = l.plan.columns.findIndex((c) => c.name === n && !c.hidden);
        const ri = lw + r.plan.columns.findIndex((c) => c.name === n && !c.hidden);
        const type = l.plan.columns[li - 0]!.type;
        if (kind === 'right') return { type, eval: (row: Datum[]) => row[ri]! };
        if (kind === 'full') return { type, eval: (row: Datum[]) => (row[li] !== null ? row[li]! : row[ri]!) };
        return { type, eval: (row: Datum[]) => row[li]! };
      });
      const mergedCols: ScopeColumn[] = usingNames.map((n, i) => ({ name: n, type: merged[i]!.type, range: j.alias?.aliasname ?? '' }));
      const rest = columns.map((c) => (usingNames.includes(c.name) && !c.hidden ? { ...c, qualifiedOnly: true } : c));
      const outCols = [...mergedCols, ...rest];
      const outExprs: Compiled[] = [...merged, ...columns.map((c, i) => ({ type: c.type, eval: (row: Datum[]) => row[i]! }))];
      const alias = j.alias?.aliasname;
      const finalCols = alias ? outCols.map((c) => ({ ...c, range: alias })) : outCols;
      return { plan: new Project(join, outExprs, finalCols, []), correlated: l.correlated || r.correlated || readsOuter(cc) };
    }
    const alias = j.alias?.aliasname;
    if (alias) columns = columns.map((c) => ({ ...c, range: alias }));
    return { plan: new NestLoop(l.plan, r.plan, kind, cond, columns, cc.subplans), correlated: l.correlated || r.correlated || readsOuter(cc) };
  }
  if ('RangeFunction' in item) throw new SqlError('0A000', 'functions in FROM are not supported');
  throw new SqlError('0A000', `FROM item ${Object.keys(item)[0] ?? ''} is not supported`);
}

/** checkNameSpaceConflicts: two FROM items may not have the same name. */
function checkRangeNames(item: Node, seen: Set<string>): void {
  let name: string | undefined;
  let location: number | undefined;
  if ('RangeVar' in item) {
    name = item.RangeVar.alias?.aliasname ?? item.RangeVar.relname;
    location = item.RangeVar.location;
  } else if ('RangeSubselect' in item) name = item.RangeSubselect.alias?.aliasname;
  else if ('JoinExpr' in item) {
    if (item.JoinExpr.alias) name = item.JoinExpr.alias.aliasname;
    else {
      checkRangeNames(item.JoinExpr.larg!, seen);
      checkRangeNames(item.JoinExpr.rarg!, seen);
      return;
    }
  }
  if (name === undefined) return;
  if (seen.has(name)) throw new SqlError('42712', `table name "${name}" specified more than once`, location === undefined ? {} : {});
  seen.add(name);
}

function renameColumns(cols: ScopeColumn[], alias: string, colnames: Node[] | undefined): ScopeColumn[] {
  const names = (colnames ?? []).map(str);
  let vi = 0;
  return cols.map((c) => {
    if (c.hidden) return { ...c, range: alias };
    const n = names[vi++];
    return { ...c, range: alias, name: n ?? c.name };
  });
}

interface Target {
  node: Node;
  name: string;
}

function expandTargets(list: Node[], scope: Scope, hasFrom: boolean): Target[] {
  const out: Target[] = [];
  for (const t of list) {
    if (!('ResTarget' in t)) continue;
    const rt = t.ResTarget;
    const val = rt.val!;
    if ('ColumnRef' in val && (val.ColumnRef.fields ?? []).some((f) => 'A_Star' in f)) {
      const fields = val.ColumnRef.fields ?? [];
      const range = fields.length === 2 ? str(fields[0]!) : null;
      const cols = scope.columns.map((c, i) => ({ c, i })).filter(({ c }) => !c.hidden && (range === null ? !c.qualifiedOnly : c.range === range));
      if (range !== null && !scope.columns.some((c) => c.range === range))
        throw new SqlError('42P01', `missing FROM-clause entry for table "${range}"`, pos(val.ColumnRef.location));
      if (range === null && !hasFrom) throw new SqlError('42601', 'SELECT * with no tables specified is not valid', pos(val.ColumnRef.location));
      for (const { c, i } of cols) out.push({ node: { ColumnRef: { fields: [{ String: { sval: `\u0000${i}` } }] } }, name: c.name });
      continue;
    }
    out.push({ node: val, name: rt.name ?? defaultName(val) });
  }
  return out;
}

/** FigureColname: the column name PostgreSQL gives an unnamed target. */
function defaultName(n: Node): string {
  if ('ColumnRef' in n) {
    const f = n.ColumnRef.fields ?? [];
    return str(f[f.length - 1]!) || '?column?';
  }
  if ('FuncCall' in n) {
    const f = n.FuncCall.funcname ?? [];
    return str(f[f.length - 1]!);
  }
  if ('TypeCast' in n) {
    const inner = defaultName(n.TypeCast.arg!);
    if (inner !== '?column?') return inner;
    const names = (n.TypeCast.typeName?.names ?? []).map(str);
    const last = names[names.length - 1] ?? '?column?';
    return ({ int4: 'int4', int8: 'int8', bool: 'bool', varchar: 'varchar', bpchar: 'bpchar' } as Record<string, string>)[last] ?? last;
  }
  if ('CaseExpr' in n) return 'case';
  if ('CoalesceExpr' in n) return 'coalesce';
  if ('MinMaxExpr' in n) return n.MinMaxExpr.op === 'IS_GREATEST' ? 'greatest' : 'least';
  if ('A_Expr' in n && n.A_Expr.kind === 'AEXPR_NULLIF') return 'nullif';
  if ('SubLink' in n) {
    if (n.SubLink.subLinkType === 'EXISTS_SUBLINK') return 'exists';
    const sub = n.SubLink.subselect;
    if (n.SubLink.subLinkType === 'EXPR_SUBLINK' && sub && 'SelectStmt' in sub) {
      const t = sub.SelectStmt.targetList?.[0];
      if (t && 'ResTarget' in t) return t.ResTarget.name ?? defaultName(t.ResTarget.val!);
    }
    return '?column?';
  }
  if ('SQLValueFunction' in n) {
    const op = n.SQLValueFunction.op ?? '';
    return op
      .replace(/^SVFOP_/, '')
      .replace(/_N$/, '')
      .toLowerCase();
  }
  return '?column?';
}

/** ORDER BY / GROUP BY n or an output column name: its position, else -1. */
function outputRef(n: Node, names: string[], width: number): number {
  if ('A_Const' in n && n.A_Const.ival !== undefined) {
    const k = n.A_Const.ival.ival ?? 0;
    if (k < 1 || k > width) throw new SqlError('42P10', `ORDER BY position ${k} is not in select list`, pos(n.A_Const.location));
    return k - 1;
  }
  if ('ColumnRef' in n) {
    const f = n.ColumnRef.fields ?? [];
    if (f.length === 1 && 'String' in f[0]!) {
      const name = str(f[0]!);
      const hits = names.map((x, i) => (x === name ? i : -1)).filter((i) => i >= 0);
      if (hits.length === 1) return hits[0]!;
    }
  }
  return -1;
}

function resolveGroupRef(g: Node, targets: Target[]): Node {
  if ('A_Const' in g && g.A_Const.ival !== undefined) {
    const k = g.A_Const.ival.ival ?? 0;
    if (k < 1 || k > targets.length) throw new SqlError('42P10', `GROUP BY position ${k} is not in select list`, pos(g.A_Const.location));
    return targets[k - 1]!.node;
  }
  return g;
}

function exprLocation(n: Node): number | undefined {
  const inner = Object.values(n)[0] as { location?: number } | undefined;
  return inner?.location;
}

export function containsAggregate(n: unknown): boolean {
  if (Array.isArray(n)) return n.some(containsAggregate);
  if (typeof n !== 'object' || n === null) return false;
  const o = n as Record<string, unknown>;
  if ('SubLink' in o) return false;
  if ('FuncCall' in o) {
    const f = o['FuncCall'] as { funcname?: Node[]; over?: unknown; args?: unknown };
    const names = (f.funcname ?? []).map(str);
    if (isAggregateName((names[names.length - 1] ?? '').toLowerCase()) && !f.over) return true;
    return containsAggregate(f.args);
  }
  return Object.values(o).some(containsAggregate);
}

/**
 * Index choice: conjuncts `col = value` on a prefix of an index's columns,
 * then `col <op> value` bounds on the next one. Values must not depend on the
 * row (constants, parameters, outer columns), and be of the column's type
 * (or integers for an integer column) so the key encoding orders them alike.
 * The WHERE clause is still checked on every row the index returns.
 */
export function chooseIndexScan(scan: SeqScan, where: Node, scope: Scope, cc: CompileContext): Plan | null {
  const table: TableDef = scan.table;
  if (table.indexes.length === 0) return null;
  const conj: Array<{ col: number; op: string; value: Compiled; text: string }> = [];
  const walk = (n: Node) => {
    if ('BoolExpr' in n && n.BoolExpr.boolop === 'AND_EXPR') return (n.BoolExpr.args ?? []).forEach(walk);
    if (!('A_Expr' in n) || n.A_Expr.kind !== 'AEXPR_OP') return;
    const a = n.A_Expr;
    const op = str((a.name ?? [])[0]!);
    if (!['=', '<', '<=', '>', '>='].includes(op) || !a.lexpr || !a.rexpr) return;
    const flip: Record<string, string> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
    for (const [colSide, valSide, o] of [
      [a.lexpr, a.rexpr, op],
      [a.rexpr, a.lexpr, flip[op]!],
    ] as const) {
      if (!('ColumnRef' in colSide)) continue;
      let col: Compiled;
      let value: Compiled;
      try {
        col = compileExpr(colSide, scope, { ...cc, subplans: [] });
        if (col.column === undefined) continue;
        const outerOnly = new Scope([], scope.parent);
        value = compileExpr(valSide, outerOnly, { ...cc, subplans: [] });
      } catch {
        continue; // refers to this table's columns, or not compilable alone: not an index condition
      }
      const colType = col.type;
      const vt = value.type.oid;
      const ints = [TypeOid.int2, TypeOid.int4, TypeOid.int8] as number[];
      const ok =
        vt === colType.oid ||
        vt === TypeOid.unknown ||
        (ints.includes(colType.oid) && ints.includes(vt)) ||
        (colType.oid === TypeOid.varchar && vt === TypeOid.text) ||
        (colType.oid === TypeOid.text && vt === TypeOid.varchar);
      if (!ok) continue;
      conj.push({ col: col.column, op: o, value: coerce(value, { ...colType, typmod: -1 }, 'implicit', undefined), text: `(${table.columns[col.column]!.name} ${o} ...)` });
      return;
    }
  };
  walk(where);
  if (conj.length === 0) return null;
  let best: { score: number; scan: IndexScan } | null = null;
  for (const idx of table.indexes) {
    const eqVals: Compiled[] = [];
    const conds: string[] = [];
    let i = 0;
    for (; i < idx.columns.length; i++) {
      const eq = conj.find((c) => c.col === idx.columns[i] && c.op === '=');
      if (!eq) break;
      eqVals.push(eq.value);
      conds.push(eq.text);
    }
    let lower: IndexBound | null = eqVals.length ? { values: eqVals, inclusive: true } : null;
    let upper: IndexBound | null = eqVals.length ? { values: eqVals, inclusive: true } : null;
    let score = eqVals.length * 10 + (idx.unique && eqVals.length === idx.columns.length ? 100 : 0);
    if (i < idx.columns.length) {
      const lo = conj.find((c) => c.col === idx.columns[i] && (c.op === '>' || c.op === '>='));
      const hi = conj.find((c) => c.col === idx.columns[i] && (c.op === '<' || c.op === '<='));
      if (lo) {
        lower = { values: [...eqVals, lo.value], inclusive: lo.op === '>=' };
        conds.push(lo.text);
        score += 3;
      }
      if (hi) {
        upper = { values: [...eqVals, hi.value], inclusive: hi.op === '<=' };
        conds.push(hi.text);
        score += 3;
      }
    }
    if (score === 0) continue;
    const types = idx.columns.map((c) => ({ ...table.columns[c]!.type, typmod: -1 }));
    const s = new IndexScan(table, { relid: idx.relid, name: idx.name, types }, lower, upper, scan.columns, scan.withCtid, conds.join(' AND '));
    if (!best || score > best.score) best = { score, scan: s };
  }
  return best?.scan ?? null;
}
