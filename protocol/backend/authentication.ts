/*
 * Authentication requests (B). One type byte, told apart by the Int32 that
 * follows the length, so they share this file:
 *
 *   Byte1('R')   Identifies the message as an authentication request.
 *   Int32        Length of message contents in bytes, including self.
 *   Int32        0  AuthenticationOk             authentication was successful
 *                3  AuthenticationCleartextPassword
 *                5  AuthenticationMD5Password    followed by Byte4 salt
 *               10  AuthenticationSASL           followed by String mechanism ... Byte1(0)
 *               11  AuthenticationSASLContinue   followed by Byte[n] SASL data
 *               12  AuthenticationSASLFinal      followed by Byte[n] SASL outcome data
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { Writer } from '../writer.ts';

export const AuthRequest = { Ok: 0, CleartextPassword: 3, MD5Password: 5, SASL: 10, SASLContinue: 11, SASLFinal: 12 } as const;

const w = new Writer(64);

export const createAuthenticationOk = (): Buffer => w.int32(AuthRequest.Ok).message(BackendCode.Authentication);

export const createAuthenticationCleartextPassword = (): Buffer => w.int32(AuthRequest.CleartextPassword).message(BackendCode.Authentication);

export function createAuthenticationMD5Password(salt: Buffer): Buffer {
  if (salt.length !== 4) throw new RangeError('an MD5 salt is 4 bytes');
  return w.int32(AuthRequest.MD5Password).bytes(salt).message(BackendCode.Authentication);
}

/** The mechanisms the server offers, most preferred first; the list ends with an empty string. */
export function createAuthenticationSASL(mechanisms: string[]): Buffer {
  w.int32(AuthRequest.SASL);
  for (const m of mechanisms) w.cstring(m);
  return w.byte(0).message(BackendCode.Authentication);
}

export const createAuthenticationSASLContinue = (data: string | Buffer): Buffer => w.int32(AuthRequest.SASLContinue).bytes(Buffer.from(data)).message(BackendCode.Authentication);

export const createAuthenticationSASLFinal = (data: string | Buffer): Buffer => w.int32(AuthRequest.SASLFinal).bytes(Buffer.from(data)).message(BackendCode.Authentication);
