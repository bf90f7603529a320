/*
 * DDL (PostgreSQL's tablecmds.c / indexcmds.c, reduced): CREATE TABLE,
 * DROP TABLE, CREATE [UNIQUE] INDEX, DROP INDEX. A definition change is a
 * change of the table's catalog tuple in the session's transaction, so it
 * commits or rolls back with it. Storage relations are created at once and,
 * if the transaction aborts, dropped again; a dropped relation's storage goes
 * once the dropping transaction has committed (session.ts does both).
 */
import { randomUUID } from 'node:crypto';
import type { CreateSeqStmt, CreateStmt, DropStmt, IndexStmt, Node } from '@pgsql/types';
import { UniqueViolation } from '../storage/errors.ts';
import { LockMode } from '../storage/lockManager.ts';
import type { Transaction } from '../storage/transaction.ts';
import type { StorageEngine } from '../storage/engine.ts';
import { encodeDef, nameKey } from './catalog.ts';
import type { CatalogEntry, CatalogRelations, CheckDef, ColumnDef, IndexDef, RelationDef, SequenceDef, TableDef } from './catalog.ts';
import { typeByOid } from './types/oids.ts';
import { SqlError } from './errors.ts';
import type { Notice } from './errors.ts';
import { typeFromTypeName } from './expr.ts';
import { decodeRow } from './plan.ts';
import { encodeIndexKey, output } from './types/index.ts';
import type { Datum, TypeContext } from './types/index.ts';

const str = (n: Node): string => ('String' in n ? (n.String.sval ?? '') : '');
const pos = (location: number | undefined) => (location === undefined || location < 0 ? {} : { position: location + 1 });

/** What a DDL statement needs from its session. */
export interface DdlContext {
  engine: StorageEngine;
  tx: Transaction;
  rels: CatalogRelations;
  /** The catalog as this transaction sees it. */
  catalog(): Promise<Map<string, CatalogEntry>>;
  /** A storage relation made for this transaction: dropped again if it aborts. */
  created(relid: number): void;
  /** A storage relation to drop once this transaction commits. */
  dropped(relid: number): void;
  notice(n: Notice): void;
  /** The catalog changed in this transaction. */
  changed(): void;
  /** Compiles a table's defaults and checks: a bad expression fails the DDL (42703 ...). */
  validate(table: TableDef): void;
  /** Evaluates a check (JSON parser node) on a row: true, false or null. */
  checkRow(table: TableDef, expr: string, row: Datum[]): Datum;
  /** Evaluates a DEFAULT expression (JSON parser node) for a column. */
  evalDefault(column: ColumnDef, expr: string): Datum;
  typeCtx: TypeContext;
}

export const storageName = (name: string) => `public.${name}.${randomUUID().slice(0, 8)}`;

export async function insertDef(dc: DdlContext, def: RelationDef, location: number | undefined): Promise<void> {
  try {
    await dc.tx.insert(dc.rels.heap, encodeDef(def), [{ index: dc.rels.nameIndex, unique: true, key: nameKey(def.name) }]);
  } catch (err) {
    if (err instanceof UniqueViolation) throw new SqlError('42P07', `relation "${def.name}" already exists`, pos(location));
    throw err;
  }
  dc.changed();
}

export async function updateDef(dc: DdlContext, entry: CatalogEntry, def: RelationDef): Promise<void> {
  const r = await dc.tx.update(dc.rels.heap, entry.ctid, encodeDef(def), [{ index: dc.rels.nameIndex, unique: true, key: nameKey(def.name) }]);
  if (r.status !== 'done') throw new SqlError('40001', `could not serialize access due to concurrent update of relation "${def.name}"`);
  dc.changed();
}

