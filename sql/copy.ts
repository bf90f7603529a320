/*
 * COPY (PostgreSQL's commands/copy.c, copyfrom.c, copyfromparse.c and
 * copyto.c): `COPY t [(cols)] FROM STDIN` and `COPY t [(cols)] | (query)
 * TO STDOUT` in text and csv formats, with the options of ProcessCopyOptions
 * (FORMAT, DELIMITER, NULL, HEADER [MATCH], QUOTE, ESCAPE, FORCE_QUOTE,
 * FORCE_NOT_NULL, FORCE_NULL, FREEZE) and the old syntax (`WITH CSV HEADER`).
 *
 * The data moves through a CopyClient the session is given (the wire
 * protocol's CopyIn/CopyOut sub-protocol, actors/backendConnection.ts):
 * COPY FROM reads the client's bytes as they arrive, cuts them into lines
 * (CopyLineReader, a streaming CopyReadLineText), splits each line into
 * fields (splitText / splitCsv: CopyReadAttributesText / CSV), reads every
 * field with its column's input function and inserts the row through
 * sql/dml.ts (defaults, NOT NULL, CHECK, unique indexes), one storage call
 * per row, in the session's transaction. Nothing but the current partial
 * line is kept between CopyData messages.
 *
 * Invariants: the line reader works on bytes (escapes such as \xC3 build
 * UTF-8 byte sequences, as in PostgreSQL); a field is decoded and checked as
 * UTF-8 only after it is cut out. A line reader that has seen the `\.`
 * end-of-data marker ignores everything after it (copyfromparse.c drains
 * the rest up to CopyDone).
 *
 * FREEZE is accepted as PostgreSQL accepts it (the table must have been
 * created or truncated in the current transaction, else 55000) and then
 * ignored: freezing is a vacuum concept actorgres does not have.
 */
import type { CopyStmt, Node } from '@pgsql/types';
import type { ColumnDef, TableDef } from './catalog.ts';
import { checkRow, defaultValue, insertRow } from './dml.ts';
import type { TableRules } from './dml.ts';
import { SqlError } from './errors.ts';
import { decodeRow } from './plan.ts';
import type { ExecContext } from './plan.ts';
import { planSelect } from './select.ts';
import type { PlanContext } from './select.ts';
import { castDatum, input, output, TypeOid, Types } from './types/index.ts';
import type { Datum, SqlType, TypeContext } from './types/index.ts';

// ---- the client side --------------------------------------------------------------

/** COPY FROM STDIN's data: chunks as the client sends them; null at the end (CopyDone). Throws when the client gives up (CopyFail). */
export interface CopyInSource {
  read(): Promise<Buffer | null>;
}

/** COPY TO STDOUT's destination: one call per row (a CopyData message each), then done. */
export interface CopyOutSink {
  data(chunk: string): void;
  done(): void;
}

/** What a session with a client stream offers COPY (the wire protocol); embedded sessions have none. */
export interface CopyClient {
  /** Announces COPY FROM STDIN (CopyInResponse: text format, `columns` columns) and returns the data. */
  copyIn(columns: number): CopyInSource;
  /** Announces COPY TO STDOUT (CopyOutResponse). */
  copyOut(columns: number): CopyOutSink;
}

// ---- options (ProcessCopyOptions) ------------------------------------------------------

export interface CopyOptions {
  format: 'text' | 'csv' | 'binary';
  /** One byte each. */
  delimiter: number;
  quote: number;
  escape: number;
  null: string;
  header: boolean | 'match';
  freeze: boolean;
  forceQuote: string[] | '*' | null;
  forceNotNull: string[];
  forceNull: string[];
}

const pos = (location: number | undefined) => (location === undefined || location < 0 ? {} : { position: location + 1 });

type DefElem = Extract<Node, { DefElem: unknown }>['DefElem'];

function defString(d: DefElem): string {
  const a = d.arg;
  if (!a) throw new SqlError('42601', `${d.defname ?? ''} requires a parameter`, pos(d.location));
  if ('String' in a) return a.String.sval ?? '';
  if ('Integer' in a) return String(a.Integer.ival ?? 0);
  if ('Float' in a) return a.Float.fval ?? '';
  if ('Boolean' in a) return a.Boolean.boolval ? 'true' : 'false';
  if ('TypeName' in a) return (a.TypeName.names ?? []).map((n) => ('String' in n ? (n.String.sval ?? '') : '')).join('.');
  throw new SqlError('42601', `${d.defname ?? ''} requires a parameter`, pos(d.location));
}

