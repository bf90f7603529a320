import test from 'ava';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import { Connection, type Duplex } from '../protocol/connection.ts';
import { listenProtocol, type ProtocolServer } from '../protocol/server.ts';
import { FakeEngine, TYPES_ROW } from '../protocol/testing/fakeEngine.ts';
import { RawClient, type Msg } from '../protocol/testing/rawClient.ts';

async function withServer(fn: (port: number, server: ProtocolServer, engines: FakeEngine[]) => Promise<void>, opts: { maxMessageLength?: number } = {}): Promise<void> {
  const engines: FakeEngine[] = [];
  const server = await listenProtocol({
    engine: () => {
      const e = new FakeEngine({ databases: ['db', 'postgres'] });
      engines.push(e);
      return e;
    },
    listen: { port: 0 },
    connection: opts,
  });
  try {
    await fn(server.port, server, engines);
  } finally {
    await server.close();
  }
}

function client(port: number, extra: pg.ClientConfig = {}): pg.Client {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'alice', database: 'db', ...extra });
  // A test that fails midway leaves its client to the server's shutdown (57P01): not an uncaught error.
  c.on('error', () => undefined);
  return c;
}
const names = (ms: Msg[]) => ms.map((m) => m.name);

test('startup sends AuthenticationOk, the reported ParameterStatus values, BackendKeyData and ReadyForQuery I', async (t) => {
  await withServer(async (port) => {
    const c = await RawClient.connect(port);
    c.write(serialize.startup({ user: 'alice', database: 'db', application_name: 'ava-test' }));
    const ms = await c.upTo('readyForQuery');
    t.is(ms[0]!.name, 'authenticationOk');
    const params = Object.fromEntries(ms.filter((m) => m.name === 'parameterStatus').map((m) => [m['parameterName'], m['parameterValue']]));
    t.like(params, {
      server_version: '15.0',
      server_encoding: 'UTF8',
      client_encoding: 'UTF8',
      DateStyle: 'ISO, MDY',
      TimeZone: 'UTC',
      integer_datetimes: 'on',
      standard_conforming_strings: 'on',
      application_name: 'ava-test',
      IntervalStyle: 'postgres',
      is_superuser: 'on',
      session_authorization: 'alice',
    });
    t.deepEqual(names(ms.slice(-2)), ['backendKeyData', 'readyForQuery']);
    t.is(ms.at(-1)!['status'], 'I');
    c.close();
  });
});

test('simple query: several statements each get their own result; an empty string gets EmptyQueryResponse', async (t) => {
  await withServer(async (port) => {
    const c = await RawClient.connect(port);
    await c.startup();
    const start = c.messages.length;
    c.write(serialize.query('SELECT 1; INSERT 3; SELECT * FROM series(2)'));
    const ms = await c.upTo('readyForQuery', start);
    t.deepEqual(names(ms), ['rowDescription', 'dataRow', 'commandComplete', 'commandComplete', 'rowDescription', 'dataRow', 'dataRow', 'commandComplete', 'readyForQuery']);
    t.deepEqual(
      ms.filter((m) => m.name === 'commandComplete').map((m) => m['text']),
      ['SELECT 1', 'INSERT 0 3', 'SELECT 2'],
    );
    const fields = ms[4]!['fields'] as Array<Record<string, unknown>>;
    t.like(fields[0], { name: 'n', tableID: 16384, columnID: 1, dataTypeID: 23, dataTypeSize: 4 });
    const mark = c.messages.length;
    c.write(serialize.query(' ; '));
    t.deepEqual(names(await c.upTo('readyForQuery', mark)), ['emptyQuery', 'readyForQuery']);
    c.close();
  });
});

test('simple query: an error ends the string, keeps earlier results, and the transaction status follows the block', async (t) => {
  await withServer(async (port) => {
    const c = await RawClient.connect(port);
    await c.startup();
    let mark = c.messages.length;
    c.write(serialize.query('BEGIN; SELECT 1; BOGUS; SELECT 2'));
    let ms = await c.upTo('readyForQuery', mark);
    t.deepEqual(names(ms), ['commandComplete', 'rowDescription', 'dataRow', 'commandComplete', 'error', 'readyForQuery']);
    t.like(ms[4], { code: '42601', severity: 'ERROR', position: '1' });
    t.is(ms.at(-1)!['status'], 'E');
    mark = c.messages.length;
    c.write(serialize.query('SELECT 1'));
    ms = await c.upTo('readyForQuery', mark);
    t.like(ms[0], { name: 'error', code: '25P02' });
    mark = c.messages.length;
    c.write(serialize.query('ROLLBACK'));
    ms = await c.upTo('readyForQuery', mark);
    t.deepEqual([ms[0]!['text'], ms.at(-1)!['status']], ['ROLLBACK', 'I']);
    c.close();
  });
});

