/*
 * Framing: cuts the client's byte stream into messages, and nothing more
 * (parsing a message's body is the frontend/ files' job).
 *
 * Two phases, as in PostgreSQL (postmaster.c ProcessStartupPacket, then
 * pqcomm.c pq_getmessage):
 *
 *   startup   Int32(length incl. itself) Byte[length - 4]
 *             An untyped packet: SSLRequest, GSSENCRequest, CancelRequest
 *             or StartupMessage. The body must be 4 ..
 *             MAX_STARTUP_PACKET_LENGTH bytes, else "invalid length of
 *             startup packet".
 *   normal    Byte1(type) Int32(length incl. itself) Byte[length - 4]
 *             length must be >= 4 and <= the type's limit, else "invalid
 *             message length".
 *
 * The caller switches phase between frames (`decoder.phase = 'normal'` once
 * the StartupMessage is accepted): a client may pipeline its first query
 * right behind its StartupMessage, in the same TCP segment.
 *
 * A bad length is unrecoverable (the stream has lost its message
 * boundaries): `next()` throws a FATAL ProtocolError and the decoder stays
 * failed.
 */
import { FrontendCode, MAX_AUTH_TOKEN_LENGTH, MAX_STARTUP_PACKET_LENGTH, SMALL_MESSAGE_LIMIT } from './codes.ts';
import { ProtocolError } from './errors.ts';

export type Frame = { kind: 'startup'; body: Buffer } | { kind: 'message'; code: number; body: Buffer };

export interface FramingOptions {
  /**
   * The largest message (length word included) accepted for the types that
   * carry data (Query, Parse, Bind, CopyData, FunctionCall). PostgreSQL
   * allows 1 GB - 1 (PQ_LARGE_MESSAGE_LIMIT); a server that buffers whole
   * messages in a Node heap wants less. Default 64 MiB.
   */
  maxMessageLength?: number;
}

export const DEFAULT_MAX_MESSAGE_LENGTH = 64 * 1024 * 1024;

const LARGE_TYPES = new Set<number>([FrontendCode.Query, FrontendCode.Parse, FrontendCode.Bind, FrontendCode.CopyData, FrontendCode.FunctionCall]);

export class FrameDecoder {
  phase: 'startup' | 'normal' = 'startup';
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed: ProtocolError | null = null;
  private readonly maxLarge: number;

  constructor(opts: FramingOptions = {}) {
    this.maxLarge = opts.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH;
  }

  /** Bytes received and not yet returned as frames. */
  get pending(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The largest length word accepted for a message type (length word included). */
  limitFor(code: number): number {
    if (LARGE_TYPES.has(code)) return this.maxLarge;
    if (code === FrontendCode.Password) return MAX_AUTH_TOKEN_LENGTH;
    return SMALL_MESSAGE_LIMIT;
  }

  /** The next complete frame of the current phase, or null until more bytes arrive. */
  next(): Frame | null {
    if (this.failed) throw this.failed;
    const header = this.phase === 'startup' ? 4 : 5;
    if (this.buffered < header) return null;
    const first = this.contiguous(header);
    let length: number;
    let code = 0;
    if (this.phase === 'startup') {
      length = first.readInt32BE(0);
      if (length - 4 < 4 || length - 4 > MAX_STARTUP_PACKET_LENGTH) return this.fail('invalid length of startup packet');
    } else {
      code = first[0]!;
      length = first.readInt32BE(1);
      if (length < 4 || length > this.limitFor(code)) return this.fail('invalid message length');
    }
    const total = header + length - 4;
    if (this.buffered < total) return null;
    const all = this.contiguous(total);
    const body = all.subarray(header, total);
    this.consume(total);
    return this.phase === 'startup' ? { kind: 'startup', body } : { kind: 'message', code, body };
  }

  private fail(message: string): never {
    this.failed = new ProtocolError(message, '08P01', 'FATAL');
    this.chunks = [];
    this.buffered = 0;
    throw this.failed;
  }

  /** The first chunk, merged with the following ones until it holds `n` bytes. */
  private contiguous(n: number): Buffer {
    if (this.chunks[0]!.length < n) {
      const merged = Buffer.concat(this.chunks);
      this.chunks = [merged];
    }
    return this.chunks[0]!;
  }

  private consume(n: number): void {
    const first = this.chunks[0]!;
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
  }
}
