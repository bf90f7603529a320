import test from 'ava';
import { createRequire } from 'node:module';
import { serialize } from 'pg-protocol';
import { DatabaseError } from 'pg-protocol/dist/messages.js';
import { Parser } from 'pg-protocol/dist/parser.js';
import * as auth from '../protocol/backend/authentication.ts';
import { createBackendKeyData } from '../protocol/backend/backendKeyData.ts';
import { createBindComplete } from '../protocol/backend/bindComplete.ts';
import { createCloseComplete } from '../protocol/backend/closeComplete.ts';
import { commandTag, createCommandComplete } from '../protocol/backend/commandComplete.ts';
import { createCopyData } from '../protocol/backend/copyData.ts';
import { createCopyDone } from '../protocol/backend/copyDone.ts';
import { createCopyInResponse, createCopyOutResponse } from '../protocol/backend/copyResponse.ts';
import { createDataRow } from '../protocol/backend/dataRow.ts';
import { createEmptyQueryResponse } from '../protocol/backend/emptyQueryResponse.ts';
import { createErrorResponse } from '../protocol/backend/errorResponse.ts';
import { createNoData } from '../protocol/backend/noData.ts';
import { createNoticeResponse } from '../protocol/backend/noticeResponse.ts';
import { createNotificationResponse } from '../protocol/backend/notificationResponse.ts';
import { createParameterDescription } from '../protocol/backend/parameterDescription.ts';
import { createParameterStatus } from '../protocol/backend/parameterStatus.ts';
import { createParseComplete } from '../protocol/backend/parseComplete.ts';
import { createPortalSuspended } from '../protocol/backend/portalSuspended.ts';
import { createReadyForQuery } from '../protocol/backend/readyForQuery.ts';
import { createRowDescription, typlenOf } from '../protocol/backend/rowDescription.ts';
import { BinaryFormatError, decodeBinary, encodeBinary, formatFloat } from '../protocol/binary.ts';
import { ProtocolError, toErrorFields } from '../protocol/errors.ts';
import { parseFrontendMessage } from '../protocol/frontend/index.ts';
import { parsePasswordMessage } from '../protocol/frontend/passwordMessage.ts';
import { parseSASLInitialResponse } from '../protocol/frontend/saslInitialResponse.ts';
import { parseSASLResponse } from '../protocol/frontend/saslResponse.ts';
import { Reader } from '../protocol/reader.ts';

const require = createRequire(import.meta.url);
const pgTypes = require('pg-types') as { getTypeParser(oid: number, format: 'binary' | 'text'): (v: Buffer | string) => unknown };

/** Frontend bytes to [code, body]. */
const split = (b: Buffer): [number, Buffer] => [b[0]!, b.subarray(5)];
const fe = (b: Buffer) => parseFrontendMessage(...split(b));

/** Backend bytes through pg-protocol's own parser. */
function backend(b: Buffer): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  new Parser().parse(b, (m) => out.push(m as unknown as Record<string, unknown>));
  return out;
}
const one = (b: Buffer) => {
  const all = backend(b);
  if (all.length !== 1) throw new Error(`expected one message, got ${all.length}`);
  return all[0]!;
};

// ---- frontend ------------------------------------------------------------------

test('Query, Parse, Bind, Describe, Execute, Close, Flush, Sync, Terminate from pg-protocol parse back to what was sent', (t) => {
  t.deepEqual(fe(serialize.query('SELECT 1')), { type: 'Query', sql: 'SELECT 1' });
  t.deepEqual(fe(serialize.parse({ name: 's', text: 'SELECT $1, $2', types: [23, 0] })), { type: 'Parse', name: 's', sql: 'SELECT $1, $2', paramTypes: [23, 0] });
  const bind = fe(serialize.bind({ portal: 'p', statement: 's', values: ['x', null, Buffer.from([1, 2])], binary: true }));
  t.deepEqual(bind, {
    type: 'Bind',
    portal: 'p',
    statement: 's',
    paramFormats: [0, 0, 1],
    params: [Buffer.from('x'), null, Buffer.from([1, 2])],
    resultFormats: [1],
  });
  t.deepEqual(fe(serialize.describe({ type: 'S', name: 's' })), { type: 'Describe', target: 'S', name: 's' });
  t.deepEqual(fe(serialize.describe({ type: 'P', name: '' })), { type: 'Describe', target: 'P', name: '' });
  t.deepEqual(fe(serialize.execute({ portal: 'p', rows: 7 })), { type: 'Execute', portal: 'p', maxRows: 7 });
  t.deepEqual(fe(serialize.close({ type: 'S', name: 's' })), { type: 'Close', target: 'S', name: 's' });
  t.deepEqual(fe(serialize.close({ type: 'P', name: 'p' })), { type: 'Close', target: 'P', name: 'p' });
  t.deepEqual(fe(serialize.flush()), { type: 'Flush' });
  t.deepEqual(fe(serialize.sync()), { type: 'Sync' });
  t.deepEqual(fe(serialize.end()), { type: 'Terminate' });
});

