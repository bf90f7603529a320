/*
 * The worker processes (node:cluster), as the postmaster sees them.
 *
 * Forks `size` workers running `exec`, tracks which are ready and how many
 * actors each hosts (for least-loaded placement), and notices a death at once
 * through the `exit` event (the IPC channel closes with the process). A dead
 * worker is replaced immediately unless the pool is stopping; more than
 * `intensity.maxRestarts` deaths within `intensity.withinMs` and the pool
 * gives up (`onGiveUp`), so a worker that dies at boot cannot loop forever.
 *
 * Workers exit by themselves when the primary dies: their IPC channel
 * disconnects (see workerProcess.ts).
 */
import type { SendHandle } from 'node:child_process';
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import type { Intensity } from './childSpec.ts';
import { errorInfo } from './types.ts';
import type { ErrorInfo, NodeId } from './types.ts';
import { isWire } from './wire.ts';
import type { Wire } from './wire.ts';

export interface WorkerHandle {
  id: NodeId;
  pid: number;
  ready: boolean;
  /** Actors placed here by the postmaster and not yet ended. */
  load: number;
  worker: Worker;
}

export interface WorkerPoolOptions {
  size: number;
  exec: string;
  execArgv: string[];
  env: Record<string, string>;
  intensity: Intensity;
  /** Every wire a worker sends (except ready/fatal, which the pool handles). */
  onWire: (from: WorkerHandle, wire: Wire) => void;
  onReady: (w: WorkerHandle) => void;
  /** A worker is gone; `replaced` says whether a new one is being started. */
  onExit: (w: WorkerHandle, code: number | null, signal: string | null, fatal: ErrorInfo | null) => void;
  onGiveUp: (why: string) => void;
}

export class WorkerPool {
  readonly workers = new Map<NodeId, WorkerHandle>();
  private stopping = false;
  private deaths: number[] = [];
  private readyWaiters: Array<() => void> = [];
  private fatalErrors = new Map<NodeId, ErrorInfo>();
  private everReady = new Set<NodeId>();
  private started = false;

  constructor(private readonly opts: WorkerPoolOptions) {
    if (!Number.isInteger(opts.size) || opts.size < 1) throw new RangeError(`workers must be an integer >= 1, got ${opts.size}`);
  }

  /** Forks all workers and resolves once every one reported ready. */
  async start(): Promise<void> {
    const boots = [];
    for (let i = 0; i < this.opts.size; i++) boots.push(this.fork());
    try {
      await Promise.all(boots);
    } catch (err) {
      // A worker that cannot even boot at start-up is a configuration or installation problem.
      this.killAll('SIGKILL');
      throw err;
    }
    this.started = true;
  }

  /** The ready worker hosting the fewest actors; waits for one if none is ready yet. */
  async leastLoaded(): Promise<WorkerHandle> {
    for (;;) {
      let best: WorkerHandle | undefined;
      for (const w of this.workers.values()) if (w.ready && (!best || w.load < best.load)) best = w;
      if (best) return best;
      if (this.stopping) throw new Error('the worker pool is stopping');
      await new Promise<void>((r) => this.readyWaiters.push(r));
    }
  }

  /** Sends a wire (and an OS handle, e.g. a client socket, that then moves to that worker). */
  send(node: NodeId, wire: Wire, handle?: SendHandle): boolean {
    const w = this.workers.get(node);
    if (!w || !w.worker.isConnected()) return false;
    try {
      // node's send() returns false under back-pressure, yet the message is queued: only a throw means it was not sent.
      if (handle === undefined) return w.worker.send(wire);
      w.worker.send(wire, handle);
      return true;
    } catch {
      // The channel closed between the check and the send; the exit event follows.
      return false;
    }
  }

  /** Stops replacing workers; `waitExit` then disconnects and kills what is left. */
  beginStop(): void {
    this.stopping = true;
    for (const r of this.readyWaiters.splice(0)) r();
  }

  /** Waits for every worker to exit, killing those still alive after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<void> {
    this.beginStop();
    const exits = [...this.workers.values()].map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.worker.isDead()) return resolve();
          w.worker.once('exit', () => resolve());
          w.worker.disconnect();
        }),
    );
    const timer = setTimeout(() => this.killAll('SIGKILL'), timeoutMs);
    await Promise.all(exits);
    clearTimeout(timer);
  }

  /** Kills one worker (its exit then runs the usual death handling). */
  kill(node: NodeId, signal: NodeJS.Signals = 'SIGKILL'): void {
    try {
      this.workers.get(node)?.worker.process.kill(signal);
    } catch {
      // already gone
    }
  }

  killAll(signal: NodeJS.Signals): void {
    this.beginStop();
    for (const w of this.workers.values()) {
      try {
        w.worker.process.kill(signal);
      } catch {
        // already gone: its exit event is on its way
      }
    }
  }

  private fork(): Promise<void> {
    // node:cluster's settings are process-wide: set ours right before each fork.
    cluster.setupPrimary({ exec: this.opts.exec, execArgv: this.opts.execArgv, silent: false });
    const worker = cluster.fork(this.opts.env);
    const handle: WorkerHandle = { id: worker.id, pid: worker.process.pid ?? 0, ready: false, load: 0, worker };
    this.workers.set(worker.id, handle);
    return new Promise<void>((resolveBoot, rejectBoot) => {
      worker.on('message', (msg: unknown) => {
        if (!isWire(msg)) return;
        if (msg.t === 'ready') {
          handle.ready = true;
          this.everReady.add(handle.id);
          handle.pid = msg.pid;
          this.opts.onReady(handle);
          for (const r of this.readyWaiters.splice(0)) r();
          resolveBoot();
        } else if (msg.t === 'fatal') {
          this.fatalErrors.set(handle.id, msg.error);
        } else this.opts.onWire(handle, msg);
      });
      worker.on('error', (err) => this.fatalErrors.set(handle.id, errorInfo(err)));
      worker.once('exit', (code, signal) => {
        handle.ready = false;
        this.workers.delete(handle.id);
        const fatal = this.fatalErrors.get(handle.id) ?? null;
        this.fatalErrors.delete(handle.id);
        const booted = this.everReady.delete(handle.id);
        this.opts.onExit(handle, code, signal, fatal);
        if (!booted) rejectBoot(new Error(`worker process ${handle.pid} exited during start-up (${signal ?? `exit code ${code}`})${fatal ? `: ${fatal.message}` : ''}`));
        // At start-up a worker that cannot boot fails the start (start() kills the rest).
        if (!this.stopping && (booted || this.started)) this.replace(handle, code, signal);
      });
    });
  }

  private replace(dead: WorkerHandle, code: number | null, signal: string | null): void {
    const now = Date.now();
    this.deaths = this.deaths.filter((t) => t > now - this.opts.intensity.withinMs);
    this.deaths.push(now);
    if (this.deaths.length > this.opts.intensity.maxRestarts) {
      this.beginStop();
      this.opts.onGiveUp(`worker processes died ${this.deaths.length} times within ${this.opts.intensity.withinMs} ms (last: pid ${dead.pid}, ${signal ?? `exit code ${code}`})`);
      return;
    }
    this.fork().catch(() => undefined); // its exit is handled above like any other
  }
}