/** defGetBoolean: no argument is true; 0/1, true/false/on/off (any case). */
function defBoolean(d: DefElem, allowMatch = false): boolean | 'match' {
  const a = d.arg;
  if (!a) return true;
  if ('Integer' in a) {
    if (a.Integer.ival === 0 || a.Integer.ival === undefined) return false;
    if (a.Integer.ival === 1) return true;
  } else if ('Boolean' in a) return a.Boolean.boolval === true;
  else {
    const s = defString(d).toLowerCase();
    if (s === 'true' || s === 'on') return true;
    if (s === 'false' || s === 'off') return false;
    if (allowMatch && s === 'match') return 'match';
  }
  throw new SqlError('22023', allowMatch ? `${d.defname ?? ''} requires a Boolean value or "match"` : `${d.defname ?? ''} requires a Boolean value`, pos(d.location));
}

function columnList(d: DefElem, what: string): string[] {
  const a = d.arg;
  if (a && 'List' in a) return (a.List.items ?? []).map((n) => ('String' in n ? (n.String.sval ?? '') : ''));
  throw new SqlError('22023', `argument to option "${what}" must be a list of column names`, pos(d.location));
}

export function copyOptions(list: readonly Node[], isFrom: boolean): CopyOptions {
  let format: CopyOptions['format'] | null = null;
  let delimiter: string | null = null;
  let nullString: string | null = null;
  let quote: string | null = null;
  let escape: string | null = null;
  let header: boolean | 'match' | null = null;
  let freeze: boolean | null = null;
  let forceQuote: string[] | '*' | null = null;
  let forceNotNull: string[] | null = null;
  let forceNull: string[] | null = null;
  for (const n of list) {
    if (!('DefElem' in n)) continue;
    const d = n.DefElem;
    const conflict = (seen: unknown) => {
      if (seen !== null) throw new SqlError('42601', 'conflicting or redundant options', pos(d.location));
    };
    switch (d.defname) {
      case 'format': {
        conflict(format);
        const f = defString(d);
        if (f !== 'text' && f !== 'csv' && f !== 'binary') throw new SqlError('22023', `COPY format "${f}" not recognized`, pos(d.location));
        format = f;
        break;
      }
      case 'freeze':
        conflict(freeze);
        freeze = defBoolean(d) === true;
        break;
      case 'delimiter':
        conflict(delimiter);
        delimiter = defString(d);
        break;
      case 'null':
        conflict(nullString);
        nullString = defString(d);
        break;
      case 'header': {
        conflict(header);
        const h = defBoolean(d, true);
        if (h === 'match' && !isFrom) throw new SqlError('0A000', 'cannot use "match" with HEADER in COPY TO', pos(d.location));
        header = h;
        break;
      }
      case 'quote':
        conflict(quote);
        quote = defString(d);
        break;
      case 'escape':
        conflict(escape);
        escape = defString(d);
        break;
      case 'force_quote':
        conflict(forceQuote);
        forceQuote = d.arg && 'A_Star' in d.arg ? '*' : columnList(d, 'force_quote');
        break;
      case 'force_not_null':
        conflict(forceNotNull);
        forceNotNull = columnList(d, 'force_not_null');
        break;
      case 'force_null':
        conflict(forceNull);
        forceNull = columnList(d, 'force_null');
        break;
      default:
        throw new SqlError('42601', `option "${d.defname ?? ''}" not recognized`, pos(d.location));
    }
  }
  const fmt = format ?? 'text';
  const csv = fmt === 'csv';
  if (fmt === 'binary') {
    if (delimiter !== null) throw new SqlError('42601', 'cannot specify DELIMITER in BINARY mode');
    if (nullString !== null) throw new SqlError('42601', 'cannot specify NULL in BINARY mode');
  }
  const delim = delimiter ?? (csv ? ',' : '\t');
  const nul = nullString ?? (csv ? '' : '\\N');
  if (Buffer.byteLength(delim) !== 1) throw new SqlError('0A000', 'COPY delimiter must be a single one-byte character');
  if (/[\r\n]/.test(delim)) throw new SqlError('22023', 'COPY delimiter cannot be newline or carriage return');
  if (/[\r\n]/.test(nul)) throw new SqlError('22023', 'COPY null representation cannot use newline or carriage return');
  if (!csv && '\\.abcdefghijklmnopqrstuvwxyz0123456789'.includes(delim)) throw new SqlError('22023', `COPY delimiter cannot be "${delim}"`);
  if (fmt === 'binary' && header) throw new SqlError('0A000', 'cannot specify HEADER in BINARY mode');
  if (!csv && quote !== null) throw new SqlError('0A000', 'COPY quote available only in CSV mode');
  const q = quote ?? '"';
  if (csv && Buffer.byteLength(q) !== 1) throw new SqlError('0A000', 'COPY quote must be a single one-byte character');
  if (csv && delim === q) throw new SqlError('22023', 'COPY delimiter and quote must be different');
  if (!csv && escape !== null) throw new SqlError('0A000', 'COPY escape available only in CSV mode');
  const esc = escape ?? q;
  if (csv && Buffer.byteLength(esc) !== 1) throw new SqlError('0A000', 'COPY escape must be a single one-byte character');
  if (!csv && forceQuote !== null) throw new SqlError('0A000', 'COPY force quote available only in CSV mode');
  if (forceQuote !== null && isFrom) throw new SqlError('0A000', 'COPY force quote only available using COPY TO');
  if (!csv && forceNotNull !== null) throw new SqlError('0A000', 'COPY force not null available only in CSV mode');
  if (forceNotNull !== null && !isFrom) throw new SqlError('0A000', 'COPY force not null only available using COPY FROM');
  if (!csv && forceNull !== null) throw new SqlError('0A000', 'COPY force null available only in CSV mode');
  if (forceNull !== null && !isFrom) throw new SqlError('0A000', 'COPY force null only available using COPY FROM');
  if (nul.includes(delim)) throw new SqlError('22023', 'COPY delimiter must not appear in the NULL specification');
  if (csv && nul.includes(q)) throw new SqlError('22023', 'CSV quote character must not appear in the NULL specification');
  return {
    format: fmt,
    delimiter: delim.charCodeAt(0),
    quote: q.charCodeAt(0),
    escape: esc.charCodeAt(0),
    null: nul,
    header: header ?? false,
    freeze: freeze ?? false,
    forceQuote,
    forceNotNull: forceNotNull ?? [],
    forceNull: forceNull ?? [],
  };
}

