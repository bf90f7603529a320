/*
 * Errors of the actor runtime. Each has a stable `code` so that a caller in
 * another process (which only sees ErrorInfo) can tell them apart.
 */
import type { ErrorInfo } from './types.ts';

export class ActorRuntimeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ActorRuntimeError';
  }
}

export const AskTimeout = 'ASK_TIMEOUT';
export const NoSuchActor = 'NO_SUCH_ACTOR';
export const NodeDown = 'NODE_DOWN';
export const ActorCrashed = 'ACTOR_CRASHED';
export const ActorStopped = 'ACTOR_STOPPED';
export const RuntimeStopped = 'RUNTIME_STOPPED';

/** Rebuild an error that crossed a process boundary. */
export function fromErrorInfo(info: ErrorInfo): Error {
  const err = info.code ? new ActorRuntimeError(info.code, info.message) : new Error(info.message);
  err.name = info.name;
  if (info.stack) err.stack = info.stack;
  return err;
}
