/*
 * SQL-quoting string functions (PostgreSQL 15 varlena.c and quote.c):
 * format() with its %s / %I / %L conversions, argument positions and
 * widths, quote_ident (ruleutils.c quote_identifier) and quote_literal.
 */
import { SqlError } from '../errors.ts';
import { charCount } from './text.ts';

/*
 * Keywords that quote_identifier must quote: every keyword whose category is
 * not UNRESERVED_KEYWORD, as `select word from pg_get_keywords() where
 * catcode <> 'U'` lists them in PostgreSQL 15.
 */
const QUOTED_KEYWORDS: ReadonlySet<string> = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast char character check ' +
    'coalesce collate collation column concurrently constraint create cross current_catalog current_date current_role current_schema ' +
    'current_time current_timestamp current_user dec decimal default deferrable desc distinct do else end except exists extract false ' +
    'fetch float for foreign freeze from full grant greatest group grouping having ilike in initially inner inout int integer intersect ' +
    'interval into is isnull join lateral leading least left like limit localtime localtimestamp national natural nchar none normalize ' +
    'not notnull null nullif numeric offset on only or order out outer overlaps overlay placing position precision primary real ' +
    'references returning right row select session_user setof similar smallint some substring symmetric table tablesample then time ' +
    'timestamp to trailing treat trim true union unique user using values varchar variadic verbose when where window with xmlattributes ' +
    'xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable'
  ).split(' '),
);

/** quote_identifier: double-quotes unless the name is lower-case letters, digits and underscores and no reserved word. */
export function quoteIdent(name: string): string {
  const safe = /^[a-z_][a-z0-9_]*$/.test(name) && !QUOTED_KEYWORDS.has(name);
  return safe ? name : '"' + name.replace(/"/g, '""') + '"';
}

/** quote_literal_cstr: quotes and backslashes doubled, E'' syntax when a backslash is present. */
export function quoteLiteral(s: string): string {
  return (s.includes('\\') ? 'E' : '') + "'" + s.replace(/(['\\])/g, '$1$1') + "'";
}

/** One format() argument: its output text, null for SQL NULL; `int` is its value when it is an integer (for `*` widths). */
export interface FormatArg {
  text: string | null;
  int?: number;
}

const invalid = (message: string, hint?: string): SqlError => new SqlError('22023', message, hint === undefined ? {} : { hint });
const unterminated = (): SqlError => invalid('unterminated format() type specifier', 'For a single "%" use "%%".');
const argumentZero = (): SqlError => invalid('format specifies argument 0, but arguments are numbered from 1');
const tooFew = (): SqlError => invalid('too few arguments for format()');

/**
 * text_format: `fmt` with `args` (args[0] is the first value after the
 * format string). Specifiers are %[position$][-][width|*|*position$]{s,I,L}
 * and %%; widths count characters and pad with spaces, on the left unless
 * the `-` flag is given or the width is negative.
 */
export function formatText(fmt: string, args: readonly FormatArg[]): string {
  const cps = Array.from(fmt);
  let i = 0;
  let out = '';
  /** The next argument to use, 1-based as in PostgreSQL (0 is the format string). */
  let next = 1;
  const advance = (): void => {
    if (++i >= cps.length) throw unterminated();
  };
  const digits = (): number | undefined => {
    if (!/[0-9]/.test(cps[i]!)) return undefined;
    let n = 0;
    while (/[0-9]/.test(cps[i]!)) {
      n = n * 10 + Number(cps[i]);
      if (n > 2147483647) throw new SqlError('22003', 'number is out of range');
      advance();
    }
    return n;
  };
  const argAt = (pos: number): FormatArg => {
    if (pos > args.length) throw tooFew();
    return args[pos - 1]!;
  };
  for (; i < cps.length; i++) {
    if (cps[i] !== '%') {
      out += cps[i];
      continue;
    }
    advance();
    if (cps[i] === '%') {
      out += '%';
      continue;
    }
    // text_format_parse_format
    let argpos = -1;
    let widthpos = -1;
    let minus = false;
    let width = 0;
    const first = digits();
    if (first !== undefined && cps[i] !== '$') width = first;
    else {
      if (first !== undefined) {
        if (first === 0) throw argumentZero();
        argpos = first;
        advance();
      }
      while (cps[i] === '-') {
        minus = true;
        advance();
      }
      if (cps[i] === '*') {
        advance();
        const n = digits();
        if (n === undefined) widthpos = 0;
        else {
          if (cps[i] !== '$') throw invalid('width argument position must be ended by "$"');
          if (n === 0) throw argumentZero();
          widthpos = n;
          advance();
        }
      } else width = digits() ?? 0;
    }
    const conv = cps[i]!;
    if (conv !== 's' && conv !== 'I' && conv !== 'L') throw invalid(`unrecognized format() type specifier "${conv}"`, 'For a single "%" use "%%".');
    if (widthpos >= 0) {
      if (widthpos > 0) next = widthpos;
      const w = argAt(next++);
      width = w.text === null ? 0 : (w.int ?? parseWidth(w.text));
      if (width < 0) {
        if (width === -2147483648) throw new SqlError('22003', 'number is out of range');
        minus = true;
        width = -width;
      }
    }
    if (argpos > 0) next = argpos;
    const a = argAt(next++);
    let s: string;
    if (a.text === null) {
      if (conv === 'I') throw new SqlError('22004', 'null values cannot be formatted as an SQL identifier');
      s = conv === 'L' ? 'NULL' : '';
    } else s = conv === 'I' ? quoteIdent(a.text) : conv === 'L' ? quoteLiteral(a.text) : a.text;
    const padding = ' '.repeat(Math.max(0, width - charCount(s)));
    out += minus ? s + padding : padding + s;
  }
  return out;
}

/** A non-integer argument used as a width goes through int4in. */
function parseWidth(text: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new SqlError('22P02', `invalid input syntax for type integer: "${text}"`);
  const n = Number(t);
  if (n > 2147483647 || n < -2147483648) throw new SqlError('22003', `value "${text}" is out of range for type integer`);
  return n;
}
