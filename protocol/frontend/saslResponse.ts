/*
 * SASLResponse (F)
 *   Byte1('p')   Identifies the message as a SASL response.
 *   Int32        Length of message contents in bytes, including self.
 *   Byte[n]      SASL mechanism specific message data.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import type { Reader } from '../reader.ts';

export interface SASLResponse {
  type: 'SASLResponse';
  data: Buffer;
}

export function parseSASLResponse(r: Reader): SASLResponse {
  return { type: 'SASLResponse', data: r.rest() };
}
