/*
 * Execute (F)
 *   Byte1('E')   Identifies the message as an Execute command.
 *   Int32        Length of message contents in bytes, including self.
 *   String       The name of the portal to execute ('' = unnamed).
 *   Int32        Maximum number of rows to return; zero denotes "no limit"
 *                (PostgreSQL treats a negative count the same way).
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import type { Reader } from '../reader.ts';

export interface Execute {
  type: 'Execute';
  portal: string;
  maxRows: number;
}

export function parseExecute(r: Reader): Execute {
  const portal = r.cstring();
  const maxRows = r.int32();
  r.end();
  return { type: 'Execute', portal, maxRows: maxRows < 0 ? 0 : maxRows };
}
