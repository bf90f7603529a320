import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { createAuthExchange, md5Secret } from '../protocol/auth.ts';
import { ProtocolError } from '../protocol/errors.ts';
import { HbaError, hbaAuthMethod, hbaMatch, parseHba } from '../protocol/hba.ts';
import { scramVerifier } from '../protocol/scramVerifier.ts';
import { listenProtocol, type ProtocolServer } from '../protocol/server.ts';
import { FakeEngine } from '../protocol/testing/fakeEngine.ts';
import { initDataDirectory } from '../utils/dataDir.ts';

const roles = { alice: scramVerifier('wonderland'), bob: md5Secret('builder', 'bob'), carol: 'plain-secret', nopass: null };

async function withServer(hba: string, fn: (port: number) => Promise<void>): Promise<void> {
  const server: ProtocolServer = await listenProtocol({ engine: () => new FakeEngine({ hba, roles }), listen: { port: 0 } });
  try {
    await fn(server.port);
  } finally {
    await server.close();
  }
}

async function login(port: number, user: string, password?: string, database = 'postgres'): Promise<string> {
  const client = new pg.Client({ host: '127.0.0.1', port, user, database, ...(password === undefined ? {} : { password }) });
  await client.connect();
  try {
    const r = await client.query('SELECT 1');
    return String(r.rows[0]['?column?']);
  } finally {
    await client.end();
  }
}

async function loginError(port: number, user: string, password?: string, database = 'postgres'): Promise<{ code: string; message: string; severity: string }> {
  try {
    await login(port, user, password, database);
  } catch (err) {
    const e = err as { code: string; message: string; severity: string };
    return { code: e.code, message: e.message, severity: e.severity };
  }
  throw new Error('login succeeded');
}

test('SCRAM-SHA-256 with node-postgres: the right password logs in', async (t) => {
  await withServer('host all all 127.0.0.1/32 scram-sha-256', async (port) => {
    t.is(await login(port, 'alice', 'wonderland'), '1');
  });
});

test('SCRAM-SHA-256: a wrong password and an unknown user fail identically with 28P01', async (t) => {
  await withServer('host all all 127.0.0.1/32 scram-sha-256', async (port) => {
    const wrong = await loginError(port, 'alice', 'looking-glass');
    t.deepEqual(wrong, { code: '28P01', message: 'password authentication failed for user "alice"', severity: 'FATAL' });
    const unknown = await loginError(port, 'mallory', 'looking-glass');
    t.deepEqual(unknown, { code: '28P01', message: 'password authentication failed for user "mallory"', severity: 'FATAL' });
    const noPassword = await loginError(port, 'nopass', 'x');
    t.is(noPassword.code, '28P01');
  });
});

test('SCRAM: an unknown user is offered a salt and iteration count stable per name, like a real role', (t) => {
  const first = (user: string, secret: string | null): string => {
    const ex = createAuthExchange('scram-sha-256', user, secret)!;
    ex.start();
    const init = serialize.sendSASLInitialResponseMessage('SCRAM-SHA-256', 'n,,n=*,r=clientnonce');
    const step = ex.step(init.subarray(5));
    return step.send[0]!.subarray(9).toString();
  };
  const a = first('mallory', null);
  const b = first('mallory', null);
  const salt = (s: string) => /,s=([^,]+),i=(\d+)$/.exec(s)!.slice(1);
  t.deepEqual(salt(a), salt(b));
  t.notDeepEqual(salt(a), salt(first('trudy', null)));
  t.is(salt(a)[1], '4096');
  t.regex(a, /^r=clientnonce[A-Za-z0-9+/=]{24},s=/);
});

test('SCRAM: malformed client messages are FATAL 08P01, an unknown mechanism is rejected', (t) => {
  const start = () => {
    const ex = createAuthExchange('scram-sha-256', 'alice', roles.alice)!;
    ex.start();
    return ex;
  };
  const body = (mech: string, data: string) => serialize.sendSASLInitialResponseMessage(mech, data).subarray(5);
  t.like(
    t.throws(() => start().step(body('SCRAM-SHA-1', 'n,,n=*,r=x')), { instanceOf: ProtocolError }),
    { sqlstate: '08P01', message: 'client selected an invalid SASL authentication mechanism' },
  );
  t.like(
    t.throws(() => start().step(body('SCRAM-SHA-256', 'garbage')), { instanceOf: ProtocolError }),
    { sqlstate: '08P01', message: 'malformed SCRAM message' },
  );
  t.like(
    t.throws(() => start().step(body('SCRAM-SHA-256', 'p=tls-server-end-point,,n=*,r=x')), { instanceOf: ProtocolError }),
    { sqlstate: '08P01' },
  );
  const ex = start();
  ex.step(body('SCRAM-SHA-256', 'n,,n=*,r=abc'));
  const final = serialize.sendSCRAMClientFinalMessage('c=biws,r=wrongnonce,p=' + Buffer.alloc(32).toString('base64')).subarray(5);
  t.like(
    t.throws(() => ex.step(final), { instanceOf: ProtocolError }),
    { sqlstate: '08P01', message: 'malformed SCRAM message', detail: 'Nonce does not match.' },
  );
});

test('md5 with node-postgres: right password in, wrong password and unknown user out with 28P01', async (t) => {
  await withServer('host all all 127.0.0.1/32 md5', async (port) => {
    t.is(await login(port, 'bob', 'builder'), '1');
    t.is(await login(port, 'carol', 'plain-secret'), '1');
    t.deepEqual(await loginError(port, 'bob', 'nope'), { code: '28P01', message: 'password authentication failed for user "bob"', severity: 'FATAL' });
    t.deepEqual(await loginError(port, 'mallory', 'nope'), { code: '28P01', message: 'password authentication failed for user "mallory"', severity: 'FATAL' });
    // md5 with a SCRAM secret is upgraded to SCRAM, as PostgreSQL does.
    t.is(await login(port, 'alice', 'wonderland'), '1');
  });
});

