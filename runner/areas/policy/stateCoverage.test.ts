// Coverage of one checked state (docs/rules.md "Coverage"): hand-made states whose deciding features are
// known, judged by the runner's own judge and oracle; one test per feature the runner adds to the
// oracle's explanation (oracle/policy/decidedBy.test.ts has the others) and per model feature.
import { describe, expect, test } from 'vitest';
import type { Cluster, NetworkPolicy, Protocol, Service } from '../../../spec/model.ts';
import { keyOf } from '../../../spec/model.ts';
import { DEFAULT_PROFILE } from '../../../spec/profile.ts';
import type { Realized, Step } from '../../../spec/scenario.ts';
import type { ProbeResult } from '../../../spec/target.ts';
import { nodeSourceKey } from '../../../spec/target.ts';
import { labels, policy, rule as policyRule, xyzCluster } from '../../../test/upstream/xyzModel.ts';
import { ScenarioCoverage } from '../../coverage.ts';
import { policyOracleFactory } from '../../oracleBridge.ts';
import type { StateOutcome } from './checkScenario.ts';
import { judgeProbe } from './judge.ts';
import type { PlannedProbe } from './probePlan.ts';
import { recordStateCoverage } from './stateCoverage.ts';

const OUTSIDE = '192.168.200.10';

function realizedOf(cluster: Cluster): Realized {
  return {
    podIPs: Object.fromEntries(cluster.pods.map((p) => [keyOf(p), p.ips])),
    serviceIPs: Object.fromEntries(cluster.services.map((s) => [keyOf(s), s.clusterIP ?? ''])),
    nodeIPs: { 'node-1': '192.168.100.10', 'node-2': '192.168.100.11' },
    nodeSubnets: { 'node-1': '10.244.0.0/16', 'node-2': '10.245.0.0/16' },
    clusterNetwork: '10.244.0.0/15',
    outsideNetwork: '192.168.200.0/24',
    outsideServer: { ip: OUTSIDE, port: 8080, protocol: 'TCP' },
  };
}

interface Sent {
  readonly from: string;
  /** A pod key, `svc:ns/name`, or `outside`. */
  readonly to: string;
  readonly port?: number;
  readonly protocol?: Protocol;
  /** What came back (default: what a correct network does: connected when allowed, else refused). */
  readonly outcome?: ProbeResult['outcome'];
}

/** A state of `cluster` (after `step`, from `before`) whose probes the runner's judge judged. */
function stateOf(cluster: Cluster, sent: readonly Sent[], step?: Step, before?: Cluster): StateOutcome {
  const realized = realizedOf(cluster);
  const oracle = policyOracleFactory(cluster, DEFAULT_PROFILE);
  const judgements = sent.map((s, i) => {
    const port = s.port ?? 80;
    const protocol = s.protocol ?? 'TCP';
    const dest: PlannedProbe['dest'] =
      s.to === 'outside'
        ? { kind: 'outside' }
        : s.to.startsWith('svc:')
          ? { kind: 'service', service: s.to.slice(4), port }
          : { kind: 'pod', pod: s.to };
    const host =
      dest.kind === 'outside'
        ? OUTSIDE
        : dest.kind === 'service'
          ? (realized.serviceIPs[dest.service] ?? '')
          : (realized.podIPs[dest.pod]?.[0] ?? '');
    const probe: PlannedProbe = {
      request: {
        id: `p${i}`,
        from: s.from,
        host,
        port: dest.kind === 'outside' ? 8080 : port,
        protocol,
        timeoutMs: 1000,
      },
      dest,
    };
    const to =
      dest.kind === 'pod'
        ? dest.pod
        : dest.kind === 'service'
          ? backendOf(cluster, dest.service)
          : { ip: host };
    const fromNode = s.from.startsWith('node:');
    const verdict = fromNode ? 'allow' : oracle.verdict(s.from, to, port, protocol);
    const outcome = s.outcome ?? (verdict === 'allow' ? 'connected' : 'refused');
    const source = fromNode ? realized.nodeIPs[s.from.slice(5)] : realized.podIPs[s.from]?.[0];
    const result: ProbeResult = {
      id: `p${i}`,
      outcome,
      durationMs: 1,
      ...(outcome === 'connected'
        ? {
            servedBy: dest.kind === 'outside' ? 'outside' : typeof to === 'string' ? to : '',
            sourceSeen: (dest.kind === 'outside' ? realized.nodeIPs['node-1'] : source) ?? '',
          }
        : {}),
    };
    return judgeProbe(probe, result, cluster, realized, oracle);
  });
  return {
    stateIndex: step ? 1 : 0,
    ...(step ? { step } : {}),
    cluster,
    realized,
    probes: judgements.map((j) => j.probe),
    check: { judgements, staticViolations: [], probesSent: judgements.length, converged: true },
    unsupportedProbes: 0,
    ...(before ? { before: policyOracleFactory(before, DEFAULT_PROFILE) } : {}),
  };
}

