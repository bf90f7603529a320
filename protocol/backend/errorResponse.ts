/*
 * ErrorResponse (B)
 *   Byte1('E')   Identifies the message as an error.
 *   Int32        Length of message contents in bytes, including self.
 *   The message body consists of one or more identified fields, followed by
 *   a zero byte as a terminator. Each field is:
 *     Byte1      A code identifying the field type: S severity (localized),
 *                V severity (never localized), C SQLSTATE, M message,
 *                D detail, H hint, P position (decimal, 1-based characters).
 *     String     The field value.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 * @see https://www.postgresql.org/docs/15/protocol-error-fields.html
 */
import { BackendCode } from '../codes.ts';
import type { ErrorFieldsOut } from '../errors.ts';
import { Writer } from '../writer.ts';

const w = new Writer(128);

/** The field list shared by ErrorResponse and NoticeResponse. */
export function writeErrorFields(out: Writer, e: ErrorFieldsOut): Writer {
  out.byte(0x53).cstring(e.severity); // S
  out.byte(0x56).cstring(e.severity); // V
  out.byte(0x43).cstring(e.sqlstate); // C
  out.byte(0x4d).cstring(e.message); // M
  if (e.detail !== undefined) out.byte(0x44).cstring(e.detail); // D
  if (e.hint !== undefined) out.byte(0x48).cstring(e.hint); // H
  if (e.position !== undefined) out.byte(0x50).cstring(String(e.position)); // P
  return out.byte(0);
}

export const createErrorResponse = (e: ErrorFieldsOut): Buffer => writeErrorFields(w, e).message(BackendCode.ErrorResponse);
