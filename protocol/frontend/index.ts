/*
 * The frontend parser: a switch over the message type byte, each case a
 * small pure parseX(reader), as pg-protocol's parser is built.
 *
 * 'p' (password / SASL) is not parsed here: what it holds depends on the
 * authentication exchange, so auth.ts parses it. FunctionCall ('F') is
 * recognised but not supported (the connection answers 0A000).
 */
import { FrontendCode } from '../codes.ts';
import { ProtocolError } from '../errors.ts';
import { Reader } from '../reader.ts';
import { parseBind, type Bind } from './bind.ts';
import { parseClose, type Close } from './close.ts';
import { parseCopyData, type CopyData } from './copyData.ts';
import { parseCopyDone, type CopyDone } from './copyDone.ts';
import { parseCopyFail, type CopyFail } from './copyFail.ts';
import { parseDescribe, type Describe } from './describe.ts';
import { parseExecute, type Execute } from './execute.ts';
import { parseFlush, type Flush } from './flush.ts';
import { parseParse, type Parse } from './parse.ts';
import { parseQuery, type Query } from './query.ts';
import { parseSync, type Sync } from './sync.ts';
import { parseTerminate, type Terminate } from './terminate.ts';

export type { Bind, Close, CopyData, CopyDone, CopyFail, Describe, Execute, Flush, Parse, Query, Sync, Terminate };

export type FrontendMessage =
  Query | Parse | Bind | Describe | Execute | Close | Flush | Sync | Terminate | CopyData | CopyDone | CopyFail | { type: 'AuthResponse'; body: Buffer } | { type: 'FunctionCall' };

/** Parses one normal-phase message; an unknown type is FATAL "invalid frontend message type N" as in postgres.c. */
export function parseFrontendMessage(code: number, body: Buffer): FrontendMessage {
  const r = new Reader(body);
  switch (code) {
    case FrontendCode.Query:
      return parseQuery(r);
    case FrontendCode.Parse:
      return parseParse(r);
    case FrontendCode.Bind:
      return parseBind(r);
    case FrontendCode.Describe:
      return parseDescribe(r);
    case FrontendCode.Execute:
      return parseExecute(r);
    case FrontendCode.Close:
      return parseClose(r);
    case FrontendCode.Flush:
      return parseFlush(r);
    case FrontendCode.Sync:
      return parseSync(r);
    case FrontendCode.Terminate:
      return parseTerminate(r);
    case FrontendCode.CopyData:
      return parseCopyData(r);
    case FrontendCode.CopyDone:
      return parseCopyDone(r);
    case FrontendCode.CopyFail:
      return parseCopyFail(r);
    case FrontendCode.Password:
      return { type: 'AuthResponse', body };
    case FrontendCode.FunctionCall:
      return { type: 'FunctionCall' };
    default:
      throw new ProtocolError(`invalid frontend message type ${code}`);
  }
}
