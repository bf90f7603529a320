/*
 * ParseComplete (B)
 *   Byte1('1')   Identifies the message as ParseComplete.
 *   Int32(4)     Length of message contents in bytes, including self.
 *
 * Parse-complete indicator.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { emptyMessage } from '../writer.ts';

const message = emptyMessage(BackendCode.ParseComplete);

export const createParseComplete = (): Buffer => message;
