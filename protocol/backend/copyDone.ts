/*
 * CopyDone (B)
 *   Byte1('c')   Identifies the message as CopyDone.
 *   Int32(4)     Length of message contents in bytes, including self.
 *
 * The server has no more COPY data.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { emptyMessage } from '../writer.ts';

const message = emptyMessage(BackendCode.CopyDone);

export const createCopyDone = (): Buffer => message;
