import test from 'ava';
import { SqlError } from '../sql/errors.ts';
import type { Session } from '../session.ts';
import { startCluster } from '../index.ts';
import { redisCli, testCluster } from './helpers/cluster.ts';
import { nextEvent } from './helpers/wait.ts';

async function sqlState(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SqlError) return err.sqlstate;
    throw err;
  }
  return 'no error';
}

test('a session on a worker creates a table, inserts, selects with typed values, updates, deletes', async (t) => {
  const { cluster } = await testCluster(t, { workers: 1 });
  const s = await cluster.connect();
  await s.query('CREATE TABLE accounts (id integer PRIMARY KEY, owner text NOT NULL, balance bigint DEFAULT 0, opened date, ok boolean)');
  const ins = await s.query("INSERT INTO accounts (id, owner, balance, opened, ok) VALUES (1, 'alice', 100, '2024-01-02', true), (2, 'bob', 50, NULL, false) RETURNING id, owner");
  t.is(ins.command, 'INSERT');
  t.is(ins.rowCount, 2);
  t.deepEqual(ins.rows, [
    { id: 1, owner: 'alice' },
    { id: 2, owner: 'bob' },
  ]);
  await s.query('INSERT INTO accounts (id, owner) VALUES ($1, $2)', [3, 'carol']);
  const r = await s.query('SELECT id, owner, balance, ok FROM accounts WHERE balance >= $1 ORDER BY id', [0]);
  t.deepEqual(r.rows, [
    { id: 1, owner: 'alice', balance: '100', ok: true },
    { id: 2, owner: 'bob', balance: '50', ok: false },
    { id: 3, owner: 'carol', balance: '0', ok: null },
  ]);
  t.deepEqual(
    r.fields.map((f) => [f.name, f.dataTypeID]),
    [
      ['id', 23],
      ['owner', 25],
      ['balance', 20],
      ['ok', 16],
    ],
  );
  const up = await s.query('UPDATE accounts SET balance = balance + 10 WHERE id = 2 RETURNING balance');
  t.deepEqual(up.rows, [{ balance: '60' }]);
  const del = await s.query('DELETE FROM accounts WHERE owner = $1', ['carol']);
  t.is(del.rowCount, 1);
  const agg = await s.query('SELECT count(*) AS n, sum(balance) AS total, max(owner) AS last FROM accounts');
  t.deepEqual(agg.rows, [{ n: '2', total: '160', last: 'bob' }]);
  await s.close();
});

test('a primary key lookup is an index scan, and the unique index refuses a duplicate with 23505 and the key', async (t) => {
  const { cluster } = await testCluster(t, { workers: 1 });
  const s = await cluster.connect();
  await s.query('CREATE TABLE t (id integer PRIMARY KEY, v text)');
  for (let i = 1; i <= 20; i++) await s.query('INSERT INTO t VALUES ($1, $2)', [i, `v${i}`]);
  const plan = await s.query('EXPLAIN SELECT v FROM t WHERE id = 7');
  t.regex(String(plan.rows[0]!['QUERY PLAN']), /Index Scan using t_pkey on t/);
  t.deepEqual((await s.query('SELECT v FROM t WHERE id = $1', [7])).rows, [{ v: 'v7' }]);
  t.deepEqual((await s.query('SELECT id FROM t WHERE id > 17 ORDER BY id DESC')).rows, [{ id: 20 }, { id: 19 }, { id: 18 }]);
  const err = await t.throwsAsync(s.query("INSERT INTO t VALUES (7, 'again')"), { instanceOf: SqlError });
  t.is(err?.code, '23505');
  t.is(err?.message, 'duplicate key value violates unique constraint "t_pkey"');
  t.is(err?.fields.detail, 'Key (id)=(7) already exists.');
  await s.query("INSERT INTO t VALUES (21, 'x') ON CONFLICT (id) DO NOTHING");
  await s.query("INSERT INTO t VALUES (7, 'updated') ON CONFLICT (id) DO UPDATE SET v = excluded.v");
  t.deepEqual((await s.query('SELECT v FROM t WHERE id = 7')).rows, [{ v: 'updated' }]);
  await s.close();
});

test('a transaction block commits or rolls back as a whole; after an error it is aborted (25P02) until ROLLBACK', async (t) => {
  const { cluster } = await testCluster(t, { workers: 1 });
  const a = await cluster.connect();
  const b = await cluster.connect();
  await a.query('CREATE TABLE t (id integer PRIMARY KEY)');
  await a.query('BEGIN');
  await a.query('INSERT INTO t VALUES (1)');
  t.deepEqual((await b.query('SELECT count(*) AS n FROM t')).rows, [{ n: '0' }], 'no dirty read');
  await a.query('COMMIT');
  t.deepEqual((await b.query('SELECT count(*) AS n FROM t')).rows, [{ n: '1' }]);
  await a.query('BEGIN');
  await a.query('INSERT INTO t VALUES (2)');
  t.is(await sqlState(a.query('INSERT INTO t VALUES (1)')), '23505');
  t.is(await sqlState(a.query('SELECT 1')), '25P02');
  const rb = await a.query('COMMIT');
  t.is(rb.command, 'ROLLBACK', 'COMMIT of a failed block rolls back');
  t.deepEqual((await a.query('SELECT id FROM t ORDER BY id')).rows, [{ id: 1 }]);
  await a.query('BEGIN');
  await a.query('CREATE TABLE gone (x int)');
  await a.query('INSERT INTO gone VALUES (1)');
  await a.query('ROLLBACK');
  t.is(await sqlState(b.query('SELECT * FROM gone')), '42P01', 'DDL rolls back with its transaction');
  await a.close();
  await b.close();
});

