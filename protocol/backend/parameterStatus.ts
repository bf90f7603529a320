/*
 * ParameterStatus (B)
 *   Byte1('S')   Identifies the message as a run-time parameter status report.
 *   Int32        Length of message contents in bytes, including self.
 *   String       The name of the run-time parameter being reported.
 *   String       The current value of the parameter.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { Writer } from '../writer.ts';

const w = new Writer(64);

export const createParameterStatus = (name: string, value: string): Buffer => w.cstring(name).cstring(value).message(BackendCode.ParameterStatus);
