/*
 * Waiting on events and conditions, never on fixed sleeps. `until` re-checks
 * a condition on a short interval and fails with a message after a generous
 * deadline: the deadline is a hang guard, not a timing assertion.
 */
import { readFileSync } from 'node:fs';
import { firstValueFrom, filter, timeout } from 'rxjs';
import type { Observable } from 'rxjs';

export async function until<T>(what: string, check: () => T | undefined | null | false | Promise<T | undefined | null | false>, deadlineMs = 20_000, everyMs = 10): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function nextEvent<T, S extends T>(events: Observable<T>, match: (e: T) => e is S, what: string, deadlineMs?: number): Promise<S>;
export function nextEvent<T>(events: Observable<T>, match: (e: T) => boolean, what: string, deadlineMs?: number): Promise<T>;
export function nextEvent<T>(events: Observable<T>, match: (e: T) => boolean, what: string, deadlineMs = 20_000): Promise<T> {
  return firstValueFrom(
    events.pipe(
      filter(match),
      timeout({
        first: deadlineMs,
        with: () => {
          throw new Error(`timed out waiting for event: ${what}`);
        },
      }),
    ),
  );
}

/** True while `pid` runs; a zombie (exited, not yet reaped by its new parent) counts as gone. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false; // gone between the two checks
  }
}

/** A promise with its resolve function outside (Promise.withResolvers is Node 22+). */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
