/*
 * Session settings (PostgreSQL's guc.c, for the parameters a session can SET
 * and SHOW): each has a type (integer with a unit and range, enum, string,
 * boolean), a default, and how SHOW prints it. SET LOCAL values last until
 * the transaction ends; SET inside a transaction that rolls back is undone.
 *
 * @see https://www.postgresql.org/docs/15/config-setting.html
 */
import { SqlError } from './errors.ts';

type Kind =
  { type: 'int'; unit: 'ms' | 's' | null; min: number; max: number } | { type: 'enum'; values: string[] } | { type: 'bool' } | { type: 'string'; check?: (v: string) => string };

interface Def {
  /** The name as SHOW prints it (TimeZone, DateStyle ...). */
  display: string;
  kind: Kind;
  default: string;
  /** Read-only for sessions (server_version ...). */
  fixed?: boolean;
}

const MAX_INT = 2147483647;

const DEFS: Record<string, Def> = {
  statement_timeout: { display: 'statement_timeout', kind: { type: 'int', unit: 'ms', min: 0, max: MAX_INT }, default: '0' },
  lock_timeout: { display: 'lock_timeout', kind: { type: 'int', unit: 'ms', min: 0, max: MAX_INT }, default: '0' },
  idle_in_transaction_session_timeout: { display: 'idle_in_transaction_session_timeout', kind: { type: 'int', unit: 'ms', min: 0, max: MAX_INT }, default: '0' },
  timezone: { display: 'TimeZone', kind: { type: 'string', check: checkTimeZone }, default: 'UTC' },
  datestyle: { display: 'DateStyle', kind: { type: 'string', check: normalizeDateStyle }, default: 'ISO, MDY' },
  intervalstyle: { display: 'IntervalStyle', kind: { type: 'enum', values: ['postgres', 'postgres_verbose', 'sql_standard', 'iso_8601'] }, default: 'postgres' },
  bytea_output: { display: 'bytea_output', kind: { type: 'enum', values: ['hex', 'escape'] }, default: 'hex' },
  application_name: { display: 'application_name', kind: { type: 'string' }, default: '' },
  search_path: { display: 'search_path', kind: { type: 'string' }, default: '"$user", public' },
  client_encoding: { display: 'client_encoding', kind: { type: 'enum', values: ['UTF8'] }, default: 'UTF8' },
  client_min_messages: {
    display: 'client_min_messages',
    kind: { type: 'enum', values: ['debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'log', 'notice', 'warning', 'error'] },
    default: 'notice',
  },
  extra_float_digits: { display: 'extra_float_digits', kind: { type: 'int', unit: null, min: -15, max: 3 }, default: '1' },
  default_transaction_isolation: {
    display: 'default_transaction_isolation',
    kind: { type: 'enum', values: ['serializable', 'repeatable read', 'read committed', 'read uncommitted'] },
    default: 'read committed',
  },
  synchronous_commit: { display: 'synchronous_commit', kind: { type: 'bool' }, default: 'on' },
  standard_conforming_strings: { display: 'standard_conforming_strings', kind: { type: 'bool' }, default: 'on', fixed: true },
  integer_datetimes: { display: 'integer_datetimes', kind: { type: 'bool' }, default: 'on', fixed: true },
  server_encoding: { display: 'server_encoding', kind: { type: 'string' }, default: 'UTF8', fixed: true },
  server_version: { display: 'server_version', kind: { type: 'string' }, default: '15.0', fixed: true },
  server_version_num: { display: 'server_version_num', kind: { type: 'string' }, default: '150000', fixed: true },
  max_identifier_length: { display: 'max_identifier_length', kind: { type: 'string' }, default: '63', fixed: true },
};

/** The values a session sees, with SET LOCAL and transaction undo. */
export class SessionSettings {
  private readonly values = new Map<string, string>();
  /** Values at the start of the transaction, restored if it aborts (SET) or ends (SET LOCAL). */
  private saved: Map<string, string> | null = null;
  private local = new Set<string>();

  constructor() {
    for (const [k, d] of Object.entries(DEFS)) this.values.set(k, d.default);
  }

  static known(name: string): boolean {
    return name.toLowerCase() in DEFS;
  }

  get(name: string): string {
    const v = this.values.get(name.toLowerCase());
    if (v === undefined) throw unrecognized(name);
    return v;
  }

  /** SHOW's text for a setting (with units), and the column name. */
  show(name: string): { display: string; value: string } {
    const key = name.toLowerCase();
    const def = DEFS[key];
    if (!def) throw unrecognized(name);
    return { display: def.display, value: formatValue(def, this.values.get(key)!) };
  }

  all(): Array<{ name: string; setting: string }> {
    return Object.keys(DEFS)
      .sort()
      .map((k) => ({ name: DEFS[k]!.display, setting: formatValue(DEFS[k]!, this.values.get(k)!) }));
  }

  /** SET name = value (null: DEFAULT). `inTransaction`: a transaction block is open (undo on abort; SET LOCAL lasts until its end). */
  set(name: string, value: string | null, opts: { local: boolean; inTransaction: boolean }): void {
    const key = name.toLowerCase();
    const def = DEFS[key];
    if (!def) throw unrecognized(name);
    if (def.fixed) throw new SqlError('55P02', `parameter "${key}" cannot be changed`);
    const parsed = value === null ? def.default : parseValue(def, key, value);
    if (opts.inTransaction) {
      this.saved ??= new Map(this.values);
      if (opts.local) this.local.add(key);
      else this.local.delete(key);
    }
    this.values.set(key, parsed);
  }

  resetAll(opts: { inTransaction: boolean }): void {
    for (const [k, d] of Object.entries(DEFS)) if (!d.fixed) this.set(k, null, { local: false, inTransaction: opts.inTransaction });
  }

  /** The transaction ended: SET LOCAL values go; on abort every SET of the transaction is undone. */
  endTransaction(committed: boolean): void {
    if (!this.saved) return;
    for (const [k, v] of this.saved) if (!committed || this.local.has(k)) this.values.set(k, v);
    this.saved = null;
    this.local.clear();
  }
}

function unrecognized(name: string): SqlError {
  return new SqlError('42704', `unrecognized configuration parameter "${name}"`);
}

function parseValue(def: Def, key: string, raw: string): string {
  const k = def.kind;
  switch (k.type) {
    case 'int': {
      const m = /^\s*(-?\d+)\s*(ms|s|min|h|d)?\s*$/.exec(raw);
      if (!m) {
        const hint = k.unit ? ` ${'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".'}` : '';
        throw new SqlError('22023', `invalid value for parameter "${key}": "${raw}"`, hint ? { hint: hint.trim() } : {});
      }
      const n = Number(m[1]);
      const factor = m[2] ? ({ ms: 1, s: 1000, min: 60000, h: 3600000, d: 86400000 } as Record<string, number>)[m[2]]! : k.unit === 's' ? 1000 : 1;
      const ms = n * factor;
      if (ms < k.min || ms > k.max) {
        throw new SqlError('22023', `${n}${m[2] ? ` ${m[2]}` : k.unit ? ` ${k.unit}` : ''} is outside the valid range for parameter "${key}" (${k.min} .. ${k.max})`);
      }
      return String(ms);
    }
    case 'enum': {
      const v = raw.trim().toLowerCase();
      const hit = k.values.find((x) => x.toLowerCase() === v);
      if (!hit) throw new SqlError('22023', `invalid value for parameter "${key}": "${raw}"`, { hint: `Available values: ${k.values.join(', ')}.` });
      return hit;
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['on', 'true', 'yes', '1', 't', 'y'].includes(v)) return 'on';
      if (['off', 'false', 'no', '0', 'f', 'n'].includes(v)) return 'off';
      throw new SqlError('22023', `parameter "${key}" requires a Boolean value`);
    }
    case 'string':
      return k.check ? k.check(raw) : raw;
  }
}

function formatValue(def: Def, v: string): string {
  if (def.kind.type === 'int' && def.kind.unit === 'ms') {
    const ms = Number(v);
    if (ms === 0) return '0';
    if (ms % 86400000 === 0) return `${ms / 86400000}d`;
    if (ms % 3600000 === 0) return `${ms / 3600000}h`;
    if (ms % 60000 === 0) return `${ms / 60000}min`;
    if (ms % 1000 === 0) return `${ms / 1000}s`;
    return `${ms}ms`;
  }
  return v;
}

/** TimeZone: an IANA name, or a UTC offset like '+05:30' (shown POSIX-style, as PostgreSQL does: <+05:30>-05:30). */
function checkTimeZone(raw: string): string {
  const v = raw.trim();
  const off = /^([+-])(\d{1,2})(?::(\d{2}))?$/.exec(v);
  if (off) {
    const label = `${off[1]}${off[2]!.padStart(2, '0')}${off[3] ? `:${off[3]}` : ''}`;
    const posix = `${off[1] === '+' ? '-' : '+'}${off[2]!.padStart(2, '0')}${off[3] ? `:${off[3]}` : ''}`;
    return `<${label}>${posix}`;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
  } catch {
    throw new SqlError('22023', `invalid value for parameter "TimeZone": "${raw}"`);
  }
  return v;
}

/** DateStyle: output style (ISO, SQL, Postgres, German) and field order (MDY, DMY, YMD), normalized as PostgreSQL shows it. */
function normalizeDateStyle(raw: string): string {
  let style: string | null = null;
  let order: string | null = null;
  for (const part of raw.split(',').map((p) => p.trim().toLowerCase())) {
    if (part === 'iso') style = 'ISO';
    else if (part === 'sql') style = 'SQL';
    else if (part === 'postgres') style = 'Postgres';
    else if (part === 'german') {
      style = 'German';
      order ??= 'DMY';
    } else if (part === 'mdy' || part === 'us' || part === 'noneuropean') order = 'MDY';
    else if (part === 'dmy' || part === 'euro' || part === 'european') order = 'DMY';
    else if (part === 'ymd') order = 'YMD';
    else if (part !== 'default') throw new SqlError('22023', `invalid value for parameter "DateStyle": "${raw}"`, { detail: `Unrecognized key word: "${part}".` });
  }
  return `${style ?? 'ISO'}, ${order ?? 'MDY'}`;
}

/** `timeZone` for the type layer: offsets become fixed-offset zones. */
export function zoneForTypes(setting: string): string {
  const m = /^<([+-])(\d{2})(?::(\d{2}))?>/.exec(setting);
  if (!m) return setting;
  return `${m[1]}${m[2]}:${m[3] ?? '00'}`;
}
