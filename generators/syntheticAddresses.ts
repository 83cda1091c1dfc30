/**
 * Plausible addresses without a target, for oracle-only properties and `podnet generate`: node i
 * gets the (i+1)-th lease of the flannel Network (pod IPs from .2, as cni0 holds .1), nodes sit on
 * 172.18.0.0/24, ClusterIPs come from 10.96.0.0/24, and "outside" is TEST-NET-3 (203.0.113.0/24).
 */

import { keyOf } from '../spec/model.ts';
import type { FlannelNetConf, Realized, ScenarioCluster } from '../spec/scenario.ts';
import { formatIPv4, parseCidr, parseIPv4 } from './_internals/ipv4.ts';

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

/** The cluster with pod IPs, node leases and addresses, and ClusterIPs filled in, plus the `Realized` they form. */
export function withSyntheticAddresses(
  cluster: ScenarioCluster,
  netConf?: FlannelNetConf,
): { readonly cluster: ScenarioCluster; readonly realized: Realized } {
  const network = parseCidr(netConf?.Network ?? SYNTHETIC_DEFAULTS.network);
  const subnetLen = subnetLenOf(netConf, network.prefix);
  const leaseSize = 2 ** (32 - subnetLen);
  const nodeBase = parseIPv4(SYNTHETIC_DEFAULTS.nodeNetwork.split('/')[0]!);
  const serviceBase = parseIPv4(SYNTHETIC_DEFAULTS.serviceNetwork.split('/')[0]!);

  const nodeSubnets: Record<string, string> = {};
  const nodeIPs: Record<string, string> = {};
  const nextHost: Record<string, number> = {};
  const nodes = cluster.nodes.map((n, i) => {
    // flannel leases from the second subnet on (SubnetMin); wrap when a tiny Network has too few.
    const leases = 2 ** (subnetLen - network.prefix);
    const lease = network.base + ((i + 1) % leases) * leaseSize;
    nodeSubnets[n.name] = `${formatIPv4(lease)}/${subnetLen}`;
    nodeIPs[n.name] = formatIPv4(nodeBase + 10 + i);
    nextHost[n.name] = lease + 2;
    return { ...n, podCIDR: nodeSubnets[n.name]!, internalIP: nodeIPs[n.name]! };
  });

  const podIPs: Record<string, string[]> = {};
  let unscheduled = network.base + 2;
  const pods = cluster.pods.map((p) => {
    let ip: string;
    if (p.hostNetwork && p.nodeName !== undefined && nodeIPs[p.nodeName] !== undefined) {
      ip = nodeIPs[p.nodeName]!;
    } else if (p.nodeName !== undefined && nextHost[p.nodeName] !== undefined) {
      ip = formatIPv4(nextHost[p.nodeName]!);
      nextHost[p.nodeName]! += 1;
    } else {
      ip = formatIPv4(unscheduled++);
    }
    podIPs[keyOf(p)] = [ip];
    return { ...p, ips: [ip] };
  });

  const serviceIPs: Record<string, string> = {};
  const services = cluster.services.map((s, i) => {
    const clusterIP = formatIPv4(serviceBase + 10 + i);
    serviceIPs[keyOf(s)] = clusterIP;
    return { ...s, clusterIP };
  });

  const realized: Realized = {
    podIPs,
    serviceIPs,
    nodeIPs,
    nodeSubnets,
    clusterNetwork: `${formatIPv4(network.base)}/${network.prefix}`,
    outsideNetwork: SYNTHETIC_DEFAULTS.outsideNetwork,
  };
  return { cluster: { ...cluster, nodes, pods, services }, realized };
}
