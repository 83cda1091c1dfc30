// Coverage from the oracle's explanations (docs/rules.md "Coverage"): one hand-made case per policy feature
// the explanation decides, with the rules it decides and what is not on the deciding path.
import { describe, expect, test } from 'vitest';
import { featuresOf } from '../../spec/coverageFeatures.ts';
import type { NetworkPolicy, NetworkPolicyPort, Protocol } from '../../spec/model.ts';
import { DEFAULT_PROFILE } from '../../spec/profile.ts';
import {
  ALL,
  ipBlock,
  labels,
  nsName,
  policy,
  port,
  rule,
  xyzCluster,
} from '../../test/upstream/xyzModel.ts';
import type { PolicyDecided } from './decidedBy.ts';
import { decidedBy } from './decidedBy.ts';
import { evaluateReference } from './reference.ts';

interface Case {
  readonly policies: readonly NetworkPolicy[];
  readonly from: string;
  readonly to: string | { ip: string };
  readonly port?: number;
  readonly protocol?: Protocol;
  readonly verdict: 'allow' | 'deny';
  /** Features that must not be counted (not on the deciding path). */
  readonly absent?: readonly string[];
}

function decide(c: Case): PolicyDecided | undefined {
  const cluster = xyzCluster(c.policies);
  const protocol = c.protocol ?? 'TCP';
  const decision = evaluateReference(cluster, { from: c.from, to: c.to, port: c.port ?? 80, protocol });
  expect(decision.verdict).toBe(c.verdict);
  return decidedBy(decision.explanation, cluster.policies, protocol);
}

const a = labels({ pod: 'a' });
const fromB = [{ podSelector: labels({ pod: 'b' }) }];
const ingressTo = (peers?: Parameters<typeof rule>[0], ports?: readonly NetworkPolicyPort[]) =>
  policy('to-a', a, { ingress: [rule(peers, ports)] });
const egressFrom = (peers?: Parameters<typeof rule>[0], ports?: readonly NetworkPolicyPort[]) =>
  policy('from-a', a, { egress: [rule(peers, ports)], policyTypes: ['Egress'] });

/** One case per feature decidedBy reads from an explanation. */
const CASES: Readonly<Record<string, Case>> = {
  'ingress isolated': { policies: [ingressTo(fromB)], from: 'x/b', to: 'x/a', verdict: 'allow' },
  'ingress not isolated': {
    policies: [egressFrom(fromB)],
    from: 'x/a',
    to: 'x/b',
    verdict: 'allow',
  },
  'egress isolated': { policies: [egressFrom(fromB)], from: 'x/a', to: 'x/b', verdict: 'allow' },
  'egress not isolated': {
    policies: [ingressTo(fromB)],
    from: 'x/b',
    to: 'x/a',
    verdict: 'allow',
  },
  'policyTypes Ingress': {
    policies: [policy('deny', a, { ingress: [] })],
    from: 'x/b',
    to: 'x/a',
    verdict: 'deny',
    // The egress side allowed, but a deny rests only on the side that denied.
    absent: ['egress not isolated', 'policyTypes Egress', 'policyTypes Ingress+Egress'],
  },
  'policyTypes Egress': {
    policies: [policy('deny', a, { egress: [], policyTypes: ['Egress'] })],
    from: 'x/a',
    to: 'x/b',
    verdict: 'deny',
    absent: ['ingress not isolated', 'policyTypes Ingress'],
  },
  'policyTypes Ingress+Egress': {
    policies: [policy('deny', a, { ingress: [], egress: [] })],
    from: 'x/b',
    to: 'x/a',
    verdict: 'deny',
  },
  'peer any': { policies: [ingressTo(undefined, [port(80)])], from: 'z/c', to: 'x/a', verdict: 'allow' },
  'peer podSelector': { policies: [ingressTo(fromB)], from: 'x/b', to: 'x/a', verdict: 'allow' },
  'peer namespaceSelector': {
    policies: [ingressTo([{ namespaceSelector: nsName('y') }])],
    from: 'y/c',
    to: 'x/a',
    verdict: 'allow',
    absent: ['peer podSelector', 'peer any'],
  },
  'peer podSelector+namespaceSelector': {
    policies: [ingressTo([{ namespaceSelector: nsName('y'), podSelector: labels({ pod: 'b' }) }])],
    from: 'y/b',
    to: 'x/a',
    verdict: 'allow',
  },
  'peer ipBlock': {
    policies: [ingressTo([ipBlock('10.244.2.0/24')])],
    from: 'y/b',
    to: 'x/a',
    verdict: 'allow',
    absent: ['peer ipBlock except'],
  },
  // The except excludes y/b's address: the ipBlock with except is what denied it.
  'peer ipBlock except': {
    policies: [ingressTo([ipBlock('10.244.0.0/16', ['10.244.2.0/24'])])],
    from: 'y/b',
    to: 'x/a',
    verdict: 'deny',
  },
  'port any': { policies: [ingressTo(fromB)], from: 'x/b', to: 'x/a', verdict: 'allow' },
  'port protocol only': {
    policies: [ingressTo(fromB, [{ protocol: 'UDP' }])],
    from: 'x/b',
    to: 'x/a',
    port: 81,
    protocol: 'UDP',
    verdict: 'allow',
  },
  'port number': { policies: [ingressTo(fromB, [port(80)])], from: 'x/b', to: 'x/a', verdict: 'allow' },
  'port name': {
    policies: [ingressTo(fromB, [port('serve-80-tcp')])],
    from: 'x/b',
    to: 'x/a',
    verdict: 'allow',
  },
  'port range': {
    policies: [ingressTo(fromB, [{ protocol: 'TCP', port: 79, endPort: 81 }])],
    from: 'x/b',
    to: 'x/a',
    verdict: 'allow',
  },
  'protocol TCP': { policies: [ingressTo(fromB, [port(80)])], from: 'x/b', to: 'x/a', verdict: 'allow' },
  'protocol UDP': {
    policies: [ingressTo(fromB, [port(81, 'UDP')])],
    from: 'x/b',
    to: 'x/a',
    port: 81,
    protocol: 'UDP',
    verdict: 'allow',
  },
  'protocol SCTP': {
    policies: [ingressTo(fromB, [port(80, 'SCTP')])],
    from: 'x/b',
    to: 'x/a',
    protocol: 'SCTP',
    verdict: 'allow',
  },
  'miss peer': {
    policies: [ingressTo(fromB, [port(80)])],
    from: 'x/c',
    to: 'x/a',
    verdict: 'deny',
    // The ports matched: they did not decide the deny.
    absent: ['port number', 'protocol TCP', 'miss port'],
  },
  'miss port': {
    policies: [ingressTo(fromB, [port(81)])],
    from: 'x/b',
    to: 'x/a',
    verdict: 'deny',
    absent: ['peer podSelector', 'miss peer'],
  },
  'miss peer and port': {
    policies: [ingressTo(fromB, [port(81)])],
    from: 'x/c',
    to: 'x/a',
    verdict: 'deny',
  },
  'no rules': { policies: [policy('deny', a, { ingress: [] })], from: 'x/b', to: 'x/a', verdict: 'deny' },
  'to pod': { policies: [], from: 'x/b', to: 'x/a', verdict: 'allow', absent: ['to outside'] },
  'to outside': {
    policies: [egressFrom([ipBlock('192.0.2.0/24')], [port(80)])],
    from: 'x/a',
    to: { ip: '192.0.2.7' },
    verdict: 'allow',
    absent: ['to pod', 'ingress not isolated'],
  },
};

