/*
 * EmptyQueryResponse (B)
 *   Byte1('I')   Identifies the message as EmptyQueryResponse.
 *   Int32(4)     Length of message contents in bytes, including self.
 *
 * Response to an empty query string (substitutes for CommandComplete).
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { emptyMessage } from '../writer.ts';

const message = emptyMessage(BackendCode.EmptyQueryResponse);

export const createEmptyQueryResponse = (): Buffer => message;
