/*
 * jsonb (jsonb.c, jsonb_util.c, jsonfuncs.c): a parsed tree with numbers as
 * exact Numerics, object keys de-duplicated (last wins) and stored in
 * jsonb's order (shorter UTF-8 byte length first, then bytewise); output in
 * jsonb's text form ('{"a": 1, "b": [1, 2]}'); btree ordering; containment.
 */
import { SqlError } from '../errors.ts';
import { Numeric } from './numeric.ts';
import { compareText } from './text.ts';

export type JsonValue = null | boolean | string | Numeric | JsonValue[] | JsonObject;

/** An object: entries sorted in jsonb key order, keys unique. */
export class JsonObject {
  constructor(readonly entries: ReadonlyArray<readonly [string, JsonValue]>) {}

  get(key: string): JsonValue | undefined {
    // Entries are sorted by (byte length, bytes): binary search on that order.
    let lo = 0;
    let hi = this.entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compareKeys(this.entries[mid]![0], key);
      if (c === 0) return this.entries[mid]![1];
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Build from entries in any order; later duplicates win. */
  static from(entries: Iterable<readonly [string, JsonValue]>): JsonObject {
    const map = new Map<string, JsonValue>();
    for (const [k, v] of entries) map.set(k, v);
    return new JsonObject([...map.entries()].sort((a, b) => compareKeys(a[0], b[0])));
  }
}

/** The jsonb datum. */
export class Jsonb {
  constructor(readonly root: JsonValue) {}
  toString(): string {
    return formatJson(this.root);
  }
}

const utf8Len = (s: string): number => Buffer.byteLength(s, 'utf8');

/** lengthCompareJsonbString: byte length first, then bytes. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const la = a.length < 128 && b.length < 128 && isAscii(a) && isAscii(b) ? a.length : utf8Len(a);
  const lb = la === a.length && isAscii(b) ? b.length : utf8Len(b);
  if (la !== lb) return la < lb ? -1 : 1;
  return compareText(a, b);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

// ---------------------------------------------------------------------------
// Input (the json lexer and parser of jsonapi.c, with PostgreSQL's error details)

class JsonParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  /** PostgreSQL adds a CONTEXT line ("JSON data, line 1: ..."); ErrorFields has no slot for it, so only the detail is kept. */
  private fail(detail: string, _contextEnd: number): never {
    throw new SqlError('22P02', 'invalid input syntax for type json', { detail });
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  /** The extent of the current (invalid) token for an error message, as json_lex reports it. */
  private tokenEnd(from: number): number {
    let i = from;
    const t = this.text;
    while (i < t.length) {
      const c = t[i]!;
      if (' \t\n\r,:[]{}"'.includes(c) && i > from) break;
      if (' \t\n\r'.includes(c)) break;
      i++;
      if ('[]{},:'.includes(c) && i - 1 === from) break;
    }
    return i;
  }

  private tokenAt(from: number): string {
    if (from >= this.text.length) return '';
    return this.text.slice(from, this.tokenEnd(from));
  }

  parseDocument(): JsonValue {
    this.skipSpace();
    const v = this.parseValue();
    this.skipSpace();
    if (this.pos < this.text.length) {
      const end = this.tokenEnd(this.pos);
      this.fail(`Expected end of input, but found "${this.text.slice(this.pos, end)}".`, end);
    }
    return v;
  }

  private expectedValue(): never {
    if (this.pos >= this.text.length) this.fail('The input string ended unexpectedly.', this.pos);
    const c = this.text[this.pos]!;
    if ('[]{},:'.includes(c)) this.fail(`Expected JSON value, but found "${c}".`, this.pos + 1);
    const end = this.tokenEnd(this.pos);
    this.fail(`Token "${this.text.slice(this.pos, end)}" is invalid.`, end);
  }

  private parseValue(): JsonValue {
    const t = this.text;
    if (this.pos >= t.length) this.expectedValue();
    const c = t.charCodeAt(this.pos);
    if (c === 123 /* { */) return this.parseObject();
    if (c === 91 /* [ */) return this.parseArray();
    if (c === 34 /* " */) return this.parseString();
    if (c === 45 || (c >= 48 && c <= 57)) return this.parseNumber();
    const word = this.tokenAt(this.pos);
    if (word === 'true' || word === 'false' || word === 'null') {
      this.pos += word.length;
      return word === 'null' ? null : word === 'true';
    }
    this.expectedValue();
  }

  private parseNumber(): Numeric {
    const t = this.text;
    const start = this.pos;
    let i = start;
    if (t[i] === '-') i++;
    let ok = true;
    if (t[i] === '0') i++;
    else if (t[i]! >= '1' && t[i]! <= '9') while (t[i]! >= '0' && t[i]! <= '9') i++;
    else ok = false;
    if (ok && t[i] === '.') {
      i++;
      if (!(t[i]! >= '0' && t[i]! <= '9')) ok = false;
      while (t[i]! >= '0' && t[i]! <= '9') i++;
    }
    if (ok && (t[i] === 'e' || t[i] === 'E')) {
      i++;
      if (t[i] === '+' || t[i] === '-') i++;
      if (!(t[i]! >= '0' && t[i]! <= '9')) ok = false;
      while (t[i]! >= '0' && t[i]! <= '9') i++;
    }
    const end = this.tokenEnd(start);
    if (!ok || (end > i && !' \t\n\r,:[]{}"'.includes(t[i]!))) this.fail(`Token "${t.slice(start, Math.max(end, i))}" is invalid.`, Math.max(end, i));
    this.pos = i;
    const n = Numeric.parse(t.slice(start, i));
    if (n === undefined) this.fail(`Token "${t.slice(start, i)}" is invalid.`, i);
    return n;
  }

  private parseString(): string {
    const t = this.text;
    const start = this.pos;
    let i = start + 1;
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= t.length) this.fail(`Token "${t.slice(start)}" is invalid.`, t.length);
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (c < 32) this.fail(`Character with value 0x${c.toString(16).padStart(2, '0')} must be escaped.`, i + 1);
      if (c !== 92) {
        i++;
        continue;
      }
      out += t.slice(chunk, i);
      const e = t[i + 1];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          i += 2;
          break;
        case 'b':
          out += '\b';
          i += 2;
          break;
        case 'f':
          out += '\f';
          i += 2;
          break;
        case 'n':
          out += '\n';
          i += 2;
          break;
        case 'r':
          out += '\r';
          i += 2;
          break;
        case 't':
          out += '\t';
          i += 2;
          break;
        case 'u': {
          const hex = t.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`"\\u" must be followed by four hexadecimal digits.`, Math.min(t.length, i + 2 + hex.length));
          const code = parseInt(hex, 16);
          if (code === 0) {
            const err = new SqlError('22P05', 'unsupported Unicode escape sequence', { detail: '\\u0000 cannot be converted to text.' });
            throw err;
          }
          if (code >= 0xd800 && code <= 0xdbff) {
            const lowHex = t.slice(i + 8, i + 12);
            if (t[i + 6] !== '\\' || t[i + 7] !== 'u' || !/^[dD][c-fC-F][0-9a-fA-F]{2}$/.test(lowHex)) {
              throw new SqlError('22P02', 'invalid input syntax for type json', { detail: 'Unicode high surrogate must not be followed by another high surrogate.' });
            }
            out += String.fromCharCode(code, parseInt(lowHex, 16));
            i += 12;
          } else if (code >= 0xdc00 && code <= 0xdfff) {
            throw new SqlError('22P02', 'invalid input syntax for type json', { detail: 'Unicode low surrogate must follow a high surrogate.' });
          } else {
            out += String.fromCharCode(code);
            i += 6;
          }
          break;
        }
        default:
          this.fail(`Escape sequence "\\${e ?? ''}" is invalid.`, Math.min(t.length, i + 2));
      }
      chunk = i;
    }
    out += t.slice(chunk, i);
    this.pos = i + 1;
    return out;
  }

  private parseArray(): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      out.push(this.parseValue());
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return out;
      }
      this.expected('"," or "]"');
    }
  }

  private expected(what: string): never {
    if (this.pos >= this.text.length) this.fail('The input string ended unexpectedly.', this.pos);
    const end = this.tokenEnd(this.pos);
    this.fail(`Expected ${what}, but found "${this.text.slice(this.pos, end)}".`, end);
  }

  private parseObject(): JsonObject {
    this.pos++;
    const entries: Array<[string, JsonValue]> = [];
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return new JsonObject([]);
    }
    let first = true;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.expected(first ? 'string or "}"' : 'string');
      first = false;
      const key = this.parseString();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.expected('":"');
      this.pos++;
      this.skipSpace();
      entries.push([key, this.parseValue()]);
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return JsonObject.from(entries);
      }
      this.expected('"," or "}"');
    }
  }
}