/** Features the runner adds from what it knows beyond one explanation (runner/areas/policy/stateCoverage.ts). */
const FROM_THE_RUNNER = new Set([
  'via Service',
  'IPv6',
  'after create policy',
  'after update policy',
  'after delete policy',
  'after relabel pod',
  'after relabel namespace',
  'after add pod',
]);

describe('decidedBy: the features on the deciding path (docs/rules.md "Coverage")', () => {
  test('every policy feature of the catalogue has a case here, or is the runner`s', () => {
    const catalogue = featuresOf('policy')
      .map((f) => f.feature)
      .filter((f) => !FROM_THE_RUNNER.has(f));
    expect(Object.keys(CASES).sort()).toEqual(catalogue.sort());
  });

  for (const [feature, c] of Object.entries(CASES)) {
    test(`${feature}: decided ${c.verdict} in its hand-made case`, () => {
      const decided = decide(c);
      expect(decided?.verdict).toBe(c.verdict);
      expect(decided?.features).toContain(feature);
      for (const other of c.absent ?? []) expect(decided?.features).not.toContain(other);
    });
  }
});

describe('decidedBy: the rules a verdict rests on (docs/rules.md "Coverage")', () => {
  test('allow with neither side isolated rests on NP-ALLOW alone', () => {
    expect(decide(CASES['to pod'] as Case)?.rules).toEqual(['NP-ALLOW']);
  });

  test('allow through an isolated side also exercises that side`s isolation rule', () => {
    expect(decide(CASES['ingress isolated'] as Case)?.rules).toEqual(['NP-ALLOW', 'NP-INGRESS-ISOLATION']);
    expect(decide(CASES['egress isolated'] as Case)?.rules).toEqual(['NP-ALLOW', 'NP-EGRESS-ISOLATION']);
  });

  test('deny rests on every side that denied, never on NP-ALLOW', () => {
    const both = policy('deny', ALL, { ingress: [], egress: [] });
    expect(decide({ policies: [both], from: 'x/a', to: 'x/b', verdict: 'deny' })?.rules).toEqual([
      'NP-EGRESS-ISOLATION',
      'NP-INGRESS-ISOLATION',
    ]);
    expect(decide(CASES['no rules'] as Case)?.rules).toEqual(['NP-INGRESS-ISOLATION']);
  });

  test('several rules allowing: each is a sufficient reason, and each is counted', () => {
    const p = policy('two', a, { ingress: [rule(fromB), rule([{ namespaceSelector: nsName('x') }])] });
    const d = decide({ policies: [p], from: 'x/b', to: 'x/a', verdict: 'allow' });
    expect(d?.features).toEqual(expect.arrayContaining(['peer podSelector', 'peer namespaceSelector']));
  });

  test('a verdict decided before any policy, or left undefined, has no deciding rule', () => {
    const cluster = xyzCluster([]);
    const loopback = evaluateReference(cluster, { from: 'x/a', to: 'x/a', port: 80, protocol: 'TCP' });
    expect(loopback.explanation.shortCircuit).toBe('loopback');
    expect(decidedBy(loopback.explanation, cluster.policies, 'TCP')).toBeUndefined();
    const noEndPort = { ...DEFAULT_PROFILE, support: { ...DEFAULT_PROFILE.support, endPort: false } };
    const ranged = xyzCluster([ingressTo(fromB, [{ protocol: 'TCP', port: 79, endPort: 81 }])]);
    const undecided = evaluateReference(
      ranged,
      { from: 'x/b', to: 'x/a', port: 80, protocol: 'TCP' },
      noEndPort,
    );
    expect(undecided.verdict).toBe('undefined');
    expect(decidedBy(undecided.explanation, ranged.policies, 'TCP')).toBeUndefined();
  });
});
