/**
 * The load-balancing area's scenarios: Services with 1–5 backends (some not ready, some without the
 * named port), one or two ports targeted by number or by name, ClientIP affinity on or off, an optional
 * NetworkPolicy that admits only some clients on some backends, a proxy mode, and client pods on both
 * nodes that are never backends (a pod reaching itself through its Service is hairpin traffic, docs/research/lb.md §2.7).
 * Drawn as one raw record and built in one `map`, so every part shrinks on its own.
 */
import fc from 'fast-check';
import type { IPFamilyMode } from '../../../spec/ipFamily.ts';
import type { Cluster, ContainerPort, NetworkPolicy, ObjectKey, Pod, Service } from '../../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../../spec/model.ts';
import type { ProxyMode } from '../../../spec/target.ts';

/** One LB scenario: a cluster to realize, the proxy mode it runs under, and the pods that open connections. */
export interface LbScenario {
  readonly mode: ProxyMode;
  readonly cluster: Cluster;
  readonly clients: readonly ObjectKey[];
}

/** The namespace every LB scenario lives in. */
export const LB_NAMESPACE = 'lb';
/** The node names of the lab's fixed two-node topology (the same as the policy area's). */
export const LB_NODES = ['node-1', 'node-2'] as const;
/** The numeric targetPort; every backend serves it, so a numeric port never points at a closed port. */
export const NUMERIC_TARGET_PORT = 8080;
/** The name a backend may give one of its ports; its number differs from pod to pod. */
const NAMED_TARGET_PORT = 'web';
/** Affinity timeouts drawn: short enough to matter, long enough that one window of probes fits. */
const LB_AFFINITY_TIMEOUTS = [30, 10800] as const;

interface RawBackend {
  readonly node: number;
  readonly ready: boolean;
  readonly zone: 'a' | 'b';
  readonly namedPort: number | null;
}

interface RawService {
  readonly backends: readonly RawBackend[];
  readonly ports: readonly { readonly port: number; readonly byName: boolean }[];
  readonly affinity: boolean;
  readonly timeout: number;
}

interface RawClient {
  readonly node: number;
  readonly trusted: boolean;
}

interface RawLbScenario {
  readonly mode: ProxyMode;
  readonly services: readonly RawService[];
  readonly clients: readonly RawClient[];
  readonly policy: { readonly service: number; readonly zone: 'a' | 'b' } | null;
}

const backendArb: fc.Arbitrary<RawBackend> = fc.record({
  node: fc.nat(1),
  // About one backend in six is not ready.
  ready: fc.nat(5).map((x) => x > 0),
  zone: fc.constantFrom<'a' | 'b'>('a', 'b'),
  // Most backends name a port `web` (its number varies per pod); some lack it.
  namedPort: fc.option(fc.constantFrom(8080, 8081, 9376), { freq: 6, nil: null }),
});

const serviceArb: fc.Arbitrary<RawService> = fc.record({
  backends: fc.array(backendArb, { minLength: 1, maxLength: 5 }),
  ports: fc.uniqueArray(fc.record({ port: fc.constantFrom(80, 443, 8000), byName: fc.boolean() }), {
    minLength: 1,
    maxLength: 2,
    selector: (p) => p.port,
  }),
  affinity: fc.nat(2).map((x) => x === 2),
  timeout: fc.constantFrom(...LB_AFFINITY_TIMEOUTS),
});

/** Raw LB scenarios; `modes` restricts the proxy modes drawn. */
function rawLbScenarioArb(modes: readonly ProxyMode[]): fc.Arbitrary<RawLbScenario> {
  return fc.record({
    mode: fc.constantFrom(...modes),
    services: fc.array(serviceArb, { minLength: 1, maxLength: 3 }),
    clients: fc.array(fc.record({ node: fc.nat(1), trusted: fc.boolean() }), {
      minLength: 2,
      maxLength: 4,
    }),
    policy: fc.option(fc.record({ service: fc.nat(2), zone: fc.constantFrom<'a' | 'b'>('a', 'b') }), {
      freq: 3,
      nil: null,
    }),
  });
}

