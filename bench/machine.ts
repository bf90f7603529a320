/*
 * Facts about the machine a benchmark runs on, shared by the benchmarks:
 * the filesystem under a path, the disk's fdatasync rate (the anchor for
 * commit rates), a process's CPU time, and percentiles.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // keep 100, Linux's usual USER_HZ
}

/** CPU seconds (user + system) used so far by process `pid`, from /proc; `gone` once it has exited. */
export function procCpuSeconds(pid: number, gone = NaN): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return gone;
  }
}

/** Filesystem type and device of the mount holding `path` (from /proc/mounts). */
export function mountOf(path: string): string {
  try {
    let best = { point: '', text: 'unknown filesystem' };
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [dev, point, type] = line.split(' ');
      if (!dev || !point || !type) continue;
      const inside = path === point || path.startsWith(point.endsWith('/') ? point : `${point}/`);
      if (inside && point.length >= best.point.length) best = { point, text: `${type} on ${dev} (mounted at ${point})` };
    }
    return best.text;
  } catch {
    return 'unknown filesystem';
  }
}

export async function fdatasyncRate(dir: string, append: boolean, ms: number): Promise<number> {
  const fh = await open(join(dir, append ? 'fsync-append' : 'fsync-overwrite'), 'w+');
  const buf = Buffer.alloc(8192, 0x5a);
  try {
    await fh.write(buf, 0, buf.length, 0);
    await fh.datasync();
    let offset = buf.length;
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms) {
      await fh.write(buf, 0, buf.length, append ? offset : 0);
      await fh.datasync();
      offset += buf.length;
      n++;
      t = performance.now();
    }
    return n / ((t - t0) / 1000);
  } finally {
    await fh.close();
  }
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}
