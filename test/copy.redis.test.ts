/*
 * COPY over the wire against real clients: Debian's psql (\copy from csv and
 * text files, COPY ... TO STDOUT, error cases) with its output compared with
 * what PostgreSQL 15.20 printed for the same script (recorded in
 * fixtures/copy/psql15.json; PostgreSQL's CONTEXT lines left out, actorgres
 * sends none), the raw protocol (CopyData split anywhere, CopyFail, a bad
 * row in the middle of the stream, results before a COPY in one query
 * string), pgbench -i, and embedded sessions.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from 'pg-protocol';
import { RawClient } from '../protocol/testing/rawClient.ts';
import type { Msg } from '../protocol/testing/rawClient.ts';
import { fixture, testCluster } from './helpers/cluster.ts';
import type { Cluster } from '../index.ts';
import { tempDir } from './helpers/dirs.ts';

interface Recorded {
  script: string;
  out: string;
  table: string;
  csv: string;
  tsv: string;
  errsql: string;
  errerr: string;
  errout: string;
  bad: Record<string, string>;
}

const recorded = JSON.parse(readFileSync(fixture('copy/psql15.json'), 'utf8')) as Recorded;
const user = process.env['USER'] ?? 'root';

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: { ...process.env, PGCONNECT_TIMEOUT: '10' }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function psqlArgs(cluster: Cluster): string[] {
  const l = cluster.listening!;
  return ['-X', '-h', l.addresses[0] ?? l.socketDir!, '-p', String(l.port), '-U', user, '-d', 'postgres'];
}

async function rawSession(t: { teardown: (f: () => void) => void }, cluster: Cluster): Promise<RawClient> {
  const raw = await RawClient.connect(cluster.listening!.port);
  t.teardown(() => raw.socket.destroy());
  raw.write(serialize.startup({ user, database: 'postgres' }));
  await raw.readyCount(1);
  return raw;
}

/** Sends a simple Query (plus any following messages) and returns the messages up to the next ReadyForQuery. */
async function exchange(raw: RawClient, ...bufs: Buffer[]): Promise<Msg[]> {
  const mark = raw.messages.length;
  raw.write(...bufs);
  return raw.upTo('readyForQuery', mark);
}

const names = (ms: Msg[]) => ms.map((m) => m.name);

test('psql \\copy from a csv file with a header and from a text file, then COPY ... TO STDOUT in text and csv with options: output as PostgreSQL 15 prints it', async (t) => {
  const { cluster } = await testCluster(t, { listen: { port: 0 } });
  const dir = tempDir(t);
  writeFileSync(join(dir, 'items.csv'), recorded.csv);
  writeFileSync(join(dir, 'items.tsv'), recorded.tsv);
  writeFileSync(join(dir, 'script.sql'), recorded.script);
  const r = await run('/usr/bin/psql', [...psqlArgs(cluster), '-f', 'script.sql'], dir);
  t.is(r.stderr, '');
  t.is(r.stdout, recorded.out);
  const table = await run('/usr/bin/psql', [...psqlArgs(cluster), '-c', 'COPY copy_items TO STDOUT'], dir);
  t.is(
    table.stdout
      .split(/(?<=\n)/)
      .sort()
      .join(''),
    recorded.table,
    'the whole table, in heap order (compared sorted)',
  );
});

test('psql: bad rows, bad options and constraint violations fail with PostgreSQL 15 messages and the session goes on', async (t) => {
  const { cluster } = await testCluster(t, { listen: { port: 0 } });
  const dir = tempDir(t);
  for (const [name, text] of Object.entries(recorded.bad)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'items.tsv'), recorded.tsv);
  writeFileSync(join(dir, 'err.sql'), recorded.errsql);
  const r = await run('/usr/bin/psql', [...psqlArgs(cluster), '-f', 'err.sql'], dir);
  t.is(r.stderr, recorded.errerr);
  t.is(r.stdout, recorded.errout);
});

test('COPY FROM STDIN over the raw protocol: CopyInResponse, rows split across CopyData messages anywhere, COPY n; CopyFail is 57014', async (t) => {
  const { cluster } = await testCluster(t, { listen: { port: 0 } });
  const raw = await rawSession(t, cluster);
  await exchange(raw, serialize.query("CREATE TABLE kv (k int4 PRIMARY KEY, v text DEFAULT 'dflt', n int8)"));
  const mark = raw.messages.length;
  raw.write(serialize.query('COPY kv (k, n) FROM STDIN'));
  const started = await raw.upTo('copyInResponse', mark);
  t.like(started.at(-1), { binary: false, columnTypes: [0, 0] });
  const data = Buffer.from('1\t10\n2\t\\N\n3\t30\n');
  for (let i = 0; i < data.length; i += 3) raw.write(serialize.copyData(data.subarray(i, i + 3)));
  raw.write(serialize.copyDone());
  const done = await raw.upTo('readyForQuery', mark);
  t.like(done.at(-2), { name: 'commandComplete', text: 'COPY 3' });
  const rows = await exchange(raw, serialize.query('SELECT k, v, n FROM kv ORDER BY k'));
  t.deepEqual(
    rows.filter((m) => m.name === 'dataRow').map((m) => m['fields']),
    [
      ['1', 'dflt', '10'],
      ['2', 'dflt', null],
      ['3', 'dflt', '30'],
    ],
  );

  const failed = await exchange(raw, serialize.query('COPY kv FROM STDIN'), serialize.copyData(Buffer.from('4\tx\t1\n')), serialize.copyFail('client gave up'));
  t.deepEqual(names(failed), ['copyInResponse', 'error', 'readyForQuery']);
  t.like(failed[1], { code: '57014', message: 'COPY from stdin failed: client gave up' });
  const count = await exchange(raw, serialize.query('SELECT count(*) FROM kv'));
  t.deepEqual(count.find((m) => m.name === 'dataRow')!['fields'], ['3']);
});

