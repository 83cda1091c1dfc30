/**
 * Lease invariants (docs/research/flannel.md §2.4). Both managers: every lease is a valid IPv4 CIDR, aligned
 * (no host bits), inside Network, of the expected length, and no two leases overlap. Kube manager: the length
 * is kube-controller-manager's node mask (--node-cidr-mask-size, default 24; net-conf SubnetLen is ignored)
 * and Network must contain the podCIDR (pkg/subnet/kube/kube.go `AcquireLease`). Etcd manager: the length is
 * SubnetLen and the base lies in SubnetMin..SubnetMax (pkg/subnet/etcd/local_manager.go
 * `isSubnetConfigCompat`).
 */
import type {
  EffectiveNetConf,
  FlannelSubnetManager,
  LeaseViolation,
} from '../../spec/flannelExpectation.ts';
import {
  cidrContains,
  cidrOverlaps,
  formatCidr,
  type GoCidr,
  maskOff,
  parseGoCidr,
  parseGoIP,
} from './goNet.ts';

/** kube-controller-manager's default `--node-cidr-mask-size` for IPv4. */
export const KCM_DEFAULT_NODE_MASK_IPV4 = 24;

export interface CheckLeasesOptions {
  /** Kube manager: the node mask the allocator used (default 24, KCM's default). */
  readonly nodeCidrMaskSize?: number;
}

/** Every violated invariant, each naming its node(s) and rule. `leases` maps node → IPv4 CIDR. */
export function checkLeases(
  config: EffectiveNetConf,
  leases: Readonly<Record<string, string>>,
  manager: FlannelSubnetManager = config.subnetManager,
  options: CheckLeasesOptions = {},
): LeaseViolation[] {
  const violations: LeaseViolation[] = [];
  const network = config.network ? parseGoCidr(config.network) : undefined;
  const net = network?.ok ? network.cidr : undefined;
  const expectedLength =
    manager === 'etcd' ? config.subnetLen : (options.nodeCidrMaskSize ?? KCM_DEFAULT_NODE_MASK_IPV4);
  const min = manager === 'etcd' && config.subnetMin ? parseGoIP(config.subnetMin)?.value : undefined;
  const max = manager === 'etcd' && config.subnetMax ? parseGoIP(config.subnetMax)?.value : undefined;
  const parsed: { node: string; cidr: GoCidr }[] = [];

  for (const [node, text] of Object.entries(leases).sort(([a], [b]) => a.localeCompare(b))) {
    const p = parseGoCidr(text);
    if (!p.ok || p.cidr.family !== 4) {
      violations.push({
        rule: 'lease-valid-cidr',
        nodes: [node],
        message: `lease "${text}" of node "${node}" is not an IPv4 CIDR`,
      });
      continue;
    }
    const cidr = p.cidr;
    parsed.push({ node, cidr });
    const canonical = formatCidr(cidr);
    if (canonical !== text) {
      violations.push({
        rule: 'lease-aligned',
        nodes: [node],
        message: `lease "${text}" of node "${node}" has host bits set (the subnet is ${canonical})`,
      });
    }
    if (net && !cidrContains(net, cidr)) {
      violations.push({
        rule: 'lease-inside-network',
        nodes: [node],
        message:
          manager === 'kube'
            ? `subnet "${config.network}" specified in the flannel net config doesn't contain "${canonical}" PodCIDR of the "${node}" node`
            : `lease ${canonical} of node "${node}" is outside Network ${config.network}`,
      });
    }
    if (expectedLength !== undefined && cidr.prefixLength !== expectedLength) {
      violations.push({
        rule: 'lease-length',
        nodes: [node],
        message: `lease ${canonical} of node "${node}" is a /${cidr.prefixLength}, expected /${expectedLength} (${
          manager === 'etcd' ? 'SubnetLen' : 'the node CIDR mask size'
        })`,
      });
    }
    if (min !== undefined && max !== undefined) {
      const base = maskOff(cidr.ip, cidr.prefixLength, 4);
      if (base < min || base > max) {
        violations.push({
          rule: 'lease-within-min-max',
          nodes: [node],
          message: `lease ${canonical} of node "${node}" lies outside SubnetMin..SubnetMax (${config.subnetMin}..${config.subnetMax})`,
        });
      }
    }
  }

  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      const a = parsed[i]!;
      const b = parsed[j]!;
      if (cidrOverlaps(a.cidr, b.cidr)) {
        violations.push({
          rule: 'lease-disjoint',
          nodes: [a.node, b.node],
          message: `leases of nodes "${a.node}" (${formatCidr(a.cidr)}) and "${b.node}" (${formatCidr(b.cidr)}) overlap`,
        });
      }
    }
  }
  return violations;
}
