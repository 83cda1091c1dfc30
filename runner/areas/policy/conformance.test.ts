// The loop's own behaviour, on an in-memory target and a toy oracle: no root, no lab.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Cluster, Pod } from '../../../spec/model.ts';
import { keyOf } from '../../../spec/model.ts';
import type { Realized, Scenario } from '../../../spec/scenario.ts';
import type { ProbeRequest, ProbeResult, Target } from '../../../spec/target.ts';
import { DEFAULT_RUN_OPTIONS } from '../../options.ts';
import type { PolicyOracleFactory } from '../../policyOracle.ts';
import type { ConformanceDeps } from './conformance.ts';
import { runConformance } from './conformance.ts';

// Toy semantics: a pod labelled `locked=yes` accepts nothing.
const oracleFactory: PolicyOracleFactory = (cluster) => {
  const locked = (to: string | { readonly ip: string }) =>
    typeof to === 'string' && cluster.pods.find((p) => keyOf(p) === to)?.labels.locked === 'yes';
  return {
    judge: (_from, to) => ({
      verdict: locked(to) ? 'deny' : 'allow',
      explanation: [locked(to) ? 'locked' : 'open'],
    }),
    verdict: (_from, to) => (locked(to) ? 'deny' : 'allow'),
  };
};

/** An in-memory target that honours `locked`, except on port `leakyPort` (the injected bug). */
function fakeTarget(leakyPort?: number, breakAfterSyncs?: number): Target & { syncs: number } {
  let cluster: Cluster | undefined;
  let realized: Realized | undefined;
  const t = {
    name: 'fake',
    syncs: 0,
    async capabilities() {
      return {
        protocols: ['TCP', 'UDP'] as const,
        ipv6: false,
        ipFamilies: [4] as const,
        policyEnforced: true,
        proxyModes: [],
        nodeState: false,
      };
    },
    async sync(c: Cluster): Promise<Realized> {
      t.syncs += 1;
      if (breakAfterSyncs !== undefined && t.syncs > breakAfterSyncs) throw new Error('lab node vanished');
      cluster = c;
      const podIPs: Record<string, string[]> = {};
      c.pods.forEach((p, i) => {
        podIPs[keyOf(p)] = [`10.244.0.${i + 2}`];
      });
      realized = {
        podIPs,
        serviceIPs: {},
        nodeIPs: {},
        nodeSubnets: {},
        clusterNetwork: '10.244.0.0/16',
        outsideNetwork: '203.0.113.0/24',
      };
      return realized;
    },
    async probe(probes: readonly ProbeRequest[]): Promise<ProbeResult[]> {
      return probes.map((p) => {
        const dst = cluster?.pods.find((q) => realized?.podIPs[keyOf(q)]?.[0] === p.host);
        const locked = dst?.labels.locked === 'yes';
        const connected = !locked || p.port === leakyPort;
        return connected
          ? {
              id: p.id,
              outcome: 'connected',
              servedBy: dst ? keyOf(dst) : 'none',
              sourceSeen: realized?.podIPs[p.from]?.[0] ?? '',
              durationMs: 1,
            }
          : { id: p.id, outcome: 'timeout', durationMs: 1 };
      });
    },
    async nodeStates() {
      return [];
    },
    async teardown() {},
  };
  return t;
}

const podArb = fc.record({
  name: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
  locked: fc.boolean(),
  port: fc.constantFrom(80, 81, 82),
});
const scenarioArb: fc.Arbitrary<Scenario> = fc
  .uniqueArray(podArb, { minLength: 1, maxLength: 5, selector: (p) => p.name })
  .map((pods) => ({
    cluster: {
      nodes: [],
      namespaces: [{ name: 'x', labels: { 'kubernetes.io/metadata.name': 'x' } }],
      pods: pods.map(
        (p): Pod => ({
          namespace: 'x',
          name: p.name,
          labels: p.locked ? { locked: 'yes' } : {},
          hostNetwork: false,
          containers: [{ name: 'c', ports: [{ containerPort: p.port, protocol: 'TCP' }] }],
          ips: [],
          ready: true,
        }),
      ),
      services: [],
      policies: [],
    },
    netConf: { Network: '10.244.0.0/16' },
    traffic: { viaServices: false },
    steps: [],
  }));

function deps(target: Target): ConformanceDeps {
  return {
    target,
    oracleFactory,
    resolvePolicies: () => [],
    scenarios: scenarioArb,
    toYaml: (c) => c.pods.map((p) => `# pod ${keyOf(p)}`).join('\n'),
  };
}

const options = {
  ...DEFAULT_RUN_OPTIONS,
  areas: ['policy' as const],
  runs: 40,
  convergeTimeoutMs: 20,
  pollIntervalMs: 5,
  budgetMs: 60_000,
};

