/*
 * Crash-safe replacement of a small file: write a temp file beside it, fsync
 * it, rename it over the target, fsync the directory. After a crash the
 * target holds either the old or the new contents, never a mix.
 */
import { open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncDirectory } from './pageFile.ts';

export async function writeFileDurably(path: string, data: Buffer | string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await syncDirectory(dirname(path));
}