export function parseJsonb(text: string): Jsonb {
  return new Jsonb(new JsonParser(text).parseDocument());
}

/** json input: validated, kept as text. */
export function validateJson(text: string): string {
  new JsonParser(text).parseDocument();
  return text;
}

// ---------------------------------------------------------------------------
// Output

/** escape_json. */
export function quoteJsonString(s: string): string {
  let out = '"';
  let chunk = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 32 && c !== 34 && c !== 92) continue;
    out += s.slice(chunk, i);
    chunk = i + 1;
    switch (c) {
      case 8:
        out += '\\b';
        break;
      case 12:
        out += '\\f';
        break;
      case 10:
        out += '\\n';
        break;
      case 13:
        out += '\\r';
        break;
      case 9:
        out += '\\t';
        break;
      case 34:
        out += '\\"';
        break;
      case 92:
        out += '\\\\';
        break;
      default:
        out += '\\u' + c.toString(16).padStart(4, '0');
    }
  }
  return out + s.slice(chunk) + '"';
}

export function formatJson(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return quoteJsonString(v);
  if (v instanceof Numeric) return v.toString();
  if (Array.isArray(v)) return '[' + v.map(formatJson).join(', ') + ']';
  return '{' + v.entries.map(([k, x]) => quoteJsonString(k) + ': ' + formatJson(x)).join(', ') + '}';
}