test('password (cleartext) with node-postgres: checked against SCRAM, md5 and plain secrets', async (t) => {
  await withServer('host all all 127.0.0.1/32 password', async (port) => {
    t.is(await login(port, 'alice', 'wonderland'), '1');
    t.is(await login(port, 'bob', 'builder'), '1');
    t.is(await login(port, 'carol', 'plain-secret'), '1');
    t.is((await loginError(port, 'alice', 'x')).code, '28P01');
    t.is((await loginError(port, 'mallory', 'x')).message, 'password authentication failed for user "mallory"');
  });
});

test('no matching pg_hba.conf rule is FATAL 28000 with PostgreSQL wording; reject rules refuse', async (t) => {
  await withServer('host all alice 127.0.0.1/32 trust\nhost all carol 127.0.0.1/32 reject', async (port) => {
    t.is(await login(port, 'alice'), '1');
    t.deepEqual(await loginError(port, 'bob', 'x', 'sales'), {
      code: '28000',
      message: 'no pg_hba.conf entry for host "127.0.0.1", user "bob", database "sales", no encryption',
      severity: 'FATAL',
    });
    t.is((await loginError(port, 'carol', 'x', 'sales')).message, 'pg_hba.conf rejects connection for host "127.0.0.1", user "carol", database "sales", no encryption');
  });
});

test('hba.conf as init writes it parses, and matches local, IPv4 and IPv6 loopback', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ag-hba-'));
  try {
    initDataDirectory(join(dir, 'data'), { auth: 'scram-sha-256', superuser: 'postgres', password: 'pw' });
    const rules = parseHba(readFileSync(join(dir, 'data', 'hba.conf'), 'utf8'));
    t.is(rules.length, 3);
    const req = { user: 'postgres', database: 'postgres' };
    t.is(hbaAuthMethod(rules, { ...req, local: true }), 'scram-sha-256');
    t.is(hbaAuthMethod(rules, { ...req, local: false, address: '127.0.0.1' }), 'scram-sha-256');
    t.is(hbaAuthMethod(rules, { ...req, local: false, address: '::ffff:127.0.0.1' }), 'scram-sha-256');
    t.is(hbaAuthMethod(rules, { ...req, local: false, address: '::1' }), 'scram-sha-256');
    t.throws(() => hbaAuthMethod(rules, { ...req, local: false, address: '10.0.0.1' }), {
      message: 'no pg_hba.conf entry for host "10.0.0.1", user "postgres", database "postgres", no encryption',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hba rules: first match wins; all, sameuser, comma lists, quoted names, CIDR and address-plus-mask', (t) => {
  const rules = parseHba(
    [
      '# comment line',
      'local   sameuser        all                                   trust',
      'host    "all"           all             10.0.0.0/8            reject',
      'host    sales,hr        alice, bob      10.0.0.0/8            md5   # trailing comment',
      'hostssl all             all             0.0.0.0/0             scram-sha-256',
      'host    all             all             192.168.1.0 255.255.255.0 password',
      'host    all             all             fe80::/10             trust',
      'hostnossl all           all             all                   scram-sha-256',
    ].join('\n'),
  );
  const at = (r: ReturnType<typeof hbaMatch>) => r?.line ?? null;
  t.is(at(hbaMatch(rules, { local: true, user: 'x', database: 'x' })), 2);
  t.is(at(hbaMatch(rules, { local: true, user: 'x', database: 'y' })), null);
  // "all" quoted is a database named all, not the keyword.
  t.is(at(hbaMatch(rules, { local: false, address: '10.1.2.3', user: 'alice', database: 'all' })), 3);
  t.is(at(hbaMatch(rules, { local: false, address: '10.1.2.3', user: 'bob', database: 'hr' })), 4);
  t.is(at(hbaMatch(rules, { local: false, address: '10.1.2.3', user: 'eve', database: 'hr' })), 8);
  t.is(at(hbaMatch(rules, { local: false, address: '10.1.2.3', user: 'eve', database: 'hr', ssl: true })), 5);
  t.is(at(hbaMatch(rules, { local: false, address: '192.168.1.77', user: 'eve', database: 'x' })), 6);
  t.is(at(hbaMatch(rules, { local: false, address: 'fe80::1234', user: 'eve', database: 'x' })), 7);
});

test('hba errors name the line and the fault', (t) => {
  const bad: Array<[string, string]> = [
    ['hots all all 127.0.0.1/32 trust', 'invalid connection type "hots"'],
    ['host all all 127.0.0.1/33 trust', 'invalid CIDR mask in address "127.0.0.1/33"'],
    ['host all all example.com trust', 'invalid IP address "example.com": host names are not supported'],
    ['host all all 127.0.0.1/32 peer', 'invalid authentication method "peer"'],
    ['host all all 127.0.0.1/32', 'end-of-line before authentication method'],
    ['local all', 'end-of-line before role specification'],
    ['host all all samehost trust', '"samehost" is not supported'],
    ['host all all 127.0.0.1/32 md5 clientcert=verify-ca', 'authentication option "clientcert=verify-ca" is not supported'],
  ];
  for (const [line, reason] of bad) {
    const err = t.throws(() => parseHba(`local all all trust\n\n${line}\n`, '/data/hba.conf'), { instanceOf: HbaError });
    t.is(err?.line, 3);
    t.is(err?.message, `${reason} (line 3 of configuration file "/data/hba.conf")`);
  }
});
