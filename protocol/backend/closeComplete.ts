/*
 * CloseComplete (B)
 *   Byte1('3')   Identifies the message as CloseComplete.
 *   Int32(4)     Length of message contents in bytes, including self.
 *
 * Close-complete indicator.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { emptyMessage } from '../writer.ts';

const message = emptyMessage(BackendCode.CloseComplete);

export const createCloseComplete = (): Buffer => message;