describe('runConformance', () => {
  test('a conforming target: every run passes and nothing is reported', async () => {
    const r = await runConformance(deps(fakeTarget()), {
      options,
      protocols: ['TCP'],
      probeCommand: () => '',
      resultsPath: 'out/results.json',
    });
    expect(r.scenarios).toBe(40);
    expect(r.findings).toEqual([]);
    expect(r.probes).toBeGreaterThan(40);
  });

  test('a leaky target: the leak is found and shrunk to one locked pod on the leaky port', async () => {
    const r = await runConformance(deps(fakeTarget(81)), {
      options,
      protocols: ['TCP'],
      probeCommand: () => '',
      resultsPath: 'out/results.json',
    });
    expect(r.findings.length).toBeGreaterThan(0);
    const f = r.findings[0]!;
    expect(f.kind).toBe('leak');
    expect(f.probe?.port).toBe(81);
    expect(r.counterexample?.cluster.pods).toHaveLength(1);
    expect(f.seed).toBe(options.seed);
    expect(f.path).not.toBe('');
    expect(f.replayCommand).toContain('--finding F1');
    expect(f.truthTable?.some((c) => c.differs)).toBe(true);
  });

  test('past what fast-check can shrink, the structural pass cuts the scenario to what the failure needs', async () => {
    // A constant arbitrary cannot shrink at all: every cut below comes from the reduction pass.
    const [five] = fc.sample(scenarioArb, { numRuns: 1, seed: 7 });
    const pods = ['a', 'b', 'c', 'd', 'e'].map(
      (name, i): Pod => ({
        ...five!.cluster.pods[0]!,
        name,
        labels: i === 3 ? { locked: 'yes' } : {},
        containers: [{ name: 'c', ports: [{ containerPort: 81, protocol: 'TCP' }] }],
      }),
    );
    const fixed: Scenario = { ...five!, cluster: { ...five!.cluster, pods } };
    const r = await runConformance(
      { ...deps(fakeTarget(81)), scenarios: fc.constant(fixed) },
      { options, protocols: ['TCP'], probeCommand: () => '', resultsPath: 'r.json' },
    );
    expect(r.findings[0]?.kind).toBe('leak');
    expect(r.counterexample?.cluster.pods.map((p) => p.name)).toEqual(['d']);
    expect(r.shrunk?.pods).toBe(1);
    expect(r.findings[0]?.shrink?.steps).toBe(4);
    expect(r.findings[0]?.scenarioYaml).toContain('then 4 structural cuts');
  });

  test('a failure that does not come back on a second run is inconclusive, not a leak', async () => {
    // Leaks during one state only (its polling included), honest before and ever after: a passing glitch.
    const leaky = fakeTarget(81);
    const honest = fakeTarget();
    let phase: 'before' | 'leaking' | 'after' = 'before';
    const flaky: Target = {
      ...honest,
      sync: async (c, o) => {
        if (phase === 'leaking') phase = 'after';
        await leaky.sync(c, o);
        return honest.sync(c, o);
      },
      probe: async (p, o) => {
        const good = await honest.probe(p, o);
        if (phase === 'after') return good;
        const bad = await leaky.probe(p, o);
        if (JSON.stringify(bad) === JSON.stringify(good)) return good;
        phase = 'leaking';
        return bad;
      },
    };
    const r = await runConformance(deps(flaky), {
      options,
      protocols: ['TCP'],
      probeCommand: () => '',
      resultsPath: 'r.json',
    });
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings.every((f) => f.kind === 'inconclusive')).toBe(true);
    expect(r.findings[0]?.explanation?.[0]).toContain('second try');
  });

  test('the budget stops a clean search without reporting a failure', async () => {
    const slow = fakeTarget();
    const r = await runConformance(deps(slow), {
      options: { ...options, runs: 1_000_000, budgetMs: 0 },
      protocols: ['TCP'],
      probeCommand: () => '',
      resultsPath: 'r.json',
    });
    expect(r.findings).toEqual([]);
    expect(r.scenarios).toBeLessThanOrEqual(1);
  });

  test('a target that breaks is a target failure, not a finding', async () => {
    await expect(
      runConformance(deps(fakeTarget(undefined, 3)), {
        options,
        protocols: ['TCP'],
        probeCommand: () => '',
        resultsPath: 'r.json',
      }),
    ).rejects.toThrow('lab node vanished');
  });

  test('an aborted run stops early and says it was interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runConformance(deps(fakeTarget(81)), {
      options,
      protocols: ['TCP'],
      probeCommand: () => '',
      resultsPath: 'r.json',
      signal: controller.signal,
    });
    expect(r.interrupted).toBe(true);
    expect(r.scenarios).toBe(0);
  });
});
