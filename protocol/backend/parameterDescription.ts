/*
 * ParameterDescription (B)
 *   Byte1('t')   Identifies the message as a parameter description.
 *   Int32        Length of message contents in bytes, including self.
 *   Int16        The number of parameters used by the statement (can be zero).
 *   Int32[n]     The object ID of each parameter's data type.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { Writer } from '../writer.ts';

const w = new Writer(64);

export function createParameterDescription(typeOids: readonly number[]): Buffer {
  w.int16(typeOids.length);
  for (const oid of typeOids) w.int32(oid);
  return w.message(BackendCode.ParameterDescription);
}
