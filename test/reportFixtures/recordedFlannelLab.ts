/**
 * An in-memory stand-in for the lab's flannel, for the flannel area: it serves node states recorded from
 * the lab (runner/areas/flannel/fixtures/*.json, read back by labTarget.nodeStates) for the scenarios they
 * were recorded from, and carries pod-to-pod traffic as those states route it. The lab fault
 * `vxlan-fdb-missing` (adapters/lab/faults.ts) is emulated by dropping node-1's FDB entry for its first peer.
 */
import { readFileSync } from 'node:fs';
import type { FlannelScenario } from '../../runner/areas/flannel/flannelScenario.ts';
import { cidrHolds, parseCidr, parseIPv4 } from '../../spec/manifests/cidr.ts';
import type { Cluster } from '../../spec/model.ts';
import type { NodeNetworkState, RouteState } from '../../spec/nodeState.ts';
import type { Realized } from '../../spec/scenario.ts';
import type { Capabilities, ProbeRequest, ProbeResult, SyncOptions, Target } from '../../spec/target.ts';

export interface FlannelRecording {
  readonly scenario: FlannelScenario;
  readonly realized: Pick<Realized, 'nodeIPs' | 'nodeSubnets' | 'podIPs'>;
  readonly states: readonly NodeNetworkState[];
}

/** The lab recordings, in the order the fixture runs draw them. */
export const RECORDINGS = ['udp-2nodes', 'hostgw-3nodes-2segments', 'vxlan-2nodes'] as const;

export function recording(name: (typeof RECORDINGS)[number]): FlannelRecording {
  const url = new URL(`../../runner/areas/flannel/fixtures/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as FlannelRecording;
}

export type RecordedFlannelFault = 'vxlan-fdb-missing';

export class RecordedFlannelLab implements Target {
  readonly name = 'lab';
  private current: FlannelRecording | undefined;

  constructor(
    private readonly recordings: readonly FlannelRecording[],
    private readonly faults: readonly RecordedFlannelFault[] = [],
  ) {}

  async capabilities(): Promise<Capabilities> {
    return {
      protocols: ['TCP', 'UDP'],
      ipv6: false,
      ipFamilies: [4],
      policyEnforced: true,
      proxyModes: [],
      nodeState: true,
    };
  }

  async sync(cluster: Cluster, options?: SyncOptions): Promise<Realized> {
    const wanted = JSON.stringify(options?.netConf ?? {});
    this.current = this.recordings.find(
      (r) =>
        JSON.stringify(r.scenario.netConf) === wanted && r.scenario.nodes.length === cluster.nodes.length,
    );
    if (!this.current) throw new Error(`no recording of ${wanted} on ${cluster.nodes.length} nodes`);
    const { nodeIPs, nodeSubnets, podIPs } = this.current.realized;
    return {
      nodeIPs,
      nodeSubnets,
      podIPs,
      serviceIPs: {},
      clusterNetwork: this.current.scenario.netConf.Network,
      outsideNetwork: '192.168.200.0/24',
    };
  }

  async nodeStates(): Promise<NodeNetworkState[]> {
    return (this.current?.states ?? []).map((s) => this.withFaults(s));
  }

  async probe(probes: readonly ProbeRequest[]): Promise<ProbeResult[]> {
    return probes.map((p) => this.carry(p));
  }

  async teardown(): Promise<void> {}

  private withFaults(state: NodeNetworkState): NodeNetworkState {
    const rec = this.current;
    if (!rec || !this.faults.includes('vxlan-fdb-missing') || state.node !== 'node-1') return state;
    const peerIP = rec.realized.nodeIPs['node-2'];
    return { ...state, fdb: state.fdb.filter((f) => !(f.dev === 'flannel.1' && f.dst === peerIP)) };
  }

  /** A packet from a pod leaves by its node's most specific route; a VXLAN route also needs the peer's FDB entry. */
  private carry(p: ProbeRequest): ProbeResult {
    const rec = this.current;
    const lost: ProbeResult = { id: p.id, outcome: 'timeout', durationMs: p.timeoutMs };
    if (!rec) return lost;
    const [dest] = Object.entries(rec.realized.podIPs).find(([, ips]) => ips[0] === p.host) ?? [];
    const fromNode = nodeOf(rec, p.from);
    const toNode = dest === undefined ? undefined : nodeOf(rec, dest);
    const state = rec.states.find((s) => s.node === fromNode);
    if (dest === undefined || toNode === undefined || !state) return lost;
    const route = bestRoute(state.routes, p.host);
    if (!route || route.dst === 'default') return lost;
    if (route.dev === 'flannel.1') {
      const fdb = this.withFaults(state).fdb;
      if (!fdb.some((f) => f.dev === 'flannel.1' && f.dst === rec.realized.nodeIPs[toNode])) return lost;
    }
    const source = rec.realized.podIPs[p.from]?.[0] ?? '';
    return {
      id: p.id,
      outcome: 'connected',
      servedBy: dest,
      sourceSeen: source,
      reply: `${dest} ${source}`,
      durationMs: 1,
    };
  }
}

function nodeOf(rec: FlannelRecording, pod: string): string | undefined {
  const ip = rec.realized.podIPs[pod]?.[0];
  const addr = ip === undefined ? undefined : parseIPv4(ip);
  if (addr === undefined) return undefined;
  return Object.entries(rec.realized.nodeSubnets).find(([, lease]) => {
    const c = parseCidr(lease);
    return c !== undefined && cidrHolds(c, addr, 4);
  })?.[0];
}

function bestRoute(routes: readonly RouteState[], host: string): RouteState | undefined {
  const addr = parseIPv4(host);
  if (addr === undefined) return undefined;
  let best: { route: RouteState; length: number } | undefined;
  for (const route of routes) {
    const c = route.dst === 'default' ? parseCidr('0.0.0.0/0') : parseCidr(route.dst);
    if (!c || !cidrHolds(c, addr, 4)) continue;
    if (!best || c.prefixLength > best.length) best = { route, length: c.prefixLength };
  }
  return best?.route;
}
