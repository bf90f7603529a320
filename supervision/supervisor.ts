/*
 * Supervisor: OTP semantics for a set of children, running in the primary.
 *
 * - Children start in spec order and stop in reverse order, each within its
 *   shutdownMs (then it is killed).
 * - When a child ends, its restart kind decides: permanent children are
 *   restarted, transient ones only after an abnormal exit, temporary ones
 *   never. With autoShutdown 'any_significant', a significant child that ends
 *   for good ends the supervisor.
 * - Strategy one_for_one restarts only that child; one_for_all stops the
 *   others (reverse order) and restarts all of them in order.
 * - Restart intensity: more than maxRestarts restarts within withinMs and the
 *   supervisor gives up: it stops all children and ends with an escalation,
 *   which its own parent handles like any child exit ("if more than MaxR
 *   restarts occur within MaxT seconds, the supervisor terminates all child
 *   processes and then itself").
 * - Backoff: the n-th restart of the same child within the window waits
 *   backoffDelay(n) first (0 for the first).
 *
 * All state changes run one at a time through `serial`, so the supervisor
 * behaves as an actor although it is a plain object.
 */
import { Subject } from 'rxjs';
import { backoffDelay, validateSupervisorSpec } from './childSpec.ts';
import type { ActorStart, ChildSpec, SupervisorSpec } from './childSpec.ts';
import { describeExit, errorInfo } from './types.ts';
import type { ExitReason } from './types.ts';
import type { RefData, SpawnMeta } from './wire.ts';

/** How a supervisor starts and stops actor children; the postmaster provides it. */
export interface ActorStarter {
  /** Spawns the actor at a unique path derived from `childPath`; `onDown` is called once when it ends. */
  startActor(start: ActorStart, childPath: string, meta: SpawnMeta, onDown: (reason: ExitReason) => void): Promise<RefData>;
  stopActor(ref: RefData, timeoutMs: number): Promise<void>;
}

export type SupervisionEvent =
  /** A child started: `started` the first time, `restarted` after a crash or a one_for_all restart. */
  | { type: 'started' | 'restarted'; supervisor: string; child: string; ref: RefData | null; restarts: number }
  | { type: 'exited'; supervisor: string; child: string; reason: ExitReason }
  | { type: 'crashed'; supervisor: string; child: string; reason: ExitReason }
  | { type: 'restarting'; supervisor: string; child: string; restarts: number; delayMs: number }
  | { type: 'escalated'; supervisor: string; child: string; reason: ExitReason; restarts: number };

interface ChildRuntime {
  spec: ChildSpec;
  /** Bumped on every start and stop, so that late exit news of an old incarnation is ignored. */
  generation: number;
  ref: RefData | null;
  sub: Supervisor | null;
  running: boolean;
  restarts: number;
  restartTimes: number[];
  timer: NodeJS.Timeout | null;
}

type SupervisorState = 'idle' | 'running' | 'stopping' | 'stopped';

export class Supervisor {
  readonly path: string;
  private state: SupervisorState = 'idle';
  private readonly children: ChildRuntime[];
  private restartLog: number[] = [];
  private serial: Promise<void> = Promise.resolve();
  private resolveExit!: (reason: ExitReason) => void;
  /** Resolves once the supervisor has ended: `shutdown` when asked to stop, `crash` when it escalated. */
  readonly exited: Promise<ExitReason> = new Promise((r) => (this.resolveExit = r));

  constructor(
    private readonly spec: SupervisorSpec,
    private readonly starter: ActorStarter,
    readonly events: Subject<SupervisionEvent>,
    parentPath = '',
  ) {
    validateSupervisorSpec(spec);
    this.path = parentPath ? `${parentPath}/${spec.name}` : spec.name;
    this.children = spec.children.map((c) => newChild(c));
  }

  /** Starts every child in order. */
  start(): Promise<void> {
    return this.run(async () => {
      if (this.state !== 'idle') throw new Error(`supervisor ${this.path} was already started`);
      this.state = 'running';
      for (const c of this.children) await this.startChild(c);
    });
  }

  /** Adds and starts a child at run time (a background worker registered late, a backend). */
  addChild(spec: ChildSpec): Promise<void> {
    return this.run(async () => {
      if (this.state !== 'running') throw new Error(`supervisor ${this.path} is not running`);
      validateSupervisorSpec({ ...this.spec, children: [...this.children.map((c) => c.spec), spec] });
      const c = newChild(spec);
      this.children.push(c);
      await this.startChild(c);
    });
  }

  /** Stops all children in reverse order and ends the supervisor. */
  stop(): Promise<void> {
    return this.run(async () => {
      if (this.state === 'stopped' || this.state === 'stopping') return;
      this.state = 'stopping';
      await this.terminateAll();
      this.state = 'stopped';
      this.resolveExit({ kind: 'shutdown' });
    });
  }

  /** The current reference of a running actor child, by child id (searching nested supervisors). */
  whereis(id: string): RefData | null {
    for (const c of this.children) {
      if (c.spec.id === id && c.running && c.ref) return c.ref;
      const found = c.sub?.whereis(id);
      if (found) return found;
    }
    return null;
  }

  childIds(): string[] {
    return this.children.map((c) => c.spec.id);
  }

  // ---- internals ---------------------------------------------------------

