/*
 * Correlation of asks and replies. nact's own `query` correlates by 31 random
 * bits and was measured to deliver wrong replies under load; this table uses a
 * per-process counter, so an id is never reused while the process lives, and
 * remembers which node each ask went to so that a node's death fails its asks
 * at once instead of letting them run into their timeouts.
 */
import { ActorRuntimeError, AskTimeout } from './errors.ts';
import type { Json, NodeId } from './types.ts';

interface Pending {
  resolve: (value: Json) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  node: NodeId;
}

export class AskTable {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  get size(): number {
    return this.pending.size;
  }

  /** Registers an ask to `node`; the caller sends the request with the returned id. */
  open(node: NodeId, timeoutMs: number, what: string): { id: number; reply: Promise<Json> } {
    if (!(timeoutMs > 0)) throw new RangeError(`ask needs a positive timeout, got ${timeoutMs}`);
    const id = this.nextId++;
    const reply = new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ActorRuntimeError(AskTimeout, `no reply from ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, node });
    });
    return { id, reply };
  }

  resolve(id: number, value: Json): boolean {
    const p = this.take(id);
    if (p) p.resolve(value);
    return p !== undefined;
  }

  reject(id: number, err: Error): boolean {
    const p = this.take(id);
    if (p) p.reject(err);
    return p !== undefined;
  }

  /** Fails every ask still waiting on `node` (it died). */
  rejectNode(node: NodeId, err: () => Error): number {
    let n = 0;
    for (const [id, p] of this.pending) {
      if (p.node === node) {
        this.take(id);
        p.reject(err());
        n++;
      }
    }
    return n;
  }

  rejectAll(err: () => Error): void {
    for (const [id, p] of this.pending) {
      this.take(id);
      p.reject(err());
    }
  }

  private take(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (p) {
      clearTimeout(p.timer);
      this.pending.delete(id);
    }
    return p;
  }
}
