/*
 * Shared-memory manager: the one actor of the primary process that touches
 * Redis (PostgreSQL's ipci.c, CreateSharedMemoryAndSemaphores, and the
 * postmaster's clean-up after a dead child). The postmaster stays away from
 * shared memory operations and asks this actor instead.
 *
 * Lifecycle: spawned in the primary by the postmaster at start, before any
 * worker. Its work: reset the shared state at start and after a crash
 * (a new epoch), register the postmaster's and workers' registry entries,
 * remove the entries of a dead worker process, and watch that Redis still
 * holds our epoch: if Redis comes back from a disconnection without it (it
 * restarted empty), or if an external Redis stays unreachable for
 * redis_unreachable_timeout, it tells the postmaster, which runs the
 * crash-restart cycle. Stops when the postmaster stops it; if it crashes, the postmaster
 * spawns it again (it keeps no state besides its connection).
 *
 * Redis failures are replies (`{ ok: false }`), not crashes: an unreachable
 * Redis is the postmaster's decision, not this actor's.
 */
import type { Redis } from 'ioredis';
import type { ActorBehavior } from '../supervision/actorNode.ts';
import type { ActorRef, Json } from '../supervision/types.ts';
import { BackendStatus } from '../storage/backendStatus.ts';
import { Keys } from '../storage/keys.ts';
import { connectRedis } from '../storage/redis.ts';
import { endTransactionsOfPid } from '../storage/deadBackends.ts';
import { StorageEngine } from '../storage/engine.ts';
import { elog } from '../utils/elog.ts';
import type { PostmasterMsg } from './postmaster.ts';

export type ShmemMsg =
  | { op: 'reset'; epoch: string }
  | { op: 'register'; id: string; pid: number; fields: { [k: string]: string | number } }
  | { op: 'update'; id: string; pid: number; fields: { [k: string]: string | number } }
  | { op: 'removePid'; pid: number }
  | { op: 'destroy' }
  | { op: 'check' }
  /** Internal: the connection has been down for unreachableMs. */
  | { op: 'unreachable'; since: number };

export type ShmemReply = { ok: true; value: Json } | { ok: false; error: string };

export interface ShmemArgs {
  dataDir: string;
  redisAddress: string;
  keyPrefix: string;
  postmaster: ActorRef<PostmasterMsg, Json>;
  /** An external Redis unreachable this long counts as lost; 0: never (the embedded one's exit is reported directly). */
  unreachableMs: number;
}

interface State {
  postmaster: ActorRef<PostmasterMsg, Json>;
  args: ShmemArgs;
  redis: Redis;
  status: BackendStatus;
  epoch: string | null;
}

export const shmem: ActorBehavior<State, ShmemMsg, ShmemReply, ShmemArgs> = {
  init(args, ctx) {
    const redis = connectRedis(args.redisAddress, 'actorgres:postmaster');
    const state: State = { postmaster: args.postmaster, args, redis, status: new BackendStatus(redis, new Keys(args.keyPrefix)), epoch: null };
    let connectedOnce = false;
    redis.on('error', () => undefined); // reported through failed replies and the epoch check
    let down: NodeJS.Timeout | null = null;
    redis.on('close', () => {
      if (down || args.unreachableMs <= 0 || !connectedOnce) return;
      const since = Date.now();
      down = setTimeout(() => ctx.node.tell(ctx.self, { op: 'unreachable', since }), args.unreachableMs);
    });
    redis.on('ready', () => {
      if (down) clearTimeout(down);
      down = null;
      if (!connectedOnce) {
        connectedOnce = true;
        return;
      }
      // Back after a disconnection: is it still the Redis we initialized?
      ctx.node.tell(ctx.self, { op: 'check' });
    });
    return state;
  },

  async receive(state, msg, ctx) {
    let reply: ShmemReply;
    try {
      reply = { ok: true, value: await run(state, msg) };
    } catch (err) {
      reply = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    if (msg.op === 'unreachable' && state.epoch !== null && state.redis.status !== 'ready') {
      ctx.node.tell(state.postmaster, { type: 'shmem-lost', why: `Redis (shared memory) unreachable for ${Date.now() - msg.since} ms`, epoch: state.epoch });
    }
    if (msg.op === 'check' && reply.ok && state.epoch !== null && reply.value !== state.epoch) {
      const why = `Redis lost the shared state (epoch ${state.epoch} is ${reply.value === null ? 'missing' : 'replaced'})`;
      ctx.node.tell(state.postmaster, { type: 'shmem-lost', why, epoch: state.epoch });
    }
    if (ctx.asked) ctx.reply(reply);
    return state;
  },

  async terminate(state) {
    state.redis.disconnect();
  },
};

/**
 * Ends the transactions of a dead process, outside the mailbox: finishing an
 * in-doubt commit waits for the WAL writer, which may itself be restarting
 * after the same death.
 */
function endTransactions(state: State, pid: number): void {
  // A connection of its own per death (rare), so that it always talks to the current shared memory.
  const engine = StorageEngine.open({ dataDir: state.args.dataDir, redisAddress: state.args.redisAddress, keyPrefix: state.args.keyPrefix, name: 'actorgres:postmaster:cleanup' });
  void engine
    .then((e) => endTransactionsOfPid(e, pid).finally(() => e.close()))
    .then(
      (r) => {
        if (r.aborted.length + r.committed.length > 0)
          elog('log', `transactions of dead process ${pid}: aborted ${r.aborted.join(', ') || 'none'}; commit finished ${r.committed.join(', ') || 'none'}`);
      },
      (err: unknown) => elog('warning', `could not end the transactions of dead process ${pid}: ${err instanceof Error ? err.message : String(err)}`),
    );
}

async function run(state: State, msg: ShmemMsg): Promise<Json> {
  switch (msg.op) {
    case 'reset': {
      const dropped = await state.status.reset(msg.epoch);
      state.epoch = msg.epoch;
      return dropped;
    }
    case 'register':
      await state.status.register(msg.id, msg.pid, msg.fields);
      return true;
    case 'update':
      return state.status.update(msg.id, msg.pid, msg.fields);
    case 'removePid': {
      const removed = await state.status.removePid(msg.pid);
      endTransactions(state, msg.pid);
      return removed;
    }
    case 'destroy': {
      const dropped = await state.status.reset('');
      await state.redis.del(state.status.keys.epoch());
      state.epoch = null;
      return dropped;
    }
    case 'check':
      return state.status.epoch();
    case 'unreachable':
      return null;
  }
}
