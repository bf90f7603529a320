/*
 * Rebuilding indexes after a start (the startup process's last step): indexes
 * live only in shared memory (storage/scripts/lib/index.lua) and are not
 * written to disk, so after recovery has made the heap consistent, every
 * index is filled again from the versions that are live (no transaction runs
 * yet, so exactly those any future snapshot can see). Runs before the
 * postmaster accepts sessions.
 */
import type { StorageEngine } from '../storage/engine.ts';
import { CATALOG_NAME_INDEX, CATALOG_RELATION, decodeDef, nameKey } from './catalog.ts';
import { decodeRow } from './plan.ts';
import { encodeIndexKey } from './types/index.ts';

export interface RebuildReport {
  indexes: number;
  entries: number;
}

export async function rebuildIndexes(engine: StorageEngine): Promise<RebuildReport> {
  const heap = await engine.relationId(CATALOG_RELATION);
  const nameIndex = await engine.relationId(CATALOG_NAME_INDEX);
  if (heap === null || nameIndex === null) return { indexes: 0, entries: 0 }; // no SQL object was ever created
  const tx = engine.begin('repeatable read');
  const report: RebuildReport = { indexes: 1, entries: 0 };
  const names: string[] = [];
  const defs = [];
  for await (const t of tx.scan(heap)) {
    const def = decodeDef(t.data);
    names.push(`${nameKey(def.name)} ${t.ctid.blk}.${t.ctid.slot}`);
    defs.push(def);
  }
  await engine.indexAddEntries(nameIndex, names);
  report.entries += names.length;
  for (const def of defs) {
    if (def.kind !== 'table' || def.indexes.length === 0) continue;
    const members: string[][] = def.indexes.map(() => []);
    for await (const t of tx.scan(def.relid)) {
      const row = decodeRow(def, t.data);
      def.indexes.forEach((idx, i) => {
        const key = encodeIndexKey(
          idx.columns.map((c) => ({ ...def.columns[c]!.type, typmod: -1 })),
          idx.columns.map((c) => row[c]!),
        );
        members[i]!.push(`${key} ${t.ctid.blk}.${t.ctid.slot}`);
      });
    }
    for (let i = 0; i < def.indexes.length; i++) {
      await engine.indexAddEntries(def.indexes[i]!.relid, members[i]!);
      report.indexes++;
      report.entries += members[i]!.length;
    }
  }
  await tx.commit();
  return report;
}
