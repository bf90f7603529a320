import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScripts, SCRIPTS_DIR } from '../storage/scripts.ts';

test('every Lua script is named verbObject-N.lua and its header lists exactly N KEYS plus ARGV, Returns, Atomicity and Invariant', (t) => {
  const files = readdirSync(SCRIPTS_DIR).filter((f) => f.endsWith('.lua'));
  t.true(files.length > 0);
  for (const file of files) {
    const m = /^([a-z][A-Za-z]*)-(\d+)\.lua$/.exec(file);
    t.truthy(m, file);
    const text = readFileSync(join(SCRIPTS_DIR, file), 'utf8');
    const header = /^--\[\[([\s\S]*?)\]\]/.exec(text)?.[1] ?? '';
    const keys = [...header.matchAll(/^\s*KEYS\[(\d+)\]/gm)].map((k) => Number(k[1]));
    t.deepEqual(
      keys,
      Array.from({ length: Number(m![2]) }, (_, i) => i + 1),
      `${file}: KEYS in the header`,
    );
    for (const word of ['Returns:', 'Atomicity:', 'Invariant:']) t.true(header.includes(word), `${file}: header lacks ${word}`);
    t.true(header.includes('ARGV['), `${file}: header lacks ARGV`);
    const body = text.slice(text.indexOf(']]') + 2);
    const used = [...body.matchAll(/KEYS\[(\d+)\]/g)].map((k) => Number(k[1]));
    t.true(
      used.every((k) => k <= Number(m![2])),
      `${file}: the body uses a key the name does not count`,
    );
  }
  t.is(loadScripts().length, files.length);
});
