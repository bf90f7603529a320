/*
 * The proc registry: one readable Redis hash per live process or actor, the
 * counterpart of PostgreSQL's BackendStatusArray behind pg_stat_activity.
 *
 * Access rules: an entry is written by the process that hosts it (its `pid`
 * field) and changed only by that pid; the postmaster's side removes the
 * entries of a process that died (removeProcsOfPid). All changes are the Lua
 * scripts in storage/scripts, so index, hash and pid set never disagree.
 */
import type { Redis } from 'ioredis';
import { Keys } from './keys.ts';
import { defineScripts } from './scripts.ts';
import type { ScriptCall } from './scripts.ts';

export type ProcFields = Record<string, string | number>;

export interface ProcEntry {
  id: string;
  pid: number;
  role: string;
  state: string;
  fields: Record<string, string>;
}

export class BackendStatus {
  private readonly scripts: Map<string, ScriptCall>;

  constructor(
    readonly redis: Redis,
    readonly keys: Keys,
  ) {
    this.scripts = defineScripts(redis);
  }

  async register(id: string, pid: number, fields: ProcFields): Promise<void> {
    await this.call('registerProc', [this.keys.procs(), this.keys.proc(id), this.keys.procsOfPid(pid)], [id, pid, ...flatten(fields)]);
  }

  /** True if the entry existed (and belonged to `pid`). */
  async update(id: string, pid: number, fields: ProcFields): Promise<boolean> {
    return (await this.call('updateProc', [this.keys.proc(id)], [pid, ...flatten(fields)])) === 1;
  }

  async unregister(id: string, pid: number): Promise<boolean> {
    return (await this.call('unregisterProc', [this.keys.procs(), this.keys.proc(id), this.keys.procsOfPid(pid)], [id, pid])) === 1;
  }

  async removePid(pid: number): Promise<number> {
    return this.call('removeProcsOfPid', [this.keys.procs(), this.keys.procsOfPid(pid)], [this.keys.procPrefix(), pid]);
  }

  /** Deletes every key of the cluster and starts a new epoch. */
  async reset(epoch: string): Promise<number> {
    return this.call('resetSharedState', [this.keys.epoch()], [`${escapeGlob(this.keys.prefix)}*`, epoch]);
  }

  async epoch(): Promise<string | null> {
    return this.redis.get(this.keys.epoch());
  }

  async list(): Promise<ProcEntry[]> {
    const ids = await this.redis.smembers(this.keys.procs());
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.keys.proc(id));
    const results = (await pipe.exec()) ?? [];
    const out: ProcEntry[] = [];
    for (const [err, value] of results) {
      if (err) throw err;
      const entry = decodeEntry(value);
      if (entry) out.push(entry);
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  private async call(name: string, keys: string[], args: Array<string | number>): Promise<number> {
    const script = this.scripts.get(name);
    if (!script) throw new Error(`Lua script ${name} is not loaded`);
    const reply = await script(keys, args);
    if (typeof reply !== 'number') throw new Error(`${name} returned ${typeof reply}, expected an integer`);
    return reply;
  }
}

function flatten(fields: ProcFields): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(fields)) out.push(k, String(v));
  return out;
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

function decodeEntry(value: unknown): ProcEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') fields[k] = v;
  if (!fields['id']) return null; // removed between SMEMBERS and HGETALL
  return { id: fields['id'], pid: Number(fields['pid']), role: fields['role'] ?? '', state: fields['state'] ?? '', fields };
}
