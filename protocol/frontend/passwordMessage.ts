/*
 * PasswordMessage (F)
 *   Byte1('p')   Identifies the message as a password response.
 *   Int32        Length of message contents in bytes, including self.
 *   String       The password (encrypted, if requested).
 *
 * 'p' also carries SASLInitialResponse and SASLResponse: which one it is
 * follows from the authentication request the server sent.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import type { Reader } from '../reader.ts';

export interface PasswordMessage {
  type: 'PasswordMessage';
  password: string;
}

export function parsePasswordMessage(r: Reader): PasswordMessage {
  const password = r.cstring();
  r.end();
  return { type: 'PasswordMessage', password };
}