test('node-postgres runs simple and extended queries, named prepared statements, NULL parameters and notices', async (t) => {
  await withServer(async (port) => {
    const pgc = client(port);
    const notices: string[] = [];
    pgc.on('notice', (n) => notices.push(n.message ?? ''));
    await pgc.connect();
    const multi = (await pgc.query('SELECT 1; SELECT 2')) as unknown as pg.QueryResult[];
    t.deepEqual(
      multi.map((r) => r.rows),
      [[{ '?column?': 1 }], [{ '?column?': 2 }]],
    );
    const r = await pgc.query('SELECT $1, $2', ['hello', null]);
    t.deepEqual(r.rows, [{ '?column?': null }]);
    t.deepEqual(r.rows.length, 1);
    const arr = await pgc.query({ text: 'SELECT $1, $2', values: ['a', null], rowMode: 'array' });
    t.deepEqual(arr.rows, [['a', null]]);
    for (const v of ['x', 'y']) {
      const named = await pgc.query({ name: 'echo', text: 'SELECT $1', values: [v], rowMode: 'array' });
      t.deepEqual(named.rows, [[v]]);
    }
    await pgc.query('NOTICE hello there');
    t.deepEqual(notices, ['hello there']);
    const ins = await pgc.query({ text: 'INSERT 5', values: [] });
    t.is(ins.rowCount, 5);
    await pgc.end();
  });
});

test('node-postgres: errors carry SQLSTATE and position, and the next query works (simple and extended)', async (t) => {
  await withServer(async (port) => {
    const pgc = client(port);
    await pgc.connect();
    const e1 = await t.throwsAsync(pgc.query('BOGUS'));
    t.like(e1, { code: '42601', position: '1' });
    t.deepEqual((await pgc.query('SELECT 7')).rows, [{ '?column?': 7 }]);
    const e2 = await t.throwsAsync(pgc.query('BOGUS $1', ['x']));
    t.like(e2, { code: '42601' });
    t.deepEqual((await pgc.query('SELECT $1', ['ok'])).rows, [{ '?column?': 'ok' }]);
    await pgc.end();
  });
});

test('node-postgres with a row limit: Execute stops at maxRows with PortalSuspended and resumes until done', async (t) => {
  await withServer(async (port, _server, engines) => {
    const pgc = client(port);
    await pgc.connect();
    const r = await pgc.query({ text: 'SELECT * FROM series(5)', rows: 2 } as pg.QueryConfig);
    t.deepEqual(
      r.rows.map((x) => x.n),
      [1, 2, 3, 4, 5],
    );
    t.deepEqual(engines[0]!.executes, [2, 2, 2]);
    await pgc.end();
  });
});

test('extended protocol by hand: Describe, Execute with maxRows, PortalSuspended, then CommandComplete for the rest', async (t) => {
  await withServer(async (port) => {
    const c = await RawClient.connect(port);
    await c.startup();
    const mark = c.messages.length;
    c.write(
      serialize.parse({ name: 's', text: 'SELECT * FROM series(5)' }),
      serialize.describe({ type: 'S', name: 's' }),
      serialize.bind({ statement: 's', portal: 'p' }),
      serialize.describe({ type: 'P', name: 'p' }),
      serialize.execute({ portal: 'p', rows: 2 }),
      serialize.execute({ portal: 'p', rows: 2 }),
      serialize.execute({ portal: 'p', rows: 2 }),
      serialize.close({ type: 'P', name: 'p' }),
      serialize.sync(),
    );
    const ms = await c.upTo('readyForQuery', mark);
    t.deepEqual(names(ms), [
      'parseComplete',
      'parameterDescription',
      'rowDescription',
      'bindComplete',
      'rowDescription',
      'dataRow',
      'dataRow',
      'portalSuspended',
      'dataRow',
      'dataRow',
      'portalSuspended',
      'dataRow',
      'commandComplete',
      'closeComplete',
      'readyForQuery',
    ]);
    t.deepEqual(
      ms.filter((m) => m.name === 'dataRow').map((m) => (m['fields'] as string[])[0]),
      ['1', '2', '3', '4', '5'],
    );
    t.is(ms[12]!['text'], 'SELECT 1');
    c.close();
  });
});

