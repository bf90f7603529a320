/*
 * Expressions: the parser's expression nodes are resolved against a scope
 * (names to row positions, operators and functions to implementations, types
 * coerced as PostgreSQL's parse_coerce.c does) and compiled once into
 * closures `(row, env) => Datum` (PostgreSQL's ExecInitExpr + ExecEvalExpr).
 *
 * NULL follows SQL's three-valued logic exactly: strict operators and
 * functions return NULL for a NULL input, AND/OR use Kleene logic, and a
 * WHERE clause keeps only rows whose condition is true.
 */
import type { Node } from '@pgsql/types';
import { SqlError } from './errors.ts';
import { castDatum, commonType, compare, input, likeMatch, lookupFunction, lookupOperator, resolveTypeName, Types } from './types/index.ts';
import type { Datum, SqlType, TypeContext } from './types/index.ts';
import { TypeOid } from './types/oids.ts';

/** What an expression sees when it runs. */
export interface Env {
  params: ReadonlyArray<string | null>;
  typeCtx: TypeContext;
  /** Rows of the enclosing queries, innermost first (correlated subqueries). */
  outer: Datum[][];
  /** Runs a subquery plan (set by the executor). */
  runSubquery(plan: SubPlan, env: Env): Promise<Datum[][]>;
  /** The session's settings, for current_setting() and set_config(). */
  settings?: { get(name: string, missingOk: boolean): string | null; set(name: string, value: string, local: boolean): string };
}

export type Eval = (row: Datum[], env: Env) => Datum;

export interface Compiled {
  type: SqlType;
  eval: Eval;
  /** Set when the value is known at compile time (a literal, or a cast of one). */
  constant?: { value: Datum };
  /** A plain column of the current scope: its position (for index matching). */
  column?: number;
  /** A parameter ($n, 1-based) not yet coerced. */
  param?: number;
  /** True if the expression reads a subquery result (evaluated before, see SubPlan). */
  async?: boolean;
  /** Where a literal stands in the statement (errors reading it point there, as PostgreSQL's do). */
  location?: number;
}

export interface ScopeColumn {
  name: string;
  type: SqlType;
  /** The range (table alias) it belongs to. */
  range: string;
  /** Never visible by name (a dropped column, a ctid, a sort key). */
  hidden?: boolean;
  /** Visible only qualified (`t.k`), not by its bare name or `*`: a column merged by JOIN USING. */
  qualifiedOnly?: boolean;
  /** The table it comes from, when its range has an alias (for "invalid reference" errors). */
  table?: string;
}

/** The names visible to an expression: the FROM clause's columns, laid out as one row. */
export class Scope {
  constructor(
    readonly columns: ScopeColumn[],
    readonly parent: Scope | null = null,
  ) {}

  resolve(fields: string[], location: number | undefined): { up: number; index: number; type: SqlType } {
    // A `*` expanded by position ("\0<n>"): the n-th column of this scope.
    if (fields.length === 1 && fields[0]!.startsWith('\u0000')) {
      const index = Number(fields[0]!.slice(1));
      return { up: 0, index, type: this.columns[index]!.type };
    }
    for (let scope: Scope | null = this, up = 0; scope; scope = scope.parent, up++) {
      const hit = scope.lookup(fields, location);
      if (hit) return { up, index: hit.index, type: hit.type };
    }
    const name = fields.join('.');
    if (fields.length === 2 && !this.hasRange(fields[0]!)) {
      const aliased = this.aliasOf(fields[0]!);
      if (aliased)
        throw new SqlError('42P01', `invalid reference to FROM-clause entry for table "${fields[0]}"`, {
          hint: `Perhaps you meant to reference the table alias "${aliased}".`,
          ...pos(location),
        });
      throw new SqlError('42P01', `missing FROM-clause entry for table "${fields[0]}"`, pos(location));
    }
    const hint = fields.length === 1 ? this.closestColumn(fields[0]!) : null;
    throw new SqlError('42703', `column ${fields.length === 1 ? `"${name}"` : name} does not exist`, {
      ...pos(location),
      ...(hint ? { hint: `Perhaps you meant to reference the column "${hint}".` } : {}),
    });
  }

  /** errorMissingColumn's fuzzy match: the one column within Levenshtein distance len/2 of a misspelt name. */
  private closestColumn(name: string): string | null {
    const max = Math.floor(name.length / 2);
    let best: { d: number; col: ScopeColumn } | null = null;
    let tie = false;
    for (const c of this.columns) {
      if (c.hidden || !c.range) continue;
      const d = levenshtein(name, c.name);
      if (d > max) continue;
      if (!best || d < best.d) {
        best = { d, col: c };
        tie = false;
      } else if (d === best.d) tie = true;
    }
    return best && !tie ? `${best.col.range}.${best.col.name}` : null;
  }

  /** The alias a table is known by here, if it has one. */
  private aliasOf(table: string): string | null {
    for (let s: Scope | null = this; s; s = s.parent) {
      const c = s.columns.find((x) => x.table === table && x.range !== table);
      if (c) return c.range;
    }
    return null;
  }

  private hasRange(range: string): boolean {
    for (let s: Scope | null = this; s; s = s.parent) if (s.columns.some((c) => c.range === range)) return true;
    return false;
  }

