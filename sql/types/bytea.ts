/* bytea (varlena.c byteain/byteaout): hex and escape output (bytea_output), hex and escape input. */
import { SqlError } from '../errors.ts';

/** byteaout: bytea_output 'hex' (the default) or 'escape'. */
export const formatBytea = (b: Buffer, style: 'hex' | 'escape' = 'hex'): string => (style === 'escape' ? escapeBytea(b) : '\\x' + b.toString('hex'));

/** The escape format: backslash doubled, bytes outside 0x20..0x7e as \ooo. */
export function escapeBytea(b: Buffer): string {
  let out = '';
  for (const c of b) {
    if (c === 92) out += '\\\\';
    else if (c < 0x20 || c > 0x7e) out += '\\' + c.toString(8).padStart(3, '0');
    else out += String.fromCharCode(c);
  }
  return out;
}

const hexValue = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

export function parseBytea(text: string): Buffer {
  if (text.length >= 2 && text.charCodeAt(0) === 92 && (text.charCodeAt(1) | 0x20) === 120) {
    const out = Buffer.allocUnsafe((text.length - 2) >> 1);
    let n = 0;
    let i = 2;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      const hi = hexValue(c);
      if (hi < 0) throw new SqlError('22023', `invalid hexadecimal digit: "${text[i]}"`);
      if (i + 1 >= text.length) throw new SqlError('22023', 'invalid hexadecimal data: odd number of digits');
      const lo = hexValue(text.charCodeAt(i + 1));
      if (lo < 0) throw new SqlError('22023', `invalid hexadecimal digit: "${text[i + 1]}"`);
      out[n++] = (hi << 4) | lo;
      i += 2;
    }
    return out.subarray(0, n);
  }
  return parseEscapeBytea(text);
}

/** The escape format: \\ and \ooo; other bytes are taken as the UTF-8 of the text. */
export function parseEscapeBytea(text: string): Buffer {
  const src = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length;) {
    const c = src[i]!;
    if (c !== 92) {
      out[n++] = c;
      i++;
    } else if (src[i + 1] === 92) {
      out[n++] = 92;
      i += 2;
    } else {
      const a = src[i + 1];
      const b = src[i + 2];
      const d = src[i + 3];
      if (a === undefined || b === undefined || d === undefined || a < 48 || a > 51 || b < 48 || b > 55 || d < 48 || d > 55) {
        throw new SqlError('22P02', 'invalid input syntax for type bytea');
      }
      out[n++] = ((a - 48) << 6) | ((b - 48) << 3) | (d - 48);
      i += 4;
    }
  }
  return out.subarray(0, n);
}
