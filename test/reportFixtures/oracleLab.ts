/**
 * An in-memory stand-in for the lab, for the policy and model areas: it assigns addresses as the lab does
 * (two nodes, a /24 lease each, ClusterIPs from 10.96.0.0/16) and answers every probe as the policy oracle
 * says a correct network would, so a run against it conforms. Lab faults of the catalogue
 * (adapters/lab/faults.ts) are emulated by judging a faulty view of the cluster, and machine trouble (a dead
 * agent, a one-time glitch) can be switched on. Test code: it may use the oracle, the lab never does.
 */
import { serviceBackends } from '../../oracle/model/index.ts';
import { declaredPorts } from '../../oracle/policy/index.ts';
import { policyOracleFactory } from '../../runner/oracleBridge.ts';
import type { PolicyOracle } from '../../runner/policyOracle.ts';
import type { Cluster, NetworkPolicy, NetworkPolicyRule, ObjectKey } from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import type { SemanticProfile } from '../../spec/profile.ts';
import { DEFAULT_PROFILE } from '../../spec/profile.ts';
import type { Realized } from '../../spec/scenario.ts';
import type { Capabilities, ProbeRequest, ProbeResult, Target } from '../../spec/target.ts';
import { nodeOfSource } from '../../spec/target.ts';

/** The lab faults this stand-in emulates (names and meaning from adapters/lab/faults.ts). */
export type OracleLabFault = 'ignore-except' | 'endport-ignored' | 'egress-ignored' | 'pod-snat';

export interface OracleLabOptions {
  readonly faults?: readonly OracleLabFault[];
  /** Probe sources whose agent never answers: every probe from them is an `error`. */
  readonly deadAgents?: readonly ObjectKey[];
  /**
   * The faults act during one cluster state only (the first whose probes they change), then never again:
   * a passing glitch, which the runner's second try must not report as a finding.
   */
  readonly transient?: boolean;
  readonly profile?: SemanticProfile;
}

interface Placed {
  readonly cluster: Cluster;
  readonly realized: Realized;
  readonly honest: PolicyOracle;
  readonly faulty: PolicyOracle;
}

const CLUSTER_NETWORK = '10.244.0.0/16';
/** The lab's outside network (adapters/lab/topology.ts OUTSIDE_NETWORK). */
const OUTSIDE_NETWORK = '192.168.200.0/24';

export class OracleLab implements Target {
  readonly name = 'lab';
  private readonly podIPs = new Map<ObjectKey, string>();
  private readonly serviceIPs = new Map<ObjectKey, string>();
  private placed: Placed | undefined;
  private glitch: 'before' | 'during' | 'after' = 'before';

  constructor(readonly options: OracleLabOptions = {}) {}

  async capabilities(): Promise<Capabilities> {
    return {
      protocols: ['TCP', 'UDP'],
      ipv6: false,
      ipFamilies: [4],
      policyEnforced: true,
      proxyModes: [],
      nodeState: false,
    };
  }

  /** Each scenario starts from a fresh address space, as its counterexample replays on a fresh lab. */
  async beginScenario(): Promise<void> {
    this.podIPs.clear();
    this.serviceIPs.clear();
  }

  async sync(cluster: Cluster): Promise<Realized> {
    if (this.glitch === 'during') this.glitch = 'after';
    const nodes = cluster.nodes.map((n, i) => ({
      name: n.name,
      ip: `192.168.100.${10 + i}`,
      lease: `10.244.${i}.0/24`,
    }));
    for (const pod of cluster.pods) {
      const key = keyOf(pod);
      const node = nodes.find((n) => n.name === pod.nodeName);
      if (this.podIPs.has(key) || !node) continue;
      if (pod.hostNetwork) {
        this.podIPs.set(key, node.ip);
        continue;
      }
      const prefix = node.lease.replace(/0\/24$/, '');
      const used = new Set(this.podIPs.values());
      let host = 2;
      while (used.has(`${prefix}${host}`)) host++;
      this.podIPs.set(key, `${prefix}${host}`);
    }
    for (const svc of cluster.services) {
      const key = keyOf(svc);
      if (!this.serviceIPs.has(key)) this.serviceIPs.set(key, `10.96.0.${10 + this.serviceIPs.size}`);
    }
    const live = new Set(cluster.pods.map(keyOf));
    const realized: Realized = {
      podIPs: Object.fromEntries(
        [...this.podIPs].filter(([key]) => live.has(key)).map(([key, ip]) => [key, [ip]]),
      ),
      serviceIPs: Object.fromEntries(
        cluster.services.map((s) => [keyOf(s), this.serviceIPs.get(keyOf(s)) as string]),
      ),
      nodeIPs: Object.fromEntries(nodes.map((n) => [n.name, n.ip])),
      nodeSubnets: Object.fromEntries(nodes.map((n) => [n.name, n.lease])),
      clusterNetwork: CLUSTER_NETWORK,
      outsideNetwork: OUTSIDE_NETWORK,
    };
    const withIPs: Cluster = {
      ...cluster,
      pods: cluster.pods.map((p) => ({ ...p, ips: realized.podIPs[keyOf(p)] ?? [] })),
      nodes: cluster.nodes.map((n) => ({
        ...n,
        ...(realized.nodeSubnets[n.name] ? { podCIDR: realized.nodeSubnets[n.name] } : {}),
        ...(realized.nodeIPs[n.name] ? { internalIP: realized.nodeIPs[n.name] } : {}),
      })),
    };
    const profile = this.options.profile ?? DEFAULT_PROFILE;
    this.placed = {
      cluster: withIPs,
      realized,
      honest: policyOracleFactory(withIPs, profile),
      faulty: policyOracleFactory(faultyView(withIPs, this.options.faults ?? []), profile),
    };
    return realized;
  }

