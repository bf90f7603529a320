/*
 * The system catalog (PostgreSQL's pg_class, pg_attribute, pg_index,
 * pg_constraint, pg_sequence rolled into one): one heap relation,
 * `pg_catalog.pg_class`, holding one tuple per relation of schema `public`
 * (its columns, indexes and constraints as JSON), with a unique index on the
 * name. Because the catalog is an ordinary heap relation, DDL is transactional
 * and crash-safe for free: a CREATE TABLE is an insert into it, a DROP a
 * delete, an ALTER an update, all WAL-logged and MVCC-visible like any row.
 *
 * Caching: each process keeps the committed catalog in memory (CatalogCache)
 * and reloads it when another process publishes an invalidation after a DDL
 * commit (PostgreSQL's sinval). A session's own uncommitted DDL is an overlay
 * on top (sql/session.ts), discarded on rollback.
 */
import type { StorageEngine } from '../storage/engine.ts';
import type { Ctid, Transaction } from '../storage/transaction.ts';
import { typeByOid } from './types/oids.ts';
import type { SqlType } from './types/oids.ts';

export const CATALOG_RELATION = 'pg_catalog.pg_class';
export const CATALOG_NAME_INDEX = 'pg_catalog.pg_class_relname_index';

export interface ColumnDef {
  name: string;
  type: SqlType;
  notNull: boolean;
  /** The DEFAULT expression as SQL text, re-parsed when used (PostgreSQL keeps it as a node tree). */
  defaultExpr: string | null;
  /** GENERATED ALWAYS / BY DEFAULT AS IDENTITY. */
  identity: 'always' | 'by default' | null;
  /** Dropped columns keep their place (attisdropped), so stored rows stay readable. */
  dropped?: boolean;
  /** What rows written before ADD COLUMN read for it (attmissingval; serialized datum). */
  missing?: unknown;
}

export interface IndexDef {
  /** The storage relation of the index. */
  relid: number;
  name: string;
  /** Column positions (0-based) in key order. */
  columns: number[];
  unique: boolean;
  primary: boolean;
  /** Made by a PRIMARY KEY / UNIQUE constraint (dropped with ALTER TABLE DROP CONSTRAINT, not DROP INDEX). */
  constraint: boolean;
}

export interface CheckDef {
  name: string;
  expr: string;
}

export interface TableDef {
  kind: 'table';
  /** The heap's storage relation id, also its OID. */
  relid: number;
  name: string;
  columns: ColumnDef[];
  indexes: IndexDef[];
  checks: CheckDef[];
}

export interface SequenceDef {
  kind: 'sequence';
  relid: number;
  name: string;
  increment: number;
  start: number;
  min: number;
  max: number;
  cycle: boolean;
  ownedBy: { table: string; column: string } | null;
}

export type RelationDef = TableDef | SequenceDef;

export interface CatalogEntry {
  def: RelationDef;
  ctid: Ctid;
}

/** The storage relations of the catalog itself, created at the first start. */
export interface CatalogRelations {
  heap: number;
  nameIndex: number;
}

export async function openCatalogRelations(engine: StorageEngine): Promise<CatalogRelations> {
  return { heap: await ensureRelation(engine, CATALOG_RELATION), nameIndex: await ensureRelation(engine, CATALOG_NAME_INDEX) };
}

async function ensureRelation(engine: StorageEngine, name: string): Promise<number> {
  const existing = await engine.relationId(name);
  if (existing !== null) return existing;
  try {
    return await engine.createRelation(name);
  } catch (err) {
    const again = await engine.relationId(name); // created by another process meanwhile
    if (again !== null) return again;
    throw err;
  }
}

/** The name index's key: the name's UTF-8 bytes in hex (bytewise order, as C collation). */
export const nameKey = (name: string): string => Buffer.from(name, 'utf8').toString('hex');

export function encodeDef(def: RelationDef): string {
  return JSON.stringify(def);
}

export function decodeDef(data: string): RelationDef {
  const raw = JSON.parse(data) as RelationDef;
  if (raw.kind === 'table') {
    for (const c of raw.columns) c.type = typeByOid(c.type.oid, c.type.typmod);
  }
  return raw;
}

/** Reads every catalog tuple a transaction sees. */
export async function readCatalog(tx: Transaction, rels: CatalogRelations): Promise<Map<string, CatalogEntry>> {
  const out = new Map<string, CatalogEntry>();
  for await (const t of tx.scan(rels.heap)) {
    const def = decodeDef(t.data);
    out.set(def.name, { def, ctid: t.ctid });
  }
  return out;
}

/**
 * The committed catalog as this process last read it. `version` counts
 * invalidations received; a reload happens at the next lookup after one.
 */
export class CatalogCache {
  private entries: Map<string, CatalogEntry> | null = null;
  private loading: Promise<Map<string, CatalogEntry>> | null = null;
  private generation = 0;

  constructor(
    private readonly engine: StorageEngine,
    readonly rels: CatalogRelations,
  ) {}

  invalidate(): void {
    this.generation++;
    this.entries = null;
    this.loading = null;
  }

  async get(): Promise<Map<string, CatalogEntry>> {
    if (this.entries) return this.entries;
    if (!this.loading) {
      const generation = this.generation;
      const tx = this.engine.begin('read committed');
      this.loading = readCatalog(tx, this.rels).then((m) => {
        if (generation === this.generation) this.entries = m;
        return m;
      });
      this.loading.catch(() => (this.loading = null));
    }
    return this.loading;
  }
}