  private lookup(fields: string[], location: number | undefined): { index: number; type: SqlType } | null {
    let found = -1;
    const [a, b] = fields;
    for (let i = 0; i < this.columns.length; i++) {
      const c = this.columns[i]!;
      if (c.hidden || (c.qualifiedOnly && fields.length === 1)) continue;
      const match = fields.length === 1 ? c.name === a : c.range === a && c.name === b;
      if (!match) continue;
      if (found >= 0) throw new SqlError('42702', `column reference "${fields.join('.')}" is ambiguous`, pos(location));
      found = i;
    }
    return found < 0 ? null : { index: found, type: this.columns[found]!.type };
  }
}

/** A subquery inside an expression: planned by the executor's planner hook. */
export interface SubPlan {
  kind: 'exists' | 'scalar' | 'any' | 'call';
  /** kind 'call': an asynchronous function (nextval ...) run for each row before the expression. */
  call?: (row: Datum[], env: Env) => Promise<Datum>;
  plan: unknown;
  /** The column type of a scalar or ANY subquery. */
  type: SqlType;
  /** Results of an uncorrelated subquery, kept for the statement. */
  cache?: Datum[][];
  correlated: boolean;
}

/** Hooks the compiler needs from the planner (subqueries, aggregates). */
export interface CompileContext {
  /** Plans a subquery with `scope` as its outer scope; returns its column types and whether it reads the outer scope. */
  planSubquery(stmt: Node, scope: Scope): { plan: unknown; types: SqlType[]; correlated: boolean };
  /** Set while compiling a grouped target list: aggregates and grouped columns resolve here. */
  grouping?: Grouping;
  /** Parameter types fixed by the caller (PREPARE ... (int, text)); others are unknown. */
  paramTypes: SqlType[];
  /** Parameter numbers the statement refers to (shared by every clause of a statement). */
  paramsSeen?: Set<number>;
  /** Sequence functions (nextval, currval, setval, lastval): the session resolves them at run time. */
  sequenceCall?: (name: string, args: Compiled[], location: number | undefined) => (row: Datum[], env: Env) => Promise<Datum>;
  /** The clause being compiled, for messages ("aggregate functions are not allowed in WHERE"). */
  clause?: string;
  /** Set by the compiler when an expression reads an outer scope. */
  touchedOuter?: boolean;
  /** Subqueries found in the expressions compiled, to run before them per row. */
  subplans: SubPlan[];
}

export interface Aggregate {
  name: string;
  args: Compiled[];
  star: boolean;
  distinct: boolean;
  filter: Compiled | null;
  type: SqlType;
}

/** Grouping: aggregate output rows are [group keys..., aggregate values...]. */
export interface Grouping {
  keys: Node[];
  keyTypes: SqlType[];
  /** Compiled against the input scope (to compute keys and aggregate arguments). */
  inputScope: Scope;
  aggregates: Aggregate[];
  /** While compiling an aggregate's own arguments (no nested aggregates, columns from the input). */
  inAggregate: boolean;
}

const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max', 'bool_and', 'bool_or', 'every', 'string_agg', 'array_agg']);

export const isAggregateName = (name: string): boolean => AGGREGATES.has(name);

function pos(location: number | undefined): { position?: number } {
  return location === undefined || location < 0 ? {} : { position: location + 1 };
}

const str = (n: Node): string => {
  if ('String' in n) return n.String.sval ?? '';
  throw new SqlError('XX000', 'expected a name');
};

const konst = (type: SqlType, value: Datum): Compiled => ({ type, eval: () => value, constant: { value } });

/** Removes parser locations so that two expressions can be compared structurally (GROUP BY matching). */
export function exprKey(n: unknown): string {
  return JSON.stringify(n, (k, v: unknown) => (k === 'location' ? undefined : v));
}

