/*
 * Bind (F)
 *   Byte1('B')   Identifies the message as a Bind command.
 *   Int32        Length of message contents in bytes, including self.
 *   String       The name of the destination portal ('' = unnamed).
 *   String       The name of the source prepared statement ('' = unnamed).
 *   Int16        The number of parameter format codes (0, 1 or one per parameter).
 *   Int16[C]     The parameter format codes: 0 text, 1 binary.
 *   Int16        The number of parameter values.
 *   Next, for each parameter:
 *     Int32      The length of the value in bytes (not counting itself); -1 is NULL.
 *     Byte[n]    The value, in the format its format code says.
 *   Int16        The number of result-column format codes (0, 1 or one per column).
 *   Int16[R]     The result-column format codes.
 *
 * Whether the counts agree (C in {0, 1, n}) is checked by the connection,
 * which knows the statement, as exec_bind_message does.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import type { Reader } from '../reader.ts';

export interface Bind {
  type: 'Bind';
  portal: string;
  statement: string;
  paramFormats: number[];
  /** Raw parameter bytes; null is SQL NULL. */
  params: Array<Buffer | null>;
  resultFormats: number[];
}

export function parseBind(r: Reader): Bind {
  const portal = r.cstring();
  const statement = r.cstring();
  const paramFormats: number[] = [];
  for (let i = 0, n = r.int16(); i < n; i++) paramFormats.push(r.int16());
  const params: Array<Buffer | null> = [];
  for (let i = 0, n = r.int16(); i < n; i++) {
    const len = r.int32();
    params.push(len === -1 ? null : r.bytes(len));
  }
  const resultFormats: number[] = [];
  for (let i = 0, n = r.int16(); i < n; i++) resultFormats.push(r.int16());
  r.end();
  return { type: 'Bind', portal, statement, paramFormats, params, resultFormats };
}
