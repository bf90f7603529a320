/*
 * What every process that hosts SQL sessions shares (PostgreSQL's shared
 * per-backend caches, one per process here): the storage engine (one Redis
 * connection and one subscriber for all its sessions), the catalog's storage
 * relations, the committed catalog cache and the loaded parser.
 *
 * The cache drops itself when any process publishes a catalog invalidation
 * (after a DDL commit); a committing session invalidates its own process's
 * cache before its COMMIT returns, so it always sees its own DDL.
 */
import { StorageEngine } from '../storage/engine.ts';
import { CatalogCache, openCatalogRelations } from './catalog.ts';
import type { CatalogRelations } from './catalog.ts';
import { loadParser } from './parser.ts';

export interface SqlProcessOptions {
  dataDir: string;
  redisAddress: string;
  keyPrefix: string;
  name: string;
}

export class SqlProcess {
  private constructor(
    readonly engine: StorageEngine,
    readonly catalogRels: CatalogRelations,
    readonly catalog: CatalogCache,
  ) {}

  static async open(opts: SqlProcessOptions): Promise<SqlProcess> {
    await loadParser();
    const engine = await StorageEngine.open({ dataDir: opts.dataDir, redisAddress: opts.redisAddress, keyPrefix: opts.keyPrefix, name: opts.name });
    const rels = await openCatalogRelations(engine);
    const cache = new CatalogCache(engine, rels);
    engine.notifications.catalogInval$.subscribe(() => cache.invalidate());
    return new SqlProcess(engine, rels, cache);
  }

  /** After a DDL commit: this process's cache goes now, every other process's when the message arrives. */
  async catalogChanged(): Promise<void> {
    this.catalog.invalidate();
    await this.engine.guard(this.engine.redis.publish(this.engine.keys.catalogInvalChannel(), String(process.pid)));
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

const shared = new Map<string, Promise<SqlProcess>>();
const opened = new Map<string, SqlProcess>();

/** The process's SqlProcess for a cluster (one per data directory + key prefix), opened on first use. */
export function sqlProcess(opts: SqlProcessOptions): Promise<SqlProcess> {
  const key = `${opts.dataDir}\u0000${opts.redisAddress}\u0000${opts.keyPrefix}`;
  let p = shared.get(key);
  // After the crash-restart cycle the old engine belongs to lost shared memory: new sessions get a new one.
  if (p && opened.get(key)?.engine.notifications.lost) {
    const old = opened.get(key)!;
    opened.delete(key);
    p = undefined;
    void old.close().catch(() => undefined);
  }
  if (!p) {
    p = SqlProcess.open(opts);
    shared.set(key, p);
    p.then(
      (proc) => opened.set(key, proc),
      () => shared.delete(key),
    );
  }
  return p;
}

/** Closes this process's SqlProcesses of one cluster (its data directory): when it stops. */
export async function closeSqlProcesses(dataDir: string): Promise<void> {
  for (const [key, p] of [...shared.entries()]) {
    if (!key.startsWith(`${dataDir}\u0000`)) continue;
    shared.delete(key);
    opened.delete(key);
    await (await p.catch(() => null))?.close();
  }
}
