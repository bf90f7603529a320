/*
 * The actor runtime inside a worker process.
 *
 * Lifecycle: forked by the postmaster's WorkerPool. It builds an ActorNode
 * whose only link is the IPC channel to the primary (which relays traffic to
 * other workers), lets the caller register actor kinds, then reports `ready`.
 *
 * Stops: normally when the primary disconnects the channel after its actors
 * were stopped; at once, with no clean-up, when the channel closes because the
 * primary died (the next start runs recovery). Any uncaught error or unhandled
 * rejection is reported to the primary as `fatal` and the process exits: a
 * crash stays inside this process, and the postmaster treats it as the death
 * of every actor hosted here.
 */
import type { SendHandle } from 'node:child_process';
import cluster from 'node:cluster';
import { ActorNode } from './actorNode.ts';
import { errorInfo } from './types.ts';
import { isWire } from './wire.ts';
import type { Wire } from './wire.ts';

export interface WorkerRuntime {
  node: ActorNode;
  /** Resolves when the primary has disconnected us (orderly or not). */
  disconnected: Promise<void>;
}

export async function startWorkerProcess(setup: (node: ActorNode) => Promise<void>): Promise<WorkerRuntime> {
  if (!cluster.isWorker || !cluster.worker || !process.send) throw new Error('startWorkerProcess must run in a node:cluster worker');
  const send = (wire: Wire, handle?: SendHandle): boolean => {
    if (!process.connected) return false;
    try {
      return handle === undefined ? process.send!(wire) : process.send!(wire, handle);
    } catch {
      return false;
    }
  };
  const fatal = (err: unknown): void => {
    send({ t: 'fatal', pid: process.pid, error: errorInfo(err) });
    process.exit(70);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  // Signals reach a worker from the terminal's process group too; the postmaster decides.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) process.on(sig, () => undefined);

  const node = new ActorNode({ id: cluster.worker.id, linkTo: () => ({ send }) });
  const disconnected = new Promise<void>((resolve) =>
    process.once('disconnect', () => {
      resolve();
      // The primary is gone or done with us: nothing here may outlive it.
      setImmediate(() => process.exit(0));
    }),
  );
  // A client socket handed over by the postmaster arrives as the handle of a spawn request.
  process.on('message', (msg: unknown, handle?: SendHandle) => {
    if (isWire(msg)) node.receive(msg, handle ?? undefined);
  });
  await setup(node);
  send({ t: 'ready', pid: process.pid });
  return { node, disconnected };
}
