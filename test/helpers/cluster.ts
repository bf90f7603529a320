/* Clusters for tests: an initialized temp data directory, a quiet log, stopped at teardown. */
import type { ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { initDataDirectory, startCluster } from '../../index.ts';
import type { Cluster, ClusterOptions, ClusterStatus } from '../../index.ts';
import { tempDir } from './dirs.ts';

export const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', name);

export async function testCluster(t: ExecutionContext, opts: Omit<ClusterOptions, 'dataDir'> = {}): Promise<{ cluster: Cluster; dataDir: string }> {
  const dataDir = join(tempDir(t), 'data');
  initDataDirectory(dataDir);
  const lines: string[] = [];
  const cluster = await startCluster({ dataDir, workers: 2, log: (l) => void lines.push(l), ...opts });
  t.teardown(async () => {
    await cluster.stop({ mode: 'immediate' }).catch(() => undefined);
    if (!t.passed) t.log(lines.join('\n'));
  });
  return { cluster, dataDir };
}

/** redis-cli against the cluster's own Redis (embedded: its unix socket). */
export function redisCli(status: ClusterStatus, ...args: string[]): string {
  const addr = status.redis;
  const target = addr.startsWith('unix:') ? ['-s', addr.slice('unix:'.length)] : ['-u', addr];
  return execFileSync('redis-cli', [...target, ...args])
    .toString()
    .trim();
}

export function hash(status: ClusterStatus, key: string): Record<string, string> {
  const text = redisCli(status, 'HGETALL', key);
  const flat = text === '' ? [] : text.split('\n');
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}
