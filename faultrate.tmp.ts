import fc from 'fast-check';
import { scenarioArb } from './generators/scenario.ts';
import { withSyntheticAddresses } from './generators/syntheticAddresses.ts';
import { realizeCluster } from './spec/resolve.ts';
import { predictMatrix } from './oracle/policy/index.ts';
import type { Cluster, NetworkPolicy, NetworkPolicyRule } from './spec/model.ts';
const size = (process.argv[2] ?? 'small') as 'small';
const samples = fc.sample(scenarioArb({ size, excludeSCTP: true, areas: ['policy', 'model'] }), { numRuns: 300, seed: 5 });
const key = (c: Cluster) => JSON.stringify(predictMatrix(c).filter((r) => r.from !== r.to && r.protocol !== 'SCTP'));
const mapRules = (c: Cluster, f: (r: NetworkPolicyRule) => NetworkPolicyRule, g: (p: NetworkPolicy) => NetworkPolicy = (p) => p): Cluster => ({
  ...c,
  policies: c.policies.map((p0) => { const p = g(p0); return { ...p, ...(p.ingress ? { ingress: p.ingress.map(f) } : {}), ...(p.egress ? { egress: p.egress.map(f) } : {}) }; }),
});
const faults: Record<string, (c: Cluster) => Cluster> = {
  'ignore-except': (c) => mapRules(c, (r) => ({ ...r, ...(r.peers ? { peers: r.peers.map((p) => (p.ipBlock ? { ipBlock: { cidr: p.ipBlock.cidr } } : p)) } : {}) })),
  'peers-ored': (c) => mapRules(c, (r) => ({ ...r, ...(r.peers ? { peers: r.peers.flatMap((p) => (p.podSelector && p.namespaceSelector ? [{ podSelector: p.podSelector }, { namespaceSelector: p.namespaceSelector }] : [p])) } : {}) })),
  'egress-ignored': (c) => ({ ...c, policies: c.policies.map(({ egress, ...p }) => ({ ...p, policyTypes: p.policyTypes.filter((t) => t !== 'Egress') })).filter((p) => p.policyTypes.length > 0) }),
  'protocol-ignored': (c) => mapRules(c, (r) => ({ ...r, ...(r.ports ? { ports: r.ports.flatMap((q) => (['TCP', 'UDP'] as const).map((protocol) => ({ ...q, protocol }))) } : {}) })),
  'endport-ignored': (c) => mapRules(c, (r) => ({ ...r, ...(r.ports ? { ports: r.ports.map(({ endPort, ...q }) => q) } : {}) })),
  'no-ns-name-label': (c) => ({ ...c, namespaces: c.namespaces.map((x) => ({ ...x, labels: Object.fromEntries(Object.entries(x.labels).filter(([k]) => k !== 'kubernetes.io/metadata.name')) })) }),
};
const counts: Record<string, number> = {};
for (const s of samples) {
  const { cluster, realized } = withSyntheticAddresses(s.cluster);
  const c = realizeCluster(cluster, realized);
  const base = key(c);
  for (const [name, f] of Object.entries(faults)) if (key(f(c)) !== base) counts[name] = (counts[name] ?? 0) + 1;
}
console.log(size, Object.fromEntries(Object.entries(faults).map(([n]) => [n, ((counts[n] ?? 0) / samples.length).toFixed(3)])));
