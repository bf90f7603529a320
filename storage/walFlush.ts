/*
 * The work of the WAL writer (PostgreSQL's walwriter.c + XLogWrite): move
 * records from the WAL buffer in Redis to the segment files, fdatasync, then
 * advance the flushed LSN and wake the committers (group commit: everything
 * that arrived during one fdatasync goes out with the next one).
 *
 * Records leave the buffer only after they are durable (walFlushed), so a
 * WAL writer that dies mid-way loses nothing: its successor reopens the
 * segments at the flushed LSN, cutting off whatever half-written bytes are
 * beyond it, and writes the same records again.
 *
 * It sleeps in BLPOP on the doorbell list while there is nothing to write
 * (never spins) and wakes at the first record appended.
 */
import type { Redis } from 'ioredis';
import { join } from 'node:path';
import { replyInt, scriptFailure } from './errors.ts';
import type { StorageEngine } from './engine.ts';
import { encodeRecord } from './wal/walFormat.ts';
import { WalWriter } from './wal/segments.ts';
import type { WalWriterOptions } from './wal/segments.ts';

/** Records taken from the buffer per write (bounds one write's memory). */
const BATCH = 4096;
/** Prefix of a buffer entry: struct.pack('<ddBB', lsn, xid, rmgr, info). */
const ENTRY_PREFIX = 18;

export function walDir(dataDir: string): string {
  return join(dataDir, 'wal');
}

export interface FlushStats {
  [key: string]: number;
  flushes: number;
  records: number;
}

export class WalFlusher {
  readonly stats: FlushStats = { flushes: 0, records: 0 };

  private constructor(
    private readonly engine: StorageEngine,
    private readonly writer: WalWriter,
    private readonly blocking: Redis,
  ) {}

  static async open(engine: StorageEngine, segSize: number, options: WalWriterOptions = {}): Promise<WalFlusher> {
    const flushed = Number((await engine.guard(engine.redis.get(engine.keys.walFlush()))) ?? NaN);
    if (!Number.isFinite(flushed)) throw new Error('shared memory has no flushed WAL position (recovery did not run)');
    const writer = await WalWriter.open(walDir(engine.dataDir), segSize, flushed, options);
    const blocking = engine.redis.duplicate({ connectionName: `${engine.redis.options.connectionName ?? 'actorgres'}:walwriter`, maxRetriesPerRequest: null });
    blocking.on('error', () => undefined);
    return new WalFlusher(engine, writer, blocking);
  }

  /** Writes and flushes what is in the buffer now; returns the number of records. */
  async flushOnce(): Promise<number> {
    const keys = this.engine.keys;
    const entries = await this.engine.guard(this.engine.redis.lrangeBuffer(keys.walBuffer(), 0, BATCH - 1));
    if (entries.length === 0) return 0;
    const first = entries[0]!.readDoubleLE(0);
    // One write for the whole batch: per-record writes cost more than the fdatasync.
    const frames: Buffer[] = [];
    let next = this.writer.position;
    for (const e of entries) {
      const lsn = e.readDoubleLE(0);
      if (lsn !== next) throw new Error(`WAL buffer entry at ${lsn} does not follow the written position ${next}`);
      const frame = encodeRecord({ lsn, xid: e.readDoubleLE(8), rmgr: e.readUInt8(16), info: e.readUInt8(17), payload: e.subarray(ENTRY_PREFIX) });
      frames.push(frame);
      next += frame.length;
    }
    await this.writer.append(Buffer.concat(frames));
    const flushed = await this.writer.flush();
    const r = replyInt(await this.engine.script('walFlushed', [keys.walBuffer(), keys.walFlush()], [keys.prefix, entries.length, flushed, first]), 'walFlushed');
    if (r < 0) throw scriptFailure(r, 'walFlushed');
    this.stats.flushes++;
    this.stats.records += entries.length;
    return entries.length;
  }

  /** Flushes until stopped: sleeps on the doorbell while the buffer is empty. */
  async run(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.blocking.disconnect(), { once: true });
    while (!signal.aborted) {
      if ((await this.flushOnce()) > 0) continue;
      try {
        await this.engine.guard(this.blocking.blpop(this.engine.keys.walDoorbell(), 0));
      } catch (err) {
        if (signal.aborted) break;
        throw err;
      }
    }
  }

  async close(): Promise<void> {
    this.blocking.disconnect();
    await this.writer.close();
  }
}
