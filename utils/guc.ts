/*
 * Settings (PostgreSQL's GUC): their definitions, and the parser of
 * DIR/actorgres.conf. Names follow PostgreSQL where one exists. A name with a
 * dot (`myext.level`) is a custom setting, as in PostgreSQL: accepted as a
 * string and handed to whoever reads it (background workers).
 *
 * Context says when a change takes effect: `postmaster` only at start,
 * `sighup` on reload.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { LEVELS } from './elog.ts';

export type GucContext = 'postmaster' | 'sighup';
/** The unit a bare number means and values are stored in (PostgreSQL's GUC_UNIT_MS, GUC_UNIT_S, bytes). */
type Unit = 'ms' | 's' | 'bytes';

interface GucBase {
  name: string;
  context: GucContext;
  description: string;
}
type GucDef =
  | (GucBase & { type: 'int'; default: number; min: number; max: number; unit?: Unit })
  | (GucBase & { type: 'bool'; default: boolean })
  | (GucBase & { type: 'string'; default: string })
  | (GucBase & { type: 'enum'; default: string; values: readonly string[] });

export const GUC_DEFS: readonly GucDef[] = [
  {
    name: 'port',
    type: 'int',
    default: 5432,
    min: 1,
    max: 65535,
    context: 'postmaster',
    description: 'TCP port the server listens on; also names the unix socket DIR/.s.PGSQL.<port>',
  },
  {
    name: 'listen_addresses',
    type: 'string',
    default: 'localhost',
    context: 'postmaster',
    description: "comma-separated host names or IP addresses to listen on for TCP; '*' = all, '' = the unix socket only",
  },
  { name: 'max_connections', type: 'int', default: 100, min: 1, max: 262_143, context: 'postmaster', description: 'most concurrent client sessions' },
  {
    name: 'superuser_reserved_connections',
    type: 'int',
    default: 3,
    min: 0,
    max: 262_143,
    context: 'postmaster',
    description: 'of max_connections, slots only superusers may take',
  },
  {
    name: 'authentication_timeout',
    type: 'int',
    default: 60,
    min: 1,
    max: 600,
    unit: 's',
    context: 'sighup',
    description: 'a client that has not authenticated by then is disconnected',
  },
  { name: 'node_workers', type: 'int', default: 0, min: 0, max: 256, context: 'postmaster', description: 'worker processes that host actors; 0 = one per CPU' },
  {
    name: 'redis_url',
    type: 'string',
    default: '',
    context: 'postmaster',
    description: 'external Redis (redis://...); empty = a private redis-server on a unix socket in the data directory',
  },
  {
    name: 'redis_unreachable_timeout',
    type: 'int',
    default: 5000,
    min: 100,
    max: 3_600_000,
    unit: 'ms',
    context: 'postmaster',
    description: 'an external Redis unreachable this long counts as lost shared memory (crash-restart)',
  },
  { name: 'redis_key_prefix', type: 'string', default: 'ag:', context: 'postmaster', description: 'prefix of every Redis key of this cluster' },
  {
    name: 'shared_preload_libraries',
    type: 'string',
    default: '',
    context: 'postmaster',
    description: 'comma-separated modules loaded at start; each may register background workers',
  },
  { name: 'restart_after_crash', type: 'bool', default: true, context: 'sighup', description: 'reinitialize after shared memory (Redis) is lost; off: shut down instead' },
  {
    name: 'supervisor_max_restarts',
    type: 'int',
    default: 5,
    min: 0,
    max: 1_000_000,
    context: 'postmaster',
    description: "restart intensity of the postmaster's supervisor: restarts allowed ...",
  },
  {
    name: 'supervisor_restart_window',
    type: 'int',
    default: 60_000,
    min: 1,
    max: 86_400_000,
    unit: 'ms',
    context: 'postmaster',
    description: '... within this window, before it gives up',
  },
  {
    name: 'worker_restart_limit',
    type: 'int',
    default: 10,
    min: 0,
    max: 1_000_000,
    context: 'postmaster',
    description: 'worker process deaths allowed within supervisor_restart_window before the cluster shuts down',
  },
  {
    name: 'shutdown_timeout',
    type: 'int',
    default: 10_000,
    min: 1,
    max: 3_600_000,
    unit: 'ms',
    context: 'sighup',
    description: 'how long an actor may take to stop before it is killed',
  },
  {
    name: 'wal_segment_size',
    type: 'int',
    default: 16 * 1024 * 1024,
    min: 1024 * 1024,
    max: 1024 * 1024 * 1024,
    unit: 'bytes',
    context: 'postmaster',
    description: 'size of a WAL segment file; fixed when the cluster first starts (a power of two)',
  },
  {
    name: 'shared_buffers',
    type: 'int',
    default: 128 * 1024 * 1024,
    min: 16 * 8192,
    max: 2 ** 40,
    unit: 'bytes',
    context: 'postmaster',
    description: 'memory for pages resident in Redis (8 kB each); beyond it the background writer evicts',
  },
  { name: 'checkpoint_timeout', type: 'int', default: 300_000, min: 1000, max: 86_400_000, unit: 'ms', context: 'sighup', description: 'time between automatic checkpoints' },
  {
    name: 'max_wal_size',
    type: 'int',
    default: 1024 * 1024 * 1024,
    min: 2 * 1024 * 1024,
    max: 2 ** 40,
    unit: 'bytes',
    context: 'sighup',
    description: 'WAL written since the last checkpoint that triggers a new one',
  },
  { name: 'log_min_messages', type: 'enum', default: 'warning', values: LEVELS, context: 'sighup', description: 'lowest level written to the server log' },
];

const DEFS = new Map(GUC_DEFS.map((d) => [d.name, d]));

export type Settings = Readonly<Record<string, string>>;