test('a bad row in the middle of COPY data: 22P02 and ReadyForQuery at once, the rest of the data ignored, nothing of the COPY kept, the session usable', async (t) => {
  const { cluster } = await testCluster(t, { listen: { port: 0 } });
  const raw = await rawSession(t, cluster);
  await exchange(raw, serialize.query('CREATE TABLE nums (n int4 PRIMARY KEY)'));
  const ms = await exchange(raw, serialize.query('COPY nums FROM STDIN'), serialize.copyData(Buffer.from('1\n2\nthree\n4\n')));
  t.deepEqual(names(ms), ['copyInResponse', 'error', 'readyForQuery']);
  t.like(ms[1], { code: '22P02', message: 'invalid input syntax for type integer: "three"' });
  t.like(ms[2], { status: 'I' });
  // The client goes on sending (as libpq does until it reads the error): ignored, as PostgreSQL does outside COPY.
  const after = await exchange(raw, serialize.copyData(Buffer.from('5\n')), serialize.copyDone(), serialize.query('SELECT count(*) FROM nums'));
  t.deepEqual(names(after), ['rowDescription', 'dataRow', 'commandComplete', 'readyForQuery']);
  t.deepEqual(after[1]!['fields'], ['0']);
  const dup = await exchange(raw, serialize.query('BEGIN; COPY nums FROM STDIN'), serialize.copyData(Buffer.from('7\n7\n')), serialize.copyDone());
  t.like(
    dup.find((m) => m.name === 'error'),
    { code: '23505', message: 'duplicate key value violates unique constraint "nums_pkey"' },
  );
  t.like(dup.at(-1), { status: 'E' });
  await exchange(raw, serialize.query('ROLLBACK'));
});

test('COPY TO STDOUT: CopyOutResponse, one CopyData per row, CopyDone, COPY n; results of statements before it in the string come first', async (t) => {
  const { cluster } = await testCluster(t, { listen: { port: 0 } });
  const raw = await rawSession(t, cluster);
  await exchange(raw, serialize.query("CREATE TABLE w (a int4, b text); INSERT INTO w VALUES (1, 'x'), (2, NULL)"));
  const ms = await exchange(raw, serialize.query('SELECT 42 AS answer; COPY (SELECT * FROM w ORDER BY a) TO STDOUT (FORMAT csv, HEADER); SELECT 7'));
  t.deepEqual(names(ms), [
    'rowDescription',
    'dataRow',
    'commandComplete',
    'copyOutResponse',
    'copyData',
    'copyData',
    'copyData',
    'copyDone',
    'commandComplete',
    'rowDescription',
    'dataRow',
    'commandComplete',
    'readyForQuery',
  ]);
  t.like(ms[3], { columnTypes: [0, 0] });
  t.deepEqual(
    ms.filter((m) => m.name === 'copyData').map((m) => (m['chunk'] as Buffer).toString()),
    ['a,b\n', '1,x\n', '2,\n'],
  );
  t.like(ms[8], { text: 'COPY 2' });
  const bad = await exchange(raw, serialize.query('SELECT 1; COPY w TO STDOUT; SELECT nope'));
  t.like(
    bad.find((m) => m.name === 'error'),
    { code: '42703', position: '36' },
  );
});

test('COPY through the extended protocol is refused with 0A000', async (t) => {
  const { cluster } = await testCluster(t, { listen: { port: 0 } });
  const raw = await rawSession(t, cluster);
  const ms = await exchange(raw, serialize.parse({ text: 'COPY (SELECT 1) TO STDOUT' }), serialize.sync());
  t.deepEqual(names(ms), ['error', 'readyForQuery']);
  t.like(ms[0], { code: '0A000' });
});

test('embedded sessions: COPY TO STDOUT returns the lines a client would get, COPY FROM STDIN is refused with 0A000', async (t) => {
  const { cluster } = await testCluster(t);
  const s = await cluster.connect();
  t.teardown(() => s.close());
  await s.query("CREATE TABLE e (a int4, b text); INSERT INTO e VALUES (1, 'tab\there')");
  const out = await s.query('COPY e TO STDOUT');
  t.like(out, { command: 'COPY', rowCount: 1 });
  t.deepEqual(out.rows, [{ copy_data: '1\ttab\\there\n' }]);
  await t.throwsAsync(s.query('COPY e FROM STDIN'), { code: '0A000' } as never);
});

test('pgbench -i -I dtgp -s 1 (COPY ... FREEZE into tables truncated in the same transaction) loads 100000 accounts', async (t) => {
  t.timeout(240_000);
  const { cluster } = await testCluster(t, { listen: { port: 0 } });
  const l = cluster.listening!;
  const started = Date.now();
  const r = await run('/usr/bin/pgbench', ['-i', '-I', 'dtgp', '-s', '1', '-h', l.socketDir!, '-p', String(l.port), '-U', user, 'postgres'], tempDir(t));
  t.log(`pgbench -i -s 1: ${((Date.now() - started) / 1000).toFixed(1)} s; ${r.stderr.trim().split('\n').at(-1)}`);
  t.is(r.code, 0, r.stderr);
  const count = await run('/usr/bin/psql', [...psqlArgs(cluster), '-At', '-c', 'select count(*) from pgbench_accounts', '-c', 'select count(*) from pgbench_tellers'], tempDir(t));
  t.is(count.stdout, '100000\n10\n');
});
