/**
 * The kube manager's leases as kube-controller-manager's range allocator hands them out
 * (pkg/controller/nodeipam/ipam/cidrset/cidr_set.go `AllocateNext`): a bitmap scanned from index 0, so
 * nodes added one after another on a fresh cluster get consecutive subnets starting at the cluster CIDR's
 * base (10.244.0.0/24, 10.244.1.0/24, …). Unlike flannel's etcd manager, the first subnet is not skipped.
 * A real cluster may differ (released CIDRs, KCM restarts, service-range filtering): then only the
 * invariants of `checkLeases` apply.
 */
import { cidrRange, formatCidr, nthSubnet } from '../../spec/ipNum.ts';
import { KCM_DEFAULT_NODE_MASK_IPV4 } from './checkLeases.ts';
import { parseGoCidr } from './goNet.ts';

export interface ExpectedLeasesOptions {
  /** `--node-cidr-mask-size` (default 24). */
  readonly nodeCidrMaskSize?: number;
}

/** node → podCIDR for `nodes` in creation order; nodes beyond the range's capacity get none. */
export function expectedLeasesInOrder(
  clusterCidr: string,
  nodes: readonly string[],
  options: ExpectedLeasesOptions = {},
): Record<string, string> {
  const parsed = parseGoCidr(clusterCidr);
  if (!parsed.ok || parsed.cidr.family !== 4) throw new Error(`not an IPv4 cluster CIDR: ${clusterCidr}`);
  const mask = options.nodeCidrMaskSize ?? KCM_DEFAULT_NODE_MASK_IPV4;
  const cluster = parsed.cidr;
  if (mask < cluster.prefixLength || mask > 32) {
    throw new Error(`node mask /${mask} does not fit in cluster CIDR ${clusterCidr}`);
  }
  const range = cidrRange(cluster.ip, cluster.prefixLength, 4);
  const out: Record<string, string> = {};
  nodes.forEach((node, index) => {
    // KCM: "CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range".
    const subnet = nthSubnet(range, mask, index);
    if (subnet !== undefined) out[node] = formatCidr(subnet);
  });
  return out;
}