// ---- COPY FROM: lines (CopyReadLineText) -------------------------------------------------

const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const DOT = 0x2e;

type Eol = 'unknown' | 'nl' | 'cr' | 'crnl';

const badFormat = (message: string, hint?: string) => new SqlError('22P04', message, hint === undefined ? {} : { hint });

/**
 * Cuts a COPY FROM byte stream into lines, whatever the chunk boundaries:
 * `push` returns the lines the chunk completed, `finish` the last line
 * without a terminator. The first line fixes the newline style (\n, \r or
 * \r\n); a different one later is an error, as in PostgreSQL. In text mode
 * a backslash takes the next byte with it (so `\` + newline is data) and
 * `\.` ends the data; in csv mode newlines inside quotes are data and `\.`
 * ends the data only alone on a line.
 */
export class CopyLineReader {
  private pending: Buffer = Buffer.alloc(0);
  /** Where scanning of the current (first pending) line resumes. */
  private scan = 0;
  private inQuote = false;
  private lastWasEsc = false;
  private eol: Eol = 'unknown';
  private endMarker = false;
  private readonly csv: boolean;

  constructor(private readonly opts: Pick<CopyOptions, 'format' | 'quote' | 'escape'>) {
    this.csv = opts.format === 'csv';
  }

  /** The `\.` marker was seen: everything after it is ignored. */
  get ended(): boolean {
    return this.endMarker;
  }

  push(chunk: Buffer): Buffer[] {
    if (this.endMarker || chunk.length === 0) return [];
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    return this.cut(false);
  }

  finish(): Buffer[] {
    if (this.endMarker) return [];
    const lines = this.cut(true);
    if (!this.endMarker && this.pending.length > 0) lines.push(this.pending);
    this.pending = Buffer.alloc(0);
    this.scan = 0;
    return lines;
  }

