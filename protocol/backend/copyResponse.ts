/*
 * CopyInResponse (B) and CopyOutResponse (B): the same layout under two
 * type bytes.
 *   Byte1('G')   CopyInResponse: the client is to send COPY data.
 *   Byte1('H')   CopyOutResponse: the server will send COPY data.
 *   Int32        Length of message contents in bytes, including self.
 *   Int8         0 textual overall COPY format (rows separated by
 *                newlines, columns by separator characters), 1 binary.
 *   Int16        The number of columns in the data to be copied.
 *   Int16[N]     The format codes for each column (all 0 when the overall
 *                format is textual).
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { Writer } from '../writer.ts';

const w = new Writer(32);

function copyResponse(code: number, overallFormat: 0 | 1, columnFormats: readonly number[]): Buffer {
  w.byte(overallFormat).int16(columnFormats.length);
  for (const f of columnFormats) w.int16(f);
  return w.message(code);
}

export const createCopyInResponse = (overallFormat: 0 | 1, columnFormats: readonly number[]): Buffer => copyResponse(BackendCode.CopyInResponse, overallFormat, columnFormats);

export const createCopyOutResponse = (overallFormat: 0 | 1, columnFormats: readonly number[]): Buffer => copyResponse(BackendCode.CopyOutResponse, overallFormat, columnFormats);