test('extended protocol: after an error every message up to Sync is ignored, then the connection recovers', async (t) => {
  await withServer(async (port) => {
    const c = await RawClient.connect(port);
    await c.startup();
    let mark = c.messages.length;
    c.write(serialize.parse({ text: 'BOGUS' }), serialize.bind({}), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.query('SELECT 1'), serialize.sync());
    let ms = await c.upTo('readyForQuery', mark);
    t.deepEqual(names(ms), ['error', 'readyForQuery']);
    t.is(ms[0]!['code'], '42601');
    mark = c.messages.length;
    // Statement and portal names that do not exist, a portal bound twice, parameter count mismatch.
    c.write(serialize.bind({ statement: 'nope' }), serialize.sync());
    ms = await c.upTo('readyForQuery', mark);
    t.like(ms[0], { name: 'error', code: '26000', message: 'prepared statement "nope" does not exist' });
    mark = c.messages.length;
    c.write(serialize.parse({ text: 'SELECT $1' }), serialize.bind({ values: [] }), serialize.sync());
    ms = await c.upTo('readyForQuery', mark);
    t.like(ms[1], { name: 'error', code: '08P01', message: 'bind message supplies 0 parameters, but unnamed prepared statement requires 1' });
    mark = c.messages.length;
    c.write(serialize.execute({ portal: 'missing' }), serialize.sync());
    ms = await c.upTo('readyForQuery', mark);
    t.like(ms[0], { name: 'error', code: '34000', message: 'portal "missing" does not exist' });
    mark = c.messages.length;
    c.write(serialize.parse({ name: 'dup', text: 'SELECT 1' }), serialize.parse({ name: 'dup', text: 'SELECT 1' }), serialize.sync());
    ms = await c.upTo('readyForQuery', mark);
    t.deepEqual(names(ms), ['parseComplete', 'error', 'readyForQuery']);
    t.is(ms[1]!['code'], '42P05');
    mark = c.messages.length;
    c.write(serialize.parse({ text: '' }), serialize.bind({}), serialize.execute({}), serialize.sync());
    t.deepEqual(names(await c.upTo('readyForQuery', mark)), ['parseComplete', 'bindComplete', 'emptyQuery', 'readyForQuery']);
    c.close();
  });
});

test('binary parameters are decoded by their parameter type and binary results are encoded per column', async (t) => {
  await withServer(async (port) => {
    const c = await RawClient.connect(port);
    await c.startup();
    const int4 = Buffer.alloc(4);
    int4.writeInt32BE(-42);
    const mark = c.messages.length;
    c.write(serialize.parse({ text: 'SELECT $1, $2', types: [23, 25] }), serialize.bind({ values: [int4, 'txt'] }), serialize.execute({}), serialize.sync());
    const ms = await c.upTo('readyForQuery', mark);
    t.deepEqual(ms.find((m) => m.name === 'dataRow')!['fields'], ['-42', 'txt']);
    const mark2 = c.messages.length;
    c.write(serialize.parse({ text: 'SELECT $1', types: [23] }), serialize.bind({ values: [Buffer.from([1, 2])] }), serialize.sync());
    const bad = await c.upTo('readyForQuery', mark2);
    t.like(bad[1], { name: 'error', code: '22P03', message: 'incorrect binary data format in bind parameter 1' });
    c.close();
  });
  await withServer(async (port) => {
    const pgc = client(port, { binary: true } as pg.ClientConfig);
    await pgc.connect();
    const r = await pgc.query({ text: 'SELECT * FROM types', values: [], rowMode: 'array' });
    const row = r.rows[0] as unknown[];
    const byName = Object.fromEntries(TYPES_ROW.map((c, i) => [c.name, row[i]]));
    t.like(byName, { i2: -32768, i4: 2147483647, f4: 1.5, f8: 3.141592653589793, b: true, t: 'héllo' });
    t.is(String(byName['n']), '-12345.6789');
    t.is(String(byName['i8']), '-9223372036854775808');
    t.is((byName['tz'] as Date).toISOString(), '2024-02-29T12:34:56.789Z');
    t.deepEqual(byName['by'], Buffer.from([0, 255, 16]));
    t.deepEqual(byName['j'], { a: 1 });
    await pgc.end();
  });
});

