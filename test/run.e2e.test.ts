// `podnet run`, `podnet replay` and Ctrl-C, through the real binary in a temp dir, against the lab.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanupLab } from '../adapters/lab/cleanup.ts';
import { DEFAULT_STATE_ROOT } from '../adapters/lab/names.ts';
import { labLeftovers } from './labLeftovers.ts';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'podnet.js');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-run-'));
});
// Each run pins its lab id, so cleanup touches only this file's labs, never another test's running lab.
const LAB_IDS = ['e2e1', 'e2e3', 'e2e5'] as const;
afterAll(async () => {
  for (const id of LAB_IDS) await cleanupLab(id);
  await rm(dir, { recursive: true, force: true });
});

async function results(
  out: string,
): Promise<
  Record<string, unknown> & { findings: Record<string, unknown>[]; summary: Record<string, unknown> }
> {
  return JSON.parse(await readFile(join(dir, out, 'results.json'), 'utf8'));
}

describe('podnet run on the lab', { tags: ['lab', 'e2e'] }, () => {
  test('a clean lab conforms: exit 0, and results.json holds the versioned fields', async () => {
    const r = await execa(
      'node',
      [
        BIN,
        'run',
        '--seed',
        '1',
        '--budget',
        '20s',
        '--shrink-budget',
        '30s',
        '--out',
        'clean',
        '--quiet',
        '--profile-timing',
      ],
      { cwd: dir, reject: false, env: { PODNET_LAB_ID: 'e2e1' } },
    );
    expect(r.stderr).not.toContain('internal error');
    // On failure, show what was found: a false alarm on a clean lab is a bug of the lab or the oracle.
    expect(r.exitCode, r.stdout).toBe(0);
    const doc = await results('clean');
    expect(doc.schemaVersion).toBe(2);
    // The coverage line, and results.json's coverage: the node-to-pod probes of every scenario decided.
    expect(r.stdout).toMatch(/^covered \d+ of 9 rules, \d+ of \d+ features/m);
    const coverage = doc.coverage as { rules: { rule: string; scenarios: number }[] };
    expect(coverage.rules.find((x) => x.rule === 'MODEL-NODE-TO-POD')?.scenarios).toBe(doc.summary.scenarios);
    expect(doc.target).toBe('lab');
    expect(doc.seed).toBe(1);
    expect(doc.profile).toMatchObject({ ipBlockMatchesPodIPs: true, loopback: 'undefined' });
    expect(doc.summary).toMatchObject({ conforms: true });
    expect(doc.summary.scenarios as number).toBeGreaterThan(0);
    expect(doc.summary.probes as number).toBeGreaterThan(0);
    // A glitch that did not come back on its second run may be recorded as inconclusive; nothing is judged.
    expect(doc.findings.filter((f) => f.kind !== 'inconclusive' && f.kind !== 'undefined')).toEqual([]);
    // --profile-timing: the phases of the lab and the runner, each with its calls.
    const phase = (name: string) => new RegExp(`^${name.replace('.', '\\.')} +\\d+\\.\\d+ +[1-9]\\d*`, 'm');
    expect(r.stderr).toMatch(new RegExp(`^timing: [\\d.]+ s, ${doc.summary.scenarios} scenarios`, 'm'));
    for (const name of ['runner.sync', 'runner.probe', 'lab.netfilter', 'lab.pods-agents', 'lab.probe'])
      expect(r.stderr).toMatch(phase(name));
    expect(await labLeftovers('e2e1')).toEqual({ netns: [], links: [], processes: [] });
  });

  test('a faulty lab: exit 1, a shrunk finding with every field, and replay reproduces it', async () => {
    const r = await execa(
      'node',
      [
        BIN,
        'run',
        '--seed',
        '3',
        '--budget',
        '60s',
        '--shrink-budget',
        '60s',
        '--lab-fault',
        'egress-ignored',
        '--out',
        'faulty',
        '--quiet',
      ],
      { cwd: dir, reject: false, env: { PODNET_LAB_ID: 'e2e3' } },
    );
    expect(r.stderr).not.toContain('internal error');
    expect(r.exitCode).toBe(1);
    const doc = await results('faulty');
    expect(doc.summary.conforms).toBe(false);
    const f = doc.findings[0]!;
    for (const field of [
      'id',
      'area',
      'rule',
      'kind',
      'seed',
      'path',
      'expected',
      'observed',
      'scenarioYaml',
      'probe',
    ]) {
      expect(f, field).toHaveProperty(field);
    }
    expect(f.kind).toBe('leak');
    expect(String(f.scenarioYaml)).toContain('kind: NetworkPolicy');
    const replay = await execa(
      'node',
      [BIN, 'replay', join('faulty', 'results.json'), '--finding', String(f.id)],
      { cwd: dir, reject: false },
    );
    expect(replay.stdout).toContain('REPRODUCED');
    expect(replay.stdout).not.toContain('NOT REPRODUCED');
    expect(replay.exitCode).toBe(1);
  });

  test('Ctrl-C mid-run leaves no namespace, link or process behind, and still writes results', async () => {
    const labId = LAB_IDS[2];
    const child = execa(
      'node',
      [BIN, 'run', '--seed', '5', '--budget', '120s', '--out', 'interrupted', '--quiet'],
      {
        cwd: dir,
        reject: false,
        env: { PODNET_LAB_ID: labId },
      },
    );
    // Wait until the lab is built (its record is written after the first sync: the run is probing by
    // then), not a fixed time: start-up alone takes seconds on a loaded machine.
    const record = join(DEFAULT_STATE_ROOT, labId, 'lab.json');
    for (let i = 0; i < 1200 && !existsSync(record); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(record), 'the run never built its lab').toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGINT');
    const r = await child;
    expect([0, 1, 130]).toContain(r.exitCode);
    const doc = await results('interrupted');
    expect(doc.summary.interrupted).toBe(true);
    expect(await labLeftovers(labId)).toEqual({ netns: [], links: [], processes: [] });
  });
});
