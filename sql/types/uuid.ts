/* uuid (uuid.c string_to_uuid): lowercase canonical text is the datum. */
import { SqlError } from '../errors.ts';

const hexValue = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);
const HEX = '0123456789abcdef';

/** Accepts the canonical form, braces, no hyphens, or a hyphen after any group of four hex digits. */
export function parseUuid(text: string): string {
  const bad = (): SqlError => new SqlError('22P02', `invalid input syntax for type uuid: "${text}"`);
  let i = 0;
  const braces = text.charCodeAt(0) === 123;
  if (braces) i++;
  let out = '';
  for (let byte = 0; byte < 16; byte++) {
    const hi = hexValue(text.charCodeAt(i));
    const lo = hexValue(text.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) throw bad();
    out += HEX[hi]! + HEX[lo]!;
    if (byte === 3 || byte === 5 || byte === 7 || byte === 9) out += '-';
    i += 2;
    if (byte % 2 === 1 && byte < 15 && text.charCodeAt(i) === 45) i++;
  }
  if (braces) {
    if (text.charCodeAt(i) !== 125) throw bad();
    i++;
  }
  if (i !== text.length) throw bad();
  return out;
}

export function randomUuid(): string {
  return crypto.randomUUID();
}