test('SSLRequest and GSSENCRequest are answered N and the startup goes on in the clear', async (t) => {
  await withServer(async (port) => {
    const c = await RawClient.connect(port, false);
    c.write(serialize.requestSsl());
    await c.until('N', () => c.raw.length >= 1);
    t.is(c.raw.toString(), 'N');
    c.raw = Buffer.alloc(0);
    const gss = Buffer.alloc(8);
    gss.writeInt32BE(8);
    gss.writeInt32BE(80877104, 4);
    c.write(gss);
    await c.until('N', () => c.raw.length >= 1);
    t.is(c.raw.toString(), 'N');
    c.raw = Buffer.alloc(0);
    c.parseMessages();
    const ms = await c.startup();
    t.is(ms.at(-1)!['status'], 'I');
    c.close();
  });
});

test('a CancelRequest on a new connection cancels the running statement of the session its key names', async (t) => {
  await withServer(async (port) => {
    const c = await RawClient.connect(port);
    const ms = await c.startup();
    const key = ms.find((m) => m.name === 'backendKeyData')!;
    const mark = c.messages.length;
    c.write(serialize.query('SLEEP'));
    // A wrong key changes nothing; the right one cancels.
    const wrong = await RawClient.connect(port);
    wrong.write(serialize.cancel(key['processID'] as number, (key['secretKey'] as number) ^ 1));
    await wrong.waitClosed();
    const cancel = await RawClient.connect(port);
    cancel.write(serialize.cancel(key['processID'] as number, key['secretKey'] as number));
    await cancel.waitClosed();
    const reply = await c.upTo('readyForQuery', mark);
    t.like(reply[0], { name: 'error', code: '57014' });
    c.close();
  });
});

test('startup errors are FATAL with a SQLSTATE, then the connection closes', async (t) => {
  await withServer(async (port) => {
    const cases: Array<[Buffer, string, string]> = [
      [serialize.startup({ database: 'db' }), '28000', 'no PostgreSQL user name specified in startup packet'],
      [serialize.startup({ user: 'alice', database: 'nosuch' }), '3D000', 'database "nosuch" does not exist'],
      [Buffer.from([0, 0, 0, 9, 0, 2, 0, 0, 0]), '0A000', 'unsupported frontend protocol 2.0: server supports 3.0 to 3.0'],
      [Buffer.from([0x7f, 0xff, 0xff, 0xff]), '08P01', 'invalid length of startup packet'],
    ];
    for (const [bytes, code, message] of cases) {
      const c = await RawClient.connect(port);
      c.write(bytes);
      await c.waitClosed();
      const err = c.messages.find((m) => m.name === 'error');
      t.like(err, { severity: 'FATAL', code, message }, message);
    }
  });
});

test('a malformed or oversized message is FATAL 08P01 and closes only that connection', async (t) => {
  await withServer(
    async (port, _s, engines) => {
      const other = client(port);
      await other.connect();
      const cases: Array<[Buffer, string]> = [
        [Buffer.from([0x21, 0, 0, 0, 4]), 'invalid frontend message type 33'],
        [Buffer.from([0x51, 0, 0x20, 0, 0]), 'invalid message length'],
        [Buffer.from([0x45, 0, 0, 0, 6, 0x61, 0x62]), 'invalid string in message'],
        [Buffer.from([0x53, 0, 0, 0, 5, 0]), 'invalid message format'],
        [Buffer.from([0x70, 0, 0, 0, 5, 0]), 'invalid frontend message type 112'],
      ];
      for (const [bytes, message] of cases) {
        const c = await RawClient.connect(port);
        await c.startup();
        c.write(bytes);
        await c.waitClosed();
        t.like(c.messages.at(-1), { name: 'error', severity: 'FATAL', code: '08P01', message }, message);
      }
      t.deepEqual((await other.query('SELECT 3')).rows, [{ '?column?': 3 }]);
      await other.end();
      // Every engine of a closed connection was closed exactly once.
      t.true(engines.slice(1).every((e) => e.closedCount === 1));
    },
    { maxMessageLength: 1 << 20 },
  );
});

