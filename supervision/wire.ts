/*
 * The one envelope that crosses the IPC channel between the primary and a
 * worker process (JSON over node:cluster's channel: measured faster than the
 * "advanced" serialization for small messages). Worker-to-worker traffic is
 * relayed by the primary, which knows which workers are alive.
 *
 * Control operations (spawn, stop, signal) are asks to the reserved
 * path NODE_PATH that every node answers itself, outside any mailbox.
 */
import type { ErrorInfo, ExitReason, Json, JsonObject, NodeId } from './types.ts';

export const NODE_PATH = '$node';

export type ShutdownMode = 'smart' | 'fast' | 'immediate';

/**
 * Signals, the closed set of out-of-band requests (PostgreSQL's SIGHUP,
 * SIGTERM to a backend, and the shutdown modes).
 */
export type Signal =
  | { type: 'reload'; settings: Record<string, string>; changed: string[] } // re-read configuration
  | { type: 'terminate' } // end this actor now (pg_terminate_backend)
  | { type: 'cancel'; processId: number; secretKey: number } // stop the running statement (CancelRequest, pg_cancel_backend)
  | { type: 'shutdown'; mode: ShutdownMode }; // the cluster is going down

export interface SpawnMeta {
  /** Role shown in the proc registry (bgworker, walwriter, backend ...). */
  role: string;
  /** Human name (the background worker's name, the backend's user ...). */
  name: string;
  /** How often the supervisor restarted this child so far. */
  restarts: number;
}

export type ControlRequest =
  /** `handle: true`: the request travels with an OS handle (a socket) that the new actor receives in its init context. */
  | { op: 'spawn'; kind: string; path: string; args: JsonObject; meta: SpawnMeta; handle?: boolean }
  | { op: 'stop'; path: string; timeoutMs: number }
  | { op: 'signal'; path: string | null; signal: Signal }; // null: every actor of the node

export interface NodeStats extends JsonObject {
  pid: number;
  actors: number;
  deadLetters: number;
  eventLoopLagP99Ms: number;
  eventLoopLagMaxMs: number;
  rssBytes: number;
}

export interface RefData {
  node: NodeId;
  path: string;
}

export type Wire =
  | { t: 'tell'; to: RefData; msg: Json }
  | { t: 'ask'; to: RefData; msg: Json; id: number; from: NodeId }
  | { t: 'reply'; to: NodeId; id: number; ok: true; value: Json }
  | { t: 'reply'; to: NodeId; id: number; ok: false; error: ErrorInfo }
  /** worker → primary: a hosted actor ended (the primary holds all monitors). */
  | { t: 'exit'; ref: RefData; reason: ExitReason }
  /** worker → primary: the worker booted and can host actors. */
  | { t: 'ready'; pid: number }
  /** worker → primary: an uncaught error; the worker exits right after. */
  | { t: 'fatal'; pid: number; error: ErrorInfo }
  /** primary → workers: that node is gone; fail what waits on it. */
  | { t: 'node-down'; node: NodeId };

export function isWire(value: unknown): value is Wire {
  if (typeof value !== 'object' || value === null) return false;
  const t = (value as { t?: unknown }).t;
  return t === 'tell' || t === 'ask' || t === 'reply' || t === 'exit' || t === 'ready' || t === 'fatal' || t === 'node-down';
}
