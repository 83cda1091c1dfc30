// `podnet run --target kube` end to end on the lab API (lab up --api), with the real kubectl: a clean run
// conforms and leaves no namespace of its own; with the API's own faults the run ends with a correct exit
// code and never reports a leak or a block; `podnet cleanup --all` removes what a SIGKILLed run left and
// nothing else. Each test has its own lab, always taken down.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { BIN, labApiDown, labApiSuite, labApiUp } from './labApiSuite.ts';

const SYSTEM_NAMESPACES = [
  'namespace/default',
  'namespace/kube-flannel',
  'namespace/kube-node-lease',
  'namespace/kube-public',
  'namespace/kube-system',
];
const suite = labApiSuite('podnet-labapi-run-');
const labUp = (extra: readonly string[] = []) => labApiUp(suite, extra);
const labDown = (id: string) => labApiDown(suite, id);

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

async function results(out: string): Promise<{
  summary: { scenarios: number; probes: number; byArea: Record<string, { status: string }> };
  findings: { kind: string }[];
}> {
  return JSON.parse(await readFile(join(suite.dir(), out, 'results.json'), 'utf8'));
}

describe('podnet run --target kube on the lab API', { tags: ['lab', 'e2e'] }, () => {
  test('a clean lab API conforms: exit 0, 20 scenarios of the policy and model areas, no leak or block, no namespace of the run left', async () => {
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
        // 20 scenarios, however long they take: how many fit in 60 s is the machine's (measured with
        // `--budget 60s` and reported in adapters/kube/README.md), never asserted here.
        '--runs',
        '20',
        '--budget',
        '900s',
        '--out',
        'clean',
        '--quiet',
      ],
      { cwd: suite.dir(), reject: false, timeout: 1_200_000 },
    );
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const doc = await results('clean');
    // Measured, not asserted beyond "it ran": the throughput depends on the machine's load (see the README).
    process.stdout.write(
      `lab API run: ${doc.summary.scenarios} scenarios, ${doc.summary.probes} probes in ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
    expect(doc.summary.scenarios).toBe(20);
    expect(doc.summary.byArea.policy?.status).toBe('pass');
    expect(doc.summary.byArea.model?.status).toBe('pass');
    expect(doc.findings.filter((f) => f.kind === 'leak' || f.kind === 'block')).toEqual([]);
    expect(await settledNamespaces(kc)).toEqual(SYSTEM_NAMESPACES);
    await labDown(id);
  }, 1_500_000);

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
      { cwd: suite.dir(), reject: false, timeout: 600_000 },
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
        cwd: suite.dir(),
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
        cwd: suite.dir(),
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
      cwd: suite.dir(),
      reject: false,
    });
    expect(cleanup.exitCode, cleanup.stderr).toBe(0);
    for (const n of left)
      expect(cleanup.stdout).toContain(`deleted namespace ${n.slice('namespace/'.length)}`);
    expect(await settledNamespaces(kc)).toEqual([...SYSTEM_NAMESPACES, 'namespace/not-podnet'].sort());
    await labDown(id);
  }, 900_000);
});
