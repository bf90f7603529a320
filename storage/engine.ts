/*
 * The storage engine of one process: its Redis connection with the Lua
 * commands defined, its wake-up subscription, and its open data files. It is
 * what a backend (and the tests) use to create relations and run
 * transactions (transaction.ts).
 *
 * Shared buffers: pages live in Redis; a script that needs a page that is not
 * there answers PageNotLoaded, and loadPage() reads the block from its data
 * file and installs it (ReadBuffer on a miss), then the operation is retried.
 */
import type { Redis } from 'ioredis';
import { Keys } from './keys.ts';
import { SharedNotifications } from './notifications.ts';
import { RelationFile, removeRelationFile } from './pageFile.ts';
import { connectRedis } from './redis.ts';
import { defineScripts } from './scripts.ts';
import type { ScriptCall } from './scripts.ts';
import { replyArray, replyInt, scriptFailure } from './errors.ts';
import { Transaction } from './transaction.ts';
import type { Isolation } from './transaction.ts';

export interface EngineOptions {
  dataDir: string;
  redisAddress: string;
  keyPrefix: string;
  /** Connection name shown by CLIENT LIST. */
  name: string;
  /** How long a row-lock wait lasts before the deadlock check (PostgreSQL's deadlock_timeout). */
  deadlockTimeoutMs?: number;
}

export class StorageEngine {
  private readonly files = new Map<number, Promise<RelationFile>>();
  deadlockTimeoutMs = 1000;
  /** The OS process the transactions of this engine belong to: if it dies, endTransactionsOfPid ends them. */
  ownerPid = process.pid;
  private transactions = 0;

  /** A new owner token "<pid>:<n>": what a transaction's xid is recorded under until it ends (lib/mvcc.lua). */
  nextOwnerToken(): string {
    return `${this.ownerPid}:${++this.transactions}`;
  }
  private closed = false;
  private reconnected = false;

  private constructor(
    readonly dataDir: string,
    readonly redis: Redis,
    readonly keys: Keys,
    readonly notifications: SharedNotifications,
    private readonly scripts: Map<string, ScriptCall>,
  ) {}

  static async open(opts: EngineOptions): Promise<StorageEngine> {
    const redis = connectRedis(opts.redisAddress, opts.name);
    redis.on('error', () => undefined); // failures surface as rejected commands
    const keys = new Keys(opts.keyPrefix);
    const notifications = await SharedNotifications.start(redis, keys);
    const engine = new StorageEngine(opts.dataDir, redis, keys, notifications, defineScripts(redis));
    redis.on('close', () => (engine.reconnected = true));
    if (opts.deadlockTimeoutMs !== undefined) engine.deadlockTimeoutMs = opts.deadlockTimeoutMs;
    return engine;
  }

  /** Runs a Lua command by name (the wrappers in this folder check its reply). */
  script(name: string, keys: string[], args: Array<string | number | Buffer>): Promise<unknown> {
    const call = this.scripts.get(name);
    if (!call) throw new Error(`Lua script ${name} is not loaded`);
    if (this.notifications.lost) return Promise.reject(this.notifications.lost);
    if (this.reconnected) return this.checkEpoch().then(() => this.script(name, keys, args));
    return this.notifications.guardReply(`script ${name}`, () => call(keys, args));
  }

  /**
   * After the connection dropped, the Redis on the other end may be a new one
   * (shared memory lost): no script runs there before the epoch is checked.
   */
  private async checkEpoch(): Promise<void> {
    const epoch = await this.notifications.guardReply('GET epoch', () => this.redis.get(this.keys.epoch()));
    if (epoch !== this.notifications.epoch) this.notifications.markLost();
    else this.reconnected = false;
  }

  /** A plain Redis command of this engine: settles (rejects) once the engine closes, like every script. */
  guard<T>(command: Promise<T>): Promise<T> {
    return this.notifications.guard(command);
  }

  begin(isolation: Isolation = 'read committed', opts: { synchronousCommit?: boolean } = {}): Transaction {
    return new Transaction(this, isolation, opts.synchronousCommit ?? true);
  }

  /** Creates a heap relation; returns once its creation is durable. */
  async createRelation(name: string): Promise<number> {
    const reply = replyArray(await this.script('relationCreate', [...this.keys.walBlock(), this.keys.rels(), this.keys.relidNext()], [this.keys.prefix, name]), 'relationCreate');
    const relid = replyInt(reply[0], 'relationCreate');
    if (relid < 0) throw scriptFailure(relid, `relation "${name}"`);
    await this.notifications.waitForFlush(replyInt(reply[1], 'relationCreate'));
    return relid;
  }

  /**
   * Drops a relation (heap or index): its pages leave shared buffers at once,
   * and once the drop record is durable its data file is removed. Not
   * transactional: the SQL layer calls it after the dropping transaction
   * committed (PostgreSQL unlinks at commit too).
   */
  async dropRelation(relid: number): Promise<void> {
    const keys = this.keys;
    const reply = replyArray(await this.script('relationDrop', [...keys.walBlock(), keys.rels(), keys.rel(relid), keys.dirty()], [keys.prefix, relid]), 'relationDrop');
    const lsn = replyInt(reply[0], 'relationDrop');
    if (lsn < 0) throw scriptFailure(lsn, `relation ${relid}`);
    await this.notifications.waitForFlush(lsn);
    const file = this.files.get(relid);
    this.files.delete(relid);
    if (file) await (await file).close();
    await removeRelationFile(this.dataDir, relid);
  }

  /** Adds entries ("key blk.slot") for existing versions to an index: an index build (CREATE INDEX, rebuild after recovery). */
  async indexAddEntries(index: number, members: readonly string[]): Promise<void> {
    for (let i = 0; i < members.length; i += 5000) {
      await this.script('indexAddEntries', [this.keys.idx(index)], members.slice(i, i + 5000));
    }
  }

  async relationId(name: string): Promise<number | null> {
    const id = await this.notifications.guard(this.redis.hget(this.keys.rels(), name));
    return id === null ? null : Number(id);
  }

  /** Reads a block from its data file into shared buffers (a no-op if another process did). */
  async loadPage(relid: number, blkno: number): Promise<void> {
    const file = await this.relationFile(relid);
    const page = await file.readBlock(blkno);
    const args: Array<string | number> = [this.keys.prefix, relid, blkno, page?.lsn ?? 0];
    for (const [slot, bytes] of page?.items ?? []) args.push(slot, bytes.toString('utf8'));
    const r = replyInt(await this.script('loadPage', [this.keys.page(relid, blkno), this.keys.rel(relid)], args), 'loadPage');
    if (r < 0) throw scriptFailure(r, `block ${blkno} of relation ${relid}`);
  }

  relationFile(relid: number): Promise<RelationFile> {
    let f = this.files.get(relid);
    if (!f) {
      f = RelationFile.open(this.dataDir, relid);
      this.files.set(relid, f);
    }
    return f;
  }

  /** Closes the engine; every call still waiting fails. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.notifications.close();
    for (const f of this.files.values()) await (await f).close();
    this.files.clear();
    this.redis.disconnect();
  }
}