export async function createTable(stmt: CreateStmt, dc: DdlContext): Promise<void> {
  const name = stmt.relation!.relname!;
  const location = stmt.relation!.location;
  if (stmt.relation!.schemaname && stmt.relation!.schemaname !== 'public') throw new SqlError('3F000', `schema "${stmt.relation!.schemaname}" does not exist`, pos(location));
  if ((await dc.catalog()).has(name)) {
    if (stmt.if_not_exists) {
      dc.notice({ severity: 'NOTICE', sqlstate: '42P07', message: `relation "${name}" already exists, skipping` });
      return;
    }
    throw new SqlError('42P07', `relation "${name}" already exists`);
  }
  const columns: ColumnDef[] = [];
  const sequences: Array<{ column: string; options: Node[]; type: number }> = [];
  const pending: Array<{ kind: 'primary' | 'unique'; cols: string[]; name: string | null; location?: number }> = [];
  const checks: CheckDef[] = [];
  const checkNames = new Set<string>();
  const checkName = (base: string) => {
    let n = base;
    for (let i = 1; checkNames.has(n); i++) n = `${base}${i}`;
    checkNames.add(n);
    return n;
  };
  const elts = stmt.tableElts ?? [];
  for (const e of elts) {
    if (!('ColumnDef' in e)) continue;
    const cd = e.ColumnDef;
    const colName = cd.colname!;
    if (columns.some((c) => c.name === colName)) throw new SqlError('42701', `column "${colName}" specified more than once`);
    const tn = (cd.typeName?.names ?? []).map(str);
    const last = tn[tn.length - 1] ?? '';
    const serial = tn.length === 1 ? SERIAL_TYPES[last] : undefined;
    const col: ColumnDef = { name: colName, type: serial ? typeByOid(serial) : typeFromTypeName(cd.typeName), notNull: false, defaultExpr: null, identity: null };
    if (serial) {
      // serial: an integer column, NOT NULL, DEFAULT nextval of a sequence it owns.
      col.notNull = true;
      sequences.push({ column: colName, options: [], type: col.type.oid });
    }
    for (const c of cd.constraints ?? []) {
      if (!('Constraint' in c)) continue;
      const k = c.Constraint;
      switch (k.contype) {
        case 'CONSTR_NOTNULL':
          col.notNull = true;
          break;
        case 'CONSTR_NULL':
          break;
        case 'CONSTR_DEFAULT':
          col.defaultExpr = JSON.stringify(k.raw_expr);
          break;
        case 'CONSTR_PRIMARY':
          col.notNull = true;
          pending.push({ kind: 'primary', cols: [colName], name: k.conname ?? null, location: k.location });
          break;
        case 'CONSTR_UNIQUE':
          pending.push({ kind: 'unique', cols: [colName], name: k.conname ?? null, location: k.location });
          break;
        case 'CONSTR_CHECK':
          checks.push({ name: k.conname ?? checkName(`${name}_${colName}_check`), expr: JSON.stringify(k.raw_expr) });
          break;
        case 'CONSTR_IDENTITY':
          col.notNull = true;
          col.identity = k.generated_when === 'a' ? 'always' : 'by default';
          sequences.push({ column: colName, options: k.options ?? [], type: col.type.oid });
          break;
        default:
          throw new SqlError('0A000', `constraint ${k.contype ?? ''} is not supported`, pos(k.location));
      }
    }
    columns.push(col);
  }
  for (const e of elts) {
    if (!('Constraint' in e)) continue;
    const k = e.Constraint;
    const cols = (k.keys ?? []).map(str);
    switch (k.contype) {
      case 'CONSTR_PRIMARY':
        pending.push({ kind: 'primary', cols, name: k.conname ?? null, location: k.location });
        for (const c of cols) {
          const col = columns.find((x) => x.name === c);
          if (!col) throw new SqlError('42703', `column "${c}" named in key does not exist`, pos(k.location));
          col.notNull = true;
        }
        break;
      case 'CONSTR_UNIQUE':
        pending.push({ kind: 'unique', cols, name: k.conname ?? null, location: k.location });
        break;
      case 'CONSTR_CHECK': {
        // As AddRelationNewConstraints: named after the column if the expression uses exactly one.
        const cols = new Set(columnsOf(k.raw_expr));
        const only = cols.size === 1 ? [...cols][0] : null;
        checks.push({ name: k.conname ?? checkName(only ? `${name}_${only}_check` : `${name}_check`), expr: JSON.stringify(k.raw_expr) });
        break;
      }
      default:
        throw new SqlError('0A000', `constraint ${k.contype ?? ''} is not supported`, pos(k.location));
    }
  }
  dc.validate({ kind: 'table', relid: 0, name, columns, indexes: [], checks });
  if (pending.filter((p) => p.kind === 'primary').length > 1)
    throw new SqlError('42P16', `multiple primary keys for table "${name}" are not allowed`, pos(pending.filter((p) => p.kind === 'primary')[1]!.location));
  const relid = await dc.engine.createRelation(storageName(name));
  dc.created(relid);
  const taken = new Set((await dc.catalog()).keys());
  for (const sq of sequences) {
    const seqName = uniqueName(`${name}_${sq.column}_seq`, taken);
    taken.add(seqName);
    const seq = sequenceDef(seqName, sq.options, sq.type, { table: name, column: sq.column });
    seq.relid = await dc.engine.createRelation(storageName(seqName));
    dc.created(seq.relid);
    await insertDef(dc, seq, undefined);
    const col = columns.find((c) => c.name === sq.column)!;
    col.defaultExpr = JSON.stringify({ FuncCall: { funcname: [{ String: { sval: 'nextval' } }], args: [{ A_Const: { sval: { sval: seqName } } }] } });
  }
  const table: TableDef = { kind: 'table', relid, name, columns, indexes: [], checks };
  const used = new Set<string>([name]);
  for (const p of pending) {
    const idxCols = p.cols.map((c) => {
      const i = columns.findIndex((x) => x.name === c);
      if (i < 0) throw new SqlError('42703', `column "${c}" named in key does not exist`, pos(p.location));
      return i;
    });
    const idxName = p.name ?? uniqueName(p.kind === 'primary' ? `${name}_pkey` : `${name}_${p.cols.join('_')}_key`, used);
    used.add(idxName);
    const irel = await dc.engine.createRelation(storageName(idxName));
    dc.created(irel);
    table.indexes.push({ relid: irel, name: idxName, columns: idxCols, unique: true, primary: p.kind === 'primary', constraint: true });
  }
  await insertDef(dc, table, location);
}

