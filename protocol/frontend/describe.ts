/*
 * Describe (F)
 *   Byte1('D')   Identifies the message as a Describe command.
 *   Int32        Length of message contents in bytes, including self.
 *   Byte1        'S' to describe a prepared statement; or 'P' to describe a portal.
 *   String       The name of the prepared statement or portal ('' = unnamed).
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { ProtocolError } from '../errors.ts';
import type { Reader } from '../reader.ts';

export interface Describe {
  type: 'Describe';
  target: 'S' | 'P';
  name: string;
}

export function parseDescribe(r: Reader): Describe {
  const kind = r.byte();
  if (kind !== 0x53 && kind !== 0x50) throw new ProtocolError(`invalid DESCRIBE message subtype ${kind}`);
  const name = r.cstring();
  r.end();
  return { type: 'Describe', target: kind === 0x53 ? 'S' : 'P', name };
}