  private run(op: () => Promise<void>): Promise<void> {
    const next = this.serial.then(op);
    this.serial = next.catch(() => undefined);
    return next;
  }

  private async startChild(c: ChildRuntime): Promise<void> {
    const generation = ++c.generation;
    const start = c.spec.start;
    try {
      if ('supervisor' in start) {
        const sub = new Supervisor(start.supervisor, this.starter, this.events, this.path);
        c.sub = sub;
        c.running = true;
        await sub.start();
        void sub.exited.then((reason) => this.run(async () => this.childExited(c, generation, reason)));
        this.events.next({ type: c.restarts > 0 ? 'restarted' : 'started', supervisor: this.path, child: c.spec.id, ref: null, restarts: c.restarts });
      } else {
        c.running = true;
        const ref = await this.starter.startActor(
          start,
          `${start.role}:${start.name}`,
          { role: start.role, name: start.name, restarts: c.restarts },
          (reason) => void this.run(async () => this.childExited(c, generation, reason)),
        );
        c.ref = ref;
        this.events.next({ type: c.restarts > 0 ? 'restarted' : 'started', supervisor: this.path, child: c.spec.id, ref, restarts: c.restarts });
      }
    } catch (err) {
      // A child that cannot even be started has failed like one that crashed.
      c.running = true;
      await this.childExited(c, generation, { kind: 'crash', error: errorInfo(err) });
    }
  }

  private async childExited(c: ChildRuntime, generation: number, reason: ExitReason): Promise<void> {
    if (generation !== c.generation || !c.running) return;
    c.running = false;
    c.ref = null;
    c.sub = null;
    if (this.state !== 'running') return;
    const abnormal = reason.kind !== 'normal' && reason.kind !== 'shutdown';
    this.events.next({ type: abnormal ? 'crashed' : 'exited', supervisor: this.path, child: c.spec.id, reason });
    const restart = c.spec.restart === 'permanent' || (c.spec.restart === 'transient' && abnormal);
    if (!restart) {
      if (c.spec.restart === 'temporary') this.children.splice(this.children.indexOf(c), 1);
      if (c.spec.significant && this.spec.autoShutdown === 'any_significant') await this.giveUp(c, reason, 'shutdown');
      return;
    }
    const now = Date.now();
    this.restartLog = this.restartLog.filter((t) => t > now - this.spec.intensity.withinMs);
    this.restartLog.push(now);
    if (this.restartLog.length > this.spec.intensity.maxRestarts) {
      await this.giveUp(c, reason, 'escalate');
      return;
    }
    c.restartTimes = c.restartTimes.filter((t) => t > now - this.spec.intensity.withinMs);
    const delayMs = backoffDelay(this.spec.backoff, c.restartTimes.length);
    c.restartTimes.push(now);
    const group = this.spec.strategy === 'one_for_all' ? [...this.children] : [c];
    for (const g of group) g.restarts++;
    if (this.spec.strategy === 'one_for_all') {
      for (const other of [...this.children].reverse()) if (other !== c) await this.terminate(other);
    }
    for (const g of group) this.events.next({ type: 'restarting', supervisor: this.path, child: g.spec.id, restarts: g.restarts, delayMs });
    const restartGroup = () =>
      this.run(async () => {
        for (const g of group) g.timer = null;
        if (this.state !== 'running') return;
        for (const g of group) if (!g.running && this.children.includes(g)) await this.startChild(g);
      });
    if (delayMs === 0) void restartGroup();
    else for (const g of group.slice(0, 1)) g.timer = setTimeout(() => void restartGroup(), delayMs);
  }

  private async giveUp(c: ChildRuntime, reason: ExitReason, how: 'escalate' | 'shutdown'): Promise<void> {
    this.state = 'stopping';
    if (how === 'escalate') this.events.next({ type: 'escalated', supervisor: this.path, child: c.spec.id, reason, restarts: c.restarts });
    await this.terminateAll();
    this.state = 'stopped';
    if (how === 'shutdown') return this.resolveExit({ kind: 'shutdown' });
    const { maxRestarts, withinMs } = this.spec.intensity;
    this.resolveExit({
      kind: 'crash',
      error: {
        name: 'SupervisorEscalation',
        message: `supervisor ${this.path}: child ${c.spec.id} needed more than ${maxRestarts} restarts within ${withinMs} ms (last exit: ${describeExit(reason)})`,
      },
    });
  }

  private async terminateAll(): Promise<void> {
    for (const c of [...this.children].reverse()) await this.terminate(c);
  }

  private async terminate(c: ChildRuntime): Promise<void> {
    if (c.timer) clearTimeout(c.timer);
    c.timer = null;
    if (!c.running) return;
    c.generation++; // the exit this causes is expected, not a crash
    c.running = false;
    const { ref, sub } = c;
    c.ref = null;
    c.sub = null;
    if (sub) await sub.stop();
    else if (ref) await this.starter.stopActor(ref, c.spec.shutdownMs);
    this.events.next({ type: 'exited', supervisor: this.path, child: c.spec.id, reason: { kind: 'shutdown' } });
  }
}

function newChild(spec: ChildSpec): ChildRuntime {
  return { spec, generation: 0, ref: null, sub: null, running: false, restarts: 0, restartTimes: [], timer: null };
}
