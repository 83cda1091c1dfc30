/**
 * The flannel area's loop without a lab: a fake target whose nodes cannot be read fails every scenario,
 * so the search stops at the first and shrinking reaches the smallest topology (2 nodes, 1 pod each);
 * a target that breaks is rethrown (exit 3), never turned into a finding.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DEFAULT_FLANNEL_VERSION } from '../../../oracle/flannel/index.ts';
import { PodnetTargetError } from '../../../spec/errors.ts';
import type { Cluster } from '../../../spec/model.ts';
import type { Realized } from '../../../spec/scenario.ts';
import type { Target } from '../../../spec/target.ts';
import type { AreaContext } from '../../area.ts';
import { DEFAULT_RUN_OPTIONS } from '../../options.ts';
import { clusterFlannelArea, clusterFlannelScenarioArb, clusterFlannelVersion } from './clusterFlannel.ts';
import { flannelArea } from './flannelArea.ts';
import { flannelScenarioArb } from './flannelScenario.ts';

function fakeTarget(broken = false): Target & { syncs: number } {
  const t = {
    name: 'fake',
    syncs: 0,
    async capabilities() {
      return {
        protocols: ['TCP', 'UDP'] as const,
        ipv6: false,
        ipFamilies: [4],
        policyEnforced: false,
        proxyModes: [],
        nodeState: true,
      };
    },
    async sync(cluster: Cluster): Promise<Realized> {
      t.syncs += 1;
      if (broken) throw new PodnetTargetError('PODNET_FAKE', 'the fake target is broken');
      return {
        podIPs: Object.fromEntries(
          cluster.pods.map((p, i) => [`${p.namespace}/${p.name}`, [`10.244.${i}.2`]]),
        ),
        serviceIPs: {},
        nodeIPs: Object.fromEntries(cluster.nodes.map((n, i) => [n.name, `192.168.100.${10 + i}`])),
        nodeSubnets: Object.fromEntries(cluster.nodes.map((n, i) => [n.name, `10.244.${i}.0/24`])),
        clusterNetwork: '10.244.0.0/16',
        outsideNetwork: '192.168.200.0/24',
      };
    },
    async probe(probes: readonly { id: string }[]) {
      return probes.map((p) => ({ id: p.id, outcome: 'timeout' as const, durationMs: 1 }));
    },
    async nodeStates() {
      return [];
    },
    async teardown() {},
  };
  return t as unknown as Target & { syncs: number };
}

function context(target: Target): AreaContext {
  let n = 0;
  return {
    target,
    targetName: 'fake',
    options: {
      ...DEFAULT_RUN_OPTIONS,
      seed: 3,
      runs: 20,
      budgetMs: 60_000,
      shrinkBudgetMs: 60_000,
      areas: ['flannel'],
    },
    faults: [],
    resultsPath: 'results.json',
    signal: new AbortController().signal,
    nextFindingId: () => `F${++n}`,
  };
}

describe('flannelArea loop', () => {
  test('an unreadable target fails at once and shrinks to 2 nodes with 1 pod each', async () => {
    const target = fakeTarget();
    const outcome = await flannelArea({ scenarios: () => flannelScenarioArb() }).run(context(target));
    expect(outcome.scenarios).toBe(1);
    expect(outcome.shrunk).toEqual({ pods: 2, policies: 0, steps: 0 });
    expect(outcome.notes?.flannelShrunkNodes).toBe(2);
    expect(outcome.findings.map((f) => f.rule)).toContain('FL-LINK');
    const link = outcome.findings.find((f) => f.rule === 'FL-LINK');
    expect(link?.flannel?.map((d) => `${d.node} ${d.object} ${d.key}`)).toEqual([
      'node-1 link eth0',
      'node-2 link eth0',
    ]);
    expect(outcome.findings.every((f) => f.area === 'flannel' && f.seed === 3)).toBe(true);
  });

  test('a broken target is rethrown, not reported as a finding', async () => {
    const target = fakeTarget(true);
    await expect(
      flannelArea({
        scenarios: () =>
          fc.constant({
            netConf: { Network: '10.244.0.0/16' },
            nodes: [
              { segment: 0, pods: 1 },
              { segment: 0, pods: 1 },
            ],
          }),
      }).run(context(target)),
    ).rejects.toThrow('the fake target is broken');
    expect(target.syncs).toBe(1);
  });
});

describe('the flannel release a cluster is judged against (clusterFlannelVersion)', () => {
  test('the image tag when it names a release podnet models', () => {
    expect(clusterFlannelVersion({ found: true, version: 'v0.25.7', source: 'tag' })).toEqual({
      version: 'v0.25.7',
      source: 'tag',
    });
  });

  test('unknown: the default, saying why', () => {
    const v = clusterFlannelVersion({
      found: false,
      reason: 'no DaemonSet in kube-flannel runs a flannel image',
    });
    expect(v).toMatchObject({ version: DEFAULT_FLANNEL_VERSION });
    expect('source' in v ? v.source : '').toMatch(
      /default.*no DaemonSet in kube-flannel runs a flannel image/,
    );
  });

  test('older than podnet models: unsupported; newer than it has read: used, and said so', () => {
    expect(clusterFlannelVersion({ found: true, version: 'v0.19.2', source: 'tag' })).toMatchObject({
      unsupported: expect.stringMatching(/v0.19.2.*older than podnet models \(v0.20.0 and later\)/),
    });
    const newer = clusterFlannelVersion({ found: true, version: 'v0.30.0', source: 'tag' });
    expect(newer).toMatchObject({ version: 'v0.30.0', source: expect.stringMatching(/newer than v0.28.9/) });
  });
});

describe('the flannel area on a live cluster (clusterFlannel.ts)', () => {
  const netConf = { Network: '10.244.0.0/16', Backend: { Type: 'host-gw' as const } };
  const facts = {
    ok: true as const,
    netConf,
    netConfText: JSON.stringify(netConf),
    source: 'ConfigMap kube-flannel/kube-flannel-cfg',
    flannelVersion: {
      found: true as const,
      version: 'v0.26.1',
      source: 'the image tag of DaemonSet kube-flannel/kube-flannel-ds (ghcr.io/flannel-io/flannel:v0.26.1)',
    },
    nodes: 3,
    nodeMask: 24,
  };

  test('a target that cannot say what its flannel runs makes the area unsupported, syncing nothing', async () => {
    const target = fakeTarget();
    const outcome = await clusterFlannelArea().run(context(target));
    expect(outcome.unsupported).toMatch(/does not report what its flannel runs/);
    expect(outcome.scenarios).toBe(0);
    expect(target.syncs).toBe(0);
  });

  test('a net-conf flannel would reject, or one leased node, is unsupported with the reason', async () => {
    const bad = Object.assign(fakeTarget(), {
      clusterFlannel: async () => ({ ...facts, netConfText: '{"Network": "not-a-cidr"}' }),
    });
    expect((await clusterFlannelArea().run(context(bad))).unsupported).toMatch(/flannel v0.26.1 rejects/);
    // The ConfigMap's own bytes are judged: Go refuses 24.0 for a uint, though JSON.parse reads 24.
    const float = Object.assign(fakeTarget(), {
      clusterFlannel: async () => ({
        ...facts,
        netConfText: '{"Network": "10.244.0.0/16", "SubnetLen": 24.0}',
      }),
    });
    expect((await clusterFlannelArea().run(context(float))).unsupported).toMatch(
      /cannot unmarshal number 24.0 into Go struct field Config.SubnetLen of type uint/,
    );
    const one = Object.assign(fakeTarget(), { clusterFlannel: async () => ({ ...facts, nodes: 1 }) });
    expect((await clusterFlannelArea().run(context(one))).unsupported).toMatch(/one node/);
  });

  test('every scenario is the cluster net-conf on all its nodes, 1–2 pods each', async () => {
    for (const s of fc.sample(clusterFlannelScenarioArb(facts), { seed: 1, numRuns: 50 })) {
      expect(s.netConf).toEqual(facts.netConf);
      expect(s.nodes).toHaveLength(3);
      expect(s.nodes.every((n) => n.pods >= 1 && n.pods <= 2)).toBe(true);
      expect(s.cluster).toEqual({ nodeMask: 24, netConfText: facts.netConfText, flannelVersion: 'v0.28.9' });
    }
    // The fake's nodes cannot be read, so the first scenario fails: judged on the cluster's net-conf and
    // all of its nodes, and never shrunk below them (the nodes are the cluster's).
    const target = Object.assign(fakeTarget(), { clusterFlannel: async () => facts });
    const outcome = await clusterFlannelArea().run(context(target));
    expect(outcome.notes?.flannelNetConfSource).toBe(facts.source);
    // The release the cluster's image tag names is the one judged against, and the results say so.
    expect(outcome.notes?.flannelVersion).toBe('v0.26.1');
    expect(outcome.notes?.flannelVersionSource).toBe(facts.flannelVersion.source);
    expect(outcome.findings[0]?.explanation).toContain('judged as flannel v0.26.1 does it');
    expect(outcome.findings[0]?.explanation?.[0]).toMatch(
      /^scenario: host-gw, Network 10.244.0.0\/16, 3 nodes/,
    );
    expect(outcome.notes?.flannelShrunkNodes).toBe(3);
  });
});
