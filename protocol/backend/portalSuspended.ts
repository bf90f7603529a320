/*
 * PortalSuspended (B)
 *   Byte1('s')   Identifies the message as PortalSuspended.
 *   Int32(4)     Length of message contents in bytes, including self.
 *
 * The row limit of an Execute was reached before the portal was exhausted.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { emptyMessage } from '../writer.ts';

const message = emptyMessage(BackendCode.PortalSuspended);

export const createPortalSuspended = (): Buffer => message;
