/*
 * The relation map on disk (PostgreSQL's pg_filenode.map, much simplified):
 * relation ids and names, written by each checkpoint; recovery replays
 * relation-creation records on top.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from './durableFile.ts';

export interface RelMap {
  nextRelId: number;
  relations: Array<{ relid: number; name: string }>;
}

function path(dataDir: string): string {
  return join(dataDir, 'global', 'pg_relmap.json');
}

export async function readRelMap(dataDir: string): Promise<RelMap> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path(dataDir), 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'nextRelId' in parsed && 'relations' in parsed && Array.isArray(parsed.relations)) {
      const relations = parsed.relations.map((r: unknown) => {
        if (typeof r !== 'object' || r === null || !('relid' in r) || !('name' in r)) throw new Error(`${path(dataDir)}: bad relation entry`);
        return { relid: Number(r.relid), name: String(r.name) };
      });
      return { nextRelId: Number(parsed.nextRelId), relations };
    }
    throw new Error(`${path(dataDir)}: not a relation map`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { nextRelId: 1, relations: [] };
    throw err;
  }
}

export async function writeRelMap(dataDir: string, map: RelMap): Promise<void> {
  await writeFileDurably(path(dataDir), JSON.stringify(map, null, 1) + '\n');
}
