/*
 * Terminate (F)
 *   Byte1('X')   Identifies the message as Terminate.
 *   Int32(4)     Length of message contents in bytes, including self.
 *
 * The client is closing the connection.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import type { Reader } from '../reader.ts';

export interface Terminate {
  type: 'Terminate';
}

export function parseTerminate(r: Reader): Terminate {
  r.end();
  return { type: 'Terminate' };
}
