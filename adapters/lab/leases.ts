/**
 * Node pod-subnet leases, allocated like kube-controller-manager's range allocator (docs/research/flannel.md
 * §2.2): nodes that already carry a podCIDR keep it; the others get the lowest free index, in node order,
 * starting at index 0 (the Network's base subnet).
 */
import { PodnetTargetError } from '../../spec/errors.ts';
import { type Cidr, cidrContains, cidrSize, formatCidr, nthSubnet, parseCidr } from './ipv4.ts';
import { type Cidr6, nthSubnet6 } from './ipv6.ts';

export interface LeaseRequest {
  readonly name: string;
  readonly podCIDR?: string;
}

/** node → lease. With `duplicate` (the duplicate-lease fault) the second node is handed the first node's lease. */
export function allocateLeases(
  nodes: readonly LeaseRequest[],
  network: Cidr,
  subnetLen: number,
  duplicate = false,
): Map<string, Cidr> {
  const subnetSize = cidrSize({ base: network.base, prefixLength: subnetLen });
  const capacity = cidrSize(network) / subnetSize;
  const used = new Set<number>();
  const leases = new Map<string, Cidr>();
  const indexOf = (c: Cidr): number => (c.base - network.base) / subnetSize;
  for (const n of nodes) {
    if (n.podCIDR === undefined) continue;
    const c = parseCidr(n.podCIDR);
    if (c.prefixLength !== subnetLen || !cidrContains(network, c.base)) {
      throw new PodnetTargetError(
        'PODNET_LAB_LEASE',
        `node ${n.name}: podCIDR ${n.podCIDR} is not a /${subnetLen} inside ${formatCidr(network)}`,
      );
    }
    used.add(indexOf(c));
    leases.set(n.name, c);
  }
  let next = 0;
  for (const n of nodes) {
    if (leases.has(n.name)) continue;
    while (next < capacity && used.has(next)) next++;
    if (next >= capacity) {
      throw new PodnetTargetError(
        'PODNET_LAB_LEASE',
        `CIDR allocation failed; there are no remaining CIDRs left to allocate in ${formatCidr(network)}`,
      );
    }
    used.add(next);
    leases.set(n.name, nthSubnet(network, subnetLen, next));
    next++;
  }
  if (duplicate && nodes.length >= 2) {
    const [first, second] = nodes;
    const lease = first && leases.get(first.name);
    if (second && lease) leases.set(second.name, lease);
  }
  return leases;
}

/**
 * node → IPv6 lease: the allocator's second CIDR set (dual-stack KCM keeps one per family), index i for the
 * i-th node from the IPv6Network's base subnet on. `duplicate` as for allocateLeases.
 */
export function allocateLeases6(
  nodes: readonly LeaseRequest[],
  network: Cidr6,
  subnetLen: number,
  duplicate = false,
): Map<string, Cidr6> {
  const leases = new Map<string, Cidr6>();
  nodes.forEach((n, i) => {
    try {
      leases.set(n.name, nthSubnet6(network, subnetLen, i));
    } catch {
      throw new PodnetTargetError(
        'PODNET_LAB_LEASE',
        `CIDR allocation failed; there are no remaining CIDRs left to allocate in the IPv6Network for node ${n.name}`,
      );
    }
  });
  if (duplicate && nodes.length >= 2) {
    const [first, second] = nodes;
    const lease = first && leases.get(first.name);
    if (second && lease) leases.set(second.name, lease);
  }
  return leases;
}
