// The kube wiring: the one finding for a cluster that enforces no NetworkPolicy, and the areas it runs.

import { describe, expect, test } from 'vitest';
import { NOT_ENFORCED_TITLE } from '../../../adapters/kube/policyEnforcement.ts';
import type { Capabilities, Target } from '../../../spec/target.ts';
import type { AreaContext, AreaRunner } from '../../area.ts';
import { inertTarget } from '../../inertTarget.test-helpers.ts';
import { DEFAULT_RUN_OPTIONS } from '../../options.ts';
import { sessionDepsFor } from '../../session.ts';
import { KUBE_TARGET } from '../../targets/index.ts';
import { AREAS } from '../registry.ts';
import { enforcementAware, notEnforcedFinding } from './enforcementAware.ts';

test('plain flannel gives ONE finding, "NetworkPolicy is not enforced in this cluster", with the evidence', () => {
  const f = notEnforcedFinding(
    {
      policyEnforced: false,
      evidence: 'a pod still reached another 15s after a deny-all ingress policy selected it',
    },
    7,
  );
  expect(f).toMatchObject({
    area: 'policy',
    kind: 'leak',
    title: NOT_ENFORCED_TITLE,
    seed: 7,
    observed: 'connected',
  });
  expect(f.title).toBe('NetworkPolicy is not enforced in this cluster');
  expect(f.explanation?.[0]).toContain('deny-all');
});

test('the kube session runs the policy/model conformance loop (enforcement-aware), the flannel area and the LB area, and names its target', async () => {
  const deps = await sessionDepsFor(KUBE_TARGET, { faults: [] });
  expect(deps.targetName).toBe('kube');
  expect(deps.areaRunners.map((r) => r.areas)).toEqual([['policy', 'model'], ['flannel'], ['lb']]);
  // The registry's lab runners are different ones (the lab's flannel area generates net-confs).
  expect((await AREAS.runners('lab')).some((r) => deps.areaRunners.includes(r))).toBe(false);
});

describe('enforcementAware', () => {
  const target = (policyEnforced: boolean | 'unknown'): Target => inertTarget({ policyEnforced });
  const inner = (seen: string[][]): AreaRunner => ({
    areas: ['policy', 'model'],
    run: async (ctx) => {
      seen.push([...ctx.options.areas]);
      return { areas: ctx.options.areas, scenarios: 3, probes: 40, findings: [], checks: [] };
    },
  });
  const ctx = (t: Target, areas: AreaContext['options']['areas']): AreaContext => {
    let n = 0;
    return {
      target: t,
      targetName: 'kube',
      options: { ...DEFAULT_RUN_OPTIONS, areas },
      faults: [],
      resultsPath: 'results.json',
      signal: new AbortController().signal,
      nextFindingId: () => `F${++n}`,
    };
  };

  test('not enforced: one policy finding, and the loop runs for the model area only', async () => {
    const seen: string[][] = [];
    const out = await enforcementAware(inner(seen)).run(ctx(target(false), ['policy', 'model']));
    expect(seen).toEqual([['model']]);
    expect(out.findings.map((f) => [f.id, f.area, f.title])).toEqual([
      ['F1', 'policy', 'NetworkPolicy is not enforced in this cluster'],
    ]);
    expect(out.areas).toEqual(['policy', 'model']);
    expect(out.probes).toBe(40);
  });

  test('enforced or unknown: the loop runs unchanged', async () => {
    for (const e of [true, 'unknown'] as const) {
      const seen: string[][] = [];
      const out = await enforcementAware(inner(seen)).run(ctx(target(e), ['policy', 'model']));
      expect(seen).toEqual([['policy', 'model']]);
      expect(out.findings).toEqual([]);
    }
  });
});

describe('the LB area on a cluster', () => {
  const lb = async (): Promise<AreaRunner> => (await AREAS.get('lb')?.runner('kube')) as AreaRunner;
  // sync throws: no scenario may reach a cluster without a proxy mode.
  const cluster = (proxyModes: Capabilities['proxyModes']): Target => inertTarget({ proxyModes });
  const lbCtx = (t: Target): AreaContext => ({
    target: t,
    targetName: 'kube',
    options: { ...DEFAULT_RUN_OPTIONS, areas: ['lb'], budgetMs: 5000 },
    faults: [],
    resultsPath: 'results.json',
    signal: new AbortController().signal,
    nextFindingId: () => 'F1',
  });

  test('no kube-proxy found: the area is unsupported, says why, and runs nothing', async () => {
    const out = await (await lb()).run(lbCtx(cluster([])));
    expect(out.unsupported).toMatch(/no proxy mode|no kube-proxy/);
    expect(out.scenarios).toBe(0);
    expect(out.findings).toEqual([]);
  });

  test('the mode the cluster runs is the one it tests (it cannot be switched)', async () => {
    const { clusterModeTargets } = await import('../lb/clusterModeTargets.ts');
    const t = cluster(['round-robin']);
    const targets = await clusterModeTargets(lbCtx(t));
    expect(targets.modes).toEqual(['round-robin']);
    expect(await targets.get('round-robin')).toBe(t);
  });
});
