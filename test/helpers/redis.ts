/* A private redis-server per test, on a unix socket in a temp directory; never the shared one. */
import type { ExecutionContext } from 'ava';
import { startEmbeddedRedis } from '../../supervision/redisServer.ts';
import type { EmbeddedRedis } from '../../supervision/redisServer.ts';
import { tempDir } from './dirs.ts';

export async function privateRedis(t: ExecutionContext): Promise<EmbeddedRedis> {
  const redis = await startEmbeddedRedis(tempDir(t, 'agr-'));
  t.teardown(() => redis.kill());
  return redis;
}
