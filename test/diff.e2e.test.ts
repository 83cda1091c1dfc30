// End-to-end: `podnet diff` on two real runs in the lab, a clean one and one with the ignore-except fault
// (same seed and scenarios): the fault's rule is a regression; swapped, it is a fix.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'podnet.js');
let dir: string;

const podnet = (...args: string[]) => execa('node', [BIN, ...args], { cwd: dir, reject: false });

// Seed 7's third policy scenario has an ipBlock except that decides a verdict (reports/fixtures/policy.json).
const RUN = ['run', '--seed', '7', '--areas', 'policy', '--runs', '3', '--shrink-budget', '15s'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-diff-'));
  const clean = await podnet(...RUN, '--out', 'clean');
  expect(clean.exitCode, clean.stderr).toBe(0);
  const fault = await podnet(...RUN, '--lab-fault', 'ignore-except', '--out', 'fault');
  expect(fault.exitCode, fault.stderr).toBe(1);
}, 600_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('podnet diff on real lab runs', { tags: ['lab', 'e2e'], timeout: 60_000 }, () => {
  test('clean → ignore-except: exit 1, the regression and its new finding named', async () => {
    const r = await podnet('diff', 'clean/results.json', 'fault/results.json');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^ {2}REGRESSION +policy NP-[A-Z-]+ {2}pass → fail/m);
    expect(r.stdout).toMatch(/^ {2}new {3}leak /m);
    expect(r.stdout).toContain('options.labFaults: [] → ["ignore-except"]');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^REGRESSION: 1 regression/);
  });

  test('ignore-except → clean: exit 0, the fix named and the finding gone', async () => {
    const r = await podnet('diff', 'fault/results.json', 'clean/results.json');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^ {2}fixed +policy NP-[A-Z-]+ {2}fail → pass/m);
    expect(r.stdout).toMatch(/^ {2}gone {2}leak /m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('no regression; 1 fix');
  });

  test('--format json -o FILE writes the comparison; --github prints one annotation per regression', async () => {
    const r = await podnet(
      'diff',
      'clean/results.json',
      'fault/results.json',
      '--format',
      'json',
      '-o',
      'd.json',
    );
    expect(r.exitCode).toBe(1);
    const diff = JSON.parse(readFileSync(join(dir, 'd.json'), 'utf8')) as { regressions: number };
    expect(diff.regressions).toBe(1);
    const github = await podnet(
      'diff',
      'clean/results.json',
      'fault/results.json',
      '--github',
      '--format',
      'markdown',
    );
    expect(github.stdout).toMatch(/^### podnet diff: REGRESSION/);
    expect(github.stdout.split('\n').filter((l) => l.startsWith('::error '))).toHaveLength(1);
  });

  test('bad input exits 2 naming the file or the option', async () => {
    await writeFile(join(dir, 'broken.json'), '{"schemaVersion": 1');
    const broken = await podnet('diff', 'clean/results.json', 'broken.json');
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain('broken.json');
    const missing = await podnet('diff', 'clean/results.json');
    expect(missing.exitCode).toBe(2);
    const badOut = await podnet('diff', 'clean/results.json', 'fault/results.json', '-o', '/proc/version');
    expect(badOut.exitCode).toBe(2);
    expect(badOut.stderr).toContain('/proc/version');
    const badFormat = await podnet('diff', 'clean/results.json', 'fault/results.json', '--format', 'html');
    expect(badFormat.exitCode).toBe(2);
    expect(badFormat.stderr).toContain('--format must be text, json or markdown');
  });
});
