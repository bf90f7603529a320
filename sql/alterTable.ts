/*
 * ALTER TABLE, RENAME and TRUNCATE (PostgreSQL's tablecmds.c, reduced).
 * Every change is a new version of the table's catalog tuple in the
 * session's transaction, so it commits or rolls back with it.
 *
 * Column layout: stored rows are arrays by column position, so a dropped
 * column keeps its position (attisdropped) and an added one goes last; rows
 * written before ADD COLUMN lack it and read its `missing` value (the
 * DEFAULT evaluated once at ALTER time, PostgreSQL's attmissingval).
 *
 * TRUNCATE gives the table and its indexes new, empty storage (a new
 * relfilenode) in the transaction; the old storage is dropped after COMMIT,
 * the new after ROLLBACK.
 */
import type { AlterTableCmd, AlterTableStmt, Node, RenameStmt, TruncateStmt } from '@pgsql/types';
import { LockMode } from '../storage/lockManager.ts';
import type { CatalogEntry, CheckDef, ColumnDef, IndexDef, TableDef } from './catalog.ts';
import { buildIndex, columnsOf, storageName, uniqueName, updateDef } from './ddl.ts';
import type { DdlContext } from './ddl.ts';
import { SqlError } from './errors.ts';
import { typeFromTypeName } from './expr.ts';
import { decodeRow } from './plan.ts';
import { serializeDatum } from './types/index.ts';

const str = (n: Node): string => ('String' in n ? (n.String.sval ?? '') : '');

async function lookupTable(dc: DdlContext, name: string, missingOk: boolean): Promise<CatalogEntry | null> {
  const entry = (await dc.catalog()).get(name);
  if (entry && entry.def.kind === 'table') return entry;
  if (missingOk) {
    dc.notice({ severity: 'NOTICE', sqlstate: '00000', message: `relation "${name}" does not exist, skipping` });
    return null;
  }
  throw new SqlError('42P01', `relation "${name}" does not exist`);
}

function columnIndex(table: TableDef, name: string): number {
  return table.columns.findIndex((c) => c.name === name && !c.dropped);
}

function constraintNames(table: TableDef): Set<string> {
  return new Set([...table.indexes.filter((i) => i.constraint).map((i) => i.name), ...table.checks.map((c) => c.name)]);
}

export async function alterTable(stmt: AlterTableStmt, dc: DdlContext): Promise<void> {
  const name = stmt.relation!.relname!;
  const entry = await lookupTable(dc, name, stmt.missing_ok === true);
  if (!entry) return;
  await dc.tx.lockRelation(entry.def.relid, LockMode.AccessExclusiveLock, { relationName: name });
  let table = structuredClone(entry.def) as TableDef;
  for (const c of stmt.cmds ?? []) {
    if (!('AlterTableCmd' in c)) continue;
    table = await alterCmd(c.AlterTableCmd, table, dc);
  }
  dc.validate(table);
  await updateDef(dc, entry, table);
}

async function alterCmd(cmd: AlterTableCmd, table: TableDef, dc: DdlContext): Promise<TableDef> {
  switch (cmd.subtype) {
    case 'AT_AddColumn':
      return addColumn(cmd, table, dc);
    case 'AT_DropColumn': {
      const i = columnIndex(table, cmd.name!);
      if (i < 0) {
        if (cmd.missing_ok) {
          dc.notice({ severity: 'NOTICE', sqlstate: '00000', message: `column "${cmd.name!}" of relation "${table.name}" does not exist, skipping` });
          return table;
        }
        throw new SqlError('42703', `column "${cmd.name!}" of relation "${table.name}" does not exist`);
      }
      // Indexes and checks on the column go with it (PostgreSQL drops them as dependent objects).
      for (const idx of table.indexes.filter((x) => x.columns.includes(i))) dc.dropped(idx.relid);
      const colName = table.columns[i]!.name;
      return {
        ...table,
        columns: table.columns.map((c, k) => (k === i ? { ...c, dropped: true, name: `........pg.dropped.${k + 1}........`, notNull: false } : c)),
        indexes: table.indexes.filter((x) => !x.columns.includes(i)),
        checks: table.checks.filter((ch) => !columnsOf(JSON.parse(ch.expr)).includes(colName)),
      };
    }
    case 'AT_ColumnDefault': {
      const i = requireColumn(table, cmd.name!);
      return { ...table, columns: table.columns.map((c, k) => (k === i ? { ...c, defaultExpr: cmd.def ? JSON.stringify(cmd.def) : null } : c)) };
    }
    case 'AT_SetNotNull': {
      const i = requireColumn(table, cmd.name!);
      for await (const t of dc.tx.scan(table.relid)) {
        if (decodeRow(table, t.data)[i] === null)
          throw new SqlError('23502', `column "${cmd.name!}" of relation "${table.name}" contains null values`, { table: table.name, column: cmd.name! });
      }
      return { ...table, columns: table.columns.map((c, k) => (k === i ? { ...c, notNull: true } : c)) };
    }
    case 'AT_DropNotNull': {
      const i = requireColumn(table, cmd.name!);
      if (table.indexes.some((x) => x.primary && x.columns.includes(i))) throw new SqlError('42P16', `column "${cmd.name!}" is in a primary key`);
      return { ...table, columns: table.columns.map((c, k) => (k === i ? { ...c, notNull: false } : c)) };
    }
    case 'AT_AddConstraint':
      return addConstraint(cmd.def!, table, dc);
    case 'AT_DropConstraint': {
      const n = cmd.name!;
      const idx = table.indexes.find((x) => x.constraint && x.name === n);
      if (idx) {
        dc.dropped(idx.relid);
        return { ...table, indexes: table.indexes.filter((x) => x !== idx) };
      }
      if (table.checks.some((c) => c.name === n)) return { ...table, checks: table.checks.filter((c) => c.name !== n) };
      if (cmd.missing_ok) {
        dc.notice({ severity: 'NOTICE', sqlstate: '00000', message: `constraint "${n}" of relation "${table.name}" does not exist, skipping` });
        return table;
      }
      throw new SqlError('42704', `constraint "${n}" of relation "${table.name}" does not exist`);
    }
    default:
      throw new SqlError('0A000', `ALTER TABLE ${String(cmd.subtype).replace(/^AT_/, '')} is not supported`);
  }
}