function backendOf(cluster: Cluster, service: string): string {
  const svc = cluster.services.find((s) => keyOf(s) === service);
  const pod = cluster.pods.find((p) => p.namespace === svc?.namespace && p.labels.pod === svc?.selector?.pod);
  return pod ? keyOf(pod) : '';
}

function covered(state: StateOutcome, checkModel = true): ScenarioCoverage {
  const into = new ScenarioCoverage();
  recordStateCoverage(state, into, checkModel);
  return into;
}

const feature = (c: ScenarioCoverage, area: string, name: string) => c.features.get(`${area}\u0000${name}`);
const ruleCount = (c: ScenarioCoverage, area: string, id: string) => c.rules.get(`${area}\u0000${id}`);

const a = labels({ pod: 'a' });
const denyA: NetworkPolicy = policy('deny-a', a, { ingress: [] });
const fromB: NetworkPolicy = policy('deny-a', a, {
  ingress: [policyRule([{ podSelector: labels({ pod: 'b' }) }])],
});

describe('the features the runner adds to the explanation (docs/rules.md "Coverage")', () => {
  test('via Service: a probe to a ClusterIP is judged at its backend after DNAT', () => {
    const svc: Service = {
      namespace: 'x',
      name: 'web',
      selector: { pod: 'a' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      sessionAffinity: 'None',
      affinityTimeoutSeconds: 10800,
      clusterIP: '10.96.0.10',
    };
    const cluster = { ...xyzCluster([fromB]), services: [svc] };
    const c = covered(
      stateOf(cluster, [
        { from: 'x/b', to: 'svc:x/web' },
        { from: 'x/c', to: 'svc:x/web' },
      ]),
    );
    expect(feature(c, 'policy', 'via Service')).toBe(2);
    expect(ruleCount(c, 'policy', 'NP-INGRESS-ISOLATION')).toEqual({ probes: 2, allow: 1, deny: 1 });
  });

  test('IPv6: a probe with an IPv6 address on either end', () => {
    const base = xyzCluster([]);
    const cluster = {
      ...base,
      pods: base.pods.map((p) => (keyOf(p) === 'x/a' ? { ...p, ips: ['fd00::a'] } : p)),
    };
    const c = covered(
      stateOf(cluster, [
        { from: 'x/b', to: 'x/a' },
        { from: 'x/b', to: 'x/c' },
      ]),
    );
    expect(feature(c, 'policy', 'IPv6')).toBe(1);
  });

  const steps: readonly [string, Step, Cluster, Cluster, Sent][] = [
    [
      'after create policy',
      { kind: 'createPolicy', policy: denyA },
      xyzCluster([]),
      xyzCluster([denyA]),
      { from: 'x/b', to: 'x/a' },
    ],
    [
      'after update policy',
      { kind: 'updatePolicy', policy: denyA },
      xyzCluster([fromB]),
      xyzCluster([denyA]),
      { from: 'x/b', to: 'x/a' },
    ],
    [
      'after delete policy',
      { kind: 'deletePolicy', namespace: 'x', name: 'deny-a' },
      xyzCluster([denyA]),
      xyzCluster([]),
      { from: 'x/b', to: 'x/a' },
    ],
    [
      'after relabel pod',
      { kind: 'relabelPod', pod: 'x/c', labels: { pod: 'c', role: 'b' } },
      xyzCluster([policy('p', a, { ingress: [policyRule([{ podSelector: labels({ role: 'b' }) }])] })]),
      xyzCluster([policy('p', a, { ingress: [policyRule([{ podSelector: labels({ role: 'b' }) }])] })], {
        podLabels: { 'x/c': { role: 'b' } },
      }),
      { from: 'x/c', to: 'x/a' },
    ],
    [
      'after relabel namespace',
      { kind: 'relabelNamespace', namespace: 'y', labels: { env: 'dev' } },
      xyzCluster([
        policy('p', a, { ingress: [policyRule([{ namespaceSelector: labels({ env: 'dev' }) }])] }),
      ]),
      xyzCluster(
        [policy('p', a, { ingress: [policyRule([{ namespaceSelector: labels({ env: 'dev' }) }])] })],
        {
          namespaceLabels: { y: { env: 'dev' } },
        },
      ),
      { from: 'y/b', to: 'x/a' },
    ],
  ];
  for (const [name, step, before, after, probe] of steps) {
    test(`${name}: NP-STEP decided a verdict the step changed, and only that one`, () => {
      const unchanged: Sent = { from: 'z/c', to: 'z/b' };
      const c = covered(stateOf(after, [probe, unchanged], step, before));
      expect(feature(c, 'policy', name)).toBe(1);
      expect(ruleCount(c, 'policy', 'NP-STEP')?.probes).toBe(1);
    });
  }

  test('after add pod: every probe to or from the pod the step added', () => {
    const before = xyzCluster([]);
    const after = xyzCluster([]);
    const added = after.pods.find((p) => keyOf(p) === 'x/c');
    const without: Cluster = { ...before, pods: before.pods.filter((p) => keyOf(p) !== 'x/c') };
    if (!added) throw new Error('x/c is missing from the fixture');
    const c = covered(
      stateOf(
        after,
        [
          { from: 'x/c', to: 'x/a' },
          { from: 'x/a', to: 'x/c' },
          { from: 'x/a', to: 'x/b' },
        ],
        {
          kind: 'addPod',
          pod: added,
        },
        without,
      ),
    );
    expect(feature(c, 'policy', 'after add pod')).toBe(2);
    expect(ruleCount(c, 'policy', 'NP-STEP')).toEqual({ probes: 2, allow: 2, deny: 0 });
  });

  test('a deleted pod decides no verdict, even where the state before judged differently', () => {
    const c = covered(
      stateOf(
        xyzCluster([]),
        [{ from: 'x/b', to: 'x/a' }],
        { kind: 'deletePod', pod: 'z/c' },
        xyzCluster([denyA]),
      ),
    );
    expect(ruleCount(c, 'policy', 'NP-STEP')).toBeUndefined();
  });

  test('probes whose machinery failed, that could not be sent, or whose verdict is undefined count nowhere', () => {
    const c = covered(
      stateOf(xyzCluster([denyA]), [
        { from: 'x/b', to: 'x/a', outcome: 'error' },
        { from: 'x/b', to: 'x/a', outcome: 'unsupported' },
        { from: 'x/a', to: 'x/a' },
      ]),
    );
    // Only the static pod-IP rules, which judge the state's pods, not its probes.
    expect([...c.rules.keys()].sort()).toEqual([
      'model\u0000MODEL-IP-IN-LEASE',
      'model\u0000MODEL-UNIQUE-IP',
    ]);
    expect(ruleCount(c, 'model', 'MODEL-UNIQUE-IP')).toEqual({ probes: 9, allow: 0, deny: 0 });
    expect([...c.features.keys()]).toEqual(['model\u0000pod IPs']);
  });
});

describe('model features (docs/rules.md "Coverage")', () => {
  const twoNodes = (): Cluster => {
    const c = xyzCluster([]);
    return { ...c, pods: c.pods.map((p) => (p.namespace === 'y' ? { ...p, nodeName: 'node-2' } : p)) };
  };

  test('pod to pod, same node: what answered and the source it saw are judged', () => {
    const c = covered(stateOf(twoNodes(), [{ from: 'x/b', to: 'x/a' }]));
    expect(feature(c, 'model', 'pod to pod, same node')).toBe(1);
    expect(ruleCount(c, 'model', 'MODEL-NO-NAT')).toEqual({ probes: 1, allow: 1, deny: 0 });
  });

  test('pod to pod, across nodes', () => {
    const c = covered(stateOf(twoNodes(), [{ from: 'y/b', to: 'x/a' }]));
    expect(feature(c, 'model', 'pod to pod, across nodes')).toBe(1);
    expect(feature(c, 'model', 'pod to pod, same node')).toBeUndefined();
  });

  test('node to local pod: MODEL-NODE-TO-POD, whatever the policies', () => {
    const c = covered(stateOf(xyzCluster([denyA]), [{ from: nodeSourceKey('node-1'), to: 'x/a' }]));
    expect(feature(c, 'model', 'node to local pod')).toBe(1);
    expect(ruleCount(c, 'model', 'MODEL-NODE-TO-POD')).toEqual({ probes: 1, allow: 1, deny: 0 });
  });

  test('pod to outside: MODEL-MASQUERADE on what the outside server saw', () => {
    const c = covered(stateOf(xyzCluster([]), [{ from: 'x/a', to: 'outside' }]));
    expect(feature(c, 'model', 'pod to outside')).toBe(1);
    expect(ruleCount(c, 'model', 'MODEL-MASQUERADE')).toEqual({ probes: 1, allow: 1, deny: 0 });
    expect(feature(c, 'policy', 'to outside')).toBe(1);
  });

  test('pod IPs: every pod IP of the state, judged unique and inside its lease', () => {
    const c = covered(stateOf(xyzCluster([]), []));
    expect(feature(c, 'model', 'pod IPs')).toBe(9);
    expect(ruleCount(c, 'model', 'MODEL-IP-IN-LEASE')).toEqual({ probes: 9, allow: 0, deny: 0 });
  });

  test('without the model area, no model rule counts', () => {
    const c = covered(stateOf(xyzCluster([]), [{ from: 'x/b', to: 'x/a' }]), false);
    expect([...c.rules.keys()].some((k) => k.startsWith('model'))).toBe(false);
  });
});
