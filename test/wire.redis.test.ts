/*
 * The wire protocol against real clients: node-postgres (simple and extended
 * protocol, a pool, row limits) and Debian's psql through the unix socket and
 * TCP, on clusters that listen on a free port (never 5432, where this
 * machine runs a real PostgreSQL, which the typed-values test uses as the
 * reference when it answers).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { RawClient } from '../protocol/testing/rawClient.ts';
import { actorgres } from './helpers/cli.ts';
import { hash, testCluster } from './helpers/cluster.ts';
import { tempDir } from './helpers/dirs.ts';
import { freePort } from './helpers/ports.ts';

const TYPED_SELECT = `SELECT 42::int4 AS i4, 9007199254740993::int8 AS i8, 'héllo'::text AS t, true AS b, 12.50::numeric AS n,
  '2024-02-29'::date AS d, '2024-02-29 12:34:56.789+00'::timestamptz AS tz`;

/** What node-postgres gets from PostgreSQL for TYPED_SELECT: asked from the real server when it answers, else these values. */
async function referenceRow(t: { log: (...s: string[]) => void }): Promise<Record<string, unknown>> {
  const c = new pg.Client({ connectionString: process.env['AG_REFERENCE_PG'] ?? 'postgresql://postgres@localhost:5432/postgres', connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query("SET TimeZone = 'UTC'");
    const row = (await c.query(TYPED_SELECT)).rows[0] as Record<string, unknown>;
    t.log('reference: the PostgreSQL on port 5432');
    return row;
  } catch {
    t.log('reference: recorded values (no PostgreSQL answered on port 5432)');
    return { i4: 42, i8: '9007199254740993', t: 'héllo', b: true, n: '12.50', d: new Date(2024, 1, 29), tz: new Date('2024-02-29T12:34:56.789Z') };
  } finally {
    await c.end().catch(() => undefined);
  }
}

test('node-postgres creates a table, inserts with parameters and reads int4, int8, text, bool, numeric, date and timestamptz as from PostgreSQL', async (t) => {
  const { cluster } = await testCluster(t, { listen: { port: 0 } });
  t.regex(cluster.connectionString, /^postgresql:\/\/[^@]+@127\.0\.0\.1:\d+\/postgres$/);
  const c = new pg.Client(cluster.connectionString);
  await c.connect();
  t.teardown(() => c.end().catch(() => undefined));
  const created = await c.query('CREATE TABLE things (i4 int4 PRIMARY KEY, i8 int8, t text, b bool, n numeric, d date, tz timestamptz)');
  t.is(created.command, 'CREATE');
  const reference = await referenceRow(t);
  const ins = await c.query('INSERT INTO things VALUES ($1, $2, $3, $4, $5, $6, $7)', [42, '9007199254740993', 'héllo', true, '12.50', '2024-02-29', '2024-02-29 12:34:56.789+00']);
  t.is(ins.command, 'INSERT');
  t.is(ins.rowCount, 1);
  const simple = await c.query('SELECT * FROM things');
  t.deepEqual(simple.rows, [reference], 'simple protocol');
  t.deepEqual(
    simple.fields.map((f) => f.dataTypeID),
    [23, 20, 25, 16, 1700, 1082, 1184],
  );
  const extended = await c.query('SELECT * FROM things WHERE i4 = $1 AND t = $2', [42, 'héllo']);
  t.deepEqual(extended.rows, [reference], 'extended protocol with parameters');
  t.deepEqual((await c.query(TYPED_SELECT)).rows, [reference], 'literals');
  const err = await t.throwsAsync(c.query('SELECT missing FROM things'));
  t.like(err, { code: '42703' });
  t.deepEqual((await c.query('SELECT count(*) AS n FROM things')).rows, [{ n: '1' }], 'the session goes on after an error');
});

test('a pg.Pool of 20 clients runs parameterised queries concurrently on both workers', async (t) => {
  const { cluster } = await testCluster(t, { listen: { port: 0 } });
  const setup = new pg.Client(cluster.connectionString);
  await setup.connect();
  await setup.query('CREATE TABLE kv (k int4 PRIMARY KEY, v text)');
  await setup.end();
  const pool = new pg.Pool({ connectionString: cluster.connectionString, max: 20 });
  t.teardown(() => pool.end().catch(() => undefined));
  const clients = await Promise.all(Array.from({ length: 20 }, () => pool.connect()));
  const status = await cluster.status();
  t.is(status.connections, 20);
  t.true(
    status.workers.every((w) => w.load >= 10),
    `connections spread over the workers: ${JSON.stringify(status.workers)}`,
  );
  for (const c of clients) c.release();
  await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      await pool.query('INSERT INTO kv VALUES ($1, $2)', [i, `v${i}`]);
      const r = await pool.query('SELECT v FROM kv WHERE k = $1', [i]);
      t.deepEqual(r.rows, [{ v: `v${i}` }]);
    }),
  );
  t.deepEqual((await pool.query('SELECT count(*) AS n FROM kv')).rows, [{ n: '200' }]);
});

