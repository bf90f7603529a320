/*
 * Seeding shared memory after recovery: WAL positions, xid and relation
 * counters, the relation map and the CLOG go to Redis in one script, before
 * any backend or auxiliary actor starts. Pages are not loaded: they are read
 * from the data files on demand.
 */
import type { Redis } from 'ioredis';
import { replyInt } from './errors.ts';
import type { Keys } from './keys.ts';
import type { RecoveryResult } from './recovery.ts';
import { defineScripts } from './scripts.ts';

export async function seedSharedState(redis: Redis, keys: Keys, r: RecoveryResult, sharedBuffers: number): Promise<void> {
  const call = defineScripts(redis).get('seedSharedState');
  if (!call) throw new Error('Lua script seedSharedState is not loaded');
  const args: Array<string | number | Buffer> = [keys.prefix, r.endLsn, r.nextXid, r.nextRelId, sharedBuffers, r.relations.length];
  for (const rel of r.relations) args.push(rel.relid, rel.name, rel.nblocks);
  for (const [chunk, bytes] of r.clog) args.push(chunk, bytes);
  const reply = await call([keys.walInsert(), keys.walFlush(), keys.ckptRedo(), keys.xidNext(), keys.relidNext(), keys.rels()], args);
  if (replyInt(reply, 'seedSharedState') !== 1) throw new Error('seedSharedState failed');
}
