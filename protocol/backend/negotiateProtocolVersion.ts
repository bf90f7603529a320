/*
 * NegotiateProtocolVersion (B)
 *   Byte1('v')   Identifies the message as a protocol version negotiation message.
 *   Int32        Length of message contents in bytes, including self.
 *   Int32        Newest minor protocol version supported by the server for
 *                the major protocol version requested by the client.
 *   Int32        Number of protocol options not recognized by the server.
 *   Then, for protocol option not recognized by the server:
 *     String     The option name.
 *
 * Sent when a client asks for 3.x with x > 0, or for `_pq_.` options.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { Writer } from '../writer.ts';

const w = new Writer(64);

export function createNegotiateProtocolVersion(newestMinor: number, unrecognized: readonly string[]): Buffer {
  w.int32(newestMinor).int32(unrecognized.length);
  for (const o of unrecognized) w.cstring(o);
  return w.message(BackendCode.NegotiateProtocolVersion);
}
