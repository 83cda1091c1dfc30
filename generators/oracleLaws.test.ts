// Laws of the NetworkPolicy oracle, checked on generated scenarios. Each law follows from the
// NetworkPolicy API text (networking/v1 types.go, docs "Network Policies"): rules are a union with no
// order and no deny, peers in one list are ORed, label keys are opaque names, `[{}]` allows every peer.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compileFast, declaredPorts, evaluateReference, predictMatrix } from '../oracle/policy/index.ts';
import { selectorMatches } from '../oracle/policy/selectorMatches.ts';
import { cidrRange, hostOf } from '../spec/ipNum.ts';
import { parseCidr } from '../spec/manifests/cidr.ts';
import type {
  Cluster,
  LabelSelector,
  Labels,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyRule,
  ObjectKey,
  Pod,
  PolicyType,
  Protocol,
} from '../spec/model.ts';
import { keyOf } from '../spec/model.ts';
import { DEFAULT_PROFILE, type SemanticProfile } from '../spec/profile.ts';
import { realizeCluster } from '../spec/resolve.ts';
import type { Realized, Scenario } from '../spec/scenario.ts';
import type { Verdict } from '../spec/verdict.ts';
import { assertProperty } from './reportFailure.ts';
import { scenarioArb } from './scenario.ts';
import type { StepSystem } from './stepCommands.ts';
import { initialStepModel, stepCommandsArb } from './stepCommands.ts';
import { withSyntheticAddresses } from './syntheticAddresses.ts';

/** Runs per law: CI's bar is ≥ 1,000 with a fixed seed. */
const NUM_RUNS = 1000;
/** Generous: on a shared 2-core machine a 1,000-run property can wait long for a core (not an assertion on time). */
const PROPERTY_TIMEOUT_MS = 180_000;
const SEED = 424242;
const params = (seedOffset: number) => ({ numRuns: NUM_RUNS, seed: SEED + seedOffset });

const scenarios = scenarioArb({ size: 'small', maxSteps: 0 });

interface Concrete {
  readonly cluster: Cluster;
  readonly realized: Realized;
}

function concrete(s: Scenario): Concrete {
  const { cluster, realized } = withSyntheticAddresses(s.cluster, s.netConf);
  return { cluster: realizeCluster(cluster, realized), realized };
}