/** jsonb_pretty (JsonbToCStringIndent): one element per line, four spaces per level; empty containers still open a line. */
export function formatJsonPretty(v: JsonValue, level = 0): string {
  if (v === null || typeof v !== 'object' || v instanceof Numeric) return formatJson(v);
  const inner = '    '.repeat(level + 1);
  const close = '\n' + '    '.repeat(level) + (Array.isArray(v) ? ']' : '}');
  const items = Array.isArray(v)
    ? v.map((x) => inner + formatJsonPretty(x, level + 1))
    : v.entries.map(([k, x]) => inner + quoteJsonString(k) + ': ' + formatJsonPretty(x, level + 1));
  return (Array.isArray(v) ? '[' : '{') + (items.length === 0 ? '' : '\n' + items.join(',\n')) + close;
}

// ---------------------------------------------------------------------------
// Ordering (compareJsonbContainers) and equality

/** jbvType order: null < string < numeric < bool < array < object. */
function rank(v: JsonValue): number {
  if (v === null) return 0;
  if (typeof v === 'string') return 1;
  if (v instanceof Numeric) return 2;
  if (typeof v === 'boolean') return 3;
  if (Array.isArray(v)) return 4;
  return 5;
}

function compareValue(a: JsonValue, b: JsonValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return compareText(a as string, b as string);
    case 2:
      return (a as Numeric).compare(b as Numeric);
    case 3:
      return a === b ? 0 : a ? 1 : -1;
    case 4: {
      const x = a as JsonValue[];
      const y = b as JsonValue[];
      if (x.length !== y.length) return x.length > y.length ? 1 : -1;
      for (let i = 0; i < x.length; i++) {
        const c = compareValue(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return 0;
    }
    default: {
      const x = (a as JsonObject).entries;
      const y = (b as JsonObject).entries;
      if (x.length !== y.length) return x.length > y.length ? 1 : -1;
      for (let i = 0; i < x.length; i++) {
        const k = compareText(x[i]![0], y[i]![0]);
        if (k !== 0) return k;
        const c = compareValue(x[i]![1], y[i]![1]);
        if (c !== 0) return c;
      }
      return 0;
    }
  }
}

const isScalar = (v: JsonValue): boolean => rank(v) < 4;

/** jsonb_cmp: a top-level scalar is a one-element "raw scalar" pseudo array. */
export function compareJsonb(a: Jsonb, b: Jsonb): number {
  const x = a.root;
  const y = b.root;
  const xa = isScalar(x) || Array.isArray(x);
  const ya = isScalar(y) || Array.isArray(y);
  if (xa && ya) {
    const xs = isScalar(x);
    const ys = isScalar(y);
    let res = 0;
    if (xs !== ys) res = xs ? -1 : 1;
    const nx = xs ? 1 : (x as JsonValue[]).length;
    const ny = ys ? 1 : (y as JsonValue[]).length;
    if (nx !== ny) res = nx > ny ? 1 : -1;
    if (res !== 0) return res;
    const ex = xs ? [x] : (x as JsonValue[]);
    const ey = ys ? [y] : (y as JsonValue[]);
    for (let i = 0; i < ex.length; i++) {
      const c = compareValue(ex[i]!, ey[i]!);
      if (c !== 0) return c;
    }
    return 0;
  }
  return compareValue(x, y);
}

// ---------------------------------------------------------------------------
// Containment (JsonbDeepContains) and the access operators

function deepContains(a: JsonValue, b: JsonValue): boolean {
  if (isScalar(b)) {
    if (isScalar(a)) return compareValue(a, b) === 0;
    return false;
  }
  if (Array.isArray(b)) {
    if (!Array.isArray(a)) return false;
    for (const eb of b) {
      if (isScalar(eb)) {
        if (!a.some((ea) => isScalar(ea) && compareValue(ea, eb) === 0)) return false;
      } else if (!a.some((ea) => rank(ea) === rank(eb) && deepContains(ea, eb))) return false;
    }
    return true;
  }
  if (!(a instanceof JsonObject)) return false;
  for (const [k, vb] of (b as JsonObject).entries) {
    const va = a.get(k);
    if (va === undefined) return false;
    if (isScalar(vb)) {
      if (!isScalar(va) || compareValue(va, vb) !== 0) return false;
    } else if (rank(va) !== rank(vb) || !deepContains(va, vb)) return false;
  }
  return true;
}

/** a @> b. A top-level array may contain a top-level scalar. */
export function jsonbContains(a: Jsonb, b: Jsonb): boolean {
  const x = a.root;
  const y = b.root;
  if (Array.isArray(x) && isScalar(y)) return x.some((e) => isScalar(e) && compareValue(e, y) === 0);
  if (isScalar(x) !== isScalar(y)) return false;
  return deepContains(x, y);
}

/** jsonb ? text: an object key or a string element of an array (top level). */
export function jsonbExists(a: Jsonb, key: string): boolean {
  const x = a.root;
  if (x instanceof JsonObject) return x.has(key);
  if (Array.isArray(x)) return x.some((e) => e === key);
  return x === key;
}

/** jsonb -> text. */
export function jsonbField(a: Jsonb, key: string): Jsonb | null {
  const x = a.root;
  if (!(x instanceof JsonObject)) return null;
  const v = x.get(key);
  return v === undefined ? null : new Jsonb(v);
}

/** jsonb -> int (negative counts from the end). */
export function jsonbElement(a: Jsonb, index: number): Jsonb | null {
  const x = a.root;
  if (!Array.isArray(x)) return null;
  const i = index < 0 ? x.length + index : index;
  if (i < 0 || i >= x.length) return null;
  return new Jsonb(x[i]!);
}

/** The text of a jsonb value for ->> and friends: strings unquoted, JSON null is SQL NULL. */
export function jsonbAsText(v: Jsonb | null): string | null {
  if (v === null || v.root === null) return null;
  return typeof v.root === 'string' ? v.root : formatJson(v.root);
}

/** jsonb || jsonb (jsonb_concat). */
export function jsonbConcat(a: Jsonb, b: Jsonb): Jsonb {
  const x = a.root;
  const y = b.root;
  if (x instanceof JsonObject && y instanceof JsonObject) return new Jsonb(JsonObject.from([...x.entries, ...y.entries]));
  const ax = Array.isArray(x) ? x : [x];
  const ay = Array.isArray(y) ? y : [y];
  return new Jsonb([...ax, ...ay]);
}

/** jsonb - text: remove a key, or matching string elements of an array. */
export function jsonbDeleteKey(a: Jsonb, key: string): Jsonb {
  const x = a.root;
  if (x instanceof JsonObject) return new Jsonb(new JsonObject(x.entries.filter(([k]) => k !== key)));
  if (Array.isArray(x)) return new Jsonb(x.filter((e) => e !== key));
  throw new SqlError('22023', 'cannot delete from scalar');
}

export function jsonbTypeof(a: Jsonb): string {
  const r = rank(a.root);
  return ['null', 'string', 'number', 'boolean', 'array', 'object'][r]!;
}

export function jsonbArrayLength(a: Jsonb): number {
  const x = a.root;
  if (Array.isArray(x)) return x.length;
  if (isScalar(x)) throw new SqlError('22023', 'cannot get array length of a scalar');
  throw new SqlError('22023', 'cannot get array length of a non-array');
}

/** jsonb #> text[] / jsonb_extract_path. */
export function jsonbExtractPath(a: Jsonb, path: string[]): Jsonb | null {
  let v: JsonValue = a.root;
  for (const p of path) {
    if (v instanceof JsonObject) {
      const next = v.get(p);
      if (next === undefined) return null;
      v = next;
    } else if (Array.isArray(v)) {
      if (!/^-?\d+$/.test(p)) return null;
      const n = Number(p);
      const i = n < 0 ? v.length + n : n;
      if (i < 0 || i >= v.length) return null;
      v = v[i]!;
    } else return null;
  }
  return new Jsonb(v);
}
