/*
 * The postmaster's list of client connections (postmaster.c's BackendList,
 * BackendStartup, processCancelRequest and the connection-slot checks of
 * InitProcess/InitPostgres). It lives in the postmaster's process and is
 * driven by it: no actor of its own, no storage/ or sql/ import.
 *
 * An accepted socket is given, unread, to a backend actor spawned on the
 * least loaded worker process: `spawnWithHandle` sends the socket with the
 * spawn request (node:cluster passes the file descriptor), and from then on
 * only that worker reads and writes it, so a statement never crosses
 * processes (DESIGN.md 6; bench/wireHandoff.ts has the measurements).
 *
 * Each entry has its BackendKeyData (processId, secretKey): a CancelRequest
 * reaches some backend on a new connection, which reports it here, and the
 * `cancel` signal goes to the backend with that key wherever it runs.
 *
 * Limits: an entry exists from accept to the backend's end; at most
 * 2 x max_connections of them (the postmaster's own cap, as
 * MaxLivePostmasterChildren), so that a flood of unauthenticated sockets
 * cannot exhaust the workers. A connection slot is claimed after
 * authentication (`claimSlot`): max_connections in all, the last
 * superuser_reserved_connections of them for superusers only.
 *
 * A worker that dies takes its backends' sockets with it (the kernel closes
 * them); their monitors fire `node-down` and the entries go.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { Connection, socketDuplex } from '../protocol/connection.ts';
import type { AuthDecision, ProtocolEngine, SessionInfo, SimpleQueryReply, TransactionStatus, ExecuteReply, Portal, PreparedStatement } from '../protocol/engine.ts';
import { ProtocolError } from '../protocol/errors.ts';
import type { ActorNode } from '../supervision/actorNode.ts';
import type { RefData } from '../supervision/wire.ts';
import type { JsonObject } from '../supervision/types.ts';
import type { WorkerPool } from '../supervision/workerPool.ts';
import { elog } from '../utils/elog.ts';

const SPAWN_TIMEOUT_MS = 10_000;
const SIGNAL_TIMEOUT_MS = 5_000;

export interface Refusal {
  sqlstate: string;
  message: string;
}

export type SlotReply = { ok: true } | { ok: false; sqlstate: string; message: string };

interface Entry {
  processId: number;
  secretKey: number;
  ref: RefData | null;
  /** Holds one of max_connections' slots (authenticated). */
  slot: boolean;
}

export interface BackendListOptions {
  node: ActorNode;
  pool: () => WorkerPool | null;
  /** Why new connections are refused now (starting, shutting down, in recovery), or null when they are accepted. */
  refusal: () => Refusal | null;
  limits: () => { maxConnections: number; reserved: number; authenticationTimeoutMs: number };
  /** The backend actor's start arguments (data directory, Redis, hba rules, roles ...) besides its key. */
  spawnArgs: () => JsonObject;
}

export class BackendList {
  private readonly entries = new Map<number, Entry>();
  private nextProcessId = 10_000 + (randomBytes(2).readUInt16BE(0) % 10_000);
  private emptyWaiters: Array<() => void> = [];

  constructor(private readonly opts: BackendListOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** The listeners' callback: hand the (paused) socket to a new backend on the least loaded worker. */
  accept(socket: Socket, local: boolean): void {
    socket.on('error', () => undefined); // until a backend owns it; a reset client is not our error
    void this.start(socket, local).catch((err: unknown) => {
      elog('log', `could not start a backend for a client connection: ${err instanceof Error ? err.message : String(err)}`);
      if (!socket.destroyed) socket.destroy();
    });
  }

  private async start(socket: Socket, local: boolean): Promise<void> {
    const limits = this.opts.limits();
    const refusal = this.opts.refusal() ?? (this.entries.size >= 2 * limits.maxConnections ? { sqlstate: '53300', message: 'sorry, too many clients already' } : null);
    const pool = this.opts.pool();
    if (refusal || !pool) return this.refuse(socket, local, refusal ?? { sqlstate: '57P03', message: 'the database system is starting up' });
    let processId = this.nextProcessId++;
    while (this.entries.has(processId)) processId = this.nextProcessId++;
    const entry: Entry = { processId, secretKey: randomBytes(4).readInt32BE(0), ref: null, slot: false };
    this.entries.set(processId, entry);
    let w;
    try {
      w = await pool.leastLoaded();
    } catch (err) {
      this.remove(processId);
      throw err;
    }
    const ref: RefData = { node: w.id, path: `backend:net:${processId}` };
    entry.ref = ref;
    w.load++;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      w.load--;
      this.remove(processId);
    };
    const cancelMonitor = this.opts.node.monitor(ref, end);
    const args: JsonObject = { ...this.opts.spawnArgs(), processId, secretKey: entry.secretKey, local, authenticationTimeoutMs: limits.authenticationTimeoutMs };
    try {
      await this.opts.node.spawnWithHandle(
        w.id,
        { op: 'spawn', kind: 'backend', path: ref.path, args, meta: { role: 'backend', name: `backend ${processId}`, restarts: 0 } },
        socket,
        SPAWN_TIMEOUT_MS,
      );
    } catch (err) {
      cancelMonitor();
      end();
      throw err;
    }
  }

