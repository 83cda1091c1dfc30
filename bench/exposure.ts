/**
 * `npm run bench -- exposure`: how often a generated scenario can expose a wrong policy implementation.
 * For faults that can be written as a change of the cluster (the oracle then predicts what the faulty
 * implementation does), the share of scenarios, any of whose states (initial, then after each step)
 * predicts a different pod-to-pod matrix. The selftest's time to first finding is roughly the lab's
 * scenario time divided by this share, so it is how generator weights are tuned.
 * stale-on-delete depends on history, not on one state, and is not emulated here.
 * Options: `--runs N` (default 2000), `--seed N` (default 5), `--size small|medium|large` (default small).
 */
import fc from 'fast-check';
import { scenarioArb } from '../generators/scenario.ts';
import { withSyntheticAddresses } from '../generators/syntheticAddresses.ts';
import { predictMatrix } from '../oracle/policy/index.ts';
import { selectorMatches } from '../oracle/policy/selectorMatches.ts';
import type {
  Cluster,
  NetworkPolicy,
  NetworkPolicyPort,
  NetworkPolicyRule,
  Pod,
  Protocol,
} from '../spec/model.ts';
import { keyOf, NAMESPACE_NAME_LABEL } from '../spec/model.ts';
import { realizeCluster } from '../spec/resolve.ts';
import { applyStep } from '../spec/steps.ts';

type Emulation = (c: Cluster) => Cluster;

function namedPort(pod: Pod, name: string, protocol: Protocol): number | undefined {
  for (const c of pod.containers)
    for (const p of c.ports) if (p.name === name && p.protocol === protocol) return p.containerPort;
  return undefined;
}

/**
 * Applies `f` to every rule of every policy; `f` is told the policy and the direction (ingress rules
 * resolve named ports on the pods the policy selects, egress rules on the peers).
 */
function mapRules(
  c: Cluster,
  f: (r: NetworkPolicyRule, policy: NetworkPolicy, direction: 'ingress' | 'egress') => NetworkPolicyRule,
): Cluster {
  return {
    ...c,
    policies: c.policies.map((p) => ({
      ...p,
      ...(p.ingress ? { ingress: p.ingress.map((r) => f(r, p, 'ingress')) } : {}),
      ...(p.egress ? { egress: p.egress.map((r) => f(r, p, 'egress')) } : {}),
    })),
  };
}

/** Applies `f` to every port entry of every rule. */
function mapPorts(
  c: Cluster,
  f: (p: NetworkPolicyPort, policy: NetworkPolicy, direction: 'ingress' | 'egress') => NetworkPolicyPort[],
): Cluster {
  return mapRules(c, (r, policy, direction) =>
    r.ports ? { ...r, ports: r.ports.flatMap((p) => f(p, policy, direction)) } : r,
  );
}

/** Named ports resolved once, on the first candidate pod by key, and that number used for every pod. */
const namedPortFirstPod: Emulation = (c) => {
  const byKey = [...c.pods].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  return mapPorts(c, (p, policy, direction) => {
    if (typeof p.port !== 'string') return [p];
    const name = p.port;
    const candidates =
      direction === 'egress'
        ? byKey
        : byKey.filter(
            (q) => q.namespace === policy.namespace && selectorMatches(policy.podSelector, q.labels),
          );
    const first = candidates.map((q) => namedPort(q, name, p.protocol)).find((n) => n !== undefined);
    return [{ ...p, port: first ?? name }];
  });
};

const endPortIgnored: Emulation = (c) => mapPorts(c, ({ endPort: _, ...p }) => [p]);

const noNamespaceNameLabel: Emulation = (c) => ({
  ...c,
  namespaces: c.namespaces.map((n) => ({
    ...n,
    labels: Object.fromEntries(Object.entries(n.labels).filter(([k]) => k !== NAMESPACE_NAME_LABEL)),
  })),
});

const ignoreExcept: Emulation = (c) =>
  mapRules(c, (r) => ({
    ...r,
    ...(r.peers
      ? {
          peers: r.peers.map((peer) =>
            peer.ipBlock ? { ...peer, ipBlock: { cidr: peer.ipBlock.cidr } } : peer,
          ),
        }
      : {}),
  }));

/** A peer with both selectors matches either: it becomes two peers. */
const peersOred: Emulation = (c) =>
  mapRules(c, (r) => ({
    ...r,
    ...(r.peers
      ? {
          peers: r.peers.flatMap((peer) =>
            peer.podSelector && peer.namespaceSelector
              ? [{ podSelector: peer.podSelector }, { namespaceSelector: peer.namespaceSelector }]
              : [peer],
          ),
        }
      : {}),
  }));

const egressIgnored: Emulation = (c) => ({
  ...c,
  policies: c.policies
    .map(({ egress: _, ...p }) => ({ ...p, policyTypes: p.policyTypes.filter((t) => t !== 'Egress') }))
    .filter((p) => p.policyTypes.length > 0),
});

/** Numeric port rules match every protocol. */
const protocolIgnored: Emulation = (c) =>
  mapPorts(c, (p) =>
    typeof p.port === 'number'
      ? (['TCP', 'UDP', 'SCTP'] as const).map((protocol) => ({ ...p, protocol }))
      : [p],
  );

const EMULATIONS: Record<string, Emulation> = {
  'ignore-except': ignoreExcept,
  'peers-ored': peersOred,
  'egress-ignored': egressIgnored,
  'protocol-ignored': protocolIgnored,
  'named-port-first-pod': namedPortFirstPod,
  'endport-ignored': endPortIgnored,
  'no-ns-name-label': noNamespaceNameLabel,
};

function matrixKey(c: Cluster): string {
  return JSON.stringify(predictMatrix(c).filter((r) => r.from !== r.to));
}

function option(argv: readonly string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
}

export async function main(argv: readonly string[]): Promise<number> {
  const runs = Number(option(argv, 'runs', '2000'));
  const seed = Number(option(argv, 'seed', '5'));
  const size = option(argv, 'size', 'small') as 'small' | 'medium' | 'large';
  const scenarios = fc.sample(scenarioArb({ size, excludeSCTP: true, areas: ['policy', 'model'] }), {
    numRuns: runs,
    seed,
  });
  const exposed = new Map(Object.keys(EMULATIONS).map((k) => [k, 0]));
  for (const s of scenarios) {
    let state = s.cluster;
    const states = [state];
    for (const step of s.steps) {
      state = applyStep(state, step);
      states.push(state);
    }
    const concrete = states.map((st) => {
      const synthetic = withSyntheticAddresses(st);
      return realizeCluster(synthetic.cluster, synthetic.realized);
    });
    const keys = concrete.map(matrixKey);
    for (const [name, emulate] of Object.entries(EMULATIONS)) {
      if (concrete.some((c, i) => matrixKey(emulate(c)) !== keys[i]))
        exposed.set(name, (exposed.get(name) ?? 0) + 1);
    }
  }
  process.stdout.write(`scenarios: ${runs} (size ${size}, seed ${seed})\n`);
  for (const [name, n] of exposed) {
    process.stdout.write(`${name.padEnd(22)} ${((100 * n) / runs).toFixed(1)}% of scenarios can expose it\n`);
  }
  const fields = [...exposed].map(([k, n]) => `${k.replaceAll('-', '_')}=${(n / runs).toFixed(4)}`);
  process.stdout.write(`exposure runs=${runs} ${fields.join(' ')}\n`);
  return 0;
}