function requireColumn(table: TableDef, name: string): number {
  const i = columnIndex(table, name);
  if (i < 0) throw new SqlError('42703', `column "${name}" of relation "${table.name}" does not exist`);
  return i;
}

async function addColumn(cmd: AlterTableCmd, table: TableDef, dc: DdlContext): Promise<TableDef> {
  const def = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : null;
  if (!def) throw new SqlError('XX000', 'ADD COLUMN without a column definition');
  const colName = def.colname!;
  if (columnIndex(table, colName) >= 0) {
    if (cmd.missing_ok) {
      dc.notice({ severity: 'NOTICE', sqlstate: '42701', message: `column "${colName}" of relation "${table.name}" already exists, skipping` });
      return table;
    }
    throw new SqlError('42701', `column "${colName}" of relation "${table.name}" already exists`);
  }
  const col: ColumnDef = { name: colName, type: typeFromTypeName(def.typeName), notNull: false, defaultExpr: null, identity: null };
  const pending: Node[] = [];
  for (const c of def.constraints ?? []) {
    if (!('Constraint' in c)) continue;
    const k = c.Constraint;
    if (k.contype === 'CONSTR_NOTNULL') col.notNull = true;
    else if (k.contype === 'CONSTR_DEFAULT') col.defaultExpr = JSON.stringify(k.raw_expr);
    else if (k.contype === 'CONSTR_NULL') continue;
    else pending.push({ Constraint: { ...k, keys: [{ String: { sval: colName } }] } });
  }
  // Existing rows read the default as it is now (PostgreSQL's attmissingval).
  if (col.defaultExpr !== null) {
    const v = dc.evalDefault(col, col.defaultExpr);
    if (v !== null) col.missing = serializeDatum(col.type, v);
  }
  if (col.notNull && col.missing === undefined) {
    for await (const _ of dc.tx.scan(table.relid)) {
      throw new SqlError('23502', `column "${colName}" of relation "${table.name}" contains null values`, { table: table.name, column: colName });
    }
  }
  let next: TableDef = { ...table, columns: [...table.columns, col] };
  for (const k of pending) next = await addConstraint(k, next, dc);
  return next;
}

