/*
 * Query (F)
 *   Byte1('Q')   Identifies the message as a simple query.
 *   Int32        Length of message contents in bytes, including self.
 *   String       The query string itself.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import type { Reader } from '../reader.ts';

export interface Query {
  type: 'Query';
  sql: string;
}

export function parseQuery(r: Reader): Query {
  const sql = r.cstring();
  r.end();
  return { type: 'Query', sql };
}
