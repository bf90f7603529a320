/*
 * Concurrency through embedded sessions, as PostgreSQL's isolation tests
 * describe it: lost update, write skew under REPEATABLE READ, and the
 * SKIP LOCKED job queue.
 */
import test from 'ava';
import { SqlError } from '../sql/errors.ts';
import { testCluster } from './helpers/cluster.ts';

test('lost update: two READ COMMITTED read-modify-writes of one row both count (the second re-reads after the first commits)', async (t) => {
  const { cluster } = await testCluster(t, { workers: 2 });
  const a = await cluster.connect();
  const b = await cluster.connect();
  await a.query('CREATE TABLE acct (id int PRIMARY KEY, balance int)');
  await a.query('INSERT INTO acct VALUES (1, 100)');
  await a.query('BEGIN');
  await b.query('BEGIN');
  await a.query('UPDATE acct SET balance = balance + 10 WHERE id = 1');
  const bUpdate = b.query('UPDATE acct SET balance = balance + 20 WHERE id = 1'); // waits for a's row lock
  await a.query('COMMIT');
  t.is((await bUpdate).rowCount, 1);
  await b.query('COMMIT');
  t.deepEqual((await a.query('SELECT balance FROM acct')).rows, [{ balance: 130 }]);
  // Under REPEATABLE READ the second writer fails instead of overwriting.
  await a.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  await b.query('SELECT balance FROM acct'); // b's snapshot
  await a.query('UPDATE acct SET balance = balance + 1 WHERE id = 1');
  const conflict = b.query('UPDATE acct SET balance = balance + 2 WHERE id = 1');
  await a.query('COMMIT');
  const err = await t.throwsAsync(conflict, { instanceOf: SqlError });
  t.is(err?.code, '40001');
  await b.query('ROLLBACK');
  t.deepEqual((await a.query('SELECT balance FROM acct')).rows, [{ balance: 131 }]);
});

test('write skew under REPEATABLE READ behaves as in PostgreSQL: both transactions commit (snapshot isolation, not serializable)', async (t) => {
  const { cluster } = await testCluster(t, { workers: 2 });
  const a = await cluster.connect();
  const b = await cluster.connect();
  await a.query('CREATE TABLE oncall (doctor text PRIMARY KEY, on_call boolean)');
  await a.query("INSERT INTO oncall VALUES ('alice', true), ('bob', true)");
  await a.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  t.deepEqual((await a.query('SELECT count(*)::int AS n FROM oncall WHERE on_call')).rows, [{ n: 2 }]);
  t.deepEqual((await b.query('SELECT count(*)::int AS n FROM oncall WHERE on_call')).rows, [{ n: 2 }]);
  await a.query("UPDATE oncall SET on_call = false WHERE doctor = 'alice'");
  await b.query("UPDATE oncall SET on_call = false WHERE doctor = 'bob'");
  await a.query('COMMIT');
  await b.query('COMMIT');
  t.deepEqual((await a.query('SELECT count(*)::int AS n FROM oncall WHERE on_call')).rows, [{ n: 0 }], 'the anomaly REPEATABLE READ permits');
});

test('a SKIP LOCKED job queue worked by 8 sessions hands out every job exactly once', async (t) => {
  const { cluster } = await testCluster(t, { workers: 2 });
  const setup = await cluster.connect();
  await setup.query('CREATE TABLE jobs (id int PRIMARY KEY, done_by int)');
  const JOBS = 60;
  await setup.query(`INSERT INTO jobs SELECT * FROM (VALUES ${Array.from({ length: JOBS }, (_, i) => `(${i + 1}, NULL::int)`).join(', ')}) v`);
  const workers = await Promise.all(Array.from({ length: 8 }, () => cluster.connect()));
  const taken = new Map<number, number>();
  await Promise.all(
    workers.map(async (s, w) => {
      for (;;) {
        const got = await s.transaction(async (tx) => {
          const r = await tx.query<{ id: number }>('SELECT id FROM jobs WHERE done_by IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED');
          const job = r.rows[0];
          if (!job) return null;
          await tx.query('UPDATE jobs SET done_by = $1 WHERE id = $2', [w, job.id]);
          return job.id;
        });
        if (got === null) return;
        t.false(taken.has(got), `job ${got} taken twice`);
        taken.set(got, w);
      }
    }),
  );
  t.is(taken.size, JOBS);
  const done = await setup.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs WHERE done_by IS NOT NULL');
  t.deepEqual(done.rows, [{ n: JOBS }]);
  t.true(new Set(taken.values()).size > 1, 'the work was shared');
  await workers[0]!.query('BEGIN');
  await workers[0]!.query('SELECT id FROM jobs WHERE id = 1 FOR UPDATE');
  const err = await t.throwsAsync(workers[1]!.query('SELECT id FROM jobs WHERE id = 1 FOR UPDATE NOWAIT'), { instanceOf: SqlError });
  t.is(err?.code, '55P03');
  t.is(err?.message, 'could not obtain lock on row in relation "jobs"');
  await workers[0]!.query('COMMIT');
});
