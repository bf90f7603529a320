/*
 * Child specifications, as data (Erlang's supervisor child spec): validated
 * before anything starts, so that a bad spec is an error at start-up rather
 * than a crash loop later.
 */
import type { JsonObject } from './types.ts';

/** permanent: always restarted; transient: restarted after an abnormal exit; temporary: never. */
export type RestartKind = 'permanent' | 'transient' | 'temporary';
export type Strategy = 'one_for_one' | 'one_for_all';

/** More than `maxRestarts` restarts within `withinMs`: the supervisor gives up and escalates. */
export interface Intensity {
  maxRestarts: number;
  withinMs: number;
}

/** Delay before the n-th restart of one child within the window: 0, initial, 2*initial, ... up to max. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** An actor child: which kind to spawn, with what, and where. */
export interface ActorStart {
  kind: string;
  args: JsonObject;
  role: string;
  name: string;
  /** 'worker': on the least loaded worker process; 'primary': in the postmaster's process. */
  placement: 'worker' | 'primary';
}

export interface ChildSpec {
  id: string;
  restart: RestartKind;
  /** How long a stop may take before the child is killed. */
  shutdownMs: number;
  /** With autoShutdown 'any_significant', this child's end ends its supervisor. */
  significant?: boolean;
  start: ActorStart | { supervisor: SupervisorSpec };
}

export interface SupervisorSpec {
  name: string;
  strategy: Strategy;
  intensity: Intensity;
  backoff: Backoff;
  autoShutdown: 'never' | 'any_significant';
  children: ChildSpec[];
}

export const defaultIntensity: Intensity = { maxRestarts: 5, withinMs: 60_000 };
export const defaultBackoff: Backoff = { initialMs: 100, maxMs: 30_000 };

export class ChildSpecError extends Error {
  override name = 'ChildSpecError';
}

const restartKinds: readonly RestartKind[] = ['permanent', 'transient', 'temporary'];
const strategies: readonly Strategy[] = ['one_for_one', 'one_for_all'];

export function validateIntensity(i: Intensity, where: string): void {
  if (!Number.isInteger(i.maxRestarts) || i.maxRestarts < 0) throw new ChildSpecError(`${where}: maxRestarts must be an integer >= 0, got ${i.maxRestarts}`);
  if (!Number.isFinite(i.withinMs) || i.withinMs <= 0) throw new ChildSpecError(`${where}: withinMs must be > 0, got ${i.withinMs}`);
}

export function validateBackoff(b: Backoff, where: string): void {
  if (!Number.isFinite(b.initialMs) || b.initialMs < 0) throw new ChildSpecError(`${where}: backoff.initialMs must be >= 0, got ${b.initialMs}`);
  if (!Number.isFinite(b.maxMs) || b.maxMs < b.initialMs) throw new ChildSpecError(`${where}: backoff.maxMs must be >= initialMs, got ${b.maxMs}`);
}

export function validateSupervisorSpec(spec: SupervisorSpec, where = spec.name): void {
  if (!spec.name) throw new ChildSpecError(`${where}: a supervisor needs a name`);
  if (!strategies.includes(spec.strategy)) throw new ChildSpecError(`${where}: unknown strategy "${spec.strategy}"`);
  validateIntensity(spec.intensity, where);
  validateBackoff(spec.backoff, where);
  if (spec.autoShutdown !== 'never' && spec.autoShutdown !== 'any_significant') throw new ChildSpecError(`${where}: autoShutdown must be never or any_significant`);
  const ids = new Set<string>();
  for (const child of spec.children) {
    validateChildSpec(child, `${where}/${child.id}`);
    if (ids.has(child.id)) throw new ChildSpecError(`${where}: duplicate child id "${child.id}"`);
    ids.add(child.id);
  }
}

export function validateChildSpec(child: ChildSpec, where: string): void {
  if (!/^[A-Za-z0-9_.:-]+$/.test(child.id)) throw new ChildSpecError(`${where}: child id must match [A-Za-z0-9_.:-]+`);
  if (!restartKinds.includes(child.restart)) throw new ChildSpecError(`${where}: restart must be permanent, transient or temporary, got "${child.restart}"`);
  if (!Number.isFinite(child.shutdownMs) || child.shutdownMs <= 0) throw new ChildSpecError(`${where}: shutdownMs must be > 0`);
  if (child.significant && child.restart === 'permanent') throw new ChildSpecError(`${where}: a significant child must be transient or temporary`);
  if ('supervisor' in child.start) validateSupervisorSpec(child.start.supervisor, where);
  else {
    if (!child.start.kind) throw new ChildSpecError(`${where}: an actor child needs a kind`);
    if (child.start.placement !== 'worker' && child.start.placement !== 'primary') throw new ChildSpecError(`${where}: placement must be worker or primary`);
  }
}

export function backoffDelay(b: Backoff, recentRestarts: number): number {
  if (recentRestarts <= 0) return 0;
  return Math.min(b.maxMs, b.initialMs * 2 ** (recentRestarts - 1));
}
