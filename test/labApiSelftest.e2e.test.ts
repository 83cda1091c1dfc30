// `podnet selftest --target kube-lab`: the kube adapter (client-node, the real kubectl, kubectl exec)
// against a lab API started per trial with a policy fault injected in the lab. The fault must be found
// and shrunk through the live-cluster path, and nothing of the trial's lab may be left. Which faults the
// kube path finds within a budget, and how fast, is measured by `podnet selftest --target kube-lab`
// (figures in adapters/kube/README.md); this test runs three that seed 1 finds within 20 s there, with
// a budget that leaves room for a machine three times slower.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { BIN, labApiSuite } from './labApiSuite.ts';
import { labLeftovers } from './labLeftovers.ts';

const suite = labApiSuite('podnet-kube-lab-selftest-');

describe('podnet selftest --target: usage', () => {
  test('an unknown target is bad input: exit 2 naming --target, before any lab', async () => {
    const r = await execa('node', [BIN, 'selftest', '--target', 'kube', '--out', join(suite.dir(), 'bad')], {
      reject: false,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--target/);
    expect(r.stderr).toMatch(/kube-lab/);
  });
});

interface SelftestDoc {
  rows: {
    fault: string;
    ok: boolean;
    trials: {
      found: boolean;
      scenarios: number;
      shrunk?: { pods: number; policies: number; steps: number };
    }[];
  }[];
}

describe('podnet selftest --target kube-lab', { tags: ['lab', 'e2e'] }, () => {
  test.each(['peers-ored', 'egress-ignored', 'protocol-ignored'])(
    '%s is found and shrunk through kubectl and the lab API; the lab is gone afterwards',
    async (fault) => {
      const id = suite.newLabId();
      const out = join(suite.dir(), fault);
      const r = await execa(
        'node',
        [
          BIN,
          'selftest',
          '--target',
          'kube-lab',
          '--fault',
          fault,
          '--skip-clean',
          '--repeats',
          '1',
          '--budget-per-fault',
          '180s',
          '--shrink-budget',
          '60s',
          '--out',
          out,
        ],
        { cwd: suite.dir(), reject: false, env: { PODNET_LAB_ID: id }, timeout: 900_000 },
      );
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      const doc = JSON.parse(await readFile(join(out, 'selftest.json'), 'utf8')) as SelftestDoc;
      expect(doc.rows.map((row) => row.fault)).toEqual([fault]);
      const trial = doc.rows[0]?.trials[0];
      expect(trial?.found).toBe(true);
      expect(trial?.shrunk?.pods).toBeGreaterThan(0);
      expect(r.stdout).toContain(fault);
      expect(await labLeftovers(id)).toEqual({ netns: [], links: [], processes: [] });
    },
    900_000,
  );
});