test('Terminate closes the connection and the engine, once', async (t) => {
  const out: Buffer[] = [];
  let dataListener: (b: Buffer) => void = () => undefined;
  let ended = false;
  const duplex: Duplex = {
    write: (b) => out.push(b),
    end: () => (ended = true),
    onData: (l) => (dataListener = l),
    onClose: () => undefined,
  };
  const engine = new FakeEngine();
  const conn = new Connection(duplex, engine, { authenticationTimeoutMs: 0 });
  dataListener(Buffer.concat([serialize.startup({ user: 'u' }), serialize.query('SELECT 1'), serialize.end()]));
  await conn.closed;
  t.true(ended);
  t.is(conn.phase, 'closed');
  t.is(engine.closedCount, 1);
});

test('a whole session split at every byte offset gets the same replies as when sent in one piece', async (t) => {
  const session = Buffer.concat([
    serialize.startup({ user: 'alice', database: 'db' }),
    serialize.query('SELECT 1; INSERT 2'),
    serialize.parse({ name: 's', text: 'SELECT $1', types: [23] }),
    serialize.bind({ statement: 's', values: ['5'] }),
    serialize.describe({ type: 'P' }),
    serialize.execute({}),
    serialize.sync(),
    serialize.end(),
  ]);
  async function run(chunks: Buffer[]): Promise<string> {
    const out: Buffer[] = [];
    let feed: (b: Buffer) => void = () => undefined;
    const conn = new Connection({ write: (b) => out.push(b), end: () => undefined, onData: (l) => (feed = l), onClose: () => undefined }, new FakeEngine(), {
      processId: 1,
      secretKey: 2,
      authenticationTimeoutMs: 0,
    });
    for (const c of chunks) feed(c);
    await conn.closed;
    const parsed: string[] = [];
    new Parser().parse(Buffer.concat(out), (m) => parsed.push(JSON.stringify(m)));
    return parsed.join('\n');
  }
  const whole = await run([session]);
  t.true(whole.includes('"text":"INSERT 0 2"'));
  for (let i = 1; i < session.length; i++) t.is(await run([session.subarray(0, i), session.subarray(i)]), whole, `split at ${i}`);
  t.is(await run([...session].map((b) => Buffer.from([b]))), whole);
});

test('fuzz: thousands of random and mutated messages never crash the server and other sessions keep working', async (t) => {
  const errors: unknown[] = [];
  const onError = (e: unknown) => errors.push(e);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  try {
    await withServer(
      async (port, server) => {
        const steady = client(port);
        await steady.connect();
        const valid = [
          serialize.query('SELECT 1'),
          serialize.parse({ name: 's', text: 'SELECT $1', types: [23] }),
          serialize.bind({ statement: 's', values: ['1'], binary: true }),
          serialize.describe({ type: 'S', name: 's' }),
          serialize.execute({ rows: 1 }),
          serialize.close({ type: 'S', name: 's' }),
          serialize.sync(),
          serialize.flush(),
          serialize.password('x'),
          serialize.copyData(Buffer.from('x')),
        ];
        let seed = 12345;
        const rand = (n: number) => {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          return seed % n;
        };
        let sent = 0;
        for (let conn = 0; conn < 40; conn++) {
          const c = await RawClient.connect(port);
          if (conn % 4 !== 0) await c.startup();
          const batch: Buffer[] = [];
          for (let i = 0; i < 100; i++) {
            const base = Buffer.from(valid[rand(valid.length)]!);
            const kind = rand(4);
            if (kind === 0) base[rand(base.length)] = rand(256);
            else if (kind === 1) batch.push(randomBytes(rand(20)));
            else if (kind === 2) batch.push(base.subarray(0, rand(base.length)));
            batch.push(base);
            sent++;
          }
          c.write(...batch);
          c.socket.end();
          await c.waitClosed();
          if (conn % 10 === 0) t.deepEqual((await steady.query('SELECT 9')).rows, [{ '?column?': 9 }]);
        }
        t.true(sent >= 4000);
        t.deepEqual((await steady.query('SELECT $1', ['still here'])).rows, [{ '?column?': 'still here' }]);
        await steady.end();
        t.is(server.connections.size, 0);
      },
      { maxMessageLength: 1 << 16 },
    );
  } finally {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  }
  t.deepEqual(errors, []);
});