async function addConstraint(node: Node, table: TableDef, dc: DdlContext): Promise<TableDef> {
  if (!('Constraint' in node)) throw new SqlError('XX000', 'not a constraint');
  const k = node.Constraint;
  const taken = constraintNames(table);
  if (k.conname && taken.has(k.conname)) throw new SqlError('42710', `constraint "${k.conname}" for relation "${table.name}" already exists`);
  switch (k.contype) {
    case 'CONSTR_PRIMARY':
    case 'CONSTR_UNIQUE': {
      const primary = k.contype === 'CONSTR_PRIMARY';
      if (primary && table.indexes.some((x) => x.primary)) throw new SqlError('42P16', `multiple primary keys for table "${table.name}" are not allowed`);
      const names = (k.keys ?? []).map(str);
      const cols = names.map((n) => {
        const i = columnIndex(table, n);
        if (i < 0) throw new SqlError('42703', `column "${n}" named in key does not exist`);
        return i;
      });
      const catalogNames = new Set([...(await dc.catalog()).keys()]);
      for (const e of (await dc.catalog()).values()) if (e.def.kind === 'table') for (const i of e.def.indexes) catalogNames.add(i.name);
      const name = k.conname ?? uniqueName(primary ? `${table.name}_pkey` : `${table.name}_${names.join('_')}_key`, catalogNames);
      const relid = await dc.engine.createRelation(storageName(name));
      dc.created(relid);
      const idx: IndexDef = { relid, name, columns: cols, unique: true, primary, constraint: true };
      await buildIndex(dc, table, idx);
      return { ...table, indexes: [...table.indexes, idx], columns: primary ? table.columns.map((c, i) => (cols.includes(i) ? { ...c, notNull: true } : c)) : table.columns };
    }
    case 'CONSTR_CHECK': {
      const used = new Set(columnsOf(k.raw_expr));
      const only = used.size === 1 ? [...used][0] : null;
      const name = k.conname ?? uniqueName(only ? `${table.name}_${only}_check` : `${table.name}_check`, taken);
      const check: CheckDef = { name, expr: JSON.stringify(k.raw_expr) };
      for await (const t of dc.tx.scan(table.relid)) {
        if (dc.checkRow(table, check.expr, decodeRow(table, t.data)) === false) {
          throw new SqlError('23514', `check constraint "${name}" of relation "${table.name}" is violated by some row`, { table: table.name, constraint: name });
        }
      }
      return { ...table, checks: [...table.checks, check] };
    }
    default:
      throw new SqlError('0A000', `constraint ${k.contype ?? ''} is not supported`);
  }
}

/** ALTER TABLE ... RENAME TO / RENAME COLUMN. */
export async function renameObject(stmt: RenameStmt, dc: DdlContext): Promise<void> {
  const name = stmt.relation!.relname!;
  const entry = await lookupTable(dc, name, stmt.missing_ok === true);
  if (!entry) return;
  await dc.tx.lockRelation(entry.def.relid, LockMode.AccessExclusiveLock, { relationName: name });
  const table = entry.def as TableDef;
  const newName = stmt.newname!;
  if (stmt.renameType === 'OBJECT_TABLE') {
    if ((await dc.catalog()).has(newName)) throw new SqlError('42P07', `relation "${newName}" already exists`);
    await updateDef(dc, entry, { ...table, name: newName });
    return;
  }
  if (stmt.renameType === 'OBJECT_COLUMN') {
    const i = requireColumn(table, stmt.subname!);
    if (columnIndex(table, newName) >= 0) throw new SqlError('42701', `column "${newName}" of relation "${table.name}" already exists`);
    const old = stmt.subname!;
    // Stored expressions name columns: they follow the rename.
    const rename = (json: string) => JSON.stringify(renameColumnRefs(JSON.parse(json), old, newName));
    await updateDef(dc, entry, {
      ...table,
      columns: table.columns.map((c, k) => (k === i ? { ...c, name: newName } : c.defaultExpr ? { ...c, defaultExpr: rename(c.defaultExpr) } : c)),
      checks: table.checks.map((c) => ({ ...c, expr: rename(c.expr) })),
    });
    return;
  }
  throw new SqlError('0A000', `ALTER ${String(stmt.renameType).replace(/^OBJECT_/, '')} RENAME is not supported`);
}

function renameColumnRefs(n: unknown, from: string, to: string): unknown {
  if (Array.isArray(n)) return n.map((x) => renameColumnRefs(x, from, to));
  if (typeof n !== 'object' || n === null) return n;
  const o = n as Record<string, unknown>;
  if ('ColumnRef' in o) {
    const ref = o['ColumnRef'] as { fields?: Node[] };
    const fields = (ref.fields ?? []).map((f, i, all) => (i === all.length - 1 && 'String' in f && f.String.sval === from ? { String: { sval: to } } : f));
    return { ColumnRef: { ...ref, fields } };
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, renameColumnRefs(v, from, to)]));
}

/** TRUNCATE: new empty storage for each table and its indexes, in the transaction. */
export async function truncate(stmt: TruncateStmt, dc: DdlContext): Promise<void> {
  const entries: CatalogEntry[] = [];
  for (const r of stmt.relations ?? []) {
    if (!('RangeVar' in r)) continue;
    const e = await lookupTable(dc, r.RangeVar.relname!, false);
    entries.push(e!);
  }
  for (const entry of entries) {
    const table = entry.def as TableDef;
    await dc.tx.lockRelation(table.relid, LockMode.AccessExclusiveLock, { relationName: table.name });
    const relid = await dc.engine.createRelation(storageName(table.name));
    dc.created(relid);
    dc.dropped(table.relid);
    const indexes: IndexDef[] = [];
    for (const idx of table.indexes) {
      const irel = await dc.engine.createRelation(storageName(idx.name));
      dc.created(irel);
      dc.dropped(idx.relid);
      indexes.push({ ...idx, relid: irel });
    }
    await updateDef(dc, entry, { ...table, relid, indexes });
  }
}
