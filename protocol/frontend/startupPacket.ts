/*
 * The startup-phase packets (untyped: the first Int32 after the length says
 * which one it is).
 *
 *   StartupMessage   Int32(len) Int32(196608 = 3.0)
 *                    String(name) String(value) ... Byte1(0)
 *   CancelRequest    Int32(16) Int32(80877102) Int32(process id) Int32(secret key)
 *   SSLRequest       Int32(8) Int32(80877103)
 *   GSSENCRequest    Int32(8) Int32(80877104)
 *
 * `body` is what follows the length word (framing.ts removed it).
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { StartupCode } from '../codes.ts';
import { ProtocolError } from '../errors.ts';
import { Reader } from '../reader.ts';

export type StartupPacket =
  | { type: 'SSLRequest' }
  | { type: 'GSSENCRequest' }
  | { type: 'CancelRequest'; processId: number; secretKey: number }
  | { type: 'StartupMessage'; major: number; minor: number; parameters: Record<string, string> };

export function parseStartupPacket(body: Buffer): StartupPacket {
  const r = new Reader(body);
  const code = r.int32();
  switch (code) {
    case StartupCode.SSLRequest:
      return { type: 'SSLRequest' };
    case StartupCode.GSSENCRequest:
      return { type: 'GSSENCRequest' };
    case StartupCode.CancelRequest: {
      // postmaster.c: a cancel packet of the wrong size is ignored (COMMERROR); we say so.
      if (body.length !== 12) throw new ProtocolError('invalid length of startup packet');
      return { type: 'CancelRequest', processId: r.int32(), secretKey: r.int32() };
    }
  }
  const major = code >>> 16;
  const minor = code & 0xffff;
  if (major !== 3) throw new ProtocolError(`unsupported frontend protocol ${major}.${minor}: server supports 3.0 to 3.0`, '0A000');
  // Int32(version) then name/value pairs, then a NUL that must be exactly the last byte (ProcessStartupPacket).
  const layout = (): ProtocolError => new ProtocolError('invalid startup packet layout: expected terminator as last byte');
  const parameters: Record<string, string> = {};
  try {
    while (r.remaining > 0 && body[body.length - r.remaining] !== 0) {
      const name = r.cstring();
      if (r.remaining === 0) throw layout();
      parameters[name] = r.cstring();
    }
  } catch {
    // A string running past the end is the same fault: no terminator where it belongs.
    throw layout();
  }
  if (r.remaining !== 1) throw layout();
  return { type: 'StartupMessage', major, minor, parameters };
}
