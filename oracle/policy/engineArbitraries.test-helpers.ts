// Random clusters and profiles for the policy engines' property tests (engines.test.ts, classes.test.ts):
// few namespaces, label keys, values, ports and addresses, so selectors, ipBlocks and named ports collide.
import fc from 'fast-check';
import type {
  Cluster,
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
  Pod,
  PolicyType,
  Protocol,
} from '../../spec/model.ts';
import { NAMESPACE_NAME_LABEL, PROTOCOLS } from '../../spec/model.ts';
import type { SemanticProfile } from '../../spec/profile.ts';

const NS = ['x', 'y', 'z'];
const KEYS = ['app', 'tier'];
const VALUES = ['a', 'b', ''];
export const PORTS = [80, 81, 6379];
const IPS = ['10.0.0.1', '10.0.0.2', '10.0.1.5', '10.1.0.9', '192.168.0.3', 'fd00::5', '10.0.0.1'];
const CIDRS = [
  '10.0.0.0/8',
  '10.0.0.0/24',
  '10.0.1.5/32',
  '10.0.0.7/16',
  '0.0.0.0/0',
  'fd00::/8',
  '192.168.0.0/16',
  '::/0',
];
export const OUTSIDE = ['8.8.8.8', '10.0.0.99', '192.168.7.7', 'fd00::99', '10.0.1.5'];

const labelsArb = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 });
const selectorArb: fc.Arbitrary<LabelSelector> = fc.record(
  {
    matchLabels: labelsArb,
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({
          key: fc.constantFrom(...KEYS, NAMESPACE_NAME_LABEL),
          operator: fc.constantFrom('In' as const, 'NotIn' as const),
          values: fc.uniqueArray(fc.constantFrom(...VALUES, ...NS), { minLength: 1, maxLength: 2 }),
        }),
        fc.record({
          key: fc.constantFrom(...KEYS),
          operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
        }),
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);
const peerArb: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
  fc
    .record({ podSelector: selectorArb, namespaceSelector: selectorArb }, { requiredKeys: [] })
    .filter((p) => p.podSelector !== undefined || p.namespaceSelector !== undefined),
  fc.record({
    ipBlock: fc.record(
      { cidr: fc.constantFrom(...CIDRS), except: fc.array(fc.constantFrom(...CIDRS), { maxLength: 2 }) },
      { requiredKeys: ['cidr'] },
    ),
  }),
);
const protocolArb = fc.constantFrom<Protocol>(...PROTOCOLS);
const portArb: fc.Arbitrary<NetworkPolicyPort> = fc.oneof(
  fc.record({ protocol: protocolArb }),
  fc.record({ protocol: protocolArb, port: fc.constantFrom(...PORTS) }),
  fc.record({ protocol: protocolArb, port: fc.constantFrom(80, 79), endPort: fc.constantFrom(81, 6379) }),
  fc.record({ protocol: protocolArb, port: fc.constantFrom('http', 'redis', 'alt') }),
);
const ruleArb: fc.Arbitrary<NetworkPolicyRule> = fc.record(
  { peers: fc.array(peerArb, { maxLength: 3 }), ports: fc.array(portArb, { maxLength: 3 }) },
  { requiredKeys: [] },
);
const policyArb = (i: number): fc.Arbitrary<NetworkPolicy> =>
  fc
    .record({
      namespace: fc.constantFrom(...NS),
      name: fc.constant(`p${i}`),
      podSelector: selectorArb,
      policyTypes: fc.constantFrom<PolicyType[]>(['Ingress'], ['Egress'], ['Ingress', 'Egress']),
      ingress: fc.option(fc.array(ruleArb, { maxLength: 3 }), { nil: undefined }),
      egress: fc.option(fc.array(ruleArb, { maxLength: 3 }), { nil: undefined }),
    })
    .map((p) => {
      const { ingress, egress, ...rest } = p;
      return { ...rest, ...(ingress ? { ingress } : {}), ...(egress ? { egress } : {}) };
    });
const podArb = (i: number): fc.Arbitrary<Pod> =>
  fc
    .record({
      namespace: fc.constantFrom(...NS),
      labels: labelsArb,
      hostNetwork: fc.boolean().map((b) => b && i % 5 === 4),
      // Up to two addresses: single-stack, dual-stack (either family first) and odd pairs of one family.
      ips: fc.array(fc.constantFrom(...IPS), { maxLength: 2 }),
      ports: fc.array(
        fc.record({
          name: fc.option(fc.constantFrom('http', 'redis', 'alt'), { nil: undefined }),
          containerPort: fc.constantFrom(...PORTS),
          protocol: protocolArb,
        }),
        { maxLength: 3 },
      ),
    })
    .map(({ ports, ...p }) => ({
      ...p,
      name: `pod${i}`,
      ready: true,
      containers: [
        { name: 'c', ports: ports.map(({ name, ...rest }) => ({ ...rest, ...(name ? { name } : {}) })) },
      ],
    }));
export const clusterArb: fc.Arbitrary<Cluster> = fc
  .tuple(
    fc.integer({ min: 1, max: 7 }),
    fc.integer({ min: 0, max: 5 }),
    fc.array(labelsArb, { minLength: 3, maxLength: 3 }),
  )
  .chain(([podCount, policyCount, nsLabels]) =>
    fc.record({
      pods: fc.tuple(...Array.from({ length: podCount }, (_, i) => podArb(i))),
      policies:
        policyCount === 0
          ? fc.constant([])
          : fc.tuple(...Array.from({ length: policyCount }, (_, i) => policyArb(i))),
      namespaces: fc.constant(
        NS.map((name, i) => ({ name, labels: { ...nsLabels[i], [NAMESPACE_NAME_LABEL]: name } })),
      ),
    }),
  )
  .map(({ pods, policies, namespaces }) => ({ nodes: [], services: [], namespaces, pods, policies }));
export const profileArb: fc.Arbitrary<SemanticProfile> = fc.record({
  ipBlockMatchesPodIPs: fc.boolean(),
  loopback: fc.constantFrom('undefined' as const, 'allow' as const, 'policy' as const),
  hostNetwork: fc.constantFrom('undefined' as const, 'policy' as const),
  serviceTraffic: fc.constant('after-dnat' as const),
  support: fc.record({
    sctp: fc.boolean(),
    endPort: fc.boolean(),
    namedPorts: fc.boolean(),
    ipv6: fc.boolean(),
  }),
});
