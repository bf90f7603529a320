/*
 * Flush (F)
 *   Byte1('H')   Identifies the message as Flush.
 *   Int32(4)     Length of message contents in bytes, including self.
 *
 * Forces the backend to deliver any data pending in its output buffers.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import type { Reader } from '../reader.ts';

export interface Flush {
  type: 'Flush';
}

export function parseFlush(r: Reader): Flush {
  r.end();
  return { type: 'Flush' };
}
