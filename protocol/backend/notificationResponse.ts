/*
 * NotificationResponse (B)
 *   Byte1('A')   Identifies the message as a notification response.
 *   Int32        Length of message contents in bytes, including self.
 *   Int32        The process ID of the notifying backend process.
 *   String       The name of the channel that the notify has been raised on.
 *   String       The "payload" string passed from the notifying process.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { Writer } from '../writer.ts';

const w = new Writer(64);

export const createNotificationResponse = (processId: number, channel: string, payload: string): Buffer =>
  w.int32(processId).cstring(channel).cstring(payload).message(BackendCode.NotificationResponse);