test('an Execute with a row limit hands out the rows in slices with PortalSuspended, with node-postgres and by hand', async (t) => {
  const { cluster } = await testCluster(t, { listen: { port: 0 } });
  const c = new pg.Client(cluster.connectionString);
  await c.connect();
  t.teardown(() => c.end().catch(() => undefined));
  await c.query('CREATE TABLE s (n int4)');
  await c.query('INSERT INTO s VALUES (1), (2), (3), (4), (5)');
  const r = await c.query({ text: 'SELECT n FROM s ORDER BY n', rows: 2 } as pg.QueryConfig);
  t.deepEqual(
    r.rows.map((x: { n: number }) => x.n),
    [1, 2, 3, 4, 5],
  );

  const raw = await RawClient.connect(cluster.listening!.port);
  t.teardown(() => raw.socket.destroy());
  raw.write(serialize.startup({ user: process.env['USER'] ?? 'root', database: 'postgres' }));
  await raw.readyCount(1);
  const mark = raw.messages.length;
  raw.write(
    serialize.parse({ name: 'q', text: 'SELECT n FROM s WHERE n > $1 ORDER BY n', types: [23] }),
    serialize.bind({ statement: 'q', portal: 'p', values: ['1'] }),
    serialize.execute({ portal: 'p', rows: 3 }),
    serialize.execute({ portal: 'p', rows: 3 }),
    serialize.sync(),
  );
  const ms = await raw.upTo('readyForQuery', mark);
  t.deepEqual(
    ms.map((m) => m.name),
    ['parseComplete', 'bindComplete', 'dataRow', 'dataRow', 'dataRow', 'portalSuspended', 'dataRow', 'commandComplete', 'readyForQuery'],
  );
  t.deepEqual(
    ms.filter((m) => m.name === 'dataRow').map((m) => (m['fields'] as string[])[0]),
    ['2', '3', '4', '5'],
  );
  t.is(ms[7]!['text'], 'SELECT 1');
});

function psql(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/usr/bin/psql', ['-X', '-v', 'ON_ERROR_STOP=1', ...args], { env: { ...process.env, PGCONNECT_TIMEOUT: '10', ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const SCRIPT = `CREATE TABLE accounts (id int4 PRIMARY KEY, owner text NOT NULL, balance int8);
INSERT INTO accounts VALUES (1, 'alice', 100), (2, 'bob', 50);
UPDATE accounts SET balance = balance - 10 WHERE id = 1;
BEGIN;
DELETE FROM accounts WHERE id = 2;
ROLLBACK;
SELECT id, owner, balance FROM accounts ORDER BY id;
SELECT balance / 0 FROM accounts;
SELECT 'never reached';
`;

test('actorgres start -p listens on TCP and DIR/.s.PGSQL.<port>: psql runs a script through both, stopping at the failing statement', async (t) => {
  const root = tempDir(t);
  const dir = join(root, 'd');
  t.is((await actorgres('init', '-D', dir)).code, 0);
  const port = await freePort();
  const start = await actorgres('start', '-D', dir, '-p', String(port), '--workers', '2');
  t.is(start.code, 0, start.stderr);
  t.teardown(() => actorgres('stop', '-D', dir, '-m', 'immediate').then(() => undefined));
  const pidLines = readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n');
  t.is(pidLines[3], String(port), 'line 4: port');
  t.is(pidLines[4], dir, 'line 5: socket directory');
  const script = join(root, 'script.sql');
  writeFileSync(script, SCRIPT);

  const viaSocket = await psql(['-h', dir, '-p', String(port), '-d', 'postgres', '-f', script]);
  t.is(viaSocket.code, 3, 'ON_ERROR_STOP: psql exits 3 at the failing statement');
  t.regex(viaSocket.stdout, /CREATE TABLE\nINSERT 0 2\nUPDATE 1\nBEGIN\nDELETE 1\nROLLBACK\n/);
  t.regex(viaSocket.stdout, / id \| owner \| balance \n----\+-------\+---------\n {2}1 \| alice \| {6}90\n {2}2 \| bob {3}\| {6}50\n\(2 rows\)/);
  t.regex(viaSocket.stderr, /psql:.*script\.sql:8: ERROR: {2}division by zero/);
  t.notRegex(viaSocket.stdout, /never reached/);

  writeFileSync(script, SCRIPT.replace('CREATE TABLE accounts', 'CREATE TABLE accounts2').replace(/accounts /g, 'accounts2 '));
  const viaTcp = await psql(['-h', '127.0.0.1', '-p', String(port), '-d', 'postgres', '-f', script]);
  t.is(viaTcp.code, 3, viaTcp.stderr);
  t.regex(viaTcp.stdout, /CREATE TABLE\nINSERT 0 2\nUPDATE 1\n/);
  t.regex(viaTcp.stderr, /ERROR: {2}division by zero/);
  const ok = await psql(['-h', '127.0.0.1', '-p', String(port), '-d', 'postgres', '-At', '-c', 'SELECT sum(balance) FROM accounts']);
  t.is(ok.code, 0, ok.stderr);
  t.is(ok.stdout, '140\n');
  t.is((await actorgres('stop', '-D', dir)).code, 0);
});

test('a connection lives on one worker: its backend is in the registry with that worker process', async (t) => {
  const { cluster } = await testCluster(t, { listen: { port: 0 } });
  const c = new pg.Client(cluster.connectionString);
  await c.connect();
  t.teardown(() => c.end().catch(() => undefined));
  const status = await cluster.status();
  const pid = (c as unknown as { processID: number }).processID;
  const entry = hash(status, `ag:proc:backend:net:${pid}`);
  t.is(entry['role'], 'backend');
  t.true(
    status.workers.some((w) => String(w.pid) === entry['pid']),
    JSON.stringify(entry),
  );
});
