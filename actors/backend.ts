/*
 * Backend (PostgreSQL's backend process, postgres.c's PostgresMain loop):
 * one actor per session. It runs the session's statements (sql/session.ts)
 * with results in PostgreSQL's text format, the form the wire protocol sends
 * and node-postgres parses.
 *
 * Two kinds of session run through this same code:
 *  - a network session: spawned by the postmaster (backendList.ts) on the
 *    least loaded worker together with the client's socket, which this actor
 *    then owns. protocol/connection.ts reads the socket and drives the engine
 *    of backendConnection.ts; statements run from the socket's events, so
 *    the mailbox stays free for interrupts: `cancel`, `terminate` and
 *    `shutdown` signals reach the actor while a statement runs, as
 *    PostgreSQL's signals reach a backend.
 *  - an embedded session (cluster.connect()): spawned by the postmaster on
 *    the least loaded worker, or in the embedding process for placement
 *    'local'; each `query` message runs one query string.
 *
 * Lifecycle: a temporary actor, never restarted. Normal end: the client
 * disconnects or sends Terminate (network), or `terminate` (embedded); its
 * open transaction is rolled back. Emergency end: a `terminate` signal or a
 * fast shutdown sends the client FATAL 57P01 first. If its worker process
 * dies, the kernel closes its socket and only the sessions on that worker
 * end; the transaction it had open is never committed.
 */
import { Socket } from 'node:net';
import { Connection, socketDuplex } from '../protocol/connection.ts';
import type { ActorBehavior } from '../supervision/actorNode.ts';
import type { Json, JsonObject } from '../supervision/types.ts';
import type { RefData, Signal } from '../supervision/wire.ts';
import { SqlSession, toSqlError } from '../sql/session.ts';
import { sqlProcess } from '../sql/sqlProcess.ts';
import { BackendConnectionEngine, toWireError, toWireResult } from './backendConnection.ts';
import type { WireError, WireResult } from './backendConnection.ts';
import type { SlotReply } from './backendList.ts';
import { decodeRoles } from '../utils/authid.ts';

export { toWireError, toWireResult };
export type { WireError, WireResult };

export type BackendMsg = { op: 'query'; sql: string; params: Array<string | null> } | { op: 'terminate' } | { op: 'closed' };

export interface QueryReply {
  results: WireResult[];
  error: WireError | null;
  status: 'I' | 'T' | 'E';
}

type State = { kind: 'embedded'; session: SqlSession } | { kind: 'network'; connection: Connection };

/** How long a new session waits for the postmaster's answer about a connection slot. */
const SLOT_TIMEOUT_MS = 10_000;

export const backend: ActorBehavior<State, BackendMsg, Json> = {
  async init(args: JsonObject, ctx) {
    const socket = ctx.handle;
    try {
      const proc = await sqlProcess({
        dataDir: String(args['dataDir']),
        redisAddress: String(args['redisAddress']),
        keyPrefix: String(args['keyPrefix']),
        name: `actorgres:backends:${process.pid}`,
      });
      if (socket === undefined) return { kind: 'embedded', session: new SqlSession(proc, String(args['user']), String(args['database'])) };
      if (!(socket instanceof Socket)) throw new Error('a backend was handed something that is not a socket');
      const node = ctx.node;
      const self = ctx.self;
      const postmaster = refOf(args['postmaster']);
      const processId = Number(args['processId']);
      const engine = new BackendConnectionEngine({
        proc,
        hba: String(args['hba']),
        roles: decodeRoles(args['roles']),
        claimSlot: async (superuser) => (await node.ask(postmaster, { type: 'backend-slot', processId, superuser }, SLOT_TIMEOUT_MS)) as unknown as SlotReply,
      });
      const connection = new Connection(socketDuplex(socket), engine, {
        processId,
        secretKey: Number(args['secretKey']),
        local: args['local'] === true,
        ...(socket.remoteAddress === undefined ? {} : { remoteAddress: socket.remoteAddress }),
        authenticationTimeoutMs: Number(args['authenticationTimeoutMs']),
        onCancelRequest: (pid, key) => node.tell(postmaster, { type: 'cancel-request', processId: pid, secretKey: key }),
        onClosed: () => node.tell(self, { op: 'closed' }),
      });
      return { kind: 'network', connection };
    } catch (err) {
      if (socket && 'destroy' in socket) socket.destroy(); // the client sees its connection end
      throw err;
    }
  },
  async receive(state, msg, ctx) {
    if (msg.op === 'closed') {
      ctx.stopSelf();
      return state;
    }
    if (state.kind === 'network') throw new Error(`a network backend got a ${msg.op} message`);
    if (msg.op === 'terminate') {
      await state.session.close();
      if (ctx.asked) ctx.reply(true);
      ctx.stopSelf();
      return state;
    }
    let reply: QueryReply;
    try {
      const { results, error } = await state.session.query(msg.sql, msg.params);
      const typeCtx = state.session.outputContext();
      reply = { results: results.map((r) => toWireResult(r, typeCtx)), error: error ? toWireError(error) : null, status: state.session.transactionStatus };
    } catch (err) {
      reply = { results: [], error: toWireError(toSqlError(err)), status: state.session.transactionStatus };
    }
    ctx.reply(reply as unknown as Json);
    return state;
  },
  async onSignal(state, signal: Signal, ctx) {
    switch (signal.type) {
      case 'cancel':
        if (state.kind === 'network') state.connection.cancel(signal.processId, signal.secretKey);
        break;
      case 'terminate':
        if (state.kind === 'network') await state.connection.terminate();
        ctx.stopSelf();
        break;
      case 'shutdown':
        // smart: the session goes on until its client leaves; fast: FATAL 57P01 now.
        if (signal.mode !== 'smart') {
          if (state.kind === 'network') await state.connection.terminate();
          ctx.stopSelf();
        }
        break;
      case 'reload':
        break;
    }
    return state;
  },
  async terminate(state) {
    if (state.kind === 'network') await state.connection.terminate();
    else await state.session.close();
  },
};

function refOf(v: Json | undefined): RefData {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || typeof v['node'] !== 'number' || typeof v['path'] !== 'string')
    throw new Error("a backend was started without the postmaster's reference");
  return { node: v['node'], path: v['path'] };
}