export function compileExpr(node: Node, scope: Scope, cc: CompileContext): Compiled {
  const g = cc.grouping;
  if (g && !g.inAggregate) {
    // Grouped context: an expression equal to a GROUP BY key reads that key.
    const key = exprKey(node);
    const i = g.keys.findIndex((k) => exprKey(k) === key);
    if (i >= 0) {
      const type = g.keyTypes[i]!;
      return { type, eval: (row) => row[i]! };
    }
  }
  if ('A_Const' in node) return compileConst(node.A_Const);
  if ('ColumnRef' in node) return compileColumnRef(node.ColumnRef, scope, cc);
  if ('ParamRef' in node) {
    const n = node.ParamRef.number ?? 0;
    cc.paramsSeen?.add(n);
    const type = cc.paramTypes[n - 1] ?? Types.unknown;
    const idx = n - 1;
    if (type.oid === TypeOid.unknown) return { type, eval: (_r, env) => paramValue(env, idx, n), param: n };
    return { type, eval: (_r, env) => paramInput(env, idx, n, type), param: n };
  }
  if ('TypeCast' in node) {
    const tc = node.TypeCast;
    const target = typeFromTypeName(tc.typeName);
    const arg = compileExpr(tc.arg!, scope, cc);
    return coerce(arg, target, 'explicit', tc.location);
  }
  if ('A_Expr' in node) return compileAExpr(node.A_Expr, scope, cc);
  if ('BoolExpr' in node) return compileBool(node.BoolExpr, scope, cc);
  if ('NullTest' in node) {
    const arg = compileExpr(node.NullTest.arg!, scope, cc);
    const isNull = node.NullTest.nulltesttype === 'IS_NULL';
    return { type: Types.bool, eval: (r, e) => (arg.eval(r, e) === null) === isNull };
  }
  if ('BooleanTest' in node) {
    const arg = coerce(compileExpr(node.BooleanTest.arg!, scope, cc), Types.bool, 'implicit', undefined);
    const t = node.BooleanTest.booltesttype;
    return {
      type: Types.bool,
      eval: (r, e) => {
        const v = arg.eval(r, e);
        switch (t) {
          case 'IS_TRUE':
            return v === true;
          case 'IS_NOT_TRUE':
            return v !== true;
          case 'IS_FALSE':
            return v === false;
          case 'IS_NOT_FALSE':
            return v !== false;
          case 'IS_UNKNOWN':
            return v === null;
          default:
            return v !== null;
        }
      },
    };
  }
  if ('CaseExpr' in node) return compileCase(node.CaseExpr, scope, cc);
  if ('CoalesceExpr' in node) {
    const args = (node.CoalesceExpr.args ?? []).map((a) => compileExpr(a, scope, cc));
    const type = commonType(
      args.map((a) => a.type),
      'COALESCE',
    );
    const cargs = args.map((a) => coerce(a, type, 'implicit', undefined));
    return {
      type,
      eval: (r, e) => {
        for (const a of cargs) {
          const v = a.eval(r, e);
          if (v !== null) return v;
        }
        return null;
      },
    };
  }
  if ('MinMaxExpr' in node) {
    const args = (node.MinMaxExpr.args ?? []).map((a) => compileExpr(a, scope, cc));
    const type = commonType(
      args.map((a) => a.type),
      node.MinMaxExpr.op === 'IS_GREATEST' ? 'GREATEST' : 'LEAST',
    );
    const cargs = args.map((a) => coerce(a, type, 'implicit', undefined));
    const sign = node.MinMaxExpr.op === 'IS_GREATEST' ? 1 : -1;
    return {
      type,
      eval: (r, e) => {
        let best: Datum = null;
        for (const a of cargs) {
          const v = a.eval(r, e);
          if (v !== null && (best === null || compare(type, v, best) * sign > 0)) best = v;
        }
        return best;
      },
    };
  }
  if ('FuncCall' in node) return compileFuncCall(node.FuncCall, scope, cc);
  if ('SubLink' in node) return compileSubLink(node.SubLink, scope, cc);
  if ('SQLValueFunction' in node) return compileSqlValueFunction(node.SQLValueFunction.op ?? '');
  if ('ResTarget' in node) return compileExpr(node.ResTarget.val!, scope, cc);
  const kind = Object.keys(node)[0] ?? 'unknown';
  throw new SqlError('0A000', `expression type ${kind} is not supported`);
}

export function exprLoc(n: Node): number | undefined {
  if ('TypeCast' in n && (n.TypeCast.location ?? -1) < 0 && n.TypeCast.arg) return exprLoc(n.TypeCast.arg); // date '...': the literal
  return (Object.values(n)[0] as { location?: number } | undefined)?.location;
}

/** select_common_type with the position of the first expression that does not fit, as PostgreSQL reports it. */
export function commonTypeAt(items: Array<{ type: SqlType; location: number | undefined }>, context: string): SqlType {
  try {
    return commonType(
      items.map((i) => i.type),
      context,
    );
  } catch (err) {
    if (!(err instanceof SqlError) || err.fields.position !== undefined) throw err;
    for (let k = 2; k <= items.length; k++) {
      try {
        commonType(
          items.slice(0, k).map((i) => i.type),
          context,
        );
      } catch (inner) {
        if (inner instanceof SqlError) throw new SqlError(inner.sqlstate, inner.message, { ...inner.fields, ...pos(items[k - 1]!.location) });
        throw inner;
      }
    }
    throw err;
  }
}

/** Runs f; an error it raises without a position gets `location`. */
export function withPos<T>(f: () => T, location: number | undefined): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof SqlError && err.fields.position === undefined && location !== undefined) throw new SqlError(err.sqlstate, err.message, { ...err.fields, ...pos(location) });
    throw err;
  }
}

function paramValue(env: Env, idx: number, n: number): Datum {
  if (idx >= env.params.length) throw new SqlError('08P01', `there is no parameter $${n}`);
  return env.params[idx] ?? null;
}

function paramInput(env: Env, idx: number, n: number, type: SqlType): Datum {
  const v = paramValue(env, idx, n);
  return v === null ? null : input(type, String(v), env.typeCtx);
}

function compileConst(c: Extract<Node, { A_Const: unknown }>['A_Const']): Compiled {
  const k = compileConstValue(c);
  return c.location === undefined ? k : { ...k, location: c.location };
}

function compileConstValue(c: Extract<Node, { A_Const: unknown }>['A_Const']): Compiled {
  if (c.isnull) return konst(Types.unknown, null);
  if (c.ival !== undefined) return konst(Types.int4, c.ival.ival ?? 0);
  if (c.fval !== undefined) {
    const text = c.fval.fval ?? '0';
    if (/^-?\d+$/.test(text)) {
      // make_const: an integer literal too big for the lexer's int4 (or negated by the grammar) is int4 if it fits, else int8.
      const big = BigInt(text);
      if (big >= -2147483648n && big <= 2147483647n) return konst(Types.int4, Number(big));
      if (big >= -9223372036854775808n && big <= 9223372036854775807n) return konst(Types.int8, big);
    }
    return konst(Types.numeric, input(Types.numeric, text, { timeZone: 'UTC' }));
  }
  if (c.boolval !== undefined) return konst(Types.bool, c.boolval.boolval ?? false);
  if (c.sval !== undefined) return konst(Types.unknown, c.sval.sval ?? '');
  if (c.bsval !== undefined) return konst(Types.unknown, c.bsval.bsval ?? '');
  return konst(Types.int4, 0); // protobuf leaves a zero integer empty
}

