/*
 * The program of a worker process: hosts actors placed here by the postmaster
 * (startup, WAL writer, checkpointer, background workers; backends to come)
 * and keeps their proc registry entries in Redis.
 *
 * Lifecycle: forked by the postmaster's worker pool (node:cluster), with the
 * Redis address and key prefix in its environment. It exits when the primary
 * disconnects (orderly shutdown, or the postmaster died) and on any uncaught
 * error (reported to the postmaster first); see supervision/workerProcess.ts.
 * The postmaster then removes this process's registry entries and starts a
 * replacement.
 *
 * The registry entries of its actors are written here, as lifecycle events
 * come from the actor runtime (the runtime itself never touches storage);
 * a failed registry write is logged, never fatal. Its own entry (worker:N)
 * is written by the postmaster's shared-memory manager; this process adds its
 * event-loop lag and actor count to it every second.
 */
import { BackendStatus } from '../storage/backendStatus.ts';
import { Keys } from '../storage/keys.ts';
import { connectRedis } from '../storage/redis.ts';
import { startWorkerProcess } from '../supervision/workerProcess.ts';
import { describeExit } from '../supervision/types.ts';
import { elog, LEVELS, setLogMinMessages } from '../utils/elog.ts';
import type { Level } from '../utils/elog.ts';
import { lazyKind } from './lazyKind.ts';
import type { ActorBehavior } from '../supervision/actorNode.ts';
import type { Json } from '../supervision/types.ts';
import { bgworker } from './bgworker.ts';
import { bgwriter } from './bgwriter.ts';
import { checkpointer } from './checkpointer.ts';
import { startup } from './startup.ts';
import { walWriter } from './walWriter.ts';

const STATS_INTERVAL_MS = 1000;

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`worker process started without ${name}`);
  return v;
}

const level = process.env['AG_LOG_MIN_MESSAGES'] ?? 'warning';
if ((LEVELS as readonly string[]).includes(level)) setLogMinMessages(level as Level);

const redis = connectRedis(env('AG_REDIS_ADDRESS'), `actorgres:worker:${process.pid}`);
redis.on('error', () => undefined); // failed writes are logged where they happen
const status = new BackendStatus(redis, new Keys(env('AG_KEY_PREFIX')));

function registryFailed(what: string) {
  return (err: unknown) => elog('warning', `proc registry: could not ${what}: ${err instanceof Error ? err.message : String(err)}`);
}

/** Registry id of an actor: its path without the incarnation suffix (bgworker:ticker#3 -> bgworker:ticker). */
function procId(path: string): string {
  const hash = path.lastIndexOf('#');
  return hash < 0 ? path : path.slice(0, hash);
}

await startWorkerProcess(async (node) => {
  node.registerKind('bgworker', bgworker);
  node.registerKind('startup', startup);
  node.registerKind('walwriter', walWriter);
  node.registerKind('checkpointer', checkpointer);
  node.registerKind('bgwriter', bgwriter);
  // The SQL layer loads with the first backend this worker hosts, keeping worker start-up (and replacement) quick.
  node.registerKind(
    'backend',
    lazyKind(async () => (await import('./backend.ts')).backend as unknown as ActorBehavior<unknown, Json, Json>),
  );
  node.lifecycle$.subscribe((ev) => {
    const id = procId(ev.ref.path);
    switch (ev.type) {
      case 'spawned':
        void status
          .register(id, process.pid, {
            role: ev.meta.role,
            name: ev.meta.name,
            node: node.id,
            state: 'starting',
            started_at: new Date(ev.at).toISOString(),
            restarts: ev.meta.restarts,
            path: ev.ref.path,
          })
          .catch(registryFailed(`register ${id}`));
        break;
      case 'running':
        void status.update(id, process.pid, { state: 'running' }).catch(registryFailed(`update ${id}`));
        break;
      case 'exited':
        if (ev.reason.kind === 'crash') elog('log', `${ev.meta.role} "${ev.meta.name}" ${describeExit(ev.reason)}`);
        void status.unregister(id, process.pid).catch(registryFailed(`unregister ${id}`));
        break;
    }
  });
  setInterval(() => {
    const s = node.stats();
    void status
      .update(`worker:${node.id}`, process.pid, {
        actors: s.actors,
        dead_letters: s.deadLetters,
        event_loop_lag_p99_ms: s.eventLoopLagP99Ms,
        event_loop_lag_max_ms: s.eventLoopLagMaxMs,
        rss_bytes: s.rssBytes,
      })
      .catch(() => undefined); // Redis down: the postmaster's crash-restart handles it
  }, STATS_INTERVAL_MS).unref();
});
