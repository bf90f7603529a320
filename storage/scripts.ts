/*
 * Loads the Lua commands in storage/scripts/ and registers them with ioredis
 * `defineCommand` (EVALSHA with a transparent fallback to EVAL when Redis has
 * lost its script cache, e.g. after a restart).
 *
 * File names carry the key count (`registerProc-3.lua` takes 3 keys), and a
 * line `--@include "helpers/x.lua"` is replaced by that file's text at load
 * time, so that shared helpers still run inside one atomic script.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

export const SCRIPTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'scripts');

export interface ScriptDef {
  name: string;
  numberOfKeys: number;
  lua: string;
  file: string;
}

const FILE_RE = /^([a-z][A-Za-z]*)-(\d+)\.lua$/;

export function loadScripts(dir = SCRIPTS_DIR): ScriptDef[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.lua'))
    .map((file) => {
      const m = FILE_RE.exec(file);
      if (!m) throw new Error(`Lua script ${file} must be named <verbObject>-<numKeys>.lua`);
      return { name: m[1]!, numberOfKeys: Number(m[2]), lua: expandIncludes(join(dir, file), new Set()), file };
    });
}

function expandIncludes(path: string, seen: Set<string>): string {
  if (seen.has(path)) throw new Error(`Lua include cycle at ${path}`);
  seen.add(path);
  return readFileSync(path, 'utf8').replace(/^--@include "([^"]+)"$/gm, (_, rel: string) => expandIncludes(join(dirname(path), rel), seen));
}

/** A registered script, called with its keys and arguments. */
export type ScriptCall = (keys: string[], args: Array<string | number | Buffer>) => Promise<unknown>;

export function defineScripts(redis: Redis, defs: ScriptDef[] = loadScripts()): Map<string, ScriptCall> {
  const calls = new Map<string, ScriptCall>();
  for (const def of defs) {
    redis.defineCommand(def.name, { numberOfKeys: def.numberOfKeys, lua: def.lua });
    const method: unknown = Reflect.get(redis, def.name);
    if (typeof method !== 'function') throw new Error(`ioredis did not define ${def.name}`);
    calls.set(def.name, (keys, args) => {
      if (keys.length !== def.numberOfKeys) return Promise.reject(new Error(`${def.name} takes ${def.numberOfKeys} keys, got ${keys.length}`));
      return Promise.resolve(method.call(redis, ...keys, ...args) as unknown);
    });
  }
  return calls;
}
