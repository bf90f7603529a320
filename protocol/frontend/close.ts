/*
 * Close (F)
 *   Byte1('C')   Identifies the message as a Close command.
 *   Int32        Length of message contents in bytes, including self.
 *   Byte1        'S' to close a prepared statement; or 'P' to close a portal.
 *   String       The name of the prepared statement or portal ('' = unnamed).
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { ProtocolError } from '../errors.ts';
import type { Reader } from '../reader.ts';

export interface Close {
  type: 'Close';
  target: 'S' | 'P';
  name: string;
}

export function parseClose(r: Reader): Close {
  const kind = r.byte();
  if (kind !== 0x53 && kind !== 0x50) throw new ProtocolError(`invalid CLOSE message subtype ${kind}`);
  const name = r.cstring();
  r.end();
  return { type: 'Close', target: kind === 0x53 ? 'S' : 'P', name };
}
