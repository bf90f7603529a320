/*
 * CopyData (F & B)
 *   Byte1('d')   Identifies the message as COPY data.
 *   Int32        Length of message contents in bytes, including self.
 *   Byte[n]      Data that forms part of a COPY data stream.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import type { Reader } from '../reader.ts';

export interface CopyData {
  type: 'CopyData';
  data: Buffer;
}

export function parseCopyData(r: Reader): CopyData {
  return { type: 'CopyData', data: r.rest() };
}