function compileColumnRef(ref: Extract<Node, { ColumnRef: unknown }>['ColumnRef'], scope: Scope, cc: CompileContext): Compiled {
  const fields = (ref.fields ?? []).map((f) => ('A_Star' in f ? '*' : str(f)));
  if (fields.includes('*')) throw new SqlError('42601', '"*" is not allowed here', pos(ref.location));
  const g = cc.grouping;
  const lookupScope = g && g.inAggregate ? g.inputScope : scope;
  if (g && !g.inAggregate) {
    // A column of the grouped input that is not a GROUP BY key.
    const hit = g.inputScope.resolve(fields, ref.location);
    if (hit.up === 0) {
      const col = g.inputScope.columns[hit.index]!;
      throw new SqlError('42803', `column "${col.range}.${col.name}" must appear in the GROUP BY clause or be used in an aggregate function`, pos(ref.location));
    }
  }
  const { up, index, type } = lookupScope.resolve(fields, ref.location);
  if (up === 0) return { type, eval: (row) => row[index]!, column: index };
  cc.touchedOuter = true;
  const level = up - 1;
  return { type, eval: (_row, env) => env.outer[level]![index]! };
}

export function typeFromTypeName(tn: { names?: Node[]; typmods?: Node[]; arrayBounds?: Node[] } | undefined): SqlType {
  if (!tn) throw new SqlError('XX000', 'missing type name');
  if (tn.arrayBounds && tn.arrayBounds.length > 0) throw new SqlError('0A000', 'array types are not supported');
  const names = (tn.names ?? []).map(str);
  const location = (tn as { location?: number }).location;
  const mods = (tn.typmods ?? []).map((m) => {
    if ('A_Const' in m && m.A_Const.ival) return m.A_Const.ival.ival ?? 0;
    if ('A_Const' in m && m.A_Const.ival === undefined && m.A_Const.sval === undefined && m.A_Const.fval === undefined) return 0;
    throw new SqlError('42601', 'type modifiers must be simple constants or identifiers');
  });
  try {
    return resolveTypeName(names, mods);
  } catch (err) {
    if (err instanceof SqlError && err.fields.position === undefined && location !== undefined) throw new SqlError(err.sqlstate, err.message, { ...err.fields, ...pos(location) });
    throw err;
  }
}

export type CoercionContext = 'implicit' | 'assignment' | 'explicit';

/** coerce_type: constants of unknown type are read as the target type at compile time; other values cast per row. */
export function coerce(e: Compiled, to: SqlType, context: CoercionContext, location: number | undefined): Compiled {
  if (e.type.oid === to.oid && (e.type.typmod === to.typmod || to.typmod < 0)) return e;
  const from = e.type;
  const explicit = context === 'explicit';
  location = e.location ?? location;
  if (e.constant) {
    const v = e.constant.value;
    let out: Datum;
    if (v === null) out = null;
    else if (from.oid !== TypeOid.unknown) out = castDatum(v, from, to, { timeZone: 'UTC' }, explicit);
    else {
      const base = { ...to, typmod: -1 };
      try {
        out = to.oid === TypeOid.unknown ? String(v) : input(base, String(v), { timeZone: 'UTC' });
      } catch (err) {
        // Reading a literal: the error points at it (parser_errposition in PostgreSQL's coerce_type).
        if (err instanceof SqlError && location !== undefined && err.fields.position === undefined)
          throw new SqlError(err.sqlstate, err.message, { ...err.fields, ...pos(location) });
        throw err;
      }
      if (to.typmod >= 0 && out !== null) out = castDatum(out, base, to, { timeZone: 'UTC' }, explicit);
    }
    // Time-zone dependent inputs are read per execution, in the session's zone.
    if (from.oid === TypeOid.unknown && v !== null && zoneDependent(to)) {
      const text = String(v);
      return { type: to, eval: (_r, env) => castUnknownIn(text, to, explicit, env.typeCtx) };
    }
    return { ...konst(to, out), column: undefined };
  }
  if (from.oid === TypeOid.unknown) {
    return {
      type: to,
      eval: (r, env) => {
        const v = e.eval(r, env);
        return v === null ? null : castUnknownIn(String(v), to, explicit, env.typeCtx);
      },
    };
  }
  return {
    type: to,
    eval: (r, env) => {
      const v = e.eval(r, env);
      return v === null ? null : castDatum(v, from, to, env.typeCtx, explicit);
    },
  };
}

function zoneDependent(t: SqlType): boolean {
  return t.oid === TypeOid.timestamptz || t.oid === TypeOid.date || t.oid === TypeOid.timestamp;
}

function castUnknownIn(text: string, to: SqlType, explicit: boolean, ctx: TypeContext): Datum {
  if (to.oid === TypeOid.unknown) return text;
  const base = input({ ...to, typmod: -1 }, text, ctx);
  return to.typmod >= 0 ? castDatum(base, { ...to, typmod: -1 }, to, ctx, explicit) : base;
}

export function truth(v: Datum): boolean | null {
  if (v === null) return null;
  if (typeof v !== 'boolean') throw new SqlError('42804', 'argument of WHERE must be type boolean');
  return v;
}

