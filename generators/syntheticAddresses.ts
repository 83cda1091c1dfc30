/**
 * Plausible addresses without a target, for oracle-only properties and `podnet generate`: node i
 * gets the (i+1)-th lease of the flannel Network (pod IPs from .2, as cni0 holds .1), nodes sit on
 * 172.18.0.0/24, ClusterIPs come from 10.96.0.0/24, and "outside" is TEST-NET-3 (203.0.113.0/24).
 */

import {
  type CidrRange,
  cidrRange,
  formatAddress,
  formatCidr,
  nthSubnet,
  prefixSize,
} from '../spec/ipNum.ts';
import { parseCidr } from '../spec/manifests/cidr.ts';
import { keyOf } from '../spec/model.ts';
import type { FlannelNetConf, Realized, ScenarioCluster } from '../spec/scenario.ts';

export const SYNTHETIC_DEFAULTS = {
  network: '10.244.0.0/16',
  nodeNetwork: '172.18.0.0/24',
  serviceNetwork: '10.96.0.0/24',
  outsideNetwork: '203.0.113.0/24',
} as const;

/** flannel's SubnetLen default: 24 for networks of /22 or wider, else prefix + 2. */
function subnetLenOf(netConf: FlannelNetConf | undefined, prefix: number): number {
  if (netConf?.SubnetLen !== undefined) return netConf.SubnetLen;
  return prefix <= 22 ? 24 : prefix + 2;
}

/** The IPv4 range `text` names (a CIDR in the API server's syntax); throws for anything else. */
function ipv4Range(text: string): CidrRange {
  const c = parseCidr(text);
  if (c?.family !== 4) throw new Error(`not an IPv4 CIDR: ${text}`);
  return cidrRange(c.network, c.prefixLength, 4);
}

/** The address `offset` places after the start of `range` (not bounded by it, as leases may run over). */
function addressAt(range: CidrRange, offset: number): string {
  return formatAddress(range.getFirst().value + BigInt(offset), 4);
}

/** The cluster with pod IPs, node leases and addresses, and ClusterIPs filled in, plus the `Realized` they form. */
export function withSyntheticAddresses(
  cluster: ScenarioCluster,
  netConf?: FlannelNetConf,
): { readonly cluster: ScenarioCluster; readonly realized: Realized } {
  const network = ipv4Range(netConf?.Network ?? SYNTHETIC_DEFAULTS.network);
  const prefix = Number(network.getPrefix().getValue());
  const subnetLen = subnetLenOf(netConf, prefix);
  const nodeNetwork = ipv4Range(SYNTHETIC_DEFAULTS.nodeNetwork);
  const serviceNetwork = ipv4Range(SYNTHETIC_DEFAULTS.serviceNetwork);

  const nodeSubnets: Record<string, string> = {};
  const nodeIPs: Record<string, string> = {};
  const nextHost: Record<string, { lease: CidrRange; offset: number }> = {};
  const nodes = cluster.nodes.map((n, i) => {
    // flannel leases from the second subnet on (SubnetMin); wrap when a tiny Network has too few.
    const leases = Number(network.getSize() / prefixSize(subnetLen, 4));
    const lease = nthSubnet(network, subnetLen, (i + 1) % leases)!;
    nodeSubnets[n.name] = formatCidr(lease);
    nodeIPs[n.name] = addressAt(nodeNetwork, 10 + i);
    nextHost[n.name] = { lease, offset: 2 };
    return { ...n, podCIDR: nodeSubnets[n.name]!, internalIP: nodeIPs[n.name]! };
  });

  const podIPs: Record<string, string[]> = {};
  let unscheduled = 2;
  const pods = cluster.pods.map((p) => {
    let ip: string;
    const host = p.nodeName === undefined ? undefined : nextHost[p.nodeName];
    if (p.hostNetwork && p.nodeName !== undefined && nodeIPs[p.nodeName] !== undefined) {
      ip = nodeIPs[p.nodeName]!;
    } else if (host !== undefined) {
      ip = addressAt(host.lease, host.offset++);
    } else {
      ip = addressAt(network, unscheduled++);
    }
    podIPs[keyOf(p)] = [ip];
    return { ...p, ips: [ip] };
  });

  const serviceIPs: Record<string, string> = {};
  const services = cluster.services.map((s, i) => {
    const clusterIP = addressAt(serviceNetwork, 10 + i);
    serviceIPs[keyOf(s)] = clusterIP;
    return { ...s, clusterIP };
  });

  const realized: Realized = {
    podIPs,
    serviceIPs,
    nodeIPs,
    nodeSubnets,
    clusterNetwork: formatCidr(network),
    outsideNetwork: SYNTHETIC_DEFAULTS.outsideNetwork,
  };
  return { cluster: { ...cluster, nodes, pods, services }, realized };
}