export function uniqueName(base: string, used: Set<string>): string {
  let n = base;
  for (let i = 1; used.has(n); i++) n = `${base}${i}`;
  return n;
}

export function columnsOf(n: unknown): string[] {
  if (Array.isArray(n)) return n.flatMap(columnsOf);
  if (typeof n !== 'object' || n === null) return [];
  const o = n as Record<string, unknown>;
  if ('ColumnRef' in o) {
    const f = (o['ColumnRef'] as { fields?: Node[] }).fields ?? [];
    const last = f[f.length - 1];
    return last ? [str(last)] : [];
  }
  return Object.values(o).flatMap(columnsOf);
}

export async function dropRelations(stmt: DropStmt, dc: DdlContext): Promise<void> {
  const kind = stmt.removeType === 'OBJECT_INDEX' ? 'index' : stmt.removeType === 'OBJECT_SEQUENCE' ? 'sequence' : 'table';
  if (stmt.removeType !== 'OBJECT_TABLE' && stmt.removeType !== 'OBJECT_INDEX' && stmt.removeType !== 'OBJECT_SEQUENCE')
    throw new SqlError('0A000', `DROP ${String(stmt.removeType).replace('OBJECT_', '')} is not supported`);
  const catalog = await dc.catalog();
  for (const obj of stmt.objects ?? []) {
    const parts = 'List' in obj ? (obj.List.items ?? []).map(str) : [str(obj)];
    const name = parts[parts.length - 1]!;
    if (kind === 'sequence') {
      const entry = catalog.get(name);
      if (!entry || entry.def.kind !== 'sequence') {
        if (stmt.missing_ok) {
          dc.notice({ severity: 'NOTICE', sqlstate: '00000', message: `sequence "${name}" does not exist, skipping` });
          continue;
        }
        throw new SqlError('42P01', `sequence "${name}" does not exist`);
      }
      const users = [...catalog.values()].filter((e) => e.def.kind === 'table' && e.def.columns.some((c) => c.defaultExpr?.includes(`"sval":"${name}"`)));
      if (users.length > 0 && stmt.behavior !== 'DROP_CASCADE') {
        const t = users[0]!.def as TableDef;
        const col = t.columns.find((c) => c.defaultExpr?.includes(`"sval":"${name}"`))!;
        throw new SqlError('2BP01', `cannot drop sequence ${name} because other objects depend on it`, {
          detail: `default value for column ${col.name} of table ${t.name} depends on sequence ${name}`,
          hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
        });
      }
      await dc.tx.delete(dc.rels.heap, entry.ctid);
      dc.changed();
      dc.dropped(entry.def.relid);
      continue;
    }
    if (kind === 'table') {
      const entry = catalog.get(name);
      if (!entry || entry.def.kind !== 'table') {
        if (stmt.missing_ok) {
          dc.notice({ severity: 'NOTICE', sqlstate: '00000', message: `table "${name}" does not exist, skipping` });
          continue;
        }
        throw new SqlError('42P01', `table "${name}" does not exist`);
      }
      await dc.tx.lockRelation(entry.def.relid, LockMode.AccessExclusiveLock, { relationName: name });
      const r = await dc.tx.delete(dc.rels.heap, entry.ctid);
      if (r.status !== 'done') throw new SqlError('40001', `could not serialize access due to concurrent update of relation "${name}"`);
      dc.changed();
      dc.dropped(entry.def.relid);
      for (const idx of entry.def.indexes) dc.dropped(idx.relid);
      // Sequences it owns (serial, identity) go with it.
      for (const e of catalog.values()) {
        if (e.def.kind === 'sequence' && e.def.ownedBy?.table === name) {
          await dc.tx.delete(dc.rels.heap, e.ctid);
          dc.dropped(e.def.relid);
        }
      }
      continue;
    }
    let found: { entry: CatalogEntry; table: TableDef; idx: IndexDef } | null = null;
    for (const entry of catalog.values()) {
      if (entry.def.kind !== 'table') continue;
      const idx = entry.def.indexes.find((i) => i.name === name);
      if (idx) found = { entry, table: entry.def, idx };
    }
    if (!found) {
      if (stmt.missing_ok) {
        dc.notice({ severity: 'NOTICE', sqlstate: '00000', message: `index "${name}" does not exist, skipping` });
        continue;
      }
      throw new SqlError('42704', `index "${name}" does not exist`);
    }
    if (found.idx.constraint) {
      throw new SqlError('2BP01', `cannot drop index ${name} because constraint ${name} on table ${found.table.name} requires it`, {
        hint: `You can drop constraint ${name} on table ${found.table.name} instead.`,
      });
    }
    await updateDef(dc, found.entry, { ...found.table, indexes: found.table.indexes.filter((i) => i !== found!.idx) });
    dc.dropped(found.idx.relid);
  }
}