  private cut(final: boolean): Buffer[] {
    const out: Buffer[] = [];
    const data = this.pending;
    const len = data.length;
    const { csv } = this;
    const quote = this.opts.quote;
    // As in CopyReadLineText: an escape equal to the quote is no escape here (a doubled quote toggles twice).
    const escape = this.opts.escape === quote ? -1 : this.opts.escape;
    let start = 0;
    let i = this.scan;
    const endLine = (end: number, next: number) => {
      out.push(data.subarray(start, end));
      start = next;
      i = next;
      this.inQuote = false;
      this.lastWasEsc = false;
    };
    while (i < len) {
      const c = data[i]!;
      if (csv) {
        // Look ahead before changing the quote state, so that a suspended scan resumes at the same byte.
        if ((c === BACKSLASH || c === CR) && i + 1 >= len && !final) break;
        if (this.inQuote && c === escape) this.lastWasEsc = !this.lastWasEsc;
        if (c === quote && !this.lastWasEsc) this.inQuote = !this.inQuote;
        if (c !== escape) this.lastWasEsc = false;
      }
      if (c === CR && (!csv || !this.inQuote)) {
        if (this.eol === 'unknown' || this.eol === 'crnl') {
          if (i + 1 >= len && !final) break;
          if (data[i + 1] === LF) {
            this.eol = 'crnl';
            endLine(i, i + 2);
            continue;
          }
          if (this.eol === 'crnl') throw carriageReturn(csv);
          this.eol = 'cr';
        } else if (this.eol === 'nl') throw carriageReturn(csv);
        endLine(i, i + 1);
        continue;
      }
      if (c === LF && (!csv || !this.inQuote)) {
        if (this.eol === 'cr' || this.eol === 'crnl')
          throw csv
            ? badFormat('unquoted newline found in data', 'Use quoted CSV field to represent newline.')
            : badFormat('literal newline found in data', 'Use "\\n" to represent newline.');
        this.eol = 'nl';
        endLine(i, i + 1);
        continue;
      }
      if (c === BACKSLASH && (!csv || i === start)) {
        if (i + 1 >= len) {
          if (!final) break;
          i++;
          continue; // a backslash at the very end is data
        }
        if (data[i + 1] === DOT) {
          const r = this.endOfCopy(data, i, final);
          if (r === 'more') break;
          if (r === 'end') {
            if (i > start) out.push(data.subarray(start, i));
            this.endMarker = true;
            this.pending = Buffer.alloc(0);
            this.scan = 0;
            return out;
          }
          i = r; // csv: "\." followed by data is data (the bytes looked at are skipped, as in PostgreSQL)
          continue;
        }
        if (!csv) {
          i += 2; // the escaped byte is data, whatever it is
          continue;
        }
      }
      i++;
    }
    this.pending = start === 0 ? data : data.subarray(start);
    this.scan = i - start;
    return out;
  }

  /** At `\.`: 'end' for the end-of-data marker, 'more' when the bytes that decide are still to come, else (csv) where scanning goes on. */
  private endOfCopy(data: Buffer, at: number, final: boolean): 'end' | 'more' | number {
    const { csv } = this;
    let k = at + 2;
    const need = this.eol === 'crnl' ? 2 : 1;
    if (k + need > data.length && !final) return 'more';
    const byte = () => (k < data.length ? data[k++]! : (k++, 0));
    if (this.eol === 'crnl') {
      const c = byte();
      if (c === LF) {
        if (!csv) throw badFormat('end-of-copy marker does not match previous newline style');
        return k;
      }
      if (c !== CR) {
        if (!csv) throw badFormat('end-of-copy marker corrupt');
        return k;
      }
    }
    const c = byte();
    if (c !== CR && c !== LF) {
      if (!csv) throw badFormat('end-of-copy marker corrupt');
      return k;
    }
    if ((this.eol === 'nl' && c !== LF) || (this.eol === 'crnl' && c !== LF) || (this.eol === 'cr' && c !== CR))
      throw badFormat('end-of-copy marker does not match previous newline style');
    return 'end';
  }
}

function carriageReturn(csv: boolean): SqlError {
  return csv
    ? badFormat('unquoted carriage return found in data', 'Use quoted CSV field to represent carriage return.')
    : badFormat('literal carriage return found in data', 'Use "\\r" to represent carriage return.');
}

// ---- COPY FROM: fields ---------------------------------------------------------------

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A field's bytes as a string; invalid UTF-8 (or a NUL byte) is 22021 as PostgreSQL words it. */
function decodeField(bytes: Buffer | Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0 || b >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  try {
    const s = utf8.decode(bytes);
    if (!s.includes('\0')) return s;
  } catch {
    // reported below
  }
  throw invalidUtf8(bytes);
}

function invalidUtf8(bytes: Uint8Array): SqlError {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const n = b === 0 ? 1 : b < 0x80 ? 0 : b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 1;
    if (n === 0) {
      i++;
      continue;
    }
    const seq = bytes.subarray(i, Math.min(bytes.length, i + Math.max(n, 1)));
    let ok = n > 1 && seq.length === n;
    for (let k = 1; ok && k < n; k++) ok = (seq[k]! & 0xc0) === 0x80;
    if (ok) ok = utf8Valid(seq);
    if (!ok) {
      if (n > 1 && seq.length < n) return new SqlError('22021', `incomplete multibyte character for encoding "UTF8": ${hexBytes(seq)}`);
      return new SqlError('22021', `invalid byte sequence for encoding "UTF8": ${hexBytes(seq)}`);
    }
    i += n;
  }
  return new SqlError('22021', 'invalid byte sequence for encoding "UTF8"');
}