test('bad input gives its SQLSTATE and leaves the session usable', async (t) => {
  const { cluster } = await testCluster(t, { workers: 1 });
  const s: Session = await cluster.connect();
  await s.query('CREATE TABLE t (id integer PRIMARY KEY, n integer NOT NULL CHECK (n > 0))');
  const syntax = await t.throwsAsync(s.query('SELEC 1'), { instanceOf: SqlError });
  t.is(syntax?.code, '42601');
  t.is(syntax?.fields.position, 1);
  t.is(await sqlState(s.query('SELECT * FROM nope')), '42P01');
  t.is(await sqlState(s.query('SELECT nope FROM t')), '42703');
  t.is(await sqlState(s.query('SELECT 1/0')), '22012');
  t.is(await sqlState(s.query("SELECT 'abc'::integer")), '22P02');
  t.is(await sqlState(s.query('SELECT 2147483647 + 1')), '22003');
  t.is(await sqlState(s.query('INSERT INTO t VALUES (1, NULL)')), '23502');
  t.is(await sqlState(s.query('INSERT INTO t VALUES (1, -5)')), '23514');
  t.is(await sqlState(s.query('SET no_such_setting = 1')), '42704');
  t.deepEqual((await s.query('SELECT 1 + 1 AS two')).rows, [{ two: 2 }]);
  await s.close();
});

test('READ COMMITTED: 16 concurrent sessions incrementing one row end with the exact sum', async (t) => {
  const { cluster } = await testCluster(t, { workers: 2 });
  const setup = await cluster.connect();
  await setup.query('CREATE TABLE counter (id integer PRIMARY KEY, n integer)');
  await setup.query('INSERT INTO counter VALUES (1, 0)');
  const sessions = await Promise.all(Array.from({ length: 16 }, () => cluster.connect()));
  await Promise.all(sessions.map((s) => s.transaction(async (tx) => void (await tx.query('UPDATE counter SET n = n + 1 WHERE id = 1')))));
  t.deepEqual((await setup.query('SELECT n FROM counter WHERE id = 1')).rows, [{ n: 16 }]);
  await Promise.all(sessions.map((s) => s.close()));
  await setup.close();
});

test('a local session runs in the embedding process and sees what worker sessions committed', async (t) => {
  const { cluster } = await testCluster(t, { workers: 1 });
  const w = await cluster.connect();
  await w.query('CREATE TABLE t (id integer PRIMARY KEY, name text)');
  await w.query("INSERT INTO t VALUES (1, 'one')");
  const local = await cluster.connect({ placement: 'local' });
  t.deepEqual((await local.query('SELECT name FROM t WHERE id = 1')).rows, [{ name: 'one' }]);
  await local.query("INSERT INTO t VALUES (2, 'two')");
  t.deepEqual((await w.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: 2 }]);
  await local.close();
  await w.close();
});

test('indexes come back after a restart and after the crash-restart cycle: lookups find the rows, unique keys still refuse duplicates', async (t) => {
  const { cluster, dataDir } = await testCluster(t, { workers: 1 });
  const s = await cluster.connect();
  await s.query('CREATE TABLE t (id integer PRIMARY KEY, code text UNIQUE)');
  await s.query("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  await s.query("UPDATE t SET code = 'bb' WHERE id = 2");
  await s.close();
  await cluster.stop({ mode: 'fast' });

  const again = await startCluster({ dataDir, workers: 1, log: () => undefined });
  t.teardown(() => again.stop({ mode: 'immediate' }).catch(() => undefined));
  const check = async (c: typeof again) => {
    const q = await c.connect();
    t.deepEqual((await q.query('SELECT code FROM t WHERE id = 2')).rows, [{ code: 'bb' }]);
    t.deepEqual((await q.query("SELECT id FROM t WHERE code = 'bb'")).rows, [{ id: 2 }]);
    t.is(await sqlState(q.query("INSERT INTO t VALUES (1, 'x')")), '23505');
    t.is(await sqlState(q.query("INSERT INTO t VALUES (9, 'c')")), '23505');
    t.is(await sqlState(q.query('CREATE TABLE t (x int)')), '42P07', 'the catalog name index is back too');
    await q.close();
  };
  await check(again);
  // Shared memory lost: the crash-restart cycle redoes WAL and rebuilds the indexes.
  const status = await again.status();
  const redisPid = Number(redisCli(status, 'INFO', 'server').match(/process_id:(\d+)/)![1]);
  const end = nextEvent(again.events, (e) => e.type === 'crash-restart' && e.phase === 'end', 'crash-restart ends', 30_000);
  process.kill(redisPid, 'SIGKILL');
  await end;
  await check(again);
});
