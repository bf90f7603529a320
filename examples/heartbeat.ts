/*
 * An example background worker: it beats every `demo.heartbeat_ms` (a custom
 * setting, changeable by reload) and answers asks with its beat count.
 */
import type { BackgroundWorkerContext } from '../index.ts';

export async function main(ctx: BackgroundWorkerContext): Promise<void> {
  let beats = 0;
  const period = () => Number(ctx.settings()['demo.heartbeat_ms'] ?? 200);
  ctx.onMessage(() => ({ beats, pid: process.pid, periodMs: period(), restarts: ctx.restarts }));
  while (!ctx.signal.aborted) {
    beats++;
    await new Promise((r) => setTimeout(r, period()));
  }
}