test('CopyData, CopyDone and CopyFail parse', (t) => {
  t.deepEqual(fe(serialize.copyData(Buffer.from('1\t2\n'))), { type: 'CopyData', data: Buffer.from('1\t2\n') });
  t.deepEqual(fe(serialize.copyDone()), { type: 'CopyDone' });
  t.deepEqual(fe(serialize.copyFail('oops')), { type: 'CopyFail', message: 'oops' });
});

test('PasswordMessage, SASLInitialResponse and SASLResponse parse from pg-protocol', (t) => {
  t.deepEqual(parsePasswordMessage(new Reader(split(serialize.password('secret'))[1])), { type: 'PasswordMessage', password: 'secret' });
  t.deepEqual(parseSASLInitialResponse(new Reader(split(serialize.sendSASLInitialResponseMessage('SCRAM-SHA-256', 'n,,n=*,r=abc'))[1])), {
    type: 'SASLInitialResponse',
    mechanism: 'SCRAM-SHA-256',
    data: Buffer.from('n,,n=*,r=abc'),
  });
  t.deepEqual(parseSASLResponse(new Reader(split(serialize.sendSCRAMClientFinalMessage('c=biws,r=x,p=y'))[1])), { type: 'SASLResponse', data: Buffer.from('c=biws,r=x,p=y') });
});

test('every truncation of every frontend message is a ProtocolError 08P01, never another exception', (t) => {
  const messages = [
    serialize.query('SELECT 1'),
    serialize.parse({ name: 's', text: 'SELECT $1', types: [23] }),
    serialize.bind({ portal: 'p', statement: 's', values: ['x', null, Buffer.from([1])], binary: true }),
    serialize.describe({ type: 'S', name: 's' }),
    serialize.execute({ portal: 'p', rows: 7 }),
    serialize.close({ type: 'P', name: 'p' }),
    serialize.copyFail('x'),
  ];
  let checked = 0;
  for (const m of messages) {
    const [code, body] = split(m);
    for (let n = 0; n < body.length; n++) {
      const err = t.throws(() => parseFrontendMessage(code, body.subarray(0, n)), { instanceOf: ProtocolError });
      t.is(err?.sqlstate, '08P01');
      checked++;
    }
    // A trailing byte is as wrong as a missing one.
    if (code !== 0x64) t.throws(() => parseFrontendMessage(code, Buffer.concat([body, Buffer.from([0])])), { instanceOf: ProtocolError, message: 'invalid message format' });
  }
  t.true(checked > 50);
});

test('Describe and Close with a subtype other than S or P, and an unknown type byte, are protocol violations', (t) => {
  t.throws(() => parseFrontendMessage(0x44, Buffer.from('X\0')), { message: 'invalid DESCRIBE message subtype 88' });
  t.throws(() => parseFrontendMessage(0x43, Buffer.from('X\0')), { message: 'invalid CLOSE message subtype 88' });
  t.throws(() => parseFrontendMessage(0x21, Buffer.alloc(0)), { message: 'invalid frontend message type 33' });
});

// ---- backend -------------------------------------------------------------------

test('authentication requests read back in pg-protocol as Ok, CleartextPassword, MD5Password, SASL, SASLContinue, SASLFinal', (t) => {
  t.is(one(auth.createAuthenticationOk())['name'], 'authenticationOk');
  t.is(one(auth.createAuthenticationCleartextPassword())['name'], 'authenticationCleartextPassword');
  const md5 = one(auth.createAuthenticationMD5Password(Buffer.from([1, 2, 3, 4])));
  t.is(md5['name'], 'authenticationMD5Password');
  t.deepEqual(md5['salt'], Buffer.from([1, 2, 3, 4]));
  const sasl = one(auth.createAuthenticationSASL(['SCRAM-SHA-256']));
  t.deepEqual([sasl['name'], sasl['mechanisms']], ['authenticationSASL', ['SCRAM-SHA-256']]);
  const cont = one(auth.createAuthenticationSASLContinue('r=abc,s=c2FsdA==,i=4096'));
  t.deepEqual([cont['name'], cont['data']], ['authenticationSASLContinue', 'r=abc,s=c2FsdA==,i=4096']);
  const fin = one(auth.createAuthenticationSASLFinal('v=xyz'));
  t.deepEqual([fin['name'], fin['data']], ['authenticationSASLFinal', 'v=xyz']);
});

