/**
 * Lease invariants (docs/research/flannel.md §2.4). Both managers: every lease is a valid CIDR of its family,
 * aligned (no host bits), inside its network, of the expected length, and no two leases of one family
 * overlap. Kube manager: the length is kube-controller-manager's node mask (--node-cidr-mask-size, default
 * 24; --node-cidr-mask-size-ipv6, default 64; net-conf SubnetLen and IPv6SubnetLen are ignored) and Network
 * (IPv6Network) must contain the podCIDR (pkg/subnet/kube/kube.go `AcquireLease`). Etcd manager: the length
 * is SubnetLen (IPv6SubnetLen) and the base lies in SubnetMin..SubnetMax (IPv6SubnetMin..IPv6SubnetMax)
 * (pkg/subnet/etcd/local_manager.go `isSubnetConfigCompat`, `isIPv6SubnetConfigCompat`). The IPv6 leases are
 * judged only with EnableIPv6, as flannel reads them only then (kube.go `AcquireLease`: `ipv6Cidr != nil &&
 * ksm.enableIPv6`).
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
  type IPFamily,
  maskOff,
  parseGoCidr,
  parseGoIP,
} from './goNet.ts';

/** kube-controller-manager's default `--node-cidr-mask-size` for IPv4. */
export const KCM_DEFAULT_NODE_MASK_IPV4 = 24;
/** kube-controller-manager's default `--node-cidr-mask-size-ipv6`. */
export const KCM_DEFAULT_NODE_MASK_IPV6 = 64;

export interface CheckLeasesOptions {
  /** Kube manager: the node mask the allocator used (default 24, KCM's default). */
  readonly nodeCidrMaskSize?: number;
  /**
   * node → IPv6 lease (a dual-stack node's second podCIDR), judged when the net-conf has EnableIPv6; kube
   * manager: with the allocator's IPv6 node mask (default 64, KCM's --node-cidr-mask-size-ipv6).
   */
  readonly ipv6?: {
    readonly leases: Readonly<Record<string, string>>;
    readonly nodeCidrMaskSize?: number;
  };
}

/** What one family's leases are judged against. */
interface FamilyRules {
  readonly family: IPFamily;
  readonly manager: FlannelSubnetManager;
  /** Network or IPv6Network, as written (for messages) and parsed. */
  readonly networkText: string | undefined;
  readonly expectedLength: number | undefined;
  /** The etcd manager's SubnetMin..SubnetMax (IPv6SubnetMin..IPv6SubnetMax), as written. */
  readonly min: string | undefined;
  readonly max: string | undefined;
}

/**
 * Every violated invariant, each naming its node(s), rule and family. `leases` maps node → IPv4 CIDR; the
 * IPv6 leases come in `options.ipv6`.
 */
export function checkLeases(
  config: EffectiveNetConf,
  leases: Readonly<Record<string, string>>,
  manager: FlannelSubnetManager = config.subnetManager,
  options: CheckLeasesOptions = {},
): LeaseViolation[] {
  const etcd = manager === 'etcd';
  const violations = familyViolations(leases, {
    family: 4,
    manager,
    networkText: config.network,
    expectedLength: etcd ? config.subnetLen : (options.nodeCidrMaskSize ?? KCM_DEFAULT_NODE_MASK_IPV4),
    min: etcd ? config.subnetMin : undefined,
    max: etcd ? config.subnetMax : undefined,
  });
  if (config.enableIPv6 && options.ipv6) {
    // Kube: AcquireLease checks the IPv6 podCIDR against IPv6Network (containsCIDR); etcd: allocateSubnet
    // cuts IPv6SubnetLen leases from IPv6SubnetMin..IPv6SubnetMax, skipping any that Overlaps a held one.
    violations.push(
      ...familyViolations(options.ipv6.leases, {
        family: 6,
        manager,
        networkText: config.ipv6Network,
        expectedLength: etcd
          ? config.ipv6SubnetLen
          : (options.ipv6.nodeCidrMaskSize ?? KCM_DEFAULT_NODE_MASK_IPV6),
        min: etcd ? config.ipv6SubnetMin : undefined,
        max: etcd ? config.ipv6SubnetMax : undefined,
      }),
    );
  }
  return violations;
}

function familyViolations(leases: Readonly<Record<string, string>>, rules: FamilyRules): LeaseViolation[] {
  const { family, manager } = rules;
  const v6 = family === 6 ? 'IPv6 ' : '';
  const violations: LeaseViolation[] = [];
  const violation = (rule: LeaseViolation['rule'], nodes: string[], message: string) =>
    violations.push({ rule, family, nodes, message });
  const network = rules.networkText ? parseGoCidr(rules.networkText) : undefined;
  const net = network?.ok ? network.cidr : undefined;
  const min = rules.min ? parseGoIP(rules.min)?.value : undefined;
  const max = rules.max ? parseGoIP(rules.max)?.value : undefined;
  const parsed: { node: string; cidr: GoCidr }[] = [];

  for (const [node, text] of Object.entries(leases).sort(([a], [b]) => a.localeCompare(b))) {
    const p = parseGoCidr(text);
    if (!p.ok || p.cidr.family !== family) {
      violation('lease-valid-cidr', [node], `lease "${text}" of node "${node}" is not an IPv${family} CIDR`);
      continue;
    }
    const cidr = p.cidr;
    parsed.push({ node, cidr });
    const canonical = formatCidr(cidr);
    if (canonical !== text) {
      violation(
        'lease-aligned',
        [node],
        `${v6}lease "${text}" of node "${node}" has host bits set (the subnet is ${canonical})`,
      );
    }
    if (net && !cidrContains(net, cidr)) {
      violation(
        'lease-inside-network',
        [node],
        manager === 'kube'
          ? `subnet "${rules.networkText}" specified in the flannel net config doesn't contain "${canonical}" ${v6}PodCIDR of the "${node}" node`
          : `${v6}lease ${canonical} of node "${node}" is outside ${family === 6 ? 'IPv6Network' : 'Network'} ${rules.networkText}`,
      );
    }
    if (rules.expectedLength !== undefined && cidr.prefixLength !== rules.expectedLength) {
      const source =
        manager === 'etcd'
          ? `${family === 6 ? 'IPv6SubnetLen' : 'SubnetLen'}`
          : `the ${v6}node CIDR mask size`;
      violation(
        'lease-length',
        [node],
        `${v6}lease ${canonical} of node "${node}" is a /${cidr.prefixLength}, expected /${rules.expectedLength} (${source})`,
      );
    }
    if (min !== undefined && max !== undefined) {
      const base = maskOff(cidr.ip, cidr.prefixLength, family);
      if (base < min || base > max) {
        const [lo, hi] = family === 6 ? ['IPv6SubnetMin', 'IPv6SubnetMax'] : ['SubnetMin', 'SubnetMax'];
        violation(
          'lease-within-min-max',
          [node],
          `${v6}lease ${canonical} of node "${node}" lies outside ${lo}..${hi} (${rules.min}..${rules.max})`,
        );
      }
    }
  }

  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      const a = parsed[i]!;
      const b = parsed[j]!;
      if (cidrOverlaps(a.cidr, b.cidr)) {
        violation(
          'lease-disjoint',
          [a.node, b.node],
          `${v6}leases of nodes "${a.node}" (${formatCidr(a.cidr)}) and "${b.node}" (${formatCidr(b.cidr)}) overlap`,
        );
      }
    }
  }
  return violations;
}
