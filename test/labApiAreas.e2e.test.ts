// The flannel and lb areas through the kube adapter on the lab API (client-node, the real kubectl):
// a clean lab conforms in both, the flannel area judging the net-conf the cluster's own ConfigMap holds
// (kube-flannel/kube-flannel-cfg); a flannel fault and an lb fault injected in the lab are found and
// shrunk through the live-cluster path (`selftest --target kube-lab`). Each lab is taken down, and
// nothing of it may be left.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { BIN, labApiDown, labApiSuite, labApiUp } from './labApiSuite.ts';
import { labLeftovers } from './labLeftovers.ts';

const suite = labApiSuite('podnet-labapi-areas-');

interface RunDoc {
  summary: { byArea: Record<string, { status: string; scenarios: number }> };
  options: Record<string, unknown>;
  findings: { area: string; rule: string }[];
}

describe('the flannel and lb areas with --target kube on the lab API', { tags: ['lab', 'e2e'] }, () => {
  test('a clean lab API (vxlan, 3 nodes on two segments) conforms in both areas, on the net-conf its ConfigMap holds', async () => {
    const { id, kc } = await labApiUp(suite, ['--nodes', '3', '--segments', '2']);
    const cm = await execa(
      'kubectl',
      ['--kubeconfig', kc, 'get', 'configmap', '-n', 'kube-flannel', 'kube-flannel-cfg', '-o', 'json'],
      { reject: false },
    );
    expect(cm.exitCode, cm.stderr).toBe(0);
    const netConf = JSON.parse(JSON.parse(cm.stdout).data['net-conf.json']);
    expect(netConf).toEqual({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan' } });
    const run = await execa(
      'node',
      [
        BIN,
        'run',
        '--target',
        'kube',
        '--kubeconfig',
        kc,
        '--areas',
        'flannel,lb',
        '--seed',
        '1',
        '--runs',
        '1',
        '--out',
        'clean',
        '--quiet',
      ],
      { cwd: suite.dir(), reject: false, timeout: 1_200_000 },
    );
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const doc = JSON.parse(await readFile(join(suite.dir(), 'clean', 'results.json'), 'utf8')) as RunDoc;
    expect(doc.summary.byArea.flannel).toMatchObject({ status: 'pass' });
    expect(doc.summary.byArea.lb).toMatchObject({ status: 'pass' });
    expect(doc.summary.byArea.flannel?.scenarios).toBeGreaterThan(0);
    expect(doc.options.flannelNetConfSource).toBe('ConfigMap kube-flannel/kube-flannel-cfg');
    // The lab API serves no DaemonSets: the default release, and the results say why.
    expect(doc.options.flannelVersion).toBe('v0.28.9');
    expect(doc.options.flannelVersionSource).toMatch(/default.*not known/);
    expect(doc.options.flannelInconclusiveProbes).toBe(0);
    await labApiDown(suite, id);
  }, 1_500_000);

  test('vxlan-fdb-missing and lb-skew are found and shrunk through kubectl and the lab API', async () => {
    const id = suite.newLabId();
    const out = join(suite.dir(), 'faults');
    const r = await execa(
      'node',
      [
        BIN,
        'selftest',
        '--target',
        'kube-lab',
        '--areas',
        'flannel,lb',
        '--fault',
        'vxlan-fdb-missing',
        '--fault',
        'lb-skew',
        '--skip-clean',
        '--repeats',
        '1',
        '--budget-per-fault',
        '300s',
        '--shrink-budget',
        '120s',
        '--out',
        out,
      ],
      { cwd: suite.dir(), reject: false, env: { PODNET_LAB_ID: id }, timeout: 1_500_000 },
    );
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const doc = JSON.parse(await readFile(join(out, 'selftest.json'), 'utf8')) as {
      rows: { fault: string; trials: { found: boolean }[] }[];
    };
    expect(doc.rows.map((row) => [row.fault, row.trials.map((t) => t.found)])).toEqual([
      ['vxlan-fdb-missing', [true]],
      ['lb-skew', [true]],
    ]);
    expect(await labLeftovers(id)).toEqual({ netns: [], links: [], processes: [] });
  }, 1_800_000);
});
