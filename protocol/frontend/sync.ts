/*
 * Sync (F)
 *   Byte1('S')   Identifies the message as Sync.
 *   Int32(4)     Length of message contents in bytes, including self.
 *
 * Ends an extended-query cycle: commit the implicit transaction, or end error recovery.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import type { Reader } from '../reader.ts';

export interface Sync {
  type: 'Sync';
}

export function parseSync(r: Reader): Sync {
  r.end();
  return { type: 'Sync' };
}
