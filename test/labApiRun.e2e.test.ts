// `podnet run --target kube` end to end on the lab API (lab up --api), with the real kubectl: a clean run
// conforms and leaves no namespace of its own; with the API's own faults the run ends with a correct exit
// code and never reports a leak or a block; `podnet cleanup --all` removes what a SIGKILLed run left and
// nothing else. Each test has its own lab, always taken down.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanupLab } from '../adapters/lab/cleanup.ts';
import { testLabId } from '../adapters/lab/testing.ts';
import { labLeftovers } from './labLeftovers.ts';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'podnet.js');
const SYSTEM_NAMESPACES = [
  'namespace/default',
  'namespace/kube-node-lease',
  'namespace/kube-public',
  'namespace/kube-system',
];
let dir: string;
const labs: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-labapi-run-'));
});
afterAll(async () => {
  // Only this file's labs; a lab test never removes another test's lab.
  for (const id of labs) await cleanupLab(id, undefined, true);
  await rm(dir, { recursive: true, force: true });
});

async function labUp(extra: readonly string[] = []): Promise<{ id: string; kc: string }> {
  const id = testLabId();
  labs.push(id);
  const kc = join(dir, `${id}.kubeconfig`);
  const up = await execa('node', [BIN, 'lab', 'up', '--api', '--lab', id, '--kubeconfig-out', kc, ...extra], {
    cwd: dir,
    reject: false,
  });
  expect(up.exitCode, `${up.stdout}\n${up.stderr}`).toBe(0);
  return { id, kc };
}

async function labDown(id: string): Promise<void> {
  const down = await execa('node', [BIN, 'lab', 'down', '--lab', id], { cwd: dir, reject: false });
  expect(down.exitCode, down.stderr).toBe(0);
  expect(await labLeftovers(id)).toEqual({ netns: [], links: [], processes: [] });
}

/** The namespaces, asked until kubectl gets an answer (the API's error fault may fail a few requests). */
async function namespaces(kc: string): Promise<string[]> {
  let last = '';
  for (let attempt = 0; attempt < 6; attempt++) {
    const r = await execa('kubectl', ['--kubeconfig', kc, 'get', 'ns', '-o', 'name'], { reject: false });
    if (r.exitCode === 0) return r.stdout.trim().split('\n').sort();
    last = r.stderr;
  }
  throw new Error(`kubectl get ns kept failing: ${last}`);
}

/**
 * The namespaces once those of podnet runs are gone: a run deletes its namespaces and leaves (as on any
 * cluster, a namespace is Terminating until its pods are gone), so wait for them, bounded.
 */
async function settledNamespaces(kc: string): Promise<string[]> {
  const deadline = Date.now() + 60_000;
  let names = await namespaces(kc);
  while (Date.now() < deadline && names.some((n) => n.startsWith('namespace/podnet-'))) {
    await new Promise((r) => setTimeout(r, 500));
    names = await namespaces(kc);
  }
  return names;
}

async function results(
  out: string,
): Promise<{ summary: { scenarios: number; probes: number }; findings: { kind: string }[] }> {
  return JSON.parse(await readFile(join(dir, out, 'results.json'), 'utf8'));
}

describe('podnet run --target kube on the lab API', { tags: ['lab', 'e2e'] }, () => {
  test('a clean lab API conforms: exit 0, scenarios run, no leak or block, no namespace of the run left', async () => {
    const { id, kc } = await labUp();
    const started = Date.now();
    const run = await execa(
      'node',
      [
        BIN,
        'run',
        '--target',
        'kube',
        '--kubeconfig',
        kc,
        '--seed',
        '1',
        '--budget',
        '60s',
        '--out',
        'clean',
        '--quiet',
      ],
      { cwd: dir, reject: false, timeout: 600_000 },
    );
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const doc = await results('clean');
    // Measured, not asserted beyond "it ran": the throughput depends on the machine's load (see the README).
    process.stdout.write(
      `lab API run: ${doc.summary.scenarios} scenarios, ${doc.summary.probes} probes in ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
    expect(doc.summary.scenarios).toBeGreaterThan(0);
    expect(doc.findings.filter((f) => f.kind === 'leak' || f.kind === 'block')).toEqual([]);
    expect(await settledNamespaces(kc)).toEqual(SYSTEM_NAMESPACES);
    await labDown(id);
  }, 900_000);

  test('with exec streams cut, slow answers and dropped watches: still exit 0, never a leak or block', async () => {
    const { id, kc } = await labUp(['--api-faults', 'exec-cut=2:64b,slow=5%:300ms,watch-drop=3:1s,seed=1']);
    const run = await execa(
      'node',
      [
        BIN,
        'run',
        '--target',
        'kube',
        '--kubeconfig',
        kc,
        '--seed',
        '2',
        '--budget',
        '30s',
        '--out',
        'faults',
        '--quiet',
      ],
      { cwd: dir, reject: false, timeout: 600_000 },
    );
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const doc = await results('faults');
    expect(doc.findings.filter((f) => f.kind === 'leak' || f.kind === 'block')).toEqual([]);
    const log = await readFile(`/run/podnet/${id}/log/api.log`, 'utf8');
    expect(log).toMatch(/api-fault exec-cut/);
    expect(await settledNamespaces(kc)).toEqual(SYSTEM_NAMESPACES);
    await labDown(id);
  }, 900_000);

  test('with the API failing requests (500): exit 3 naming the server, and nothing of the run left', async () => {
    const { id, kc } = await labUp(['--api-faults', 'error=3']);
    const run = await execa(
      'node',
      [BIN, 'run', '--target', 'kube', '--kubeconfig', kc, '--budget', '30s', '--out', 'errors', '--quiet'],
      {
        cwd: dir,
        reject: false,
        timeout: 600_000,
      },
    );
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(3);
    expect(run.stderr).toMatch(/answered HTTP 500: Internal error occurred: injected by --api-faults/);
    expect(await settledNamespaces(kc)).toEqual(SYSTEM_NAMESPACES);
    await labDown(id);
  }, 900_000);

  test('podnet cleanup --all removes what a SIGKILLed run left, and nothing else', async () => {
    const { id, kc } = await labUp();
    const kubectl = (args: readonly string[]) =>
      execa('kubectl', ['--kubeconfig', kc, ...args], { reject: false });
    expect((await kubectl(['create', 'namespace', 'not-podnet'])).exitCode).toBe(0);
    const run = execa(
      'node',
      [BIN, 'run', '--target', 'kube', '--kubeconfig', kc, '--budget', '120s', '--out', 'killed', '--quiet'],
      {
        cwd: dir,
        reject: false,
      },
    );
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && !(await namespaces(kc)).some((n) => n.startsWith('namespace/podnet-'))) {
      await new Promise((r) => setTimeout(r, 1000));
    }
    run.kill('SIGKILL');
    await run;
    const left = (await namespaces(kc)).filter((n) => n.startsWith('namespace/podnet-'));
    expect(left.length).toBeGreaterThan(0);
    const cleanup = await execa('node', [BIN, 'cleanup', '--all', '--kubeconfig', kc], {
      cwd: dir,
      reject: false,
    });
    expect(cleanup.exitCode, cleanup.stderr).toBe(0);
    for (const n of left)
      expect(cleanup.stdout).toContain(`deleted namespace ${n.slice('namespace/'.length)}`);
    expect(await settledNamespaces(kc)).toEqual([...SYSTEM_NAMESPACES, 'namespace/not-podnet'].sort());
    await labDown(id);
  }, 900_000);
});
