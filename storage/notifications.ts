/*
 * Wake-ups from shared memory for one process: the flushed WAL position
 * (committers wait on it: group commit) and the end of transactions (row-lock
 * waiters wait on it). One subscriber connection per process fans the Redis
 * channels out to local rxjs streams, so a thousand waiters cost one
 * subscription, and nobody polls.
 *
 * After a reconnection messages may have been missed: the flushed LSN is read
 * again, and every xid waiter re-checks whether its transaction still runs.
 * If Redis came back with another epoch, shared memory was lost: every wait
 * fails and the engine refuses further work (PostgreSQL terminates every
 * session in its crash-restart cycle too). A committer waiting for a flush
 * must never be woken by the new WAL reaching the position its lost record had.
 *
 * A command sent on the engine's connection whose reply is lost with it
 * (guardReply) fails once the connection is back and the epoch checked:
 * 57P02 if shared memory was lost meanwhile, else 08006. (With
 * autoResendUnfulfilledCommands off, ioredis neither re-sends such a command
 * nor ever settles its promise.)
 */
import type { Redis } from 'ioredis';
import { BehaviorSubject, Subject, filter, firstValueFrom, merge } from 'rxjs';
import { StorageError } from './errors.ts';
import type { Keys } from './keys.ts';

export class SharedNotifications {
  /** The flushed WAL LSN as last heard. */
  readonly flushed$ = new BehaviorSubject<number>(0);
  private readonly ended$ = new Subject<number>();
  /** Catalog invalidations (PostgreSQL's sinval): published after a DDL commit; the SQL layer drops its catalog cache. */
  readonly catalogInval$ = new Subject<string>();
  private readonly resync$ = new Subject<void>();
  /** Errors every wait once the engine closes: nobody waits forever on a dead cluster. */
  private readonly closed$ = new Subject<never>();
  private readonly closedPromise: Promise<never> = new Promise<never>((_, reject) => this.closed$.subscribe({ error: reject }));

  /** Set once shared memory was found lost (or the engine closed): the reason every wait fails with. */
  lost: StorageError | null = null;
  /** The shared-state generation this process attached to. */
  epoch: string | null = null;
  /** Between a disconnection and the epoch check after it, wake nobody: the news may be from another Redis. */
  private suspect = false;
  /** Commands written to the engine's connection and not answered yet: failed if it drops. */
  private readonly unanswered = new Set<() => void>();
  /** Their replies were lost with a connection: failed after the epoch check on the next one. */
  private lostReplies: Array<() => void> = [];

  private constructor(
    private readonly redis: Redis,
    private readonly sub: Redis,
    private readonly keys: Keys,
  ) {
    this.closedPromise.catch(() => undefined); // observed here, so closing never leaves an unhandled rejection
  }

  static async start(redis: Redis, keys: Keys): Promise<SharedNotifications> {
    // Bounded like every command: an unreachable Redis fails the start instead of hanging it.
    // Once subscribed, ioredis subscribes again by itself after each reconnection.
    const sub = redis.duplicate({ connectionName: `${redis.options.connectionName ?? 'actorgres'}:sub` });
    sub.on('error', () => undefined); // reconnects by itself; waiters re-check on 'ready'
    const n = new SharedNotifications(redis, sub, keys);
    sub.on('message', (channel: string, message: string) => {
      if (n.suspect) return; // re-read after the epoch check
      if (channel === keys.walFlushedChannel()) n.advance(Number(message));
      else if (channel === keys.xactEndChannel()) n.ended$.next(Number(message));
      else if (channel === keys.catalogInvalChannel()) n.catalogInval$.next(message);
    });
    sub.on('close', () => (n.suspect = true));
    redis.on('close', () => n.repliesLost());
    redis.on('ready', () => void n.settleLostReplies());
    let first = true;
    sub.on('ready', () => {
      if (first) return void (first = false);
      void n.afterReconnect().catch(() => undefined);
    });
    await sub.subscribe(keys.walFlushedChannel(), keys.xactEndChannel(), keys.catalogInvalChannel());
    n.epoch = await redis.get(keys.epoch());
    await n.refreshFlushed();
    return n;
  }

