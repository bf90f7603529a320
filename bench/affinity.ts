/*
 * CPU affinity for benchmarks (taskset, util-linux): on a 2-vCPU machine a
 * round trip between two processes costs far more when the other core must
 * be woken, so benchmarks also measure with everything pinned to one CPU.
 */
import { execFileSync } from 'node:child_process';

/** A process's affinity mask (hex, as taskset prints it), or null without taskset. */
export function affinityMask(pid: number): string | null {
  try {
    const text = execFileSync('taskset', ['-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /mask:\s*([0-9a-f]+)/i.exec(text)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Sets the affinity of every thread of each process to `mask` (hex). */
export function setAffinity(pids: number[], mask: string): void {
  for (const pid of pids) execFileSync('taskset', ['-a', '-p', mask, String(pid)], { stdio: 'ignore' });
}

/** The lowest CPU in a mask, as a one-CPU mask. */
export function firstCpu(mask: string): { cpu: number; mask: string } {
  const bits = BigInt(`0x${mask}`);
  let cpu = 0;
  while (((bits >> BigInt(cpu)) & 1n) === 0n) cpu++;
  return { cpu, mask: (1n << BigInt(cpu)).toString(16) };
}
