/*
 * BackendKeyData (B)
 *   Byte1('K')   Identifies the message as cancellation key data.
 *   Int32(12)    Length of message contents in bytes, including self.
 *   Int32        The process ID of this backend.
 *   Int32        The secret key of this backend.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { Writer } from '../writer.ts';

const w = new Writer(16);

export const createBackendKeyData = (processId: number, secretKey: number): Buffer => w.int32(processId).int32(secretKey).message(BackendCode.BackendKeyData);