function compileBool(b: Extract<Node, { BoolExpr: unknown }>['BoolExpr'], scope: Scope, cc: CompileContext): Compiled {
  const what = b.boolop === 'AND_EXPR' ? 'AND' : b.boolop === 'OR_EXPR' ? 'OR' : 'NOT';
  const args = (b.args ?? []).map((a) => requireBool(compileExpr(a, scope, cc), what));
  if (b.boolop === 'NOT_EXPR') {
    const a = args[0]!;
    return {
      type: Types.bool,
      eval: (r, e) => {
        const v = a.eval(r, e);
        return v === null ? null : !v;
      },
    };
  }
  const isAnd = b.boolop === 'AND_EXPR';
  return {
    type: Types.bool,
    eval: (r, e) => {
      let sawNull = false;
      for (const a of args) {
        const v = a.eval(r, e);
        if (v === null) sawNull = true;
        else if (v === !isAnd) return !isAnd;
      }
      return sawNull ? null : isAnd;
    },
  };
}

function requireBool(e: Compiled, what: string): Compiled {
  if (e.type.oid === TypeOid.bool) return e;
  if (e.type.oid === TypeOid.unknown) return coerce(e, Types.bool, 'implicit', undefined);
  throw new SqlError('42804', `argument of ${what} must be type boolean, not type ${e.type.name}`);
}

export function requireBoolClause(e: Compiled, clause: string, node?: Node): Compiled {
  if (e.type.oid === TypeOid.bool) return e;
  if (e.type.oid === TypeOid.unknown) return coerce(e, Types.bool, 'implicit', undefined);
  throw new SqlError('42804', `argument of ${clause} must be type boolean, not type ${e.type.name}`, node ? pos(exprLoc(node)) : {});
}

/** Resolves and compiles `left op right` (or a prefix operator when left is null). */
export function makeOperator(op: string, left: Compiled | null, right: Compiled, location: number | undefined): Compiled {
  const resolved = (() => {
    try {
      return lookupOperator(op, left ? left.type : null, right.type);
    } catch (err) {
      if (err instanceof SqlError && err.fields.position === undefined) throw new SqlError(err.sqlstate, err.message, { ...err.fields, ...pos(location) });
      throw err;
    }
  })();
  const r = coerce(right, resolved.rightArg, 'implicit', location);
  const fn = resolved.fn;
  if (!left) {
    return {
      type: resolved.result,
      eval: (row, e) => {
        const b = r.eval(row, e);
        return b === null ? null : fn(null, b, e.typeCtx);
      },
    };
  }
  const l = coerce(left, resolved.leftArg, 'implicit', location);
  if (l.constant && r.constant) {
    const a = l.constant.value;
    const b = r.constant.value;
    const out = a === null || b === null ? null : fn(a, b, { timeZone: 'UTC' });
    if (!zoneDependent(resolved.result)) return konst(resolved.result, out);
  }
  return {
    type: resolved.result,
    eval: (row, e) => {
      const a = l.eval(row, e);
      if (a === null) return null;
      const b = r.eval(row, e);
      return b === null ? null : fn(a, b, e.typeCtx);
    },
  };
}

function opName(names: Node[] | undefined): string {
  const parts = (names ?? []).map(str);
  return parts[parts.length - 1] ?? '';
}

