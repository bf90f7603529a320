/*
 * CopyFail (F)
 *   Byte1('f')   Identifies the message as a COPY-failure indicator.
 *   Int32        Length of message contents in bytes, including self.
 *   String       An error message to report as the cause of failure.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import type { Reader } from '../reader.ts';

export interface CopyFail {
  type: 'CopyFail';
  message: string;
}

export function parseCopyFail(r: Reader): CopyFail {
  const message = r.cstring();
  r.end();
  return { type: 'CopyFail', message };
}
