/*
 * CopyData (F & B)
 *   Byte1('d')   Identifies the message as COPY data.
 *   Int32        Length of message contents in bytes, including self.
 *   Byte[n]      Data that forms part of a COPY data stream.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { Writer } from '../writer.ts';

const w = new Writer(256);

export const createCopyData = (data: Uint8Array): Buffer => w.bytes(data).message(BackendCode.CopyData);
