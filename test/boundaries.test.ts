// Import boundaries from docs/design.md "Layers" and "Boundaries", checked on every file (Playwright keeps
// such rules in DEPS.list).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const FOLDERS = ['spec', 'generators', 'oracle', 'adapters', 'runner', 'reports', 'cli'] as const;
type Folder = (typeof FOLDERS)[number];

/**
 * Which of our folders each folder may import (production code): the table of docs/design.md "Layers". cli/ may
 * import generators/ and oracle/: predict, explain, generate and flannel validate call them directly.
 */
const ALLOWED: Record<Folder, readonly Folder[]> = {
  spec: ['spec'],
  generators: ['generators', 'spec'],
  oracle: ['oracle', 'spec'],
  adapters: ['adapters', 'spec'],
  runner: ['runner', 'generators', 'oracle', 'adapters', 'reports', 'spec'],
  reports: ['reports', 'spec'],
  cli: ['cli', 'runner', 'reports', 'adapters', 'spec', 'generators', 'oracle'],
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  return importSpecifiers(readFileSync(file, 'utf8'));
}

function importSpecifiers(text: string): string[] {
  const specs: string[] = [];
  const re =
    /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    const s = m[1] ?? m[2] ?? m[3];
    if (s) specs.push(s);
  }
  return specs;
}

function folderOf(file: string): Folder | undefined {
  const top = relative(ROOT, file).split('/')[0];
  return (FOLDERS as readonly string[]).includes(top ?? '') ? (top as Folder) : undefined;
}

function localImports(file: string): string[] {
  return importsOf(file)
    .filter((s) => s.startsWith('.'))
    .map((s) => resolve(dirname(file), s));
}

const allFiles = FOLDERS.flatMap((f) => {
  try {
    return sourceFiles(join(ROOT, f));
  } catch {
    return [];
  }
});

describe('import boundaries (docs/design.md "Layers")', () => {
  test('each folder imports only the folders it may', () => {
    const violations: string[] = [];
    for (const file of allFiles) {
      if (file.endsWith('.test.ts')) continue;
      const from = folderOf(file);
      if (!from) continue;
      for (const target of localImports(file)) {
        const to = folderOf(target);
        if (to && !ALLOWED[from].includes(to))
          violations.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  test('nothing under adapters/lab or adapters/labapi (the API that drives the lab) reaches oracle/, directly or through another module (tests included)', () => {
    const labFiles = allFiles.filter((f) => /^adapters\/(lab|labapi)\//.test(relative(ROOT, f)));
    const violations: string[] = [];
    for (const start of labFiles) {
      const seen = new Set<string>();
      const stack: { file: string; chain: string[] }[] = [{ file: start, chain: [relative(ROOT, start)] }];
      while (stack.length > 0) {
        const { file, chain } = stack.pop()!;
        if (seen.has(file)) continue;
        seen.add(file);
        let targets: string[];
        try {
          targets = localImports(file);
        } catch {
          continue;
        }
        for (const t of targets) {
          const rel = relative(ROOT, t);
          if (rel.startsWith('oracle/')) violations.push([...chain, rel].join(' -> '));
          else stack.push({ file: t, chain: [...chain, rel] });
        }
      }
    }
    expect(violations).toEqual([]);
  });

  test('the kube adapter does not depend on the lab or its API in production code (its tests may)', () => {
    const violations: string[] = [];
    for (const file of allFiles) {
      const rel = relative(ROOT, file);
      if (!rel.startsWith('adapters/kube/') || rel.endsWith('.test.ts')) continue;
      for (const target of localImports(file)) {
        if (/^adapters\/(lab|labapi)\//.test(relative(ROOT, target)))
          violations.push(`${rel} imports ${relative(ROOT, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  test('adapters/labapi (production code) imports only spec/, adapters/lab/ and itself, never oracle/ or adapters/kube/', () => {
    // The lab API is part of the lab, not of the kube adapter it serves (issue 13), and like the lab it never
    // reaches the oracle.
    const allowed = ['spec/', 'adapters/lab/', 'adapters/labapi/'];
    const violations: string[] = [];
    for (const file of allFiles) {
      const rel = relative(ROOT, file);
      if (!rel.startsWith('adapters/labapi/') || file.endsWith('.test.ts')) continue;
      for (const target of localImports(file)) {
        const to = relative(ROOT, target);
        if (!allowed.some((a) => to.startsWith(a))) violations.push(`${rel} imports ${to}`);
      }
    }
    expect(violations).toEqual([]);
  });

  test('adapters/lab never imports adapters/labapi (the API builds on the lab, not the other way round)', () => {
    const violations: string[] = [];
    for (const file of allFiles) {
      const rel = relative(ROOT, file);
      if (!rel.startsWith('adapters/lab/')) continue;
      for (const target of localImports(file)) {
        const to = relative(ROOT, target);
        if (to.startsWith('adapters/labapi/')) violations.push(`${rel} imports ${to}`);
      }
    }
    expect(violations).toEqual([]);
  });

  test('the check itself catches a forbidden import', () => {
    const fake = [
      "import { x } from '../../oracle/policy/evaluate.ts';",
      "import type {\n  y,\n} from '../spec/model.ts';",
      "const m = await import('../../oracle/flannel/index.ts');",
      "export * from './other.ts';",
    ].join('\n');
    expect(importSpecifiers(fake)).toEqual([
      '../../oracle/policy/evaluate.ts',
      '../spec/model.ts',
      '../../oracle/flannel/index.ts',
      './other.ts',
    ]);
  });
});
