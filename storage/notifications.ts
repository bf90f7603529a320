/*
 * Wake-ups from shared memory for one process: the flushed WAL position
 * (committers wait on it: group commit) and the end of transactions (row-lock
 * waiters wait on it). One subscriber connection per process fans the Redis
 * channels out to local rxjs streams, so a thousand waiters cost one
 * subscription, and nobody polls.
 *
 * After a reconnection messages may have been missed: the flushed LSN is read
 * again, and every xid waiter re-checks whether its transaction still runs.
 */
import type { Redis } from 'ioredis';
import { BehaviorSubject, Subject, filter, firstValueFrom, merge } from 'rxjs';
import type { Keys } from './keys.ts';

export class SharedNotifications {
  /** The flushed WAL LSN as last heard. */
  readonly flushed$ = new BehaviorSubject<number>(0);
  private readonly ended$ = new Subject<number>();
  private readonly resync$ = new Subject<void>();

  private constructor(
    private readonly redis: Redis,
    private readonly sub: Redis,
    private readonly keys: Keys,
  ) {}

  static async start(redis: Redis, keys: Keys): Promise<SharedNotifications> {
    // Bounded like every command: an unreachable Redis fails the start instead of hanging it.
    // Once subscribed, ioredis subscribes again by itself after each reconnection.
    const sub = redis.duplicate({ connectionName: `${redis.options.connectionName ?? 'actorgres'}:sub` });
    sub.on('error', () => undefined); // reconnects by itself; waiters re-check on 'ready'
    const n = new SharedNotifications(redis, sub, keys);
    sub.on('message', (channel: string, message: string) => {
      if (channel === keys.walFlushedChannel()) n.advance(Number(message));
      else if (channel === keys.xactEndChannel()) n.ended$.next(Number(message));
    });
    let first = true;
    sub.on('ready', () => {
      if (first) return void (first = false);
      void n.refreshFlushed().catch(() => undefined);
      n.resync$.next();
    });
    await sub.subscribe(keys.walFlushedChannel(), keys.xactEndChannel());
    await n.refreshFlushed();
    return n;
  }

  /** Resolves once WAL is flushed at or past `lsn`. */
  async waitForFlush(lsn: number): Promise<void> {
    if (this.flushed$.value >= lsn) return;
    const reached = firstValueFrom(this.flushed$.pipe(filter((v) => v >= lsn)));
    await this.refreshFlushed(); // a flush published before we subscribed
    await reached;
  }

  /** Resolves once transaction `xid` is no longer running. */
  async waitForXactEnd(xid: number): Promise<void> {
    for (;;) {
      const woken = firstValueFrom(merge(this.ended$.pipe(filter((x) => x === xid)), this.resync$));
      if ((await this.redis.zscore(this.keys.procarray(), String(xid))) === null) return;
      await woken;
    }
  }

  async close(): Promise<void> {
    this.sub.disconnect();
    this.flushed$.complete();
  }

  private async refreshFlushed(): Promise<void> {
    this.advance(Number((await this.redis.get(this.keys.walFlush())) ?? '0'));
  }

  private advance(lsn: number): void {
    if (lsn > this.flushed$.value) this.flushed$.next(lsn);
  }
}
