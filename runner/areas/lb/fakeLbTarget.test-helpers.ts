/**
 * An in-process stand-in for a target's Service proxy, for testing the LB area's plumbing without root:
 * it picks backends like kube-proxy (random, or a round-robin counter per node and Service port, with
 * ClientIP stickiness per node, client and port) and can be told to misbehave like the lab's faults.
 * It enforces no NetworkPolicy (its capabilities say so). Written from the Service API, not from oracle/.
 */
import type { Cluster, Pod, Service } from '../../../spec/model.ts';
import type { Realized } from '../../../spec/scenario.ts';
import type { Capabilities, ProbeRequest, ProbeResult, ProxyMode, Target } from '../../../spec/target.ts';

export interface FakeLbOptions {
  readonly mode: ProxyMode;
  /** The first endpoint gets a second slot (lab fault `lb-skew`). */
  readonly skew?: boolean;
  /** ClientIP affinity is not honoured (lab fault `affinity-ignored`). */
  readonly affinityIgnored?: boolean;
  /** The first `n` probes to a Service without endpoints time out instead of being refused. */
  readonly stalledRejects?: number;
  readonly seed?: number;
}

export class FakeLbTarget implements Target {
  readonly name = 'fake';
  private cluster: Cluster | undefined;
  private podIPs = new Map<string, string>();
  private serviceIPs = new Map<string, string>();
  private counters = new Map<string, number>();
  private sticky = new Map<string, string>();
  private state: number;
  private stalled: number;

  constructor(readonly options: FakeLbOptions) {
    this.state = options.seed ?? 7;
    this.stalled = options.stalledRejects ?? 0;
  }

  async capabilities(): Promise<Capabilities> {
    return {
      protocols: ['TCP'],
      ipv6: false,
      ipFamilies: [4],
      policyEnforced: false,
      proxyModes: [this.options.mode],
      nodeState: false,
    };
  }

  async sync(cluster: Cluster): Promise<Realized> {
    this.cluster = cluster;
    cluster.pods.forEach((p, i) => {
      const key = `${p.namespace}/${p.name}`;
      if (!this.podIPs.has(key)) this.podIPs.set(key, address(`10.244.${i % 2}`, this.podIPs.size));
    });
    cluster.services.forEach((s) => {
      const key = `${s.namespace}/${s.name}`;
      if (!this.serviceIPs.has(key)) this.serviceIPs.set(key, address('10.96.0', this.serviceIPs.size));
    });
    return {
      podIPs: Object.fromEntries([...this.podIPs].map(([k, ip]) => [k, [ip]])),
      serviceIPs: Object.fromEntries(this.serviceIPs),
      nodeIPs: {},
      nodeSubnets: {},
      clusterNetwork: '10.244.0.0/16',
      outsideNetwork: '203.0.113.0/24',
    };
  }

  async probe(probes: readonly ProbeRequest[]): Promise<ProbeResult[]> {
    return probes.map((p) => this.one(p));
  }

  async nodeStates() {
    return [];
  }

  async teardown(): Promise<void> {}

  private random(): number {
    // mulberry32
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private one(p: ProbeRequest): ProbeResult {
    const cluster = this.cluster as Cluster;
    const service = cluster.services.find((s) => this.serviceIPs.get(`${s.namespace}/${s.name}`) === p.host);
    const port = service?.ports.find((x) => x.port === p.port);
    if (!service || !port) return { id: p.id, outcome: 'timeout', durationMs: 1 };
    const endpoints = cluster.pods
      .filter((pod) => selects(service, pod) && pod.ready && targetPortOn(pod, port.targetPort) !== undefined)
      .map((pod) => `${pod.namespace}/${pod.name}`)
      .sort();
    if (endpoints.length === 0) {
      if (this.stalled > 0) {
        this.stalled--;
        return { id: p.id, outcome: 'timeout', durationMs: p.timeoutMs };
      }
      return { id: p.id, outcome: 'refused', durationMs: 1 };
    }
    const client = cluster.pods.find((x) => `${x.namespace}/${x.name}` === p.from);
    const node = client?.nodeName ?? '?';
    const stickyKey = `${node}|${p.from}|${p.host}:${p.port}`;
    const affinity = service.sessionAffinity === 'ClientIP' && !this.options.affinityIgnored;
    const kept = affinity ? this.sticky.get(stickyKey) : undefined;
    let chosen: string;
    if (kept !== undefined && endpoints.includes(kept)) chosen = kept;
    else {
      const slots =
        this.options.skew && endpoints.length > 1 ? [endpoints[0] as string, ...endpoints] : endpoints;
      if (this.options.mode === 'random') chosen = slots[Math.floor(this.random() * slots.length)] as string;
      else {
        const counterKey = `${node}|${p.host}:${p.port}`;
        const i = this.counters.get(counterKey) ?? 0;
        this.counters.set(counterKey, i + 1);
        chosen = slots[i % slots.length] as string;
      }
      if (affinity) this.sticky.set(stickyKey, chosen);
    }
    const ip = this.podIPs.get(p.from) ?? '?';
    return {
      id: p.id,
      outcome: 'connected',
      servedBy: chosen,
      sourceSeen: ip,
      reply: `${chosen} ${ip}`,
      durationMs: 1,
    };
  }
}

/** The `n`-th address from `<prefix>.10` on, carried into the third octet (long runs realize hundreds). */
function address(prefix: string, n: number): string {
  const [a, b, c] = prefix.split('.').map(Number) as [number, number, number];
  return `${a}.${b}.${c + 2 * Math.floor(n / 240)}.${10 + (n % 240)}`;
}

function selects(service: Service, pod: Pod): boolean {
  const sel = service.selector;
  if (!sel || Object.keys(sel).length === 0 || pod.namespace !== service.namespace) return false;
  return Object.entries(sel).every(([k, v]) => pod.labels[k] === v);
}

function targetPortOn(pod: Pod, target: number | string): number | undefined {
  if (typeof target === 'number') return target;
  return pod.containers.flatMap((c) => c.ports).find((x) => x.name === target)?.containerPort;
}