export class GucError extends Error {
  override name = 'GucError';
  /** SQLSTATE: 42704 undefined_object for an unknown name, 22023 invalid_parameter_value otherwise. */
  constructor(
    message: string,
    readonly sqlstate: '42704' | '22023' | '42601',
  ) {
    super(message);
  }
}

export function defaultSettings(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of GUC_DEFS) out[d.name] = d.type === 'bool' ? (d.default ? 'on' : 'off') : String(d.default);
  return out;
}

export function isCustomName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_$]*\.[A-Za-z_][A-Za-z0-9_.$]*$/.test(name);
}

/** Checks and normalizes one setting; throws GucError. */
export function normalizeSetting(name: string, raw: string): [string, string] {
  const key = name.toLowerCase();
  if (isCustomName(key)) return [key, raw];
  const def = DEFS.get(key);
  if (!def) throw new GucError(`unrecognized configuration parameter "${name}"`, '42704');
  switch (def.type) {
    case 'int': {
      const n = parseInteger(raw, def.unit);
      if (n === null) throw new GucError(`invalid value for parameter "${key}": "${raw}"`, '22023');
      if (n < def.min || n > def.max) throw new GucError(`${n} is outside the valid range for parameter "${key}" (${def.min} .. ${def.max})`, '22023');
      return [key, String(n)];
    }
    case 'bool': {
      const b = parseBool(raw);
      if (b === null) throw new GucError(`parameter "${key}" requires a Boolean value`, '22023');
      return [key, b ? 'on' : 'off'];
    }
    case 'enum': {
      const v = raw.toLowerCase();
      if (!def.values.includes(v)) throw new GucError(`invalid value for parameter "${key}": "${raw}" (available values: ${def.values.join(', ')})`, '22023');
      return [key, v];
    }
    case 'string':
      return [key, raw];
  }
}

export function settingContext(name: string): GucContext {
  return DEFS.get(name)?.context ?? 'sighup';
}

export function intSetting(settings: Settings, name: string): number {
  const v = settings[name];
  if (v === undefined) throw new Error(`setting ${name} is not defined`);
  return Number(v);
}

export function boolSetting(settings: Settings, name: string): boolean {
  return settings[name] === 'on';
}

export function resolveWorkers(settings: Settings): number {
  const n = intSetting(settings, 'node_workers');
  return n > 0 ? n : availableParallelism();
}

const UNIT_FACTORS: Record<Unit, Record<string, number>> = {
  ms: { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 },
  // A value in ms for a setting in seconds is rounded, as PostgreSQL does.
  s: { ms: 1 / 1000, s: 1, min: 60, h: 3600, d: 86_400 },
  // PostgreSQL's memory units are case-sensitive and binary: kB, MB, GB, TB.
  bytes: { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 },
};

function parseInteger(raw: string, unit?: Unit): number | null {
  const m = /^\s*(-?\d+)\s*([a-zA-Z]*)\s*$/.exec(raw);
  if (!m) return null;
  const n = Number(m[1]);
  const suffix = m[2]!;
  if (!suffix) return Number.isSafeInteger(n) ? n : null;
  if (!unit) return null;
  const f = UNIT_FACTORS[unit][unit === 'bytes' ? suffix : suffix.toLowerCase()];
  return f === undefined ? null : Math.round(n * f);
}

function parseBool(raw: string): boolean | null {
  const v = raw.trim().toLowerCase();
  if (['on', 'true', 'yes', '1', 't', 'y'].includes(v)) return true;
  if (['off', 'false', 'no', '0', 'f', 'n'].includes(v)) return false;
  return null;
}

/**
 * Parses a configuration file in postgresql.conf's syntax:
 *   name = value        # comment
 *   name 'quoted value' # '' is a quote inside quotes
 * Throws with `file:line: message` on the first bad line.
 */
export function parseConfFile(path: string): Record<string, string> {
  return parseConf(readFileSync(path, 'utf8'), path);
}

export function parseConf(text: string, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const where = `${path}:${i + 1}`;
    const parsed = parseLine(lines[i]!);
    if (parsed === null) continue;
    if ('error' in parsed) throw new GucError(`${where}: ${parsed.error}`, '42601');
    try {
      const [k, v] = normalizeSetting(parsed.name, parsed.value);
      out[k] = v;
    } catch (err) {
      if (err instanceof GucError) throw new GucError(`${where}: ${err.message}`, err.sqlstate);
      throw err;
    }
  }
  return out;
}

function parseLine(line: string): { name: string; value: string } | { error: string } | null {
  let s = line.trim();
  if (s === '' || s.startsWith('#')) return null;
  const nm = /^([A-Za-z_][A-Za-z0-9_$.]*)\s*(=\s*)?/.exec(s);
  if (!nm) return { error: `syntax error near "${s.slice(0, 20)}"` };
  const name = nm[1]!;
  s = s.slice(nm[0].length);
  let value: string;
  if (s.startsWith("'")) {
    let i = 1;
    value = '';
    for (;;) {
      if (i >= s.length) return { error: 'unterminated quoted string' };
      if (s[i] === "'") {
        if (s[i + 1] === "'") {
          value += "'";
          i += 2;
          continue;
        }
        i++;
        break;
      }
      if (s[i] === '\\' && i + 1 < s.length) {
        value += s[i + 1];
        i += 2;
        continue;
      }
      value += s[i];
      i++;
    }
    s = s.slice(i);
  } else {
    const m = /^[^\s#]+/.exec(s);
    if (!m) return { error: `missing value for parameter "${name}"` };
    value = m[0];
    s = s.slice(m[0].length);
  }
  s = s.trim();
  if (s !== '' && !s.startsWith('#')) return { error: `syntax error near "${s.slice(0, 20)}"` };
  return { name, value };
}
