/**
 * The LB area's loop on an in-process proxy (no root): gating, Holm, findings and report sections.
 * Rules: LB-UNIFORM (kube-proxy iptables `statistic` 1/(n−i), docs/research/lb.md §2.3), LB-RR-CYCLE (ipvs rr, §3.3),
 * LB-AFFINITY (core/v1 sessionAffinity ClientIP; e2e execAffinityTestForNonLBService), LB-NO-ENDPOINT-REJECT (§2.6).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { lbOptions } from '../../../oracle/lb/options.ts';
import { clusterToManifests } from '../../../spec/manifests/write.ts';
import type { ProxyMode } from '../../../spec/target.ts';
import type { AreaContext } from '../../area.ts';
import { DEFAULT_RUN_OPTIONS } from '../../options.ts';
import { policyOracleFactory } from '../../oracleBridge.ts';
import { type FakeLbOptions, FakeLbTarget } from './fakeLbTarget.test-helpers.ts';
import { cachedPlan, lbArea, type ModeTargets } from './lbArea.ts';

function fakeTargets(options: Omit<FakeLbOptions, 'mode'>): (ctx: AreaContext) => ModeTargets {
  const byMode = new Map<ProxyMode, FakeLbTarget>();
  return () => ({
    modes: ['random', 'round-robin'],
    async get(mode) {
      let t = byMode.get(mode);
      if (!t) {
        t = new FakeLbTarget({ ...options, mode });
        byMode.set(mode, t);
      }
      return t;
    },
    async close() {},
  });
}

function context(overrides: Partial<AreaContext['options']> = {}): AreaContext {
  let n = 0;
  return {
    target: new FakeLbTarget({ mode: 'random' }),
    targetName: 'fake',
    options: {
      ...DEFAULT_RUN_OPTIONS,
      areas: ['lb'],
      runs: 30,
      seed: 11,
      budgetMs: 600_000,
      shrinkBudgetMs: 30_000,
      ...overrides,
    },
    faults: [],
    resultsPath: 'results.json',
    signal: new AbortController().signal,
    nextFindingId: () => `F${++n}`,
  };
}

function run(options: Omit<FakeLbOptions, 'mode'>, ctxOverrides: Partial<AreaContext['options']> = {}) {
  return lbArea({
    modeTargets: fakeTargets(options),
    oracleFactory: policyOracleFactory,
    toYaml: clusterToManifests,
  }).run(context(ctxOverrides));
}

describe('lbArea on an in-process proxy', () => {
  // Sample plans calibrate by simulation once per endpoint count; warm the cache outside the tests' timeout.
  beforeAll(() => {
    for (let n = 0; n <= 5; n++) cachedPlan(n, 1000, lbOptions());
  }, 60_000);

  test('a correct proxy over 30 scenarios yields no finding, and every tested port is in the report', async () => {
    const out = await run({});
    expect(out.findings).toEqual([]);
    expect(out.scenarios).toBe(30);
    const lb = out.sections?.lb ?? [];
    expect(lb.length).toBeGreaterThan(30);
    for (const d of lb) {
      expect(d.pValue).toBeGreaterThan(d.alpha);
      expect(Object.keys(d.counts).length).toBeGreaterThan(0);
    }
    const tests = new Set(lb.map((d) => d.test));
    for (const t of ['chi-square', 'round-robin-sequence', 'affinity-constancy', 'reject-when-no-endpoint']) {
      expect(tests).toContain(t);
    }
    expect(out.notes?.lbFamilyAlpha).toBe(1e-3);
    expect(out.notes?.lbScenariosRandom).toBeGreaterThan(0);
    expect(out.notes?.lbScenariosRoundRobin).toBeGreaterThan(0);
  });

  test('one endpoint at double share is found, with counts, expected shares, statistic and p-value', async () => {
    const out = await run({ skew: true });
    expect(out.timeToFirstFailureMs).toBeDefined();
    const f = out.findings.find((x) => x.rule === 'LB-UNIFORM' || x.rule === 'LB-RR-CYCLE');
    expect(f?.lb).toBeDefined();
    const lb = f?.lb;
    expect(Object.keys(lb?.expectedShares ?? {}).length).toBeGreaterThan(1);
    expect(lb?.pValue).toBeLessThanOrEqual(lb?.alpha ?? 0);
    expect(f?.scenarioYaml).toContain('kind: Service');
    expect(out.shrunk?.pods).toBeGreaterThan(0);
  });

  test('ignored ClientIP affinity is found as LB-AFFINITY', async () => {
    const out = await run({ affinityIgnored: true });
    expect(out.findings.map((f) => f.rule)).toContain('LB-AFFINITY');
  });

  test('timeouts that do not come back on retest are not findings (retest on failure, docs/research/lb.md §7.8)', async () => {
    const out = await run({ stalledRejects: 2 }, { runs: 15 });
    expect(out.findings).toEqual([]);
  });

  test('a Service without endpoints that drops instead of rejecting is LB-NO-ENDPOINT-REJECT (docs/research/lb.md §2.6)', async () => {
    // The same 15 scenarios as above, but every reject times out, also on retest.
    const out = await run({ stalledRejects: 1_000_000 }, { runs: 15 });
    const f = out.findings.find((x) => x.rule === 'LB-NO-ENDPOINT-REJECT');
    expect(f?.observed).toContain('(timeout)');
    expect(f?.explanation?.some((line) => line.startsWith('retested'))).toBe(true);
  });
});
