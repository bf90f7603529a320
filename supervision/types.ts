/*
 * Types shared by every process of a cluster: JSON values (the only thing
 * that crosses the IPC channel), node ids, actor references and exit reasons.
 *
 * An ActorRef is plain data ({ node, path }) so that it can be sent to another
 * process and used there unchanged; the message and reply types ride along as
 * a phantom so that `tell` and `ask` are checked at compile time.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** 0 is the primary (postmaster) process; workers use their node:cluster id. */
export type NodeId = number;
export const PRIMARY_NODE: NodeId = 0;

export interface ActorRef<M extends Json = Json, R extends Json = Json> {
  readonly node: NodeId;
  readonly path: string;
  /** Phantom: never set at run time, it only carries the protocol's types. */
  readonly __protocol?: (msg: M) => R;
}

export interface ErrorInfo {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** Why an actor ended, as its supervisor sees it. */
export type ExitReason =
  | { kind: 'normal' } // it finished its work
  | { kind: 'shutdown' } // it was asked to stop and did
  | { kind: 'killed' } // it did not stop within its shutdown timeout
  | { kind: 'crash'; error: ErrorInfo } // it threw
  | { kind: 'node-down'; pid: number }; // the worker process that hosted it died

export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      name: err.name,
      message: err.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(err.stack ? { stack: err.stack } : {}),
    };
  }
  return { name: 'Error', message: String(err) };
}

export function describeExit(reason: ExitReason): string {
  switch (reason.kind) {
    case 'normal':
    case 'shutdown':
    case 'killed':
      return reason.kind;
    case 'crash':
      return `crashed: ${reason.error.message}`;
    case 'node-down':
      return `worker process ${reason.pid} died`;
  }
}

export function isJson(value: unknown, depth = 0): value is Json {
  if (depth > 64) return false;
  if (value === null) return true;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (Array.isArray(value)) return value.every((v) => isJson(v, depth + 1));
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return false;
      return Object.values(value).every((v) => isJson(v, depth + 1));
    default:
      return false;
  }
}