test('ParameterStatus, BackendKeyData and ReadyForQuery read back in pg-protocol', (t) => {
  t.like(one(createParameterStatus('TimeZone', 'UTC')), { name: 'parameterStatus', parameterName: 'TimeZone', parameterValue: 'UTC' });
  t.like(one(createBackendKeyData(4242, -7)), { name: 'backendKeyData', processID: 4242, secretKey: -7 });
  for (const s of ['I', 'T', 'E'] as const) t.like(one(createReadyForQuery(s)), { name: 'readyForQuery', status: s });
});

test('RowDescription carries table OID, attnum, type OID, the real typlen, typmod and format per column', (t) => {
  const msg = one(
    createRowDescription(
      [
        { name: 'id', typeOid: 23, typmod: -1, tableOid: 16384, columnAttnum: 1 },
        { name: 'big', typeOid: 20, typmod: -1 },
        { name: 'name', typeOid: 1043, typmod: 14 },
        { name: 'ok', typeOid: 16, typmod: -1 },
        { name: 'u', typeOid: 2950, typmod: -1 },
      ],
      [0, 1],
    ),
  );
  const fields = msg['fields'] as Array<Record<string, unknown>>;
  t.deepEqual(
    fields.map((f) => [f['name'], f['tableID'], f['columnID'], f['dataTypeID'], f['dataTypeSize'], f['dataTypeModifier'], f['format']]),
    [
      ['id', 16384, 1, 23, 4, -1, 'text'],
      ['big', 0, 0, 20, 8, -1, 'binary'],
      ['name', 0, 0, 1043, -1, 14, 'text'],
      ['ok', 0, 0, 16, 1, -1, 'text'],
      ['u', 0, 0, 2950, 16, -1, 'text'],
    ],
  );
  t.deepEqual([typlenOf(25), typlenOf(21), typlenOf(701), typlenOf(1114), typlenOf(1186), typlenOf(705), typlenOf(99999)], [-1, 2, 8, 8, 16, -2, -1]);
});

test('DataRow carries text cells, binary cells and NULLs', (t) => {
  const text = one(createDataRow(['1', null, 'héllo', '']));
  t.deepEqual(text['fields'], ['1', null, 'héllo', '']);
  // pg-protocol's Parser has no binary mode: check the layout byte by byte.
  const bin = createDataRow([Buffer.from([0, 0, 0, 5]), null]);
  t.deepEqual(bin, Buffer.from([0x44, 0, 0, 0, 18, 0, 2, 0, 0, 0, 4, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff]));
});

test('CommandComplete tags follow PostgreSQL: INSERT 0 n, SELECT n, UPDATE n, and bare verbs', (t) => {
  t.like(one(createCommandComplete(commandTag('INSERT', 3))), { name: 'commandComplete', text: 'INSERT 0 3' });
  t.is(commandTag('SELECT', 0), 'SELECT 0');
  t.is(commandTag('UPDATE', 2), 'UPDATE 2');
  t.is(commandTag('BEGIN', null), 'BEGIN');
  t.is(commandTag('CREATE TABLE', null), 'CREATE TABLE');
});

test('ErrorResponse and NoticeResponse carry severity, SQLSTATE, message, detail, hint and position', (t) => {
  const err = one(createErrorResponse(toErrorFields({ sqlstate: '23505', message: 'duplicate key', fields: { detail: 'Key (id)=(1) exists.', hint: 'h', position: 8 } })));
  t.true(err instanceof DatabaseError);
  t.like(err, { name: 'error', severity: 'ERROR', code: '23505', message: 'duplicate key', detail: 'Key (id)=(1) exists.', hint: 'h', position: '8' });
  const notice = one(createNoticeResponse(toErrorFields({ severity: 'WARNING', sqlstate: '01000', message: 'careful' }, 'NOTICE')));
  t.like(notice, { name: 'notice', severity: 'WARNING', code: '01000', message: 'careful' });
  // A value that is not an error at all still makes a well-formed XX000.
  t.like(one(createErrorResponse(toErrorFields('boom'))), { code: 'XX000', message: 'boom' });
});

