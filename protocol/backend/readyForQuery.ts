/*
 * ReadyForQuery (B)
 *   Byte1('Z')   Identifies the message type.
 *   Int32(5)     Length of message contents in bytes, including self.
 *   Byte1        Current backend transaction status indicator: 'I' if idle
 *                (not in a transaction block); 'T' if in a transaction
 *                block; or 'E' if in a failed transaction block.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';

export type TransactionStatus = 'I' | 'T' | 'E';

const cached = {
  I: Buffer.from([BackendCode.ReadyForQuery, 0, 0, 0, 5, 0x49]),
  T: Buffer.from([BackendCode.ReadyForQuery, 0, 0, 0, 5, 0x54]),
  E: Buffer.from([BackendCode.ReadyForQuery, 0, 0, 0, 5, 0x45]),
};

export const createReadyForQuery = (status: TransactionStatus): Buffer => cached[status];