function utf8Valid(seq: Uint8Array): boolean {
  try {
    utf8.decode(seq);
    return true;
  } catch {
    return false;
  }
}

const hexBytes = (b: Uint8Array) => Array.from(b, (x) => `0x${x.toString(16).padStart(2, '0')}`).join(' ');

const isOctal = (c: number) => c >= 0x30 && c <= 0x37;
const hexValue = (c: number) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1);

/** CopyReadAttributesText: fields split at the delimiter, backslash sequences decoded; a field whose raw text is the NULL string is null. */
export function splitText(line: Buffer, delimiter: number, nullString: Buffer): Array<string | null> {
  const out: Array<string | null> = [];
  const end = line.length;
  let p = 0;
  for (;;) {
    const start = p;
    let bytes: number[] | null = null; // only when the field has escapes
    let runStart = p;
    let foundDelim = false;
    let rawEnd = p;
    let trailingBackslash = false;
    while (p < end) {
      const c = line[p]!;
      if (c === delimiter) {
        rawEnd = p;
        p++;
        foundDelim = true;
        break;
      }
      if (c !== BACKSLASH) {
        p++;
        continue;
      }
      bytes ??= [];
      for (let k = runStart; k < p; k++) bytes.push(line[k]!);
      p++;
      if (p >= end) {
        runStart = p;
        trailingBackslash = true;
        break; // a lone backslash at the end of the line is dropped
      }
      let v = line[p++]!;
      switch (v) {
        case 0x30:
        case 0x31:
        case 0x32:
        case 0x33:
        case 0x34:
        case 0x35:
        case 0x36:
        case 0x37: {
          let val = v - 0x30;
          if (p < end && isOctal(line[p]!)) {
            val = (val << 3) + line[p++]! - 0x30;
            if (p < end && isOctal(line[p]!)) val = (val << 3) + line[p++]! - 0x30;
          }
          v = val & 0xff;
          break;
        }
        case 0x78 /* x */: {
          if (p < end && hexValue(line[p]!) >= 0) {
            let val = hexValue(line[p++]!);
            if (p < end && hexValue(line[p]!) >= 0) val = (val << 4) + hexValue(line[p++]!);
            v = val & 0xff;
          }
          break;
        }
        case 0x62 /* b */:
          v = 0x08;
          break;
        case 0x66 /* f */:
          v = 0x0c;
          break;
        case 0x6e /* n */:
          v = LF;
          break;
        case 0x72 /* r */:
          v = CR;
          break;
        case 0x74 /* t */:
          v = 0x09;
          break;
        case 0x76 /* v */:
          v = 0x0b;
          break;
      }
      bytes.push(v);
      runStart = p;
    }
    if (!foundDelim) rawEnd = trailingBackslash ? p - 1 : p;
    const raw = line.subarray(start, rawEnd);
    if (raw.equals(nullString)) out.push(null);
    else if (bytes === null) out.push(decodeField(raw));
    else {
      for (let k = runStart; k < (foundDelim ? rawEnd : p); k++) bytes.push(line[k]!);
      out.push(decodeField(Uint8Array.from(bytes)));
    }
    if (!foundDelim) return out;
  }
}

/** CopyReadAttributesCSV: quoted parts may hold the delimiter, newlines and doubled (escaped) quotes; an unquoted field equal to the NULL string is null. */
export function splitCsv(line: Buffer, delimiter: number, quote: number, escape: number, nullString: Buffer): Array<{ value: string | null; quoted: boolean }> {
  const out: Array<{ value: string | null; quoted: boolean }> = [];
  const end = line.length;
  let p = 0;
  for (;;) {
    const start = p;
    const bytes: number[] = [];
    let sawQuote = false;
    let foundDelim = false;
    let rawEnd = p;
    field: for (;;) {
      // not in quotes
      for (;;) {
        rawEnd = p;
        if (p >= end) break field;
        const c = line[p++]!;
        if (c === delimiter) {
          foundDelim = true;
          break field;
        }
        if (c === quote) {
          sawQuote = true;
          break;
        }
        bytes.push(c);
      }
      // in quotes
      for (;;) {
        if (p >= end) throw badFormat('unterminated CSV quoted field');
        const c = line[p++]!;
        if (c === escape && p < end && (line[p] === escape || line[p] === quote)) {
          bytes.push(line[p++]!);
          continue;
        }
        if (c === quote) break;
        bytes.push(c);
      }
    }
    const raw = line.subarray(start, rawEnd);
    out.push({ value: !sawQuote && raw.equals(nullString) ? null : decodeField(Uint8Array.from(bytes)), quoted: sawQuote });
    if (!foundDelim) return out;
  }
}

