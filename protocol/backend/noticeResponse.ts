/*
 * NoticeResponse (B)
 *   Byte1('N')   Identifies the message as a notice.
 *   Int32        Length of message contents in bytes, including self.
 *   Fields as in ErrorResponse (errorResponse.ts), then a zero byte.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import type { ErrorFieldsOut } from '../errors.ts';
import { Writer } from '../writer.ts';
import { writeErrorFields } from './errorResponse.ts';

const w = new Writer(128);

export const createNoticeResponse = (n: ErrorFieldsOut): Buffer => writeErrorFields(w, n).message(BackendCode.NoticeResponse);
