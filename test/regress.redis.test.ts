/*
 * The regression suite (test/regress/, PostgreSQL's own form): every file of
 * the schedule, replayed against actorgres's SQL sessions in one database as
 * pg_regress does, must reproduce the output recorded from PostgreSQL 15 byte
 * for byte — except the files listed in known_failures, whose reasons are
 * listed there (and in the README).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqlProcess } from '../sql/sqlProcess.ts';
import { openActorgresSession } from './regress/actorgresSession.ts';
import { readSchedule, REGRESS_DIR, runRegressFile } from './regress/runner.ts';
import { storageRig } from './helpers/storage.ts';

function knownFailures(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(join(REGRESS_DIR, 'known_failures'), 'utf8').split('\n')) {
    const m = /^([a-z_]+)\s+(.*)$/.exec(line.trim());
    if (m && !line.startsWith('#')) out.set(m[1]!, m[2]!);
  }
  return out;
}

test('every scheduled regression file not listed as a known failure reproduces PostgreSQL 15 output byte for byte', async (t) => {
  t.timeout(300_000);
  const rig = await storageRig(t);
  const proc = await SqlProcess.open({ dataDir: rig.dataDir, redisAddress: rig.redisAddress, keyPrefix: 'ag:', name: 'regress' });
  t.teardown(() => proc.close());
  const known = knownFailures();
  const schedule = readSchedule();
  for (const name of known.keys()) t.true(schedule.includes(name), `known_failures names ${name}, which is not in the schedule`);
  let statements = 0;
  const passed: string[] = [];
  for (const name of schedule) {
    const sql = readFileSync(join(REGRESS_DIR, 'sql', `${name}.sql`), 'utf8');
    const expected = readFileSync(join(REGRESS_DIR, 'expected', `${name}.out`), 'utf8');
    const actual = await runRegressFile(sql, await openActorgresSession(proc));
    if (known.has(name)) {
      t.log(`${name}: known failure (${known.get(name)})${actual === expected ? ' — now passes: remove it from known_failures' : ''}`);
      continue;
    }
    if (actual !== expected) {
      const a = expected.split('\n');
      const b = actual.split('\n');
      const i = a.findIndex((line, k) => line !== b[k]);
      t.fail(`${name}: first difference at line ${i + 1}\n  expected: ${a[i] ?? '(end)'}\n  actual:   ${b[i] ?? '(end)'}`);
      continue;
    }
    passed.push(name);
    statements += expected.split('\n').filter((l) => /;\s*$/.test(l) && !l.startsWith('--')).length;
  }
  t.log(`${passed.length} files, about ${statements} statements, match PostgreSQL byte for byte`);
  t.true(passed.length > 0);
});
