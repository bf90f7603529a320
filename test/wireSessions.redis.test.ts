/*
 * Network sessions' life: authentication (SCRAM from init, hba.conf
 * reloaded), connection limits, authentication_timeout, cancel from another
 * connection, and a worker's death ending only the sessions it hosted.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { connect } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startCluster } from '../index.ts';
import type { Cluster, ClusterOptions } from '../index.ts';
import { RawClient } from '../protocol/testing/rawClient.ts';
import { actorgres } from './helpers/cli.ts';
import { hash, testCluster } from './helpers/cluster.ts';
import { tempDir } from './helpers/dirs.ts';
import { until } from './helpers/wait.ts';

const USER = process.env['USER'] ?? 'root';

async function started(t: ExecutionContext, dataDir: string, opts: Omit<ClusterOptions, 'dataDir'> = {}): Promise<Cluster> {
  const lines: string[] = [];
  const cluster = await startCluster({ dataDir, workers: 2, listen: { port: 0 }, log: (l) => void lines.push(l), ...opts });
  t.teardown(async () => {
    await cluster.stop({ mode: 'immediate' }).catch(() => undefined);
    if (!t.passed) t.log(lines.join('\n'));
  });
  return cluster;
}

async function connected(t: ExecutionContext, config: string | pg.ClientConfig): Promise<pg.Client> {
  const c = new pg.Client(config);
  c.on('error', () => undefined); // a connection the test ends on purpose
  await c.connect();
  t.teardown(() => c.end().catch(() => undefined));
  return c;
}

function keyOf(c: pg.Client): { processID: number; secretKey: number } {
  return c as unknown as { processID: number; secretKey: number };
}

async function sqlstate(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
}

test('SCRAM from init --auth scram-sha-256 --pwfile: the right password gets in, a wrong one and an unknown role get 28P01; a reloaded hba.conf applies to new connections', async (t) => {
  const root = tempDir(t);
  const dir = join(root, 'd');
  const pwfile = join(root, 'pw');
  writeFileSync(pwfile, 's3cret pass\n');
  const init = await actorgres('init', '-D', dir, '--auth', 'scram-sha-256', '-U', 'admin', '--pwfile', pwfile);
  t.is(init.code, 0, init.stderr);
  const cluster = await started(t, dir);
  const port = cluster.listening!.port;
  const base = { host: '127.0.0.1', port, database: 'postgres' };
  const c = await connected(t, { ...base, user: 'admin', password: 's3cret pass' });
  t.deepEqual((await c.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
  const wrong = new pg.Client({ ...base, user: 'admin', password: 'nope' });
  const e = await t.throwsAsync(wrong.connect());
  t.like(e, { code: '28P01', message: 'password authentication failed for user "admin"' });
  t.is(await sqlstate(new pg.Client({ ...base, user: 'nobody', password: 'x' }).connect()), '28P01');

  // hba.conf changes apply at reload, to new connections only (as in PostgreSQL).
  const hba = join(dir, 'hba.conf');
  writeFileSync(hba, readFileSync(hba, 'utf8').replace(/^host\s+all\s+all\s+127\.0\.0\.1\/32\s+scram-sha-256$/m, 'host all all 127.0.0.1/32 trust'));
  t.is(await sqlstate(new pg.Client({ ...base, user: 'admin', password: 'nope' }).connect()), '28P01', 'not before the reload');
  await cluster.reload();
  const trusted = await connected(t, { ...base, user: 'admin', password: 'nope' });
  t.deepEqual((await trusted.query('SELECT 2 AS two')).rows, [{ two: 2 }]);
  t.deepEqual((await c.query('SELECT 3 AS three')).rows, [{ three: 3 }], 'the first session is untouched');
});

test('max_connections refuses with 53300 "sorry, too many clients already", the reserved slots only admit superusers, and a slot frees when its client leaves', async (t) => {
  const root = tempDir(t);
  const dir = join(root, 'd');
  t.is((await actorgres('init', '-D', dir)).code, 0);
  const authid = join(dir, 'global', 'pg_authid.json');
  const roles = JSON.parse(readFileSync(authid, 'utf8')) as unknown[];
  writeFileSync(authid, JSON.stringify([...roles, { rolname: 'app', rolsuper: false, rolcanlogin: true, rolpassword: null }]));
  const cluster = await started(t, dir, { settings: { max_connections: 3, superuser_reserved_connections: 1 } });
  const as = (user: string) => ({ host: '127.0.0.1', port: cluster.listening!.port, database: 'postgres', user });
  const app1 = await connected(t, as('app'));
  await connected(t, as('app'));
  const reserved = await t.throwsAsync(new pg.Client(as('app')).connect());
  t.like(reserved, { code: '53300', message: 'remaining connection slots are reserved for non-replication superuser connections' });
  await connected(t, as(USER));
  const full = await t.throwsAsync(new pg.Client(as(USER)).connect());
  t.like(full, { code: '53300', message: 'sorry, too many clients already' });
  await app1.end();
  await until('the slot is free', async () => (await cluster.status()).connections === 2);
  const again = await connected(t, as(USER));
  t.deepEqual((await again.query('SELECT 1 AS ok')).rows, [{ ok: 1 }]);
});

test('authentication_timeout ends a client that does not finish authenticating with FATAL 57014', async (t) => {
  const { cluster } = await testCluster(t, { listen: { port: 0 }, settings: { authentication_timeout: '1s' } });
  const raw = await RawClient.connect(cluster.listening!.port);
  await raw.closed;
  const err = raw.messages.find((m) => m.name === 'error');
  t.like(err, { severity: 'FATAL', code: '57014', message: 'canceling authentication due to timeout' });
  await until('the connection is gone', async () => (await cluster.status()).connections === 0);
});

/** A CancelRequest on a new connection, as libpq's PQcancel sends it: Int32 16, Int32 80877102, the key. */
function sendCancel(port: number, key: { processID: number; secretKey: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      const b = Buffer.alloc(16);
      b.writeInt32BE(16, 0);
      b.writeInt32BE(80877102, 4);
      b.writeInt32BE(key.processID, 8);
      b.writeInt32BE(key.secretKey, 12);
      s.end(b);
    });
    s.once('error', reject).once('close', () => resolve());
  });
}