  async probe(probes: readonly ProbeRequest[]): Promise<ProbeResult[]> {
    const faulty = this.options.faults !== undefined && this.options.faults.length > 0;
    const actsNow = faulty && (!this.options.transient || this.glitch !== 'after');
    const answers = probes.map((p) => this.answer(p, actsNow));
    if (actsNow && this.options.transient && this.glitch === 'before') {
      const honest = probes.map((p) => this.answer(p, false));
      if (JSON.stringify(honest) === JSON.stringify(answers)) return honest;
      this.glitch = 'during';
    }
    return answers;
  }

  async nodeStates() {
    return [];
  }

  async teardown(): Promise<void> {}

  private answer(p: ProbeRequest, withFaults: boolean): ProbeResult {
    const placed = this.placed;
    if (!placed) return { id: p.id, outcome: 'error', detail: 'nothing realized yet', durationMs: 0 };
    if (this.options.deadAgents?.includes(p.from)) {
      return { id: p.id, outcome: 'error', detail: `the agent of ${p.from} did not answer`, durationMs: 0 };
    }
    const oracle = withFaults ? placed.faulty : placed.honest;
    const { cluster, realized } = placed;
    const node = nodeOfSource(p.from);
    const source = node === undefined ? cluster.pods.find((q) => keyOf(q) === p.from) : undefined;
    const sourceIP = node !== undefined ? realized.nodeIPs[node] : realized.podIPs[p.from]?.[0];
    const service = cluster.services.find((s) => realized.serviceIPs[keyOf(s)] === p.host);
    if (service) {
      // kube-proxy DNATs to a backend first; the first backend policy admits answers, else none does.
      const backends = serviceBackends(cluster, service, p.port, p.protocol);
      const chosen = backends.find((b) => oracle.judge(p.from, b.pod, b.port, p.protocol).verdict !== 'deny');
      return chosen
        ? this.connected(p, chosen.pod, sourceIP ?? '')
        : { id: p.id, outcome: 'refused', durationMs: 1 };
    }
    const dest = cluster.pods.find(
      (q) =>
        realized.podIPs[keyOf(q)]?.[0] === p.host &&
        declaredPorts(q).some((d) => d.port === p.port && d.protocol === p.protocol),
    );
    if (!dest) return { id: p.id, outcome: 'timeout', durationMs: p.timeoutMs };
    // A pod's own node always reaches it (networking/v1: traffic from the node is always allowed).
    if (node !== undefined) return this.connected(p, keyOf(dest), sourceIP ?? '');
    if (oracle.judge(p.from, keyOf(dest), p.port, p.protocol).verdict === 'deny') {
      return { id: p.id, outcome: 'refused', durationMs: 1 };
    }
    const crossNode = source?.nodeName !== undefined && source.nodeName !== dest.nodeName;
    const snat = withFaults && crossNode && (this.options.faults ?? []).includes('pod-snat');
    const seen = snat && source?.nodeName ? realized.nodeIPs[source.nodeName] : sourceIP;
    return this.connected(p, keyOf(dest), seen ?? '');
  }

  private connected(p: ProbeRequest, servedBy: ObjectKey, sourceSeen: string): ProbeResult {
    return {
      id: p.id,
      outcome: 'connected',
      servedBy,
      sourceSeen,
      reply: `${servedBy} ${sourceSeen}`,
      durationMs: 1,
    };
  }
}

/** The cluster as a faulty policy agent reads it: what each fault makes it ignore. */
function faultyView(cluster: Cluster, faults: readonly OracleLabFault[]): Cluster {
  if (faults.length === 0) return cluster;
  const rule = (r: NetworkPolicyRule): NetworkPolicyRule => ({
    ...r,
    ...(r.peers
      ? {
          peers: r.peers.map((peer) =>
            peer.ipBlock && faults.includes('ignore-except')
              ? { ...peer, ipBlock: { cidr: peer.ipBlock.cidr } }
              : peer,
          ),
        }
      : {}),
    ...(r.ports
      ? {
          ports: r.ports.map((port) => {
            if (!faults.includes('endport-ignored') || port.endPort === undefined) return port;
            const { endPort: _ignored, ...first } = port;
            return first;
          }),
        }
      : {}),
  });
  const policy = (p: NetworkPolicy): NetworkPolicy => {
    const egressIgnored = faults.includes('egress-ignored');
    const { egress, ...rest } = p;
    return {
      ...rest,
      policyTypes: egressIgnored ? p.policyTypes.filter((t) => t !== 'Egress') : p.policyTypes,
      ...(p.ingress ? { ingress: p.ingress.map(rule) } : {}),
      ...(egress && !egressIgnored ? { egress: egress.map(rule) } : {}),
    };
  };
  return { ...cluster, policies: cluster.policies.map(policy) };
}
