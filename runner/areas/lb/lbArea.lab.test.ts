/**
 * The LB area on the embedded lab (issue 8 acceptance): no false alarm on a clean lab over 30 scenarios,
 * the round-robin sequence test passes on the clean lab and fails under `lb-skew`, and both LB faults are
 * found within a 60 s search budget. Rules: LB-RR-CYCLE (ipvs rr, docs/research/lb.md §3.3, §7.5), LB-UNIFORM (§2.3),
 * LB-AFFINITY (core/v1 sessionAffinity ClientIP, §2.4).
 */
import { describe, expect, test } from 'vitest';
import type { FaultName } from '../../../adapters/lab/faults.ts';
import { createLabTarget } from '../../../adapters/lab/labTarget.ts';
import { testLabId } from '../../../adapters/lab/testing.ts';
import type { Cluster } from '../../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../../spec/model.ts';
import type { AreaContext } from '../../area.ts';
import { DEFAULT_RUN_OPTIONS, type RunOptions } from '../../options.ts';
import { checkLbScenario } from './checkLbScenario.ts';
import { labLbArea } from './labLbArea.ts';
import type { LbScenario } from './lbScenario.ts';
import { lbPod, testCheckSettings } from './lbTesting.test-helpers.ts';

function context(
  target: AreaContext['target'],
  faults: readonly string[],
  options: Partial<RunOptions>,
): AreaContext {
  let n = 0;
  return {
    target,
    targetName: 'lab',
    options: { ...DEFAULT_RUN_OPTIONS, areas: ['lb'], seed: 1, ...options },
    faults,
    resultsPath: 'results.json',
    signal: new AbortController().signal,
    nextFindingId: () => `F${++n}`,
  };
}

async function runArea(faults: readonly FaultName[], options: Partial<RunOptions>) {
  const target = createLabTarget({ labId: testLabId(), nodes: 2, faults, signalHandlers: false });
  try {
    return await labLbArea().run(context(target, faults, options));
  } finally {
    await target.teardown();
  }
}

const pod = (name: string, node: string, labels: Record<string, string>) => lbPod(name, labels, node);

/** Three backends over two nodes, two clients per node, one Service (round-robin mode). */
const RR_SCENARIO: LbScenario = {
  mode: 'round-robin',
  clients: ['lb/c1', 'lb/c2', 'lb/c3', 'lb/c4'],
  cluster: {
    nodes: [
      { name: 'node-1', labels: {}, segment: 0 },
      { name: 'node-2', labels: {}, segment: 0 },
    ],
    namespaces: [{ name: 'lb', labels: { [NAMESPACE_NAME_LABEL]: 'lb' } }],
    pods: [
      pod('s1-b1', 'node-1', { app: 's1' }),
      pod('s1-b2', 'node-2', { app: 's1' }),
      pod('s1-b3', 'node-1', { app: 's1' }),
      pod('c1', 'node-1', { role: 'client' }),
      pod('c2', 'node-2', { role: 'client' }),
      pod('c3', 'node-1', { role: 'client' }),
      pod('c4', 'node-2', { role: 'client' }),
    ],
    services: [
      {
        namespace: 'lb',
        name: 's1',
        selector: { app: 's1' },
        ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }],
        sessionAffinity: 'None',
        affinityTimeoutSeconds: 10800,
      },
    ],
    policies: [],
  } satisfies Cluster,
};

async function rrSequenceChecks(faults: readonly FaultName[]) {
  const target = createLabTarget({
    labId: testLabId(),
    nodes: 2,
    proxyMode: 'round-robin',
    faults,
    signalHandlers: false,
  });
  try {
    const out = await checkLbScenario(RR_SCENARIO, target, testCheckSettings());
    return out.checks.filter((c) => c.rule === 'LB-RR-CYCLE' && c.result.test === 'round-robin-sequence');
  } finally {
    await target.teardown();
  }
}

describe('LB area on the lab', { tags: ['lab'] }, () => {
  test('round-robin: the sequence test passes on the clean lab, per node', async () => {
    const checks = await rrSequenceChecks([]);
    expect(checks.map((c) => c.scope).sort()).toEqual(['node node-1', 'node node-2']);
    for (const c of checks) {
      expect(c.result.pValue).toBe(1);
      expect(c.result.samples).toBeGreaterThanOrEqual(6);
      expect(Object.values(c.detail.counts).every((k) => k > 0)).toBe(true);
    }
  });

  test('round-robin: the sequence test fails under lb-skew (first endpoint twice per cycle)', async () => {
    const checks = await rrSequenceChecks(['lb-skew']);
    expect(checks).toHaveLength(2);
    for (const c of checks) {
      expect(c.result.pValue).toBe(0);
      expect(c.result.statistic).toBeGreaterThan(0);
    }
  });

  // 30 scenarios take about a minute on an idle 2-core machine; the bound is a hang guard for a loaded one.
  test('a clean lab run over 30 scenarios has no LB findings', { timeout: 900_000 }, async () => {
    const out = await runArea([], { runs: 30, budgetMs: 600_000 });
    expect(out.findings.map((f) => `${f.title}: ${f.observed}`)).toEqual([]);
    expect(out.scenarios).toBe(30);
    expect(out.notes?.lbScenariosRandom).toBeGreaterThan(0);
    expect(out.notes?.lbScenariosRoundRobin).toBeGreaterThan(0);
    expect((out.sections?.lb ?? []).length).toBeGreaterThan(30);
  });

  test.each([
    ['lb-skew', ['LB-UNIFORM', 'LB-RR-CYCLE']],
    ['affinity-ignored', ['LB-AFFINITY']],
  ] as const)('%s is found within a 60 s search budget', async (fault, rules) => {
    const out = await runArea([fault], { budgetMs: 60_000, shrinkBudgetMs: 15_000 });
    expect(out.timeToFirstFailureMs).toBeDefined();
    expect(out.findings.some((f) => (rules as readonly string[]).includes(f.rule))).toBe(true);
  });
});