  /**
   * Settles like `p`, or rejects when the engine closes or shared memory is
   * lost. ioredis leaves a command queued while it waits to reconnect even
   * after disconnect(), so every Redis call of the engine goes through here.
   */
  guard<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.closedPromise]);
  }

  /**
   * guard() for a command `send` writes to the engine's own connection: it
   * also fails if that connection drops before the reply arrives (08006, or
   * 57P02 if Redis came back with another epoch). The command may have run;
   * it is never run a second time. A command
   * issued while the connection is down waits in ioredis's offline queue
   * instead (sent once it is back, or failed after maxRetriesPerRequest).
   */
  guardReply<T>(what: string, send: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready') return this.guard(send());
    let lost!: () => void;
    const dropped = new Promise<never>((_, reject) => {
      lost = () => reject(new StorageError('08006', `connection to shared memory (Redis) lost before the reply to ${what} arrived; it may have run, and was not sent again`));
    });
    this.unanswered.add(lost);
    return this.guard(Promise.race([send(), dropped])).finally(() => this.unanswered.delete(lost));
  }

  /** Resolves once WAL is flushed at or past `lsn`. */
  async waitForFlush(lsn: number): Promise<void> {
    if (this.flushed$.value >= lsn) return;
    const reached = firstValueFrom(merge(this.flushed$.pipe(filter((v) => v >= lsn)), this.closed$));
    reached.catch(() => undefined); // observed below; never left unhandled if refresh throws
    await this.refreshFlushed(); // a flush published before we subscribed
    await reached;
  }

  /** Resolves once transaction `xid` is no longer running. */
  async waitForXactEnd(xid: number): Promise<void> {
    for (;;) {
      const woken = firstValueFrom(merge(this.ended$.pipe(filter((x) => x === xid)), this.resync$, this.closed$));
      woken.catch(() => undefined); // observed below, or not needed
      if ((await this.guardReply('ZSCORE procarray', () => this.redis.zscore(this.keys.procarray(), String(xid)))) === null) return;
      await woken;
    }
  }

  async close(): Promise<void> {
    this.sub.disconnect();
    this.fail(new StorageError('57P01', 'the storage engine was closed while waiting (the session is terminated)'));
    this.flushed$.complete();
  }

  /** Shared memory was found lost (by this subscription or by the engine's own connection). */
  markLost(): void {
    this.fail(new StorageError('57P02', 'terminating connection because shared memory (Redis) was lost; the cluster is running crash recovery'));
  }

  /** The engine's connection dropped: every reply still awaited on it is lost. */
  private repliesLost(): void {
    this.lostReplies.push(...this.unanswered);
    this.unanswered.clear();
  }

  /** Connected again: another epoch means shared memory was lost (every wait fails 57P02), else the lost replies fail (08006). */
  private async settleLostReplies(): Promise<void> {
    if (this.lostReplies.length === 0) return;
    let epoch: string | null;
    try {
      epoch = await this.redis.get(this.keys.epoch());
    } catch {
      return; // dropped again: the next connection settles them
    }
    if (epoch !== this.epoch) return this.markLost();
    const lost = this.lostReplies;
    this.lostReplies = [];
    for (const fail of lost) fail();
  }

  private fail(err: StorageError): void {
    if (this.lost) return;
    this.lost = err;
    this.closed$.error(err);
  }

  private async afterReconnect(): Promise<void> {
    const epoch = await this.guardReply('GET epoch', () => this.redis.get(this.keys.epoch()));
    if (epoch !== this.epoch) return this.markLost();
    this.suspect = false;
    await this.refreshFlushed();
    this.resync$.next();
  }

  private async refreshFlushed(): Promise<void> {
    const flushed = Number((await this.guardReply('GET wal:flush', () => this.redis.get(this.keys.walFlush()))) ?? '0');
    if (!this.suspect) this.advance(flushed);
  }

  private advance(lsn: number): void {
    if (lsn > this.flushed$.value) this.flushed$.next(lsn);
  }
}