/** Generated LB scenarios (see the file comment). */
export function lbScenarioArb(
  modes: readonly ProxyMode[] = ['random', 'round-robin'],
  ipFamily: IPFamilyMode = 'ipv4',
): fc.Arbitrary<LbScenario> {
  const scenarios = rawLbScenarioArb(modes).map(buildLbScenario);
  if (ipFamily !== 'dual') return scenarios;
  // A dual-stack target: each Service dual-stack (either family first) or single-stack IPv4, so both
  // families' balancing is checked; single-stack targets draw exactly as before, seed for seed.
  const families = fc.constantFrom<Pick<Service, 'ipFamilyPolicy' | 'ipFamilies'>>(
    { ipFamilyPolicy: 'RequireDualStack' },
    { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6', 'IPv4'] },
    {},
  );
  return fc
    .tuple(scenarios, fc.array(families, { minLength: 3, maxLength: 3 }))
    .map(([scenario, chosen]) => ({
      ...scenario,
      cluster: {
        ...scenario.cluster,
        services: scenario.cluster.services.map((svc, i) => ({ ...svc, ...chosen[i] })),
      },
    }));
}

function backendPorts(raw: RawBackend): ContainerPort[] {
  if (raw.namedPort === NUMERIC_TARGET_PORT) {
    return [{ name: NAMED_TARGET_PORT, containerPort: NUMERIC_TARGET_PORT, protocol: 'TCP' }];
  }
  const ports: ContainerPort[] = [{ name: 'http', containerPort: NUMERIC_TARGET_PORT, protocol: 'TCP' }];
  if (raw.namedPort !== null)
    ports.push({ name: NAMED_TARGET_PORT, containerPort: raw.namedPort, protocol: 'TCP' });
  return ports;
}

function pod(
  name: string,
  labels: Record<string, string>,
  node: number,
  ready: boolean,
  ports: ContainerPort[],
): Pod {
  return {
    namespace: LB_NAMESPACE,
    name,
    labels,
    nodeName: LB_NODES[node % LB_NODES.length] as string,
    hostNetwork: false,
    containers: [{ name: 'app', ports }],
    ips: [],
    ready,
  };
}

function buildLbScenario(raw: RawLbScenario): LbScenario {
  const pods: Pod[] = [];
  const services: Service[] = [];
  raw.services.forEach((s, i) => {
    const app = `s${i + 1}`;
    s.backends.forEach((b, j) => {
      pods.push(pod(`${app}-b${j + 1}`, { app, zone: b.zone }, b.node, b.ready, backendPorts(b)));
    });
    const many = s.ports.length > 1;
    services.push({
      namespace: LB_NAMESPACE,
      name: app,
      selector: { app },
      // TCP only: a UDP client that reuses a source port rides an existing conntrack entry (docs/research/lb.md §5.3).
      ports: s.ports.map((p) => ({
        ...(many ? { name: `p${p.port}` } : {}),
        protocol: 'TCP' as const,
        port: p.port,
        targetPort: p.byName ? NAMED_TARGET_PORT : NUMERIC_TARGET_PORT,
      })),
      sessionAffinity: s.affinity ? 'ClientIP' : 'None',
      affinityTimeoutSeconds: s.affinity ? s.timeout : 10800,
    });
  });
  // The first two clients sit on different nodes, so every scenario has clients on several nodes.
  const clients = raw.clients.map((c, i) => {
    const node = i < LB_NODES.length ? i : c.node;
    return pod(`c${i + 1}`, { role: 'client', trusted: c.trusted ? 'yes' : 'no' }, node, true, [
      { name: 'http', containerPort: NUMERIC_TARGET_PORT, protocol: 'TCP' },
    ]);
  });
  pods.push(...clients);
  const policies: NetworkPolicy[] = [];
  if (raw.policy) {
    const app = `s${(raw.policy.service % raw.services.length) + 1}`;
    policies.push({
      namespace: LB_NAMESPACE,
      name: `${app}-zone-${raw.policy.zone}-trusted-only`,
      podSelector: { matchLabels: { app, zone: raw.policy.zone } },
      policyTypes: ['Ingress'],
      ingress: [{ peers: [{ podSelector: { matchLabels: { trusted: 'yes' } } }] }],
    });
  }
  const cluster: Cluster = {
    nodes: LB_NODES.map((name) => ({ name, labels: {}, segment: 0 })),
    namespaces: [{ name: LB_NAMESPACE, labels: { [NAMESPACE_NAME_LABEL]: LB_NAMESPACE } }],
    pods,
    services,
    policies,
  };
  return { mode: raw.mode, cluster, clients: clients.map((c) => `${c.namespace}/${c.name}`) };
}

/**
 * The same scenario in namespace `namespace`. The area runs every evaluation in a fresh namespace, so
 * each gets fresh ClusterIPs: the lab keeps a Service's IP and recycles pod IPs, and the kernel keeps
 * conntrack entries (a rejected SYN stays SYN_SENT for 120 s with its DNAT); a recycled client reusing a
 * source port towards the same ClusterIP would ride the old entry to an old backend (docs/research/lb.md §5.3, §8.3).
 */
export function inNamespace(scenario: LbScenario, namespace: string): LbScenario {
  const c = scenario.cluster;
  const move = <T extends { readonly namespace: string }>(o: T): T => ({ ...o, namespace });
  return {
    mode: scenario.mode,
    clients: scenario.clients.map((k) => `${namespace}/${k.slice(k.indexOf('/') + 1)}`),
    cluster: {
      ...c,
      namespaces: [{ name: namespace, labels: { [NAMESPACE_NAME_LABEL]: namespace } }],
      pods: c.pods.map(move),
      services: c.services.map(move),
      policies: c.policies.map(move),
    },
  };
}