export async function createIndex(stmt: IndexStmt, dc: DdlContext): Promise<void> {
  const tableName = stmt.relation!.relname!;
  const catalog = await dc.catalog();
  const entry = catalog.get(tableName);
  if (!entry || entry.def.kind !== 'table') throw new SqlError('42P01', `relation "${tableName}" does not exist`, pos(stmt.relation!.location));
  const table = entry.def;
  const cols = (stmt.indexParams ?? []).map((p) => {
    if (!('IndexElem' in p) || !p.IndexElem.name) throw new SqlError('0A000', 'expression indexes are not supported');
    const i = table.columns.findIndex((c) => c.name === p.IndexElem.name && !c.dropped);
    if (i < 0) throw new SqlError('42703', `column "${p.IndexElem.name}" does not exist`);
    return i;
  });
  const used = new Set<string>();
  for (const e of catalog.values()) {
    used.add(e.def.name);
    if (e.def.kind === 'table') for (const i of e.def.indexes) used.add(i.name);
  }
  const name = stmt.idxname ?? uniqueName(`${tableName}_${cols.map((c) => table.columns[c]!.name).join('_')}_idx`, used);
  if (used.has(name)) {
    if (stmt.if_not_exists) {
      dc.notice({ severity: 'NOTICE', sqlstate: '42P07', message: `relation "${name}" already exists, skipping` });
      return;
    }
    throw new SqlError('42P07', `relation "${name}" already exists`);
  }
  await dc.tx.lockRelation(table.relid, LockMode.ShareLock, { relationName: tableName });
  const irel = await dc.engine.createRelation(storageName(name));
  dc.created(irel);
  const idx: IndexDef = { relid: irel, name, columns: cols, unique: stmt.unique === true, primary: false, constraint: false };
  await buildIndex(dc, table, idx);
  await updateDef(dc, entry, { ...table, indexes: [...table.indexes, idx] });
}

/**
 * Fills a new index from the rows this transaction sees (CREATE INDEX, ADD
 * PRIMARY KEY / UNIQUE). A unique index refuses NULL-free duplicates (23505)
 * and a primary key any NULL (23502), as PostgreSQL's index build does.
 */