test('a CancelRequest from another connection stops a running statement with 57014 and the session stays usable', async (t) => {
  const { cluster } = await testCluster(t, { listen: { port: 0 } });
  const c = await connected(t, cluster.connectionString);
  await c.query('CREATE TABLE big (n int4)');
  await c.query(`INSERT INTO big VALUES ${Array.from({ length: 200 }, (_, i) => `(${i})`).join(', ')}`);
  let settled = false;
  // A long statement: 40,000 row pairs, each running a subquery over the table.
  const long = sqlstate(c.query('SELECT count(*) FROM big a JOIN big b ON (SELECT count(*) FROM big c WHERE c.n = a.n) > 0')).finally(() => (settled = true));
  // A cancel that arrives before the statement starts is a no-op (as in PostgreSQL): send until it lands.
  await until(
    'the statement is cancelled',
    async () => {
      if (!settled) await sendCancel(cluster.listening!.port, keyOf(c));
      return settled;
    },
    30_000,
    50,
  );
  t.is(await long, '57014');
  t.deepEqual((await c.query('SELECT count(*) AS n FROM big')).rows, [{ n: '200' }]);
  await sendCancel(cluster.listening!.port, { ...keyOf(c), secretKey: keyOf(c).secretKey ^ 1 });
  t.deepEqual((await c.query('SELECT 1 AS ok')).rows, [{ ok: 1 }], 'a cancel with a wrong key changes nothing');
});

test('kill -9 of a worker ends the connections on that worker only: a connection on the other worker keeps working, and new connections are accepted', async (t) => {
  const { cluster } = await testCluster(t, { listen: { port: 0 } });
  const a = await connected(t, cluster.connectionString);
  const b = await connected(t, cluster.connectionString);
  const status = await cluster.status();
  const workerOf = (c: pg.Client) => Number(hash(status, `ag:proc:backend:net:${keyOf(c).processID}`)['pid']);
  t.not(workerOf(a), workerOf(b), 'least-loaded placement puts them on different workers');
  await a.query('CREATE TABLE t (n int4)');
  await b.query('INSERT INTO t VALUES (1)');
  const aEnded = new Promise<Error>((resolve) => a.once('error', resolve).once('end', () => resolve(new Error('end'))));
  process.kill(workerOf(a), 'SIGKILL');
  await aEnded;
  t.not(await sqlstate(a.query('SELECT 1')), 'no error', "the killed worker's connection is gone");
  t.deepEqual((await b.query('SELECT count(*) AS n FROM t')).rows, [{ n: '1' }], "the other worker's session goes on");
  await until('the dead backend is forgotten', async () => (await cluster.status()).connections === 1);
  const c = await connected(t, cluster.connectionString);
  t.deepEqual((await c.query('SELECT count(*) AS n FROM t')).rows, [{ n: '1' }]);
});