// ---- COPY TO: formatting (CopyAttributeOutText / CSV) ---------------------------------------

const TEXT_ESCAPES: Record<string, string> = { '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\' };

/** A value in text format: backslash, newline, carriage return, tab, \b \f \v and the delimiter backslashed. */
export function textField(s: string, delimiter: string): string {
  let out = '';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (code >= 0x20 && ch !== '\\' && ch !== delimiter) continue;
    const esc = TEXT_ESCAPES[ch] ?? (ch === delimiter ? `\\${ch}` : null);
    if (esc === null) continue; // other control characters go out as they are
    out += s.slice(run, i) + esc;
    run = i + 1;
  }
  return run === 0 ? s : out + s.slice(run);
}

/** A value in csv format: quoted when it holds the delimiter, the quote, a newline or carriage return, equals the NULL string, or must be (FORCE_QUOTE, a lone `\.`). */
export function csvField(s: string, o: { delimiter: string; quote: string; escape: string; null: string }, force: boolean, singleColumn: boolean): string {
  let quote = force || s === o.null;
  if (!quote) {
    if (singleColumn && s === '\\.') quote = true;
    else
      for (let i = 0; i < s.length; i++) {
        const ch = s[i]!;
        if (ch === o.delimiter || ch === o.quote || ch === '\n' || ch === '\r') {
          quote = true;
          break;
        }
      }
  }
  if (!quote) return s;
  let out = o.quote;
  for (const ch of s) out += ch === o.quote || ch === o.escape ? o.escape + ch : ch;
  return out + o.quote;
}

/** One row (or the header) as a line of COPY TO output, newline included. */
export function formatLine(values: ReadonlyArray<string | null>, o: CopyOptions, forceQuote: readonly boolean[] = []): string {
  const delimiter = String.fromCharCode(o.delimiter);
  if (o.format === 'csv') {
    const co = { delimiter, quote: String.fromCharCode(o.quote), escape: String.fromCharCode(o.escape), null: o.null };
    return values.map((v, i) => (v === null ? o.null : csvField(v, co, forceQuote[i] === true, values.length === 1))).join(delimiter) + '\n';
  }
  return values.map((v) => (v === null ? o.null : textField(v, delimiter))).join(delimiter) + '\n';
}

// ---- running COPY ------------------------------------------------------------------

export interface CopyContext {
  pc: PlanContext;
  ec: ExecContext;
  /** null: an embedded session without a client stream. */
  client: CopyClient | null;
  rules(table: TableDef): TableRules;
  /** FREEZE: the relation was created (or truncated, which gives it a new relid) in the current transaction. */
  createdInTransaction(relid: number): boolean;
}

/** The statement's result: `COPY n`; COPY TO STDOUT without a client returns its output as rows of one text column `copy_data`, one per CopyData PostgreSQL would send (newline included). */
export interface CopyResult {
  command: 'COPY';
  rowCount: number;
  fields: Array<{ name: string; type: SqlType }> | null;
  rows: Datum[][] | null;
}

export async function execCopy(stmt: CopyStmt, cx: CopyContext): Promise<CopyResult> {
  if (stmt.filename !== undefined || stmt.is_program) {
    const dir = stmt.is_from ? 'from' : 'to';
    throw new SqlError(
      '42501',
      `must be superuser or have privileges of the ${stmt.is_from ? 'pg_read_server_files' : 'pg_write_server_files'} role to COPY ${dir} a ${stmt.is_program ? 'program' : 'file'}`,
      {
        hint: "Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone.",
      },
    );
  }
  const opts = copyOptions(stmt.options ?? [], stmt.is_from === true);
  if (opts.format === 'binary') throw new SqlError('0A000', 'COPY BINARY is not supported');
  if (stmt.whereClause) throw new SqlError('0A000', 'COPY FROM ... WHERE is not supported');
  return stmt.is_from ? copyFrom(stmt, opts, cx) : copyTo(stmt, opts, cx);
}

function targetColumns(table: TableDef, attlist: Node[] | undefined): number[] {
  if (!attlist || attlist.length === 0) return table.columns.flatMap((c, i) => (c.dropped ? [] : [i]));
  const cols: number[] = [];
  for (const n of attlist) {
    const name = 'String' in n ? (n.String.sval ?? '') : '';
    const i = table.columns.findIndex((c) => c.name === name && !c.dropped);
    if (i < 0) throw new SqlError('42703', `column "${name}" of relation "${table.name}" does not exist`);
    if (cols.includes(i)) throw new SqlError('42701', `column "${name}" specified more than once`);
    cols.push(i);
  }
  return cols;
}

