// selftest's bookkeeping on a fake area runner: what counts as found, the median, the table.
import { describe, expect, test } from 'vitest';
import type { Finding } from '../spec/results.ts';
import type { Target } from '../spec/target.ts';
import type { AreaRunner } from './area.ts';
import { inertTarget } from './inertTarget.test-helpers.ts';
import { DEFAULT_RUN_OPTIONS } from './options.ts';
import { renderSelftestTable, runSelftest, trialAreas } from './selftest.ts';

const target: Target = inertTarget();

const finding = (rule: string): Finding => ({
  id: 'F1',
  area: 'policy',
  rule,
  kind: 'leak',
  title: rule,
  seed: 1,
  path: '0',
  expected: 'deny',
  observed: 'connected',
  scenarioYaml: '',
});

/** Finds `bug` on every seed but 3, after `seed` seconds; finds nothing without a fault. */
const runner: AreaRunner = {
  areas: ['policy'],
  async run(ctx) {
    const found = ctx.faults.includes('bug') && ctx.options.seed !== 3;
    return {
      areas: ['policy'],
      scenarios: 5,
      probes: 10,
      findings: found ? [finding('NP-ALLOW')] : [],
      checks: [],
      ...(found
        ? { timeToFirstFailureMs: ctx.options.seed * 1000, shrunk: { pods: 2, policies: 1, steps: 0 } }
        : {}),
    };
  },
};

describe('runSelftest', () => {
  test('a missed trial makes the fault not ok and counts as the longest time in the median', async () => {
    const rows = await runSelftest(
      { openTarget: async () => target, targetName: 'fake', areaRunners: [runner] },
      {
        options: { ...DEFAULT_RUN_OPTIONS, seed: 1 },
        faults: [{ name: 'bug', area: 'policy' }],
        budgetPerFaultMs: 1000,
        repeats: 3,
      },
    );
    expect(rows[0]).toMatchObject({ fault: '(clean)', ok: true });
    const bug = rows[1]!;
    expect(bug.trials.map((t) => t.found)).toEqual([true, true, false]);
    expect(bug.ok).toBe(false);
    // Times 1 s, 2 s and "missed": the median is the middle one, 2 s, not the mean of the two found.
    expect(bug.medianTimeToFirstFailureMs).toBe(2000);
    expect(renderSelftestTable(rows)).toContain('2/3 (MISSED)');
  });
});

describe('trialAreas', () => {
  const loop: AreaRunner = { ...runner, areas: ['policy', 'model'] };
  const flannel: AreaRunner = { ...runner, areas: ['flannel'] };
  test('a fault runs with the enabled areas its runner checks together, its own always', () => {
    expect(trialAreas('model', [loop, flannel], ['policy', 'model'])).toEqual(['policy', 'model']);
    expect(trialAreas('policy', [loop, flannel], ['policy', 'model', 'flannel'])).toEqual([
      'policy',
      'model',
    ]);
    expect(trialAreas('policy', [loop, flannel], ['policy'])).toEqual(['policy']);
    expect(trialAreas('flannel', [loop, flannel], ['policy', 'model', 'flannel'])).toEqual(['flannel']);
    expect(trialAreas('lb', [loop, flannel], ['lb'])).toEqual(['lb']);
  });
});