interface Probe {
  readonly from: ObjectKey;
  readonly to: { readonly kind: 'pod'; readonly pod: ObjectKey } | { readonly kind: 'address' };
  readonly host: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** Every (source pod, destination pod, declared port), at the destination's pod IP. */
function podProbes(c: Concrete): Probe[] {
  return c.cluster.pods.flatMap((src) =>
    c.cluster.pods.flatMap((dst) => {
      const host = c.realized.podIPs[keyOf(dst)]?.[0];
      if (host === undefined) return [];
      const to = { kind: 'pod', pod: keyOf(dst) } as const;
      return declaredPorts(dst).map(({ port, protocol }) => ({ from: keyOf(src), to, host, port, protocol }));
    }),
  );
}

/** Probes to pods plus probes to raw addresses (outside, node IPs), which only the source's egress judges. */
function probesOf(c: Concrete): Probe[] {
  const network = parseCidr(c.realized.outsideNetwork)!;
  const outside = hostOf(cidrRange(network.network, network.prefixLength, 4), 1)!.toString();
  const addresses = [
    ...(['TCP', 'UDP'] as const).map((protocol) => ({ host: outside, protocol })),
    ...Object.values(c.realized.nodeIPs).map((host) => ({ host, protocol: 'TCP' as const })),
  ];
  const addressProbes = c.cluster.pods.flatMap((p) =>
    addresses.map(({ host, protocol }) => ({
      from: keyOf(p),
      to: { kind: 'address' } as const,
      host,
      port: 80,
      protocol,
    })),
  );
  return [...podProbes(c), ...addressProbes];
}

function cellKey(p: Probe): string {
  const to = p.to.kind === 'pod' ? p.to.pod : p.host;
  return `${p.from} -> ${to} ${p.port}/${p.protocol}`;
}

function policyProbeOf(p: Probe) {
  return {
    from: p.from,
    to: p.to.kind === 'pod' ? p.to.pod : { ip: p.host },
    port: p.port,
    protocol: p.protocol,
  };
}

/** Every cell's verdict by the fast engine, keyed by `from -> to port/proto`. */
function verdicts(
  cluster: Cluster,
  probes: readonly Probe[],
  profile: SemanticProfile = DEFAULT_PROFILE,
): Map<string, Verdict> {
  const engine = compileFast(cluster, profile);
  return new Map(probes.map((p) => [cellKey(p), engine.verdict(policyProbeOf(p))]));
}

function withPolicies(cluster: Cluster, policies: readonly NetworkPolicy[]): Cluster {
  return { ...cluster, policies };
}

function mapRules(
  cluster: Cluster,
  f: (rules: readonly NetworkPolicyRule[], p: NetworkPolicy, i: number) => NetworkPolicyRule[],
): Cluster {
  return withPolicies(
    cluster,
    cluster.policies.map((p, i) => ({
      ...p,
      ...(p.ingress === undefined ? {} : { ingress: f(p.ingress, p, i) }),
      ...(p.egress === undefined ? {} : { egress: f(p.egress, p, i) }),
    })),
  );
}

/** A deterministic shuffle (mulberry32), so the permutation is part of the counterexample. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function isolates(p: NetworkPolicy, pod: Pod, direction: PolicyType): boolean {
  return (
    p.namespace === pod.namespace &&
    p.policyTypes.includes(direction) &&
    selectorMatches(p.podSelector, pod.labels)
  );
}

const profileArb: fc.Arbitrary<SemanticProfile> = fc.record({
  ipBlockMatchesPodIPs: fc.boolean(),
  loopback: fc.constantFrom('undefined' as const, 'allow' as const, 'policy' as const),
  hostNetwork: fc.constantFrom('undefined' as const, 'policy' as const),
  serviceTraffic: fc.constant('after-dnat' as const),
  support: fc.record({
    sctp: fc.boolean(),
    endPort: fc.boolean(),
    namedPorts: fc.boolean(),
    ipv6: fc.constant(true),
  }),
});

describe('oracle laws on generated scenarios', { timeout: PROPERTY_TIMEOUT_MS }, () => {
  test('the fast engine and the reference evaluator agree on every probe, under any profile', () => {
    assertProperty(
      fc.property(scenarioArb({ size: 'medium', maxSteps: 0 }), profileArb, (s, profile) => {
        const c = concrete(s);
        const fast = compileFast(c.cluster, profile);
        for (const p of probesOf(c)) {
          const probe = policyProbeOf(p);
          expect(fast.verdict(probe), cellKey(p)).toBe(evaluateReference(c.cluster, probe, profile).verdict);
        }
      }),
      params(1),
      'engines agree',
    );
  });

  test('the order of policies, rules, peers and ports never changes a verdict (rules are a union)', () => {
    assertProperty(
      fc.property(scenarios, fc.integer(), (s, seed) => {
        const c = concrete(s);
        const probes = probesOf(c);
        const shuffled = mapRules(withPolicies(c.cluster, shuffle(c.cluster.policies, seed)), (rules) =>
          shuffle(rules, seed + 1).map((r) => ({
            ...r,
            ...(r.peers === undefined ? {} : { peers: shuffle(r.peers, seed + 2) }),
            ...(r.ports === undefined ? {} : { ports: shuffle(r.ports, seed + 3) }),
          })),
        );
        expect(verdicts(shuffled, probes)).toEqual(verdicts(c.cluster, probes));
      }),
      params(2),
      'order never matters',
    );
  });

  test('splitting a rule with several peers into one rule per peer changes nothing (peers are ORed)', () => {
    assertProperty(
      fc.property(scenarios, (s) => {
        const c = concrete(s);
        const probes = probesOf(c);
        const split = mapRules(c.cluster, (rules) =>
          rules.flatMap((r) =>
            r.peers !== undefined && r.peers.length > 1
              ? r.peers.map((peer) => ({ ...r, peers: [peer] }))
              : [r],
          ),
        );
        expect(verdicts(split, probes)).toEqual(verdicts(c.cluster, probes));
      }),
      params(3),
      'split peers',
    );
  });

  test('adding a policy never turns an allow into a deny for a pod it does not newly isolate', () => {
    assertProperty(
      fc.property(scenarios, (s) => {
        const c = concrete(s);
        const probes = probesOf(c);
        const before = c.cluster.policies.slice(0, -1);
        const added = c.cluster.policies.at(-1);
        if (added === undefined) return;
        const v0 = verdicts(withPolicies(c.cluster, before), probes);
        const v1 = verdicts(c.cluster, probes);
        const pod = new Map(c.cluster.pods.map((p) => [keyOf(p), p]));
        for (const p of probes) {
          const k = cellKey(p);
          if (v0.get(k) !== 'allow' || v1.get(k) !== 'deny') continue;
          const src = pod.get(p.from)!;
          const dst = p.to.kind === 'pod' ? pod.get(p.to.pod) : undefined;
          const newlyEgress =
            isolates(added, src, 'Egress') && !before.some((q) => isolates(q, src, 'Egress'));
          const newlyIngress =
            dst !== undefined &&
            isolates(added, dst, 'Ingress') &&
            !before.some((q) => isolates(q, dst, 'Ingress'));
          expect(newlyEgress || newlyIngress, `${k} turned deny`).toBe(true);
        }
      }),
      params(4),
      'adding a policy to isolated pods only adds allowances',
    );
  });

  test('adding rules to existing policies never turns an allow into a deny (rules only allow)', () => {
    assertProperty(
      fc.property(scenarios, (s) => {
        const c = concrete(s);
        const probes = probesOf(c);
        const policies = c.cluster.policies;
        const more = withPolicies(
          c.cluster,
          policies.map((p, i) => {
            const donor = policies[(i + 1) % policies.length]!;
            return {
              ...p,
              ingress: [...(p.ingress ?? []), ...(donor.ingress ?? [])],
              egress: [...(p.egress ?? []), ...(donor.egress ?? [])],
            };
          }),
        );
        const v0 = verdicts(c.cluster, probes);
        const v1 = verdicts(more, probes);
        for (const [k, v] of v0) if (v === 'allow') expect(v1.get(k), k).toBe('allow');
      }),
      params(5),
      'more rules only allow more',
    );
  });

  test('renaming a label key consistently everywhere changes nothing (keys are opaque)', () => {
    const RENAME: Readonly<Record<string, string>> = {
      pod: 'example.com/name',
      app: 'application',
      tier: 'layer',
      ns: 'team',
      env: 'environment',
    };
    const renameLabels = (l: Labels): Labels =>
      Object.fromEntries(Object.entries(l).map(([k, v]) => [RENAME[k] ?? k, v]));
    const renameSelector = (sel: LabelSelector): LabelSelector => ({
      ...(sel.matchLabels === undefined ? {} : { matchLabels: renameLabels(sel.matchLabels) }),
      ...(sel.matchExpressions === undefined
        ? {}
        : { matchExpressions: sel.matchExpressions.map((e) => ({ ...e, key: RENAME[e.key] ?? e.key })) }),
    });
    assertProperty(
      fc.property(scenarios, (s) => {
        const c = concrete(s);
        const probes = probesOf(c);
        const renamed = mapRules(
          {
            ...c.cluster,
            namespaces: c.cluster.namespaces.map((n) => ({ ...n, labels: renameLabels(n.labels) })),
            pods: c.cluster.pods.map((p) => ({ ...p, labels: renameLabels(p.labels) })),
            policies: c.cluster.policies.map((p) => ({ ...p, podSelector: renameSelector(p.podSelector) })),
          },
          (rules) =>
            rules.map((r) => ({
              ...r,
              ...(r.peers === undefined
                ? {}
                : {
                    peers: r.peers.map((peer) => ({
                      ...peer,
                      ...(peer.podSelector === undefined
                        ? {}
                        : { podSelector: renameSelector(peer.podSelector) }),
                      ...(peer.namespaceSelector === undefined
                        ? {}
                        : { namespaceSelector: renameSelector(peer.namespaceSelector) }),
                    })),
                  }),
            })),
        );
        expect(verdicts(renamed, probes)).toEqual(verdicts(c.cluster, probes));
      }),
      params(6),
      'renaming label keys',
    );
  });

  test('`ingress: [{}]` on every pod is the same as no ingress isolation (docs "Allow all ingress traffic")', () => {
    assertProperty(
      fc.property(scenarios, (s) => {
        const c = concrete(s);
        const probes = probesOf(c);
        const allowAll: NetworkPolicy[] = c.cluster.namespaces.map((n) => ({
          namespace: n.name,
          name: 'allow-all-ingress',
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: [{}],
        }));
        const withAllowAll = withPolicies(c.cluster, [...c.cluster.policies, ...allowAll]);
        const noIngress = withPolicies(
          c.cluster,
          c.cluster.policies
            .map((p) => ({ ...p, policyTypes: p.policyTypes.filter((t) => t !== 'Ingress') }))
            .filter((p) => p.policyTypes.length > 0),
        );
        expect(verdicts(withAllowAll, probes)).toEqual(verdicts(noIngress, probes));
      }),
      params(7),
      'ingress [{}]',
    );
  });

  test('a deny-all for a direction makes every probe in that direction deny, except where the verdict is undefined', () => {
    assertProperty(
      fc.property(
        scenarios,
        fc.constantFrom<PolicyType>('Ingress', 'Egress'),
        profileArb,
        (s, direction, profile) => {
          const c = concrete(s);
          const probes = probesOf(c);
          const denyAll: NetworkPolicy[] = c.cluster.namespaces.map((n) => ({
            namespace: n.name,
            name: `deny-all-${direction.toLowerCase()}`,
            podSelector: {},
            policyTypes: [direction],
          }));
          // Every other policy keeps only its other direction: nothing may allow this one.
          const others = c.cluster.policies
            .map((p) => ({ ...p, policyTypes: p.policyTypes.filter((t) => t !== direction) }))
            .filter((p) => p.policyTypes.length > 0);
          const v = verdicts(withPolicies(c.cluster, [...others, ...denyAll]), probes, profile);
          for (const p of probes) {
            // Traffic to an address outside the pods has no ingress side in the cluster.
            if (direction === 'Ingress' && p.to.kind !== 'pod') continue;
            if (profile.loopback === 'allow' && p.to.kind === 'pod' && p.to.pod === p.from) continue;
            expect(['deny', 'undefined'], cellKey(p)).toContain(v.get(cellKey(p)));
          }
        },
      ),
      params(8),
      'deny-all',
    );
  });

  test('without policies every defined cell allows (docs "By default, pods are non-isolated")', () => {
    assertProperty(
      fc.property(scenarios, profileArb, (s, profile) => {
        const c = concrete(s);
        const v = verdicts(withPolicies(c.cluster, []), probesOf(c), profile);
        for (const [k, verdict] of v) expect(['allow', 'undefined'], k).toContain(verdict);
      }),
      params(9),
      'no policies',
    );
  });

  test('when ipBlocks do not match pod IPs, rewriting every ipBlock changes no pod-to-pod verdict', () => {
    const profile: SemanticProfile = { ...DEFAULT_PROFILE, ipBlockMatchesPodIPs: false };
    assertProperty(
      fc.property(scenarios, fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '203.0.113.0/24'), (s, cidr) => {
        const c = concrete(s);
        const probes = podProbes(c);
        const rewritten = mapRules(c.cluster, (rules) =>
          rules.map((r) => ({
            ...r,
            ...(r.peers === undefined
              ? {}
              : {
                  peers: r.peers.map((peer) => (peer.ipBlock === undefined ? peer : { ipBlock: { cidr } })),
                }),
          })),
        );
        expect(verdicts(rewritten, probes, profile)).toEqual(verdicts(c.cluster, probes, profile));
      }),
      params(10),
      'ipBlocks ignore pods',
    );
  });

  test('when ipBlocks match pod IPs, a peer `namespaceSelector: {}` and an ipBlock of the cluster network agree on pods', () => {
    // Every pod IP lies in the cluster network, and `namespaceSelector: {}` selects every pod (types.go).
    assertProperty(
      fc.property(scenarios, (s) => {
        const c = concrete(s);
        const probes = podProbes(c);
        const everyPod = { namespaceSelector: {} };
        const byCidr = { ipBlock: { cidr: c.realized.clusterNetwork } };
        const swap = (into: NetworkPolicyPeer) =>
          mapRules(c.cluster, (rules) => [...rules, ...rules.map((r) => ({ ...r, peers: [into] }))]);
        expect(verdicts(swap(byCidr), probes)).toEqual(verdicts(swap(everyPod), probes));
      }),
      params(13),
      'cluster-network ipBlock = every pod',
    );
  });

  test('the truth table (predictMatrix) agrees cell by cell with single-probe verdicts', () => {
    assertProperty(
      fc.property(scenarios, (s) => {
        const c = concrete(s);
        const engine = compileFast(c.cluster);
        for (const row of predictMatrix(c.cluster)) {
          expect(engine.verdict({ from: row.from, to: row.to, port: row.port, protocol: row.protocol })).toBe(
            row.verdict,
          );
        }
      }),
      params(11),
      'truth table',
    );
  });

  test('after every step of a random sequence (fc.commands), the two engines still agree', () => {
    const system: StepSystem = {
      apply(_step, expected) {
        const { cluster, realized } = withSyntheticAddresses(expected);
        const c = { cluster: realizeCluster(cluster, realized), realized };
        const fast = compileFast(c.cluster);
        for (const p of probesOf(c)) {
          const probe = policyProbeOf(p);
          expect(fast.verdict(probe), cellKey(p)).toBe(evaluateReference(c.cluster, probe).verdict);
        }
      },
    };
    assertProperty(
      fc.property(
        scenarioArb({ size: 'small', maxSteps: 0 }),
        stepCommandsArb({ size: 'small' }),
        (s, cmds) => {
          fc.modelRun(() => ({ model: initialStepModel(s.cluster), real: system }), cmds);
        },
      ),
      params(12),
      'engines agree across steps',
    );
  });
});
