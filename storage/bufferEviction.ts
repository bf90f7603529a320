/*
 * Keeping shared buffers within shared_buffers (PostgreSQL's bgwriter.c with
 * the clock sweep of freelist.c). Scripts that make a page resident ring a
 * doorbell once more than shared_buffers pages are in Redis; the background
 * writer then sweeps: clean pages with no recent use are evicted, dirty ones
 * are first written to their data file, only once WAL is flushed past them
 * (WAL before data), fsynced, and marked clean, so a later sweep can evict
 * them. The bound is soft: pages loaded between two sweeps may exceed it
 * briefly, never for long.
 */
import type { Redis } from 'ioredis';
import type { StorageEngine } from './engine.ts';
import { replyArray, replyInt, replyString } from './errors.ts';

/** Sweep down to this share of shared_buffers, so that a sweep is not needed at every load. */
const LOW_WATER = 0.9;
const STEPS_PER_CALL = 1024;

export interface EvictionStats {
  [key: string]: number;
  evicted: number;
  written: number;
}

export class BufferEvictor {
  readonly stats: EvictionStats = { evicted: 0, written: 0 };

  private constructor(
    private readonly engine: StorageEngine,
    private readonly blocking: Redis,
  ) {}

  static open(engine: StorageEngine): BufferEvictor {
    const blocking = engine.redis.duplicate({ connectionName: `${engine.redis.options.connectionName ?? 'actorgres'}:bgwriter`, maxRetriesPerRequest: null });
    blocking.on('error', () => undefined);
    return new BufferEvictor(engine, blocking);
  }

  /** One sweep down to the low-water mark; returns the pages still resident. */
  async sweep(): Promise<number> {
    const keys = this.engine.keys;
    const limit = Number((await this.engine.guard(this.engine.redis.get(`${keys.prefix}shared_buffers`))) ?? 0);
    if (!(limit > 0)) return 0;
    const target = Math.floor(limit * LOW_WATER);
    for (;;) {
      const r = replyArray(await this.engine.script('evictBuffers', [keys.buffers(), keys.usage(), keys.dirty()], [keys.prefix, target, STEPS_PER_CALL]), 'evictBuffers');
      this.stats.evicted += replyInt(r[0], 'evictBuffers');
      const resident = replyInt(r[1], 'evictBuffers');
      const dirty = [...new Set(r.slice(2).map((m) => replyString(m, 'evictBuffers')))];
      for (const id of dirty) await this.writeDirty(id);
      if (resident <= target || (dirty.length === 0 && replyInt(r[0], 'evictBuffers') === 0)) return resident;
    }
  }

  /** Sweeps whenever the doorbell rings, until stopped. */
  async run(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.blocking.disconnect(), { once: true });
    while (!signal.aborted) {
      await this.sweep();
      try {
        await this.engine.guard(this.blocking.blpop(this.engine.keys.bgwriterDoorbell(), 0));
      } catch (err) {
        if (signal.aborted) break;
        throw err;
      }
    }
  }

  close(): void {
    this.blocking.disconnect();
  }

  private async writeDirty(id: string): Promise<void> {
    const [rel, blk] = id.split(':').map(Number) as [number, number];
    const key = this.engine.keys.page(rel, blk);
    const h = await this.engine.guard(this.engine.redis.hgetall(key));
    if (!h['lsn']) return;
    await this.engine.notifications.waitForFlush(Number(h['lsn']));
    const items = new Map<number, Buffer>();
    for (const [f, v] of Object.entries(h)) if (f.startsWith('s')) items.set(Number(f.slice(1)), Buffer.from(v, 'utf8'));
    const file = await this.engine.relationFile(rel);
    await file.writeBlock(blk, { lsn: Number(h['lsn']), items });
    await file.sync();
    await this.engine.script('pageCleaned', [key, this.engine.keys.dirty()], [id, h['lsn']]);
    this.stats.written++;
  }
}
