/*
 * BindComplete (B)
 *   Byte1('2')   Identifies the message as BindComplete.
 *   Int32(4)     Length of message contents in bytes, including self.
 *
 * Bind-complete indicator.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { emptyMessage } from '../writer.ts';

const message = emptyMessage(BackendCode.BindComplete);

export const createBindComplete = (): Buffer => message;
