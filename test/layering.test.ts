import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

function resolvedImports(file: string): string[] {
  return imports(file)
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(root, join(root, file, '..', s)));
}

test('supervision/ never imports storage/ or actors/: the runtime stays below what runs on it', (t) => {
  for (const file of sources('supervision')) {
    for (const dep of resolvedImports(file)) {
      t.false(dep.startsWith('storage/'), `${file} imports ${dep}`);
      t.false(dep.startsWith('actors/'), `${file} imports ${dep}`);
    }
  }
});

test('the postmaster never imports storage/: it asks the shmem actor instead', (t) => {
  const deps = resolvedImports('actors/postmaster.ts');
  t.true(deps.length > 0);
  for (const dep of deps) t.false(dep.startsWith('storage/'), `actors/postmaster.ts imports ${dep}`);
});
