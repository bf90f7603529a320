/*
 * CommandComplete (B)
 *   Byte1('C')   Identifies the message as a command-completed response.
 *   Int32        Length of message contents in bytes, including self.
 *   String       The command tag: usually a single word that identifies
 *                which SQL command was completed, then a row count
 *                ("INSERT 0 rows", "SELECT rows", "UPDATE rows", ...).
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { Writer } from '../writer.ts';

const w = new Writer(32);

export const createCommandComplete = (tag: string): Buffer => w.cstring(tag).message(BackendCode.CommandComplete);

/**
 * The tag for a command and its row count as PostgreSQL words it: INSERT
 * carries the (always 0) OID, the row-reporting commands carry the count,
 * every other command is its name alone.
 */
export function commandTag(command: string, rowCount: number | null): string {
  if (rowCount === null) return command;
  switch (command) {
    case 'INSERT':
      return `INSERT 0 ${rowCount}`;
    case 'SELECT':
    case 'UPDATE':
    case 'DELETE':
    case 'MERGE':
    case 'FETCH':
    case 'MOVE':
    case 'COPY':
      return `${command} ${rowCount}`;
    default:
      return command;
  }
}
