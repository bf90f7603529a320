/*
 * A bounds-checked reader over one message body. Every read checks that the
 * bytes are there: a short or malformed message raises a ProtocolError
 * (08P01) with PostgreSQL's pqformat.c wording, never a RangeError or a
 * silently wrong value.
 */
import { ProtocolError } from './errors.ts';

export class Reader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number): void {
    if (n < 0 || this.offset + n > this.buf.length) throw new ProtocolError('insufficient data left in message');
  }

  byte(): number {
    this.need(1);
    return this.buf[this.offset++]!;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /** A NUL-terminated string (pq_getmsgstring): a missing terminator is "invalid string in message". */
  cstring(): string {
    const end = this.buf.indexOf(0, this.offset);
    if (end < 0) throw new ProtocolError('invalid string in message');
    const s = this.buf.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return s;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }

  /** Everything left. */
  rest(): Buffer {
    return this.bytes(this.remaining);
  }

  /** pq_getmsgend: the message must be consumed exactly. */
  end(): void {
    if (this.offset !== this.buf.length) throw new ProtocolError('invalid message format');
  }
}
