/* Temporary data directories for tests, short enough for unix socket paths. */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';

export function tempDir(t: ExecutionContext, prefix = 'ag-'): string {
  const dir = mkdtempSync(join('/tmp', prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