test('the empty indicator messages read back: ParseComplete, BindComplete, CloseComplete, NoData, PortalSuspended, EmptyQueryResponse, CopyDone', (t) => {
  const names = backend(
    Buffer.concat([createParseComplete(), createBindComplete(), createCloseComplete(), createNoData(), createPortalSuspended(), createEmptyQueryResponse(), createCopyDone()]),
  ).map((m) => m['name']);
  t.deepEqual(names, ['parseComplete', 'bindComplete', 'closeComplete', 'noData', 'portalSuspended', 'emptyQuery', 'copyDone']);
});

test('ParameterDescription, CopyInResponse, CopyOutResponse, CopyData and NotificationResponse read back', (t) => {
  t.like(one(createParameterDescription([23, 25])), { name: 'parameterDescription', parameterCount: 2, dataTypeIDs: [23, 25] });
  t.like(one(createCopyInResponse(0, [0, 0])), { name: 'copyInResponse', binary: false, columnTypes: [0, 0] });
  t.like(one(createCopyOutResponse(1, [1])), { name: 'copyOutResponse', binary: true, columnTypes: [1] });
  t.deepEqual(one(createCopyData(Buffer.from('a\tb\n')))['chunk'], Buffer.from('a\tb\n'));
  t.like(one(createNotificationResponse(77, 'chan', 'payload')), { name: 'notification', processId: 77, channel: 'chan', payload: 'payload' });
});

// ---- binary formats ------------------------------------------------------------

test('binary integers, floats, bools and text agree with node-postgres binary parsers', (t) => {
  const cases: Array<[number, string, unknown]> = [
    [21, '-32768', -32768],
    [23, '2147483647', 2147483647],
    [20, '-9223372036854775808', '-9223372036854775808'],
    [20, '42', '42'],
    [701, '3.141592653589793', 3.141592653589793],
    [700, '1.5', 1.5],
    [16, 't', true],
    [16, 'f', false],
    [25, 'héllo', 'héllo'],
  ];
  for (const [oid, text, expected] of cases) {
    const parsed = pgTypes.getTypeParser(oid, 'binary')(encodeBinary(oid, text));
    t.is(String(parsed), String(expected), `${oid} ${text}`);
    t.is(decodeBinary(oid, encodeBinary(oid, text)), text);
  }
});

test('binary numeric agrees with node-postgres and with numeric_send layouts built by hand', (t) => {
  const nd = (ndigits: number, weight: number, sign: number, dscale: number, ...digits: number[]) => {
    const b = Buffer.alloc(8 + 2 * digits.length);
    [ndigits, weight, sign, dscale, ...digits].forEach((v, i) => b.writeUInt16BE(v & 0xffff, 2 * i));
    return b;
  };
  // numeric_send strips leading and trailing zero base-10000 digits but keeps dscale.
  t.deepEqual(encodeBinary(1700, '12345.6789'), nd(3, 1, 0, 4, 1, 2345, 6789));
  t.deepEqual(encodeBinary(1700, '-0.0001'), nd(1, -1, 0x4000, 4, 1));
  t.deepEqual(encodeBinary(1700, '0.00'), nd(0, 0, 0, 2));
  t.deepEqual(encodeBinary(1700, '100000000'), nd(1, 2, 0, 0, 1));
  t.deepEqual(encodeBinary(1700, 'NaN'), nd(0, 0, 0xc000, 0));
  t.deepEqual(encodeBinary(1700, 'Infinity'), nd(0, 0, 0xd000, 0));
  t.deepEqual(encodeBinary(1700, '-Infinity'), nd(0, 0, 0xf000, 0));
  for (const v of ['0', '0.00', '1', '-1', '12345.6789', '-0.0001', '100000000', '0.000000012', '99999999999999999999.99', '3.10', 'NaN', 'Infinity', '-Infinity']) {
    t.is(decodeBinary(1700, encodeBinary(1700, v)), v, v);
  }
  // pg-types reads the weight as unsigned, so only values >= 1 can be checked against it; the hand-built layouts above cover the rest.
  for (const v of ['12345.6789', '-12345.6789', '100000000', '99999.5']) t.is(String(pgTypes.getTypeParser(1700, 'binary')(encodeBinary(1700, v))), String(Number(v)), v);
  t.throws(() => decodeBinary(1700, nd(1, 0, 0, 0, 10000)), { instanceOf: BinaryFormatError, message: 'invalid digit in external "numeric" value' });
});

