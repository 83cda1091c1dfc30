// `podnet run --require-coverage` (docs/rules.md "Coverage", docs/design.md "Exit codes"), through the real
// binary in a temp dir: a bad requirement file is bad input before any lab exists; on the lab, a run that
// conforms but leaves a required rule or feature unexercised exits 4, and one that meets it exits 0.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanupLab } from '../adapters/lab/cleanup.ts';
import { labLeftovers } from './labLeftovers.ts';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'podnet.js');
let dir: string;
// Each run pins its lab id, so cleanup touches only this file's labs.
const LAB_IDS = ['e2c1', 'e2c2', 'e2c3'] as const;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-coverage-'));
});
afterAll(async () => {
  for (const id of LAB_IDS) await cleanupLab(id);
  await rm(dir, { recursive: true, force: true });
});

function podnet(args: readonly string[], labId: string) {
  return execa('node', [BIN, ...args], {
    cwd: dir,
    reject: false,
    env: { PODNET_LAB_ID: labId, NO_COLOR: '1' },
  });
}

describe('podnet run --require-coverage', () => {
  test('a requirement naming an unknown rule is bad input (exit 2), named by file and line, before any lab', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'rules: [NP-ALLOW, NP-NOPE]\n');
    const r = await podnet(['run', '--runs', '1', '--require-coverage', 'bad.yaml', '--quiet'], LAB_IDS[0]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('bad.yaml:1');
    expect(r.stderr).toContain('unknown rule "NP-NOPE"');
    expect(r.stderr).not.toContain('podnet run: target lab');
    expect(await labLeftovers(LAB_IDS[0])).toEqual({ netns: [], links: [], processes: [] });
  });
});

describe('podnet run --require-coverage on the lab', { tags: ['lab', 'e2e'] }, () => {
  test('all: one scenario holds too few steps to exercise NP-STEP after each of the 6 kinds, so exit 4', async () => {
    const r = await podnet(
      ['run', '--seed', '1', '--runs', '1', '--out', 'all', '--require-coverage', 'all', '--quiet'],
      LAB_IDS[1],
    );
    expect(r.stderr).not.toContain('internal error');
    expect(r.exitCode, r.stdout).toBe(4);
    expect(r.stdout).toMatch(/^covered \d+ of 9 rules, \d+ of \d+ features; /m);
    expect(r.stdout).toMatch(
      /^coverage gate \(--require-coverage\): not met, exit 4; never exercised: .*after /m,
    );
    const doc = JSON.parse(await readFile(join(dir, 'all', 'results.json'), 'utf8'));
    expect(doc.schemaVersion).toBe(2);
    expect(doc.options.requireCoverage).toBe('all');
    expect(doc.summary.conforms).toBe(true);
    // The lab sends no SCTP and has no IPv6: listed as unsupported, never as missed.
    expect(doc.coverage.unsupported.map((u: { feature: string }) => u.feature)).toEqual(
      expect.arrayContaining(['protocol SCTP', 'IPv6']),
    );
    expect(await labLeftovers(LAB_IDS[1])).toEqual({ netns: [], links: [], processes: [] });
  });

  test('a file whose rules and features every scenario exercises: met, exit 0', async () => {
    await writeFile(
      join(dir, 'need.yaml'),
      'rules: [MODEL-NODE-TO-POD, MODEL-IP-IN-LEASE]\nfeatures:\n  model: [node to local pod, pod IPs]\n',
    );
    const r = await podnet(
      ['run', '--seed', '1', '--runs', '1', '--out', 'need', '--require-coverage', 'need.yaml', '--quiet'],
      LAB_IDS[2],
    );
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('coverage gate (--require-coverage): met');
    const doc = JSON.parse(await readFile(join(dir, 'need', 'results.json'), 'utf8'));
    const rule = doc.coverage.rules.find((x: { rule: string }) => x.rule === 'MODEL-NODE-TO-POD');
    expect(rule).toMatchObject({ area: 'model', scenarios: 1 });
    expect(rule.allow).toBe(rule.probes);
    expect(await labLeftovers(LAB_IDS[2])).toEqual({ netns: [], links: [], processes: [] });
  });
});