export async function buildIndex(dc: DdlContext, table: TableDef, idx: IndexDef): Promise<void> {
  const types = idx.columns.map((c) => ({ ...table.columns[c]!.type, typmod: -1 }));
  const members: string[] = [];
  const seen = new Set<string>();
  for await (const t of dc.tx.scan(table.relid)) {
    const row = decodeRow(table, t.data);
    const vals = idx.columns.map((c) => row[c]!);
    if (idx.primary) {
      const nullAt = idx.columns.find((c) => row[c] === null);
      if (nullAt !== undefined)
        throw new SqlError('23502', `column "${table.columns[nullAt]!.name}" of relation "${table.name}" contains null values`, {
          table: table.name,
          column: table.columns[nullAt]!.name,
        });
    }
    const key = encodeIndexKey(types, vals);
    if (idx.unique && vals.every((v) => v !== null)) {
      if (seen.has(key)) {
        const shown = idx.columns.map((c) => output(table.columns[c]!.type, row[c]!, dc.typeCtx)).join(', ');
        throw new SqlError('23505', `could not create unique index "${idx.name}"`, {
          detail: `Key (${idx.columns.map((c) => table.columns[c]!.name).join(', ')})=(${shown}) is duplicated.`,
          table: table.name,
          constraint: idx.name,
        });
      }
      seen.add(key);
    }
    members.push(`${key} ${t.ctid.blk}.${t.ctid.slot}`);
  }
  await dc.engine.indexAddEntries(idx.relid, members);
}

const SERIAL_TYPES: Record<string, number> = { serial: 23, serial4: 23, bigserial: 20, serial8: 20, smallserial: 21, serial2: 21 };

/** A sequence definition from CREATE SEQUENCE / identity options (START, INCREMENT, MINVALUE, MAXVALUE, CYCLE), with PostgreSQL's defaults for the type. */
export function sequenceDef(name: string, options: Node[], typeOid: number, ownedBy: { table: string; column: string } | null): SequenceDef {
  const typeMax = typeOid === 21 ? 32767 : typeOid === 23 ? 2147483647 : Number.MAX_SAFE_INTEGER;
  let increment = 1;
  let start: number | null = null;
  let min: number | null = null;
  let max: number | null = null;
  let cycle = false;
  for (const o of options) {
    if (!('DefElem' in o)) continue;
    const d = o.DefElem;
    const v = d.arg ? numberOf(d.arg) : null;
    switch (d.defname) {
      case 'increment':
        increment = v ?? 1;
        if (increment === 0) throw new SqlError('22023', 'INCREMENT must not be zero');
        break;
      case 'start':
        start = v;
        break;
      case 'minvalue':
        min = v;
        break;
      case 'maxvalue':
        max = v;
        break;
      case 'cycle':
        cycle = d.arg === undefined || ('Boolean' in d.arg ? d.arg.Boolean.boolval === true : v !== 0);
        break;
      case 'as':
        break;
      default:
        throw new SqlError('0A000', `sequence option ${d.defname ?? ''} is not supported`);
    }
  }
  min ??= increment > 0 ? 1 : -typeMax;
  max ??= increment > 0 ? typeMax : -1;
  start ??= increment > 0 ? min : max;
  if (start < min) throw new SqlError('22023', `START value (${start}) cannot be less than MINVALUE (${min})`);
  if (start > max) throw new SqlError('22023', `START value (${start}) cannot be greater than MAXVALUE (${max})`);
  return { kind: 'sequence', relid: 0, name, increment, start, min, max, cycle, ownedBy };
}

function numberOf(n: Node): number | null {
  if ('Integer' in n) return n.Integer.ival ?? 0;
  if ('Float' in n) return Number(n.Float.fval);
  if ('A_Const' in n) return n.A_Const.ival ? (n.A_Const.ival.ival ?? 0) : n.A_Const.fval ? Number(n.A_Const.fval.fval) : 0;
  if ('TypeName' in n) return null;
  return null;
}

export async function createSequence(stmt: CreateSeqStmt, dc: DdlContext): Promise<void> {
  const name = stmt.sequence!.relname!;
  if ((await dc.catalog()).has(name)) {
    if (stmt.if_not_exists) {
      dc.notice({ severity: 'NOTICE', sqlstate: '42P07', message: `relation "${name}" already exists, skipping` });
      return;
    }
    throw new SqlError('42P07', `relation "${name}" already exists`);
  }
  const seq = sequenceDef(name, stmt.options ?? [], 20, null);
  seq.relid = await dc.engine.createRelation(storageName(name));
  dc.created(seq.relid);
  await insertDef(dc, seq, stmt.sequence!.location);
}
