/*
 * Character types (varchar.c, varlena.c) and boolean (bool.c).
 * text, varchar and bpchar are JS strings. Comparison is bytewise over
 * UTF-8 (the C collation); lengths count characters (code points), as
 * PostgreSQL does for a UTF-8 database.
 */
import { SqlError } from '../errors.ts';

/**
 * UTF-8 byte order of two strings without encoding them: UTF-16 order
 * differs from it only where a surrogate meets a code unit >= U+E000, so the
 * loop fixes up exactly that case.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Length in characters (code points). */
export function charCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) n--;
  }
  return n;
}

/** The code unit index after the first `chars` characters of s. */
export function charOffset(s: string, chars: number): number {
  let i = 0;
  for (let k = 0; k < chars && i < s.length; k++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  return i;
}

export const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** bpchar's semantic value: trailing spaces do not count. */
export function bpcharTrim(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return end === s.length ? s : s.slice(0, end);
}

export const compareBpchar = (a: string, b: string): number => compareText(bpcharTrim(a), bpcharTrim(b));

function onlySpacesAfter(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) if (s.charCodeAt(i) !== 32) return false;
  return true;
}

/**
 * varchar(n) (varchar_input / varchar()): longer values are an error unless
 * the excess is spaces; an explicit cast truncates silently.
 */
export function coerceVarchar(s: string, maxLen: number, explicit: boolean): string {
  if (maxLen < 0 || s.length <= maxLen) return s;
  if (charCount(s) <= maxLen) return s;
  const cut = charOffset(s, maxLen);
  if (!explicit && !onlySpacesAfter(s, cut)) throw new SqlError('22001', `value too long for type character varying(${maxLen})`);
  return s.slice(0, cut);
}

/** char(n) (bpchar_input / bpchar()): as varchar(n), then padded with spaces to n characters. */
export function coerceBpchar(s: string, len: number, explicit: boolean): string {
  if (len < 0) return s;
  const count = charCount(s);
  if (count > len) {
    const cut = charOffset(s, len);
    if (!explicit && !onlySpacesAfter(s, cut)) throw new SqlError('22001', `value too long for type character(${len})`);
    return s.slice(0, cut);
  }
  return count === len ? s : s + ' '.repeat(len - count);
}

/** boolin: the accepted words and their unique prefixes, case-insensitive, surrounding whitespace ignored. */
export function parseBool(text: string): boolean {
  const v = parseBoolWord(text.trim().toLowerCase());
  if (v === undefined) throw new SqlError('22P02', `invalid input syntax for type boolean: "${text}"`);
  return v;
}

function parseBoolWord(s: string): boolean | undefined {
  if (s.length === 0) return undefined;
  const isPrefix = (word: string, min: number): boolean => s.length >= min && word.startsWith(s);
  switch (s[0]) {
    case 't':
      return isPrefix('true', 1) ? true : undefined;
    case 'f':
      return isPrefix('false', 1) ? false : undefined;
    case 'y':
      return isPrefix('yes', 1) ? true : undefined;
    case 'n':
      return isPrefix('no', 1) ? false : undefined;
    case 'o':
      if (isPrefix('on', 2)) return true;
      if (isPrefix('off', 2)) return false;
      return undefined;
    case '1':
      return s.length === 1 ? true : undefined;
    case '0':
      return s.length === 1 ? false : undefined;
    default:
      return undefined;
  }
}