function compileAExpr(a: Extract<Node, { A_Expr: unknown }>['A_Expr'], scope: Scope, cc: CompileContext): Compiled {
  const op = opName(a.name);
  const loc = a.location;
  switch (a.kind) {
    case 'AEXPR_OP': {
      const right = compileExpr(a.rexpr!, scope, cc);
      const left = a.lexpr ? compileExpr(a.lexpr, scope, cc) : null;
      return makeOperator(op, left, right, loc);
    }
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT': {
      const left = compileExpr(a.lexpr!, scope, cc);
      const right = compileExpr(a.rexpr!, scope, cc);
      const eq = makeOperator('=', { ...left, eval: (r) => r[0]! }, { ...right, eval: (r) => r[1]! }, loc);
      const distinctWanted = a.kind === 'AEXPR_DISTINCT';
      const l = left;
      const rr = right;
      return {
        type: Types.bool,
        eval: (row, e) => {
          const x = l.eval(row, e);
          const y = rr.eval(row, e);
          let same: boolean;
          if (x === null || y === null) same = x === null && y === null;
          else same = eq.eval([x, y], e) === true;
          return distinctWanted ? !same : same;
        },
      };
    }
    case 'AEXPR_NULLIF': {
      const left = compileExpr(a.lexpr!, scope, cc);
      const right = compileExpr(a.rexpr!, scope, cc);
      const eq = makeOperator('=', { ...left, eval: (r) => r[0]!, constant: undefined }, { ...right, eval: (r) => r[1]!, constant: undefined }, loc);
      return {
        type: left.type,
        eval: (row, e) => {
          const x = left.eval(row, e);
          if (x === null) return null;
          const y = right.eval(row, e);
          return y !== null && eq.eval([x, y], e) === true ? null : x;
        },
      };
    }
    case 'AEXPR_IN': {
      const left = compileExpr(a.lexpr!, scope, cc);
      const items = ('List' in a.rexpr! ? (a.rexpr.List.items ?? []) : [a.rexpr!]).map((n) => compileExpr(n, scope, cc));
      const type = commonType([left.type, ...items.map((i) => i.type)], 'IN');
      const l = coerce(left, type, 'implicit', loc);
      const values = items.map((i) => coerce(i, type, 'implicit', loc));
      const eq = makeOperator('=', { type, eval: (r) => r[0]! }, { type, eval: (r) => r[1]! }, loc);
      const negate = op === '<>';
      return {
        type: Types.bool,
        eval: (row, e) => {
          const x = l.eval(row, e);
          if (x === null) return null;
          let sawNull = false;
          for (const v of values) {
            const y = v.eval(row, e);
            const r = y === null ? null : eq.eval([x, y], e);
            if (r === true) return !negate;
            if (r === null) sawNull = true;
          }
          return sawNull ? null : negate;
        },
      };
    }
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE': {
      const ci = a.kind === 'AEXPR_ILIKE';
      const negate = op.startsWith('!');
      // x LIKE p ESCAPE e arrives as x ~~ like_escape(p, e).
      const r = a.rexpr!;
      let escape: Compiled | null = null;
      let patternNode = r;
      if ('FuncCall' in r && (r.FuncCall.funcname ?? []).map(str).pop() === 'like_escape') {
        patternNode = r.FuncCall.args![0]!;
        escape = coerce(compileExpr(r.FuncCall.args![1]!, scope, cc), Types.text, 'implicit', loc);
      }
      const rawLeft = compileExpr(a.lexpr!, scope, cc);
      const rawPattern = compileExpr(patternNode, scope, cc);
      const resolved = makeOperator(op, rawLeft, rawPattern, loc); // the operator must exist for these types
      if (!escape) return resolved;
      const left = coerce(rawLeft, Types.text, 'implicit', loc);
      const pattern = coerce(rawPattern, Types.text, 'implicit', loc);
      const esc = escape;
      return {
        type: Types.bool,
        eval: (row, e) => {
          const s = left.eval(row, e);
          if (s === null) return null;
          const p = pattern.eval(row, e);
          if (p === null) return null;
          const x = esc.eval(row, e);
          if (x === null) return null;
          const m = likeMatch(String(s), String(p), ci, String(x));
          return negate ? !m : m;
        },
      };
    }
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN':
    case 'AEXPR_BETWEEN_SYM':
    case 'AEXPR_NOT_BETWEEN_SYM': {
      const x = compileExpr(a.lexpr!, scope, cc);
      const bounds = 'List' in a.rexpr! ? (a.rexpr.List.items ?? []) : [];
      const lo = compileExpr(bounds[0]!, scope, cc);
      const hi = compileExpr(bounds[1]!, scope, cc);
      const ge = makeOperator('>=', x, lo, loc);
      const le = makeOperator('<=', x, hi, loc);
      const sym = a.kind.endsWith('_SYM');
      const ge2 = sym ? makeOperator('>=', x, hi, loc) : null;
      const le2 = sym ? makeOperator('<=', x, lo, loc) : null;
      const negate = a.kind.startsWith('AEXPR_NOT');
      const and3 = (p: Datum, q: Datum): Datum => (p === false || q === false ? false : p === null || q === null ? null : true);
      return {
        type: Types.bool,
        eval: (row, e) => {
          let v = and3(ge.eval(row, e), le.eval(row, e));
          if (sym && v !== true) {
            const w = and3(ge2!.eval(row, e), le2!.eval(row, e));
            v = v === false ? w : w === true ? true : null;
          }
          return v === null ? null : negate ? !v : v;
        },
      };
    }
    default:
      throw new SqlError('0A000', `operator kind ${a.kind ?? ''} is not supported`, pos(loc));
  }
}

function compileCase(c: Extract<Node, { CaseExpr: unknown }>['CaseExpr'], scope: Scope, cc: CompileContext): Compiled {
  const arg = c.arg ? compileExpr(c.arg, scope, cc) : null;
  const whens = (c.args ?? []).map((w) => {
    if (!('CaseWhen' in w)) throw new SqlError('XX000', 'bad CASE');
    const cond = arg ? null : requireBoolClause(compileExpr(w.CaseWhen.expr!, scope, cc), 'CASE/WHEN');
    return { cond, result: compileExpr(w.CaseWhen.result!, scope, cc) };
  });
  const def = c.defresult ? compileExpr(c.defresult, scope, cc) : konst(Types.unknown, null);
  // transformCaseExpr puts the ELSE result first when it resolves the common type.
  const resultNodes = (c.args ?? []).map((w) => (w as { CaseWhen: { result: Node } }).CaseWhen.result);
  const type = commonTypeAt(
    [{ type: def.type, location: c.defresult ? exprLoc(c.defresult) : undefined }, ...whens.map((w, i) => ({ type: w.result.type, location: exprLoc(resultNodes[i]!) }))],
    'CASE',
  );
  const results = whens.map((w) => coerce(w.result, type, 'implicit', c.location));
  const dflt = coerce(def, type, 'implicit', c.location);
  if (arg) {
    // CASE x WHEN v: compare the argument with each value (values compiled without columns are constants; others need the row).
    const values = (c.args ?? []).map((w) => ('CaseWhen' in w ? compileExpr(w.CaseWhen.expr!, scope, cc) : null)!);
    const eqs = values.map((v) => makeOperator('=', { ...arg, eval: (r) => r[0]!, constant: undefined }, { ...v, eval: (r) => r[1]!, constant: undefined }, c.location));
    return {
      type,
      eval: (row, e) => {
        const x = arg.eval(row, e);
        for (let i = 0; i < eqs.length; i++) {
          if (x !== null) {
            const y = values[i]!.eval(row, e);
            if (y !== null && eqs[i]!.eval([x, y], e) === true) return results[i]!.eval(row, e);
          }
        }
        return dflt.eval(row, e);
      },
    };
  }
  return {
    type,
    eval: (row, e) => {
      for (let i = 0; i < whens.length; i++) if (whens[i]!.cond!.eval(row, e) === true) return results[i]!.eval(row, e);
      return dflt.eval(row, e);
    },
  };
}