function columnFlags(table: TableDef, cols: number[], names: string[], option: string): boolean[] {
  const flags = cols.map(() => false);
  for (const name of names) {
    const k = cols.findIndex((c) => table.columns[c]!.name === name);
    if (k < 0) {
      if (!table.columns.some((c) => c.name === name && !c.dropped)) throw new SqlError('42703', `column "${name}" of relation "${table.name}" does not exist`);
      throw new SqlError('42P10', `${option} column "${name}" not referenced by COPY`);
    }
    flags[k] = true;
  }
  return flags;
}

/** A field read with its column's input function (and typmod), as an INSERT of a string literal does. */
function readField(col: ColumnDef, text: string, ctx: TypeContext): Datum {
  const type: SqlType = col.type;
  if (type.oid === TypeOid.unknown) return text;
  const base = { ...type, typmod: -1 };
  const v = input(base, text, ctx);
  return type.typmod >= 0 && v !== null ? castDatum(v, base, type, ctx, false) : v;
}

async function copyFrom(stmt: CopyStmt, opts: CopyOptions, cx: CopyContext): Promise<CopyResult> {
  const rel = stmt.relation!;
  const def = cx.pc.relation(rel.relname!, rel.location);
  const cols = def.kind === 'table' ? targetColumns(def, stmt.attlist) : [];
  const notNull = def.kind === 'table' ? columnFlags(def, cols, opts.forceNotNull, 'FORCE_NOT_NULL') : [];
  const forceNull = def.kind === 'table' ? columnFlags(def, cols, opts.forceNull, 'FORCE_NULL') : [];
  if (!cx.client) throw new SqlError('0A000', 'COPY FROM STDIN is not supported without a client data stream (use the wire protocol, or INSERT)');
  // As in PostgreSQL, BeginCopyFrom's checks come before CopyInResponse and CopyFrom's after it (a client then sends its data, which is ignored).
  const source = cx.client.copyIn(cols.length);
  if (def.kind !== 'table') throw new SqlError('42809', `cannot copy to ${def.kind === 'sequence' ? 'sequence' : 'non-table relation'} "${rel.relname!}"`);
  const table = def;
  if (opts.freeze && !cx.createdInTransaction(table.relid)) {
    throw new SqlError('55000', 'cannot perform COPY FREEZE because the table was not created or truncated in the current subtransaction');
  }
  const rules = cx.rules(table);
  const given = new Set(cols);
  const defaulted = table.columns.flatMap((c, i) => (!given.has(i) && !c.dropped && rules.defaults[i] ? [i] : []));
  const reader = new CopyLineReader(opts);
  const nullBytes = Buffer.from(opts.null);
  const csv = opts.format === 'csv';
  const ctx = cx.ec.env.typeCtx;
  let header = opts.header !== false;

  const fields = (line: Buffer): Array<string | null> => {
    if (!csv) return splitText(line, opts.delimiter, nullBytes);
    return splitCsv(line, opts.delimiter, opts.quote, opts.escape, nullBytes).map((f, k) => {
      if (f.value === null && notNull[k]) return opts.null;
      if (f.value !== null && forceNull[k] && f.value === opts.null) return null;
      return f.value;
    });
  };

  const onLine = async (line: Buffer): Promise<void> => {
    if (header) {
      header = false; // a HEADER line is skipped unread; HEADER MATCH checks its names
      if (opts.header === 'match') matchHeader(table, cols, fields(line));
      return;
    }
    const values = cols.length === 0 && line.length === 0 ? [] : fields(line);
    if (values.length > cols.length) throw badFormat('extra data after last expected column');
    if (values.length < cols.length) throw badFormat(`missing data for column "${table.columns[cols[values.length]!]!.name}"`);
    const row: Datum[] = table.columns.map(() => null);
    for (let k = 0; k < cols.length; k++) {
      const v = values[k]!;
      if (v !== null) row[cols[k]!] = readField(table.columns[cols[k]!]!, v, ctx);
    }
    for (const i of defaulted) row[i] = await defaultValue(rules, i, cx.ec);
    checkRow(table, rules, row, cx.ec);
    cx.ec.checkInterrupts();
    await writes.insert(() => insertRow(table, row, cx.ec));
  };

  const writes = new WriteWindow();
  try {
    for (;;) {
      const chunk = await source.read();
      if (chunk === null) break;
      for (const line of reader.push(chunk)) await onLine(line);
    }
    for (const line of reader.finish()) await onLine(line);
  } finally {
    await writes.drain();
  }
  writes.check();
  return { command: 'COPY', rowCount: writes.done, fields: null, rows: null };
}

