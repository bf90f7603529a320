/*
 * SASLInitialResponse (F)
 *   Byte1('p')   Identifies the message as an initial SASL response.
 *   Int32        Length of message contents in bytes, including self.
 *   String       Name of the SASL authentication mechanism that the client selected.
 *   Int32        Length of SASL mechanism specific "Initial Client Response"
 *                that follows, or -1 if there is no Initial Response.
 *   Byte[n]      SASL mechanism specific "Initial Response".
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import type { Reader } from '../reader.ts';

export interface SASLInitialResponse {
  type: 'SASLInitialResponse';
  mechanism: string;
  data: Buffer | null;
}

export function parseSASLInitialResponse(r: Reader): SASLInitialResponse {
  const mechanism = r.cstring();
  const len = r.int32();
  const data = len === -1 ? null : r.bytes(len);
  r.end();
  return { type: 'SASLInitialResponse', mechanism, data };
}