  /** A refusal in this process: the client gets its FATAL after its startup packet (a CancelRequest is still routed). */
  private refuse(socket: Socket, local: boolean, refusal: Refusal): void {
    new Connection(socketDuplex(socket), new RefusingEngine(refusal), {
      local,
      authenticationTimeoutMs: this.opts.limits().authenticationTimeoutMs,
      onCancelRequest: (processId, secretKey) => this.cancel(processId, secretKey),
    });
    socket.resume();
  }

  private remove(processId: number): void {
    this.entries.delete(processId);
    if (this.entries.size === 0) for (const r of this.emptyWaiters.splice(0)) r();
  }

  /** An authenticated session asks for a connection slot (InitProcess / InitPostgres). */
  claimSlot(processId: number, superuser: boolean): SlotReply {
    const entry = this.entries.get(processId);
    if (!entry) return { ok: false, sqlstate: '08006', message: 'the connection is gone' };
    if (entry.slot) return { ok: true };
    const { maxConnections, reserved } = this.opts.limits();
    let used = 0;
    for (const e of this.entries.values()) if (e.slot) used++;
    if (used >= maxConnections) return { ok: false, sqlstate: '53300', message: 'sorry, too many clients already' };
    if (!superuser && used >= maxConnections - reserved)
      return { ok: false, sqlstate: '53300', message: 'remaining connection slots are reserved for non-replication superuser connections' };
    entry.slot = true;
    return { ok: true };
  }

  /** A CancelRequest, from whichever connection it arrived on: signal the backend with that key. */
  cancel(processId: number, secretKey: number): void {
    const entry = this.entries.get(processId);
    if (!entry || entry.secretKey !== secretKey || !entry.ref) {
      elog('log', entry ? `wrong key in cancel request for process ${processId}` : `process ${processId} not found in cancel request`);
      return;
    }
    const ref = entry.ref;
    void this.opts.node.control(ref.node, { op: 'signal', path: ref.path, signal: { type: 'cancel', processId, secretKey } }, SIGNAL_TIMEOUT_MS).catch(() => undefined); // it ended meanwhile
  }

  /** Fast shutdown and crash-restart: every backend sends FATAL 57P01 and ends. Resolves when all are gone or after timeoutMs. */
  async terminateAll(timeoutMs: number): Promise<void> {
    for (const e of this.entries.values()) {
      const ref = e.ref;
      if (ref) void this.opts.node.control(ref.node, { op: 'signal', path: ref.path, signal: { type: 'shutdown', mode: 'fast' } }, SIGNAL_TIMEOUT_MS).catch(() => undefined);
    }
    await this.waitEmpty(timeoutMs);
  }

  /** Resolves once no connection is left (smart shutdown), or after timeoutMs (Infinity: no limit). */
  waitEmpty(timeoutMs = Infinity): Promise<void> {
    if (this.entries.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      this.emptyWaiters.push(done);
      if (Number.isFinite(timeoutMs)) timer = setTimeout(done, timeoutMs);
    });
  }
}

/** The engine of a refused connection: the refusal is its answer to the startup packet. */
class RefusingEngine implements ProtocolEngine {
  constructor(private readonly refusal: Refusal) {}
  private fail(): never {
    throw new ProtocolError(this.refusal.message, this.refusal.sqlstate, 'FATAL');
  }
  async authenticate(): Promise<AuthDecision> {
    return this.fail();
  }
  async startSession(): Promise<SessionInfo> {
    return this.fail();
  }
  async simpleQuery(): Promise<SimpleQueryReply> {
    return this.fail();
  }
  async prepare(): Promise<PreparedStatement> {
    return this.fail();
  }
  async bind(): Promise<Portal> {
    return this.fail();
  }
  async execute(): Promise<ExecuteReply> {
    return this.fail();
  }
  async sync(): Promise<TransactionStatus> {
    return this.fail();
  }
  cancel(): void {}
  async close(): Promise<void> {}
}