/** Row inserts that COPY keeps in flight at once: their storage calls are pipelined to Redis, in order. */
const WRITE_WINDOW = 64;

/**
 * Up to WRITE_WINDOW inserts in flight. The first one runs alone (it gives
 * the transaction its xid); the first failure is thrown at the next insert or
 * by check(), and drain() waits for every call, so that nothing is written
 * after the statement has failed and its transaction aborts.
 */
class WriteWindow {
  private readonly pending = new Set<Promise<void>>();
  private failure: { err: unknown } | null = null;
  done = 0;

  async insert(write: () => Promise<unknown>): Promise<void> {
    this.check();
    if (this.done === 0 && this.pending.size === 0) {
      await write();
      this.done++;
      return;
    }
    const p: Promise<void> = write().then(
      () => void this.done++,
      (err: unknown) => void (this.failure ??= { err }),
    );
    this.pending.add(p);
    void p.then(() => this.pending.delete(p));
    if (this.pending.size >= WRITE_WINDOW) await Promise.race(this.pending);
    this.check();
  }

  check(): void {
    if (this.failure) throw this.failure.err;
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

/** HEADER MATCH: the header line names the copied columns, in order. */
function matchHeader(table: TableDef, cols: number[], values: Array<string | null>): void {
  if (values.length !== cols.length) throw badFormat(`wrong number of fields in header line: got ${values.length}, expected ${cols.length}`);
  cols.forEach((c, k) => {
    const want = table.columns[c]!.name;
    const got = values[k];
    if (got === null) throw badFormat(`column name mismatch in header line field ${k + 1}: got null value ("\\N"), expected "${want}"`);
    if (got !== want) throw badFormat(`column name mismatch in header line field ${k + 1}: got "${got}", expected "${want}"`);
  });
}

async function copyTo(stmt: CopyStmt, opts: CopyOptions, cx: CopyContext): Promise<CopyResult> {
  const ctx = cx.ec.env.typeCtx;
  let names: string[];
  let types: SqlType[];
  let rows: AsyncIterable<Datum[]> | Datum[][];
  if (stmt.query) {
    if (stmt.attlist && stmt.attlist.length > 0) throw new SqlError('42601', 'COPY (query) TO does not support a column list');
    if (!('SelectStmt' in stmt.query)) throw new SqlError('0A000', 'COPY (INSERT/UPDATE/DELETE ... RETURNING) TO is not supported');
    const q = planSelect(stmt.query.SelectStmt, null, cx.pc);
    for (const p of cx.pc.sideEffects) await p.run(cx.ec);
    names = q.names;
    types = q.types;
    rows = await q.plan.run(cx.ec);
  } else {
    const rel = stmt.relation!;
    const def = cx.pc.relation(rel.relname!, rel.location);
    if (def.kind === 'sequence') throw new SqlError('42809', `cannot copy from sequence "${rel.relname!}"`, { hint: 'Try the COPY (SELECT ...) TO variant.' });
    if (def.kind !== 'table') throw new SqlError('42809', `cannot copy from non-table relation "${rel.relname!}"`, { hint: 'Try the COPY (SELECT ...) TO variant.' });
    const table = def;
    const cols = targetColumns(table, stmt.attlist);
    names = cols.map((c) => table.columns[c]!.name);
    types = cols.map((c) => table.columns[c]!.type);
    rows = (async function* () {
      for await (const t of cx.ec.tx.scan(table.relid)) {
        const full = decodeRow(table, t.data);
        yield cols.map((c) => full[c]!);
      }
    })();
  }
  const force = opts.forceQuote === '*' ? names.map(() => true) : names.map((n) => (opts.forceQuote ?? []).includes(n));
  if (Array.isArray(opts.forceQuote)) {
    for (const n of opts.forceQuote) if (!names.includes(n)) throw new SqlError('42P10', `FORCE_QUOTE column "${n}" not referenced by COPY`);
  }
  const lines: string[] | null = cx.client ? null : [];
  const sink = cx.client?.copyOut(names.length) ?? null;
  const emit = (s: string) => (sink ? sink.data(s) : lines!.push(s));
  if (opts.header) emit(formatLine(names, opts));
  let count = 0;
  for await (const row of rows) {
    emit(
      formatLine(
        row.map((v: Datum, i: number) => (v === null ? null : output(types[i]!, v, ctx))),
        opts,
        force,
      ),
    );
    count++;
    cx.ec.checkInterrupts();
  }
  sink?.done();
  return { command: 'COPY', rowCount: count, fields: lines ? [{ name: 'copy_data', type: Types.text }] : null, rows: lines ? lines.map((l) => [l]) : null };
}
