// Issue 16: the runner compares and drives; semantics live in oracle/. These checks keep it so.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function productionFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...productionFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.includes('.test-helpers.'))
      out.push(p);
  }
  return out;
}

const runnerFiles = productionFiles(join(ROOT, 'runner')).map((f) => ({
  file: relative(ROOT, f),
  text: readFileSync(f, 'utf8'),
}));

/** The code of a file without its comments (rule ids named in comments are documentation). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

test('the runner reaches oracle/lb and oracle/model only through their index', () => {
  const deep = runnerFiles.flatMap(({ file, text }) =>
    [...text.matchAll(/from '([^']*oracle\/(?:lb|model)\/[^']+)'/g)]
      .map((m) => m[1] ?? '')
      .filter((spec) => !/oracle\/(lb|model)\/index\.ts$/.test(spec))
      .map((spec) => `${file} imports ${spec}`),
  );
  expect(deep).toEqual([]);
});

test('the runner holds no network-model rule of its own (they are in oracle/model)', () => {
  const literals = runnerFiles.flatMap(({ file, text }) =>
    [...code(text).matchAll(/['"`](MODEL-[A-Z-]+)/g)].map((m) => `${file}: ${m[1]}`),
  );
  expect(literals).toEqual([]);
});

test('one fast-check search call site in the runner (searchAndShrink.ts), used by every area', () => {
  const sites = runnerFiles
    .filter(({ text }) => /\bfc\.(check|assert)\(/.test(code(text)))
    .map((f) => f.file);
  expect(sites).toEqual(['runner/searchAndShrink.ts']);
  const users = runnerFiles.filter(({ text }) => /\bsearchAndShrink\(/.test(code(text))).map((f) => f.file);
  expect(users.sort()).toEqual([
    'runner/areas/flannel/flannelArea.ts',
    'runner/areas/lb/lbArea.ts',
    'runner/areas/policy/conformance.ts',
  ]);
});
