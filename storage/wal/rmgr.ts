/*
 * Resource managers: the kinds of WAL record and their payloads (PostgreSQL's
 * rmgrlist.h). The numbers must match storage/scripts/lib/wal.lua, where the
 * records are made; payloads are MessagePack (Redis's cmsgpack).
 */
import { decode } from '@msgpack/msgpack';

export const RM_XACT = 1;
export const RM_HEAP = 2;
export const RM_RELMAP = 3;
export const RM_XLOG = 4;

export const XACT_COMMIT = 1;
export const XACT_ABORT = 2;
export const HEAP_CHANGE = 1;
export const RELMAP_CREATE = 1;
export const RELMAP_DROP = 2;
export const XLOG_CHECKPOINT = 1;

/** One page touched by a heap record: item writes, or a full-page image (the page after the change). */
export interface HeapPageChange {
  rel: number;
  blk: number;
  kind: 'items' | 'image';
  items: Array<[slot: number, tuple: string]>;
}

export function decodeHeapChange(payload: Buffer, where: string): HeapPageChange[] {
  const pages = decode(payload);
  if (!Array.isArray(pages)) throw new Error(`${where}: heap record payload is not a list`);
  return pages.map((p: unknown) => {
    if (typeof p !== 'object' || p === null) throw new Error(`${where}: bad page entry`);
    const e = p as Record<string, unknown>;
    const image = e['i'];
    const sets = e['s'];
    const flat = image !== undefined ? image : sets;
    return { rel: num(e['r'], where), blk: num(e['b'], where), kind: image !== undefined ? 'image' : 'items', items: pairs(flat, where) };
  });
}

export function decodeRelmapCreate(payload: Buffer, where: string): { relid: number; name: string } {
  const m = decode(payload);
  if (typeof m !== 'object' || m === null) throw new Error(`${where}: bad relation record`);
  const e = m as Record<string, unknown>;
  if (typeof e['n'] !== 'string') throw new Error(`${where}: relation record without a name`);
  return { relid: num(e['r'], where), name: e['n'] };
}

/** A commit record's payload: the xids of its subtransactions that commit with it (empty: none). */
export function decodeXactCommit(payload: Buffer, where: string): number[] {
  if (payload.length === 0) return [];
  const m = decode(payload);
  if (!Array.isArray(m)) throw new Error(`${where}: commit record payload is not a list`);
  return m.map((x: unknown) => num(x, where));
}

export function decodeRelmapDrop(payload: Buffer, where: string): number {
  const m = decode(payload);
  if (typeof m !== 'object' || m === null) throw new Error(`${where}: bad relation record`);
  return num((m as Record<string, unknown>)['r'], where);
}

function num(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`${where}: expected an integer, got ${JSON.stringify(v)}`);
  return v;
}

/** A flat Lua list {slot, tuple, slot, tuple ...}; an empty Lua table may arrive as a map. */
function pairs(flat: unknown, where: string): Array<[number, string]> {
  if (flat === undefined || flat === null) return [];
  if (!Array.isArray(flat)) {
    if (typeof flat === 'object' && Object.keys(flat).length === 0) return [];
    throw new Error(`${where}: expected a list of items`);
  }
  const out: Array<[number, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const tuple: unknown = flat[i + 1];
    out.push([num(flat[i], where), typeof tuple === 'string' ? tuple : Buffer.isBuffer(tuple) ? tuple.toString('utf8') : String(tuple)]);
  }
  return out;
}
