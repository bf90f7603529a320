/*
 * A storage rig without the actor runtime: a private Redis, a data directory,
 * recovery + seeding, one StorageEngine and a WAL flusher running beside it.
 */
import type { ExecutionContext } from 'ava';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { StorageEngine } from '../../storage/engine.ts';
import { recover } from '../../storage/recovery.ts';
import type { RecoveryResult } from '../../storage/recovery.ts';
import { seedSharedState } from '../../storage/sharedState.ts';
import { WalFlusher } from '../../storage/walFlush.ts';
import type { WalWriterOptions } from '../../storage/wal/segments.ts';
import { privateRedis } from './redis.ts';
import { tempDir } from './dirs.ts';

export const SEG = 1024 * 1024;

export interface StorageRig {
  dataDir: string;
  redisAddress: string;
  engine: StorageEngine;
  recovery: RecoveryResult;
  flusher: WalFlusher;
  stopFlusher: () => Promise<void>;
}

export async function storageRig(
  t: ExecutionContext,
  opts: { dataDir?: string; redisAddress?: string; wal?: WalWriterOptions; flusher?: boolean; sharedBuffers?: number } = {},
): Promise<StorageRig> {
  const dataDir = opts.dataDir ?? join(tempDir(t), 'data');
  mkdirSync(join(dataDir, 'global'), { recursive: true });
  const redisAddress = opts.redisAddress ?? `unix:${(await privateRedis(t)).socketPath}`;
  const recovery = await recover(dataDir, SEG, () => undefined);
  const engine = await StorageEngine.open({ dataDir, redisAddress, keyPrefix: 'ag:', name: 'test' });
  await seedSharedState(engine.redis, engine.keys, recovery, opts.sharedBuffers ?? 16384);
  const flusher = await WalFlusher.open(engine, SEG, opts.wal ?? {});
  const abort = new AbortController();
  const running = opts.flusher === false ? Promise.resolve() : flusher.run(abort.signal);
  let stopped = false;
  const stopFlusher = async () => {
    if (stopped) return;
    stopped = true;
    abort.abort();
    await running.catch(() => undefined);
    await flusher.close();
  };
  t.teardown(async () => {
    await stopFlusher();
    await engine.close();
  });
  return { dataDir, redisAddress, engine, recovery, flusher, stopFlusher };
}