function compileFuncCall(f: Extract<Node, { FuncCall: unknown }>['FuncCall'], scope: Scope, cc: CompileContext): Compiled {
  const names = (f.funcname ?? []).map(str);
  const name = names[names.length - 1]!.toLowerCase();
  if (AGGREGATES.has(name) && !f.over) return compileAggregate(name, f, scope, cc);
  if (f.over) throw new SqlError('0A000', 'window functions are not supported', pos(f.location));
  const args = (f.args ?? []).map((a) => compileExpr(a, scope, cc));
  if (name === 'current_setting' || name === 'set_config') return compileSettingFunction(name, args, f.location);
  if ((name === 'nextval' || name === 'currval' || name === 'setval' || name === 'lastval') && cc.sequenceCall) {
    const sp: SubPlan = { kind: 'call', plan: null, type: Types.int8, correlated: true, call: cc.sequenceCall(name, args, f.location) };
    cc.subplans.push(sp);
    return { type: Types.int8, eval: () => subResult(sp)[0]![0]!, async: true };
  }
  const resolved = (() => {
    try {
      return lookupFunction(
        name,
        args.map((a) => a.type),
      );
    } catch (err) {
      if (err instanceof SqlError && err.fields.position === undefined) throw new SqlError(err.sqlstate, err.message, { ...err.fields, ...pos(f.location) });
      throw err;
    }
  })();
  const cargs = args.map((a, i) => coerce(a, resolved.argTypes[i] ?? a.type, 'implicit', f.location));
  const fn = resolved.fn;
  const strict = resolved.strict;
  return {
    type: resolved.result,
    eval: (row, e) => {
      const vals = cargs.map((a) => a.eval(row, e));
      if (strict && vals.some((v) => v === null)) return null;
      return fn(vals, e.typeCtx);
    },
  };
}