test('binary dates and timestamps count from 2000-01-01 and map infinity to the extreme values', (t) => {
  const i32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  const i64 = (n: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(n);
    return b;
  };
  t.deepEqual(encodeBinary(1082, '2000-01-01'), i32(0));
  t.deepEqual(encodeBinary(1082, '1999-12-31'), i32(-1));
  t.deepEqual(encodeBinary(1082, 'infinity'), i32(2147483647));
  t.deepEqual(encodeBinary(1114, '2000-01-01 00:00:01'), i64(1_000_000n));
  t.deepEqual(encodeBinary(1114, '-infinity'), i64(-(1n << 63n)));
  t.deepEqual(encodeBinary(1184, '2000-01-01 02:00:00+02'), i64(0n));
  t.deepEqual(encodeBinary(1083, '00:00:01.5'), i64(1_500_000n));
  for (const v of ['2024-02-29', '0001-01-01 BC', '1970-01-01', 'infinity', '-infinity']) t.is(decodeBinary(1082, encodeBinary(1082, v)), v);
  for (const v of ['2024-02-29 12:34:56.789', '1999-12-31 23:59:59.999999', '0044-03-15 12:00:00 BC', 'infinity']) t.is(decodeBinary(1114, encodeBinary(1114, v)), v);
  t.is(decodeBinary(1184, encodeBinary(1184, '2024-06-01 12:00:00+05:30')), '2024-06-01 06:30:00+00');
  const parsed = pgTypes.getTypeParser(1184, 'binary')(encodeBinary(1184, '2024-02-29 12:34:56.789+00')) as Date;
  t.is(parsed.toISOString(), '2024-02-29T12:34:56.789Z');
});

test('binary bytea, uuid and jsonb round-trip; jsonb carries version byte 1', (t) => {
  t.deepEqual(encodeBinary(17, '\\x00ff10'), Buffer.from([0, 255, 16]));
  t.deepEqual(encodeBinary(17, 'a\\\\b\\001'), Buffer.from([0x61, 0x5c, 0x62, 1]));
  t.is(decodeBinary(17, Buffer.from([0, 255, 16])), '\\x00ff10');
  const u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
  t.is(encodeBinary(2950, u).toString('hex'), u.replace(/-/g, ''));
  t.is(decodeBinary(2950, encodeBinary(2950, u)), u);
  t.deepEqual(encodeBinary(3802, '{"a": 1}'), Buffer.concat([Buffer.from([1]), Buffer.from('{"a": 1}')]));
  t.is(decodeBinary(3802, encodeBinary(3802, '{"a": 1}')), '{"a": 1}');
  t.throws(() => decodeBinary(3802, Buffer.from([2, 0x7b, 0x7d])), { message: 'unsupported jsonb version number 2' });
});

test('binary values of the wrong size are 22P03 and types without a binary format are 42883', (t) => {
  t.is(t.throws(() => decodeBinary(23, Buffer.from([1, 2])), { instanceOf: BinaryFormatError })?.sqlstate, '22P03');
  t.is(t.throws(() => decodeBinary(20, Buffer.alloc(9)), { instanceOf: BinaryFormatError })?.sqlstate, '22P03');
  t.is(t.throws(() => decodeBinary(1186, Buffer.alloc(16)), { instanceOf: BinaryFormatError })?.sqlstate, '42883');
  t.is(t.throws(() => decodeBinary(25, Buffer.from([0xff])), { instanceOf: BinaryFormatError })?.sqlstate, '22021');
});

test('floats read from binary print as PostgreSQL prints them: shortest digits, exponent past 15 (float8) or 6 (float4) digits', (t) => {
  const f4 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeFloatBE(v);
    return decodeBinary(700, b);
  };
  t.is(f4(0.1), '0.1');
  t.is(f4(1234567), '1.234567e+06');
  t.is(f4(123456), '123456');
  t.is(formatFloat(1e15, false), '1e+15');
  t.is(formatFloat(123456789012345, false), '123456789012345');
  t.is(formatFloat(0.0001, false), '0.0001');
  t.is(formatFloat(0.00001, false), '1e-05');
  t.is(formatFloat(-0, false), '-0');
  t.is(formatFloat(NaN, false), 'NaN');
  t.is(formatFloat(-Infinity, true), '-Infinity');
});
