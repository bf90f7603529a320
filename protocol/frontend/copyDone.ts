/*
 * CopyDone (F)
 *   Byte1('c')   Identifies the message as CopyDone.
 *   Int32(4)     Length of message contents in bytes, including self.
 *
 * The client has no more COPY data.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import type { Reader } from '../reader.ts';

export interface CopyDone {
  type: 'CopyDone';
}

export function parseCopyDone(r: Reader): CopyDone {
  r.end();
  return { type: 'CopyDone' };
}