/** current_setting(name [, missing_ok]) and set_config(name, value, is_local): they read and change the session's settings. */
function compileSettingFunction(name: string, args: Compiled[], location: number | undefined): Compiled {
  const wantArgs = name === 'current_setting' ? [1, 2] : [3];
  if (!wantArgs.includes(args.length)) {
    throw new SqlError('42883', `function ${name}(${args.map((a) => a.type.name).join(', ')}) does not exist`, {
      ...pos(location),
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  const text = args.map((a, i) => coerce(a, name === 'set_config' && i === 2 ? Types.bool : i === 1 && name === 'current_setting' ? Types.bool : Types.text, 'implicit', location));
  return {
    type: Types.text,
    eval: (row, env) => {
      const v = text.map((a) => a.eval(row, env));
      if (!env.settings) throw new SqlError('0A000', `${name}() is not available here`);
      if (name === 'current_setting') {
        if (v[0] === null) return null;
        return env.settings.get(String(v[0]), v[1] === true);
      }
      if (v[0] === null) throw new SqlError('22004', 'SET requires parameter name');
      return env.settings.set(String(v[0]), v[1] === null ? '' : String(v[1]), v[2] === true);
    },
  };
}

function compileAggregate(name: string, f: Extract<Node, { FuncCall: unknown }>['FuncCall'], scope: Scope, cc: CompileContext): Compiled {
  const g = cc.grouping;
  if (!g) throw new SqlError('42803', `aggregate functions are not allowed in ${cc.clause ?? 'this context'}`, pos(f.location));
  if (g.inAggregate) throw new SqlError('42803', 'aggregate function calls cannot be nested', pos(f.location));
  g.inAggregate = true;
  let args: Compiled[];
  let filter: Compiled | null = null;
  try {
    args = (f.args ?? []).map((a) => compileExpr(a, g.inputScope, cc));
    if (f.agg_filter) filter = requireBoolClause(compileExpr(f.agg_filter, g.inputScope, cc), 'FILTER');
  } finally {
    g.inAggregate = false;
  }
  const star = f.agg_star === true;
  const type = aggregateType(name, args, f.location);
  if (name === 'sum' || name === 'avg') {
    if (args[0]!.type.oid === TypeOid.unknown) throw new SqlError('42725', `function ${name}(unknown) is not unique`, pos(f.location));
  }
  const agg: Aggregate = { name, args, star, distinct: f.agg_distinct === true, filter, type };
  const i = g.aggregates.length;
  g.aggregates.push(agg);
  const at = g.keys.length + i;
  return { type, eval: (row) => row[at]! };
}

function aggregateType(name: string, args: Compiled[], location: number | undefined): SqlType {
  const t = args[0]?.type;
  switch (name) {
    case 'count':
      return Types.int8;
    case 'sum':
      if (!t) break;
      if (t.oid === TypeOid.int2 || t.oid === TypeOid.int4) return Types.int8;
      if (t.oid === TypeOid.int8 || t.oid === TypeOid.numeric) return Types.numeric;
      if (t.oid === TypeOid.float4 || t.oid === TypeOid.float8 || t.oid === TypeOid.interval) return t.oid === TypeOid.float4 ? Types.float4 : { ...t, typmod: -1 };
      break;
    case 'avg':
      if (!t) break;
      if (t.oid === TypeOid.int2 || t.oid === TypeOid.int4 || t.oid === TypeOid.int8 || t.oid === TypeOid.numeric) return Types.numeric;
      if (t.oid === TypeOid.float4 || t.oid === TypeOid.float8) return Types.float8;
      if (t.oid === TypeOid.interval) return Types.interval;
      break;
    case 'min':
    case 'max':
      if (t) return t.oid === TypeOid.unknown ? Types.text : { ...t, typmod: -1 };
      break;
    case 'bool_and':
    case 'bool_or':
    case 'every':
      if (t && t.oid === TypeOid.bool) return Types.bool;
      break;
    case 'string_agg':
      if (args.length === 2) return Types.text;
      break;
  }
  throw new SqlError('42883', `function ${name}(${args.map((a) => a.type.name).join(', ')}) does not exist`, {
    ...pos(location),
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}

function compileSubLink(s: Extract<Node, { SubLink: unknown }>['SubLink'], scope: Scope, cc: CompileContext): Compiled {
  const planned = cc.planSubquery(s.subselect!, scope);
  const kind = s.subLinkType;
  if (kind === 'EXISTS_SUBLINK') {
    const sp: SubPlan = { kind: 'exists', plan: planned.plan, type: Types.bool, correlated: planned.correlated };
    cc.subplans.push(sp);
    return { type: Types.bool, eval: (_row, _e) => subResult(sp).length > 0, async: true };
  }
  if (kind === 'EXPR_SUBLINK') {
    if (planned.types.length !== 1) throw new SqlError('42601', 'subquery must return only one column', pos(s.location));
    const sp: SubPlan = { kind: 'scalar', plan: planned.plan, type: planned.types[0]!, correlated: planned.correlated };
    cc.subplans.push(sp);
    return {
      type: planned.types[0]!.oid === TypeOid.unknown ? Types.text : planned.types[0]!,
      eval: () => {
        const rows = subResult(sp);
        if (rows.length > 1) throw new SqlError('21000', 'more than one row returned by a subquery used as an expression');
        return rows.length === 0 ? null : rows[0]![0]!;
      },
      async: true,
    };
  }
  if (kind === 'ANY_SUBLINK' || kind === 'ALL_SUBLINK') {
    if (planned.types.length !== 1) throw new SqlError('42601', planned.types.length > 1 ? 'subquery has too many columns' : 'subquery has too few columns', pos(s.location));
    const op = s.operName ? opName(s.operName) : '=';
    const left = compileExpr(s.testexpr!, scope, cc);
    const sp: SubPlan = { kind: 'any', plan: planned.plan, type: planned.types[0]!, correlated: planned.correlated };
    cc.subplans.push(sp);
    const cmp = makeOperator(op, { ...left, eval: (r) => r[0]!, constant: undefined }, { type: planned.types[0]!, eval: (r) => r[1]! }, s.location);
    const all = kind === 'ALL_SUBLINK';
    return {
      type: Types.bool,
      eval: (row, e) => {
        const x = left.eval(row, e);
        const rows = subResult(sp);
        if (rows.length === 0) return all;
        if (x === null) return null;
        let sawNull = false;
        for (const r of rows) {
          const v = r[0] === null ? null : cmp.eval([x, r[0]!], e);
          if (v === null) sawNull = true;
          else if (v === !all) return !all;
        }
        return sawNull ? null : all;
      },
      async: true,
    };
  }
  throw new SqlError('0A000', `subquery type ${kind ?? ''} is not supported`, pos(s.location));
}

/** The current result of a subplan: set by the executor before the expression runs for a row. */
function subResult(sp: SubPlan): Datum[][] {
  if (!sp.cache) throw new SqlError('XX000', 'subquery evaluated before it ran');
  return sp.cache;
}

function compileSqlValueFunction(op: string): Compiled {
  switch (op) {
    case 'SVFOP_CURRENT_DATE':
      return { type: Types.date, eval: (_r, e) => castDatum(e.typeCtx.now ?? 0n, Types.timestamptz, Types.date, e.typeCtx, true) };
    case 'SVFOP_CURRENT_TIMESTAMP':
    case 'SVFOP_CURRENT_TIMESTAMP_N':
      return { type: Types.timestamptz, eval: (_r, e) => e.typeCtx.now ?? 0n };
    case 'SVFOP_LOCALTIMESTAMP':
    case 'SVFOP_LOCALTIMESTAMP_N':
      return { type: Types.timestamp, eval: (_r, e) => castDatum(e.typeCtx.now ?? 0n, Types.timestamptz, Types.timestamp, e.typeCtx, true) };
    case 'SVFOP_CURRENT_USER':
    case 'SVFOP_SESSION_USER':
    case 'SVFOP_USER':
    case 'SVFOP_CURRENT_ROLE':
      return { type: typeByName('name'), eval: (_r, e) => (e.typeCtx as TypeContext & { user?: string }).user ?? 'postgres' };
    case 'SVFOP_CURRENT_CATALOG':
      return { type: typeByName('name'), eval: (_r, e) => (e.typeCtx as TypeContext & { database?: string }).database ?? 'postgres' };
    case 'SVFOP_CURRENT_SCHEMA':
      return { type: typeByName('name'), eval: () => 'public' };
    default:
      throw new SqlError('0A000', `${op} is not supported`);
  }
}

/** `name` is shown as text (PostgreSQL's name type is not modelled). */
function typeByName(_name: string): SqlType {
  return Types.text;
}

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
