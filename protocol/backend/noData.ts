/*
 * NoData (B)
 *   Byte1('n')   Identifies the message as NoData.
 *   Int32(4)     Length of message contents in bytes, including self.
 *
 * No-data indicator (Describe of a statement or portal that returns no rows).
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { emptyMessage } from '../writer.ts';

const message = emptyMessage(BackendCode.NoData);

export const createNoData = (): Buffer => message;
