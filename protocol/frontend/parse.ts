/*
 * Parse (F)
 *   Byte1('P')   Identifies the message as a Parse command.
 *   Int32        Length of message contents in bytes, including self.
 *   String       The name of the destination prepared statement ('' = unnamed).
 *   String       The query string to be parsed.
 *   Int16        The number of parameter data types specified (may be zero).
 *   Int32[n]     The object ID of each parameter data type (0 = unspecified).
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import type { Reader } from '../reader.ts';

export interface Parse {
  type: 'Parse';
  name: string;
  sql: string;
  paramTypes: number[];
}

export function parseParse(r: Reader): Parse {
  const name = r.cstring();
  const sql = r.cstring();
  const n = r.int16();
  const paramTypes: number[] = [];
  for (let i = 0; i < n; i++) paramTypes.push(r.uint32());
  r.end();
  return { type: 'Parse', name, sql, paramTypes };
}
