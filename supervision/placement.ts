/*
 * Placement: how the postmaster's supervisors start and stop actor children.
 * An actor with placement 'worker' goes to the ready worker process hosting
 * the fewest actors; 'primary' ones run in the postmaster's process. Every
 * child is monitored from the primary, where its supervisor lives.
 */
import type { ActorNode } from './actorNode.ts';
import type { ActorStart } from './childSpec.ts';
import { ActorRuntimeError, NodeDown } from './errors.ts';
import type { ActorStarter } from './supervisor.ts';
import type { ExitReason, Json, NodeId } from './types.ts';
import { PRIMARY_NODE } from './types.ts';
import type { RefData, SpawnMeta } from './wire.ts';
import type { WorkerPool } from './workerPool.ts';

/** How long a worker may take to answer a spawn request. */
const SPAWN_TIMEOUT_MS = 10_000;
/** Extra time, beyond the child's own shutdown timeout, for the stop reply to travel. */
const STOP_GRACE_MS = 2_000;

export class Placement implements ActorStarter {
  private incarnations = 0;

  constructor(
    private readonly node: ActorNode,
    private readonly pool: WorkerPool,
  ) {}

  async startActor(start: ActorStart, childPath: string, meta: SpawnMeta, onDown: (reason: ExitReason) => void): Promise<RefData> {
    // A unique path per incarnation: news about an old one can never be taken for the new one.
    const path = `${childPath}#${++this.incarnations}`;
    if (start.placement === 'primary') {
      const cancel = this.node.monitor({ node: PRIMARY_NODE, path }, onDown);
      try {
        return this.node.spawn(start.kind, path, start.args, meta);
      } catch (err) {
        cancel();
        throw err;
      }
    }
    const w = await this.pool.leastLoaded();
    const ref: RefData = { node: w.id, path };
    w.load++;
    let counted = true;
    const uncount = () => {
      if (counted) w.load--;
      counted = false;
    };
    const cancelLoad = this.node.monitor(ref, uncount);
    const cancel = this.node.monitor(ref, onDown);
    try {
      const spawned = decodeRef(await this.node.control(w.id, { op: 'spawn', kind: start.kind, path, args: start.args, meta }, SPAWN_TIMEOUT_MS));
      if (spawned.node !== ref.node || spawned.path !== ref.path) throw new Error(`worker ${w.id} spawned ${spawned.path} on node ${spawned.node}, expected ${path}`);
      return ref;
    } catch (err) {
      // Its node died (the monitors fired) or it refused: either way this start failed.
      cancel();
      cancelLoad();
      uncount();
      throw err;
    }
  }

  async stopActor(ref: RefData, timeoutMs: number): Promise<void> {
    if (ref.node === PRIMARY_NODE) {
      await this.node.stop(ref.path, timeoutMs);
      return;
    }
    try {
      await this.node.control(ref.node, { op: 'stop', path: ref.path, timeoutMs }, timeoutMs + STOP_GRACE_MS);
    } catch (err) {
      if (err instanceof ActorRuntimeError && err.code === NodeDown) return; // its process is gone: so is it
      // The worker did not answer in time: its event loop is stuck, and only killing it frees the actor.
      this.pool.kill(ref.node);
    }
  }
}

function decodeRef(value: Json): RefData {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value['node'] === 'number' && typeof value['path'] === 'string') {
    return { node: value['node'] as NodeId, path: value['path'] };
  }
  throw new Error(`spawn returned ${JSON.stringify(value)}, expected an actor reference`);
}
