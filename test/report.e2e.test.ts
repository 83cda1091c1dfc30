import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ResultsDocument } from '../spec/results.ts';

const BIN = fileURLToPath(new URL('../bin/podnet.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../reports/fixtures/full.json', import.meta.url));

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-report-e2e-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('podnet report', { tags: ['e2e'] }, () => {
  test('re-renders report.html, junit.xml and, with --github, summary.md and annotations', async () => {
    await copyFile(FIXTURE, join(dir, 'results.json'));
    const stepSummary = join(dir, 'step-summary.md');
    const run = await execa(
      'node',
      [BIN, 'report', 'results.json', '--github', '-o', 'out/r.html', '--junit', 'j.xml'],
      {
        cwd: dir,
        reject: false,
        env: { GITHUB_STEP_SUMMARY: stepSummary, NO_COLOR: '1' },
      },
    );
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const doc = JSON.parse(await readFile(FIXTURE, 'utf8')) as ResultsDocument;
    const failing = doc.findings.filter((f) => f.kind !== 'inconclusive' && f.kind !== 'undefined').length;
    expect(failing).toBeGreaterThan(1);
    expect(run.stdout).toContain(`podnet FAIL  ${failing} findings`);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('::error '))).toHaveLength(failing);
    expect(await readFile(join(dir, 'out', 'r.html'), 'utf8')).toContain('<!doctype html>');
    expect(await readFile(join(dir, 'j.xml'), 'utf8')).toContain('<testsuite name="podnet.policy"');
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toMatch(/^## podnet/);
    expect(await readFile(stepSummary, 'utf8')).toMatch(/^## podnet/);
  });

  test('a file that is not a podnet results document exits 2 with a clear message', async () => {
    await writeFile(
      join(dir, 'results.json'),
      JSON.stringify({ tool: { name: 'podnet' }, schemaVersion: 99 }),
    );
    const run = await execa('node', [BIN, 'report', 'results.json'], { cwd: dir, reject: false });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('unsupported schemaVersion 99; this podnet reads versions 1 and 2');
  });

  test('no results file is a usage error', async () => {
    const run = await execa('node', [BIN, 'report'], { cwd: dir, reject: false });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('missing the results file');
  });
});
