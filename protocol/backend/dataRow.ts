/*
 * DataRow (B)
 *   Byte1('D')   Identifies the message as a data row.
 *   Int32        Length of message contents in bytes, including self.
 *   Int16        The number of column values that follow (possibly zero).
 *   Next, for each column:
 *     Int32      The length of the column value, in bytes (this count does
 *                not include itself). Can be zero. -1 indicates a NULL
 *                column value; no value bytes follow in the NULL case.
 *     Byte[n]    The value of the column, in the format indicated by the
 *                associated format code.
 *
 * Cells are a string (text format, sent as UTF-8), a Buffer (already in
 * the column's binary format) or null.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';

export type Cell = string | Buffer | null;

export function createDataRow(cells: readonly Cell[]): Buffer {
  let size = 7;
  const bytes: Array<Buffer | null> = new Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    const b = c === null || c === undefined ? null : typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
    bytes[i] = b;
    size += 4 + (b ? b.length : 0);
  }
  const out = Buffer.allocUnsafe(size);
  out[0] = BackendCode.DataRow;
  out.writeInt32BE(size - 1, 1);
  out.writeInt16BE(cells.length, 5);
  let o = 7;
  for (const b of bytes) {
    if (b === null) {
      out.writeInt32BE(-1, o);
      o += 4;
    } else {
      out.writeInt32BE(b.length, o);
      o += 4;
      b.copy(out, o);
      o += b.length;
    }
  }
  return out;
}
