/*
 * A growable buffer writer for backend messages. `message(code)` frames what
 * was written as Byte1(code) Int32(length including itself) body and resets
 * the writer, so one writer can build many messages.
 */
export class Writer {
  private buf: Buffer;
  private offset = 0;

  constructor(size = 256) {
    this.buf = Buffer.allocUnsafe(size);
  }

  private ensure(n: number): void {
    if (this.offset + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.offset + n));
    this.buf.copy(next, 0, 0, this.offset);
    this.buf = next;
  }

  byte(v: number): this {
    this.ensure(1);
    this.buf[this.offset++] = v & 0xff;
    return this;
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.offset);
    this.offset += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v | 0, this.offset);
    this.offset += 4;
    return this;
  }

  /** A string followed by NUL. */
  cstring(s: string): this {
    const n = Buffer.byteLength(s);
    this.ensure(n + 1);
    this.buf.write(s, this.offset, 'utf8');
    this.offset += n;
    this.buf[this.offset++] = 0;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.offset);
    this.offset += b.length;
    return this;
  }

  /** The body framed as a typed message: Byte1(code) Int32(len) body. */
  message(code: number): Buffer {
    const out = Buffer.allocUnsafe(5 + this.offset);
    out[0] = code;
    out.writeInt32BE(4 + this.offset, 1);
    this.buf.copy(out, 5, 0, this.offset);
    this.offset = 0;
    return out;
  }

  /** The body alone (no type byte, no length). */
  body(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.offset));
    this.offset = 0;
    return out;
  }
}

/** A message with no body: Byte1(code) Int32(4). */
export function emptyMessage(code: number): Buffer {
  const b = Buffer.allocUnsafe(5);
  b[0] = code;
  b.writeInt32BE(4, 1);
  return b;
}
