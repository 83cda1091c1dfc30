/**
 * Resolution of symbolic ipBlocks (`CidrRef`) once a target has assigned addresses.
 * A generated scenario says "covers pod y/b" or "node-2's subnet except pod x/a"; only after
 * `Target.sync` do those become CIDRs. Resolving late keeps a shrunk scenario meaningful.
 */
import { addressFamily } from './ipFamily.ts';
import type { IPFamily } from './ipNum.ts';
import { isStrictSubset, networkText, parseCidr } from './manifests/cidr.ts';
import type { Cluster, IPBlock, NetworkPolicy, NetworkPolicyRule, ObjectKey, Pod } from './model.ts';
import { keyOf } from './model.ts';
import type {
  CidrRef,
  Realized,
  RealizedNetwork,
  ScenarioCluster,
  ScenarioIPBlock,
  ScenarioPolicy,
  SymbolicIPBlock,
} from './scenario.ts';
import { isSymbolicIPBlock } from './scenario.ts';

/** `text` in canonical form (host bits cleared), or as it is when it is not a CIDR. */
function canonical(text: string): string {
  const c = parseCidr(text);
  return c ? networkText(c) : text;
}

/**
 * `ip` widened to `prefix`, counted as for IPv4, in canonical form (host bits cleared): an IPv6 address is
 * widened to 96 + `prefix`, so 32 is exactly the address in either family.
 */
function widen(ip: string, prefix: number): string | undefined {
  const c = parseCidr(`${ip}/${ip.includes(':') ? 96 + prefix : prefix}`);
  return c ? networkText(c) : undefined;
}

/** Whether `inner` lies strictly inside `outer` (the API's rule for `except`); false across families. */
export function strictlyInside(inner: string, outer: string): boolean {
  const i = parseCidr(inner);
  const o = parseCidr(outer);
  return i !== undefined && o !== undefined && i.family === o.family && isStrictSubset(i, o);
}

/**
 * The networks of `family` (absent: the primary one): the top level, or a dual-stack target's `ipv6`;
 * undefined when the target has no such family.
 */
function networkOf(realized: Realized, family: IPFamily | undefined): RealizedNetwork | undefined {
  if (family === undefined || addressFamily(realized.clusterNetwork) === family) return realized;
  return family === 6 ? realized.ipv6 : undefined;
}

/** The pod's address of `family` (absent: its primary one). */
export function podAddressOf(
  realized: Realized,
  pod: ObjectKey,
  family: IPFamily | undefined,
): string | undefined {
  const ips = realized.podIPs[pod] ?? [];
  return family === undefined ? ips[0] : ips.find((ip) => addressFamily(ip) === family);
}

/** The concrete CIDR a reference denotes, or undefined when what it names no longer exists. */
export function resolveCidrRef(ref: CidrRef, realized: Realized): string | undefined {
  if (ref.ref === 'literal') return canonical(ref.cidr);
  if (ref.ref === 'pod') {
    const ip = podAddressOf(realized, ref.pod, ref.family);
    return ip === undefined ? undefined : widen(ip, ref.prefixLength);
  }
  const network = networkOf(realized, ref.family);
  if (network === undefined) return undefined;
  switch (ref.ref) {
    case 'nodeSubnet': {
      const s = network.nodeSubnets[ref.node];
      return s === undefined ? undefined : canonical(s);
    }
    case 'nodeIP': {
      const ip = network.nodeIPs[ref.node];
      return ip === undefined ? undefined : widen(ip, ref.prefixLength);
    }
    case 'clusterNetwork':
      return canonical(network.clusterNetwork);
    case 'outside':
      return canonical(network.outsideNetwork);
  }
}

/**
 * Resolve one ipBlock. A `cidr` whose referent is gone (a deleted pod or node) becomes the outside
 * network, so the peer matches no cluster address rather than vanishing; an `except` that is gone, or
 * that no longer lies strictly inside the cidr (the API would reject it), is dropped.
 */
export function resolveIPBlock(block: ScenarioIPBlock, realized: Realized): IPBlock {
  if (!isSymbolicIPBlock(block)) return block;
  return resolveSymbolic(block, realized);
}

function resolveSymbolic(block: SymbolicIPBlock, realized: Realized): IPBlock {
  const family = block.cidr.ref === 'literal' ? undefined : block.cidr.family;
  const cidr =
    resolveCidrRef(block.cidr, realized) ??
    resolveCidrRef({ ref: 'outside', ...(family ? { family } : {}) }, realized) ??
    resolveCidrRef({ ref: 'outside' }, realized)!;
  const except: string[] = [];
  for (const ref of block.except ?? []) {
    const e = resolveCidrRef(ref, realized);
    if (e !== undefined && strictlyInside(e, cidr) && !except.includes(e)) except.push(e);
  }
  return except.length > 0 ? { cidr, except } : { cidr };
}

function resolveRule(
  rule: NonNullable<ScenarioPolicy['ingress']>[number],
  realized: Realized,
): NetworkPolicyRule {
  if (rule.peers === undefined) return rule.ports === undefined ? {} : { ports: rule.ports };
  const clean = rule.peers.map((p) => {
    const { ipBlock, ...selectors } = p;
    return ipBlock === undefined ? selectors : { ...selectors, ipBlock: resolveIPBlock(ipBlock, realized) };
  });
  return rule.ports === undefined ? { peers: clean } : { peers: clean, ports: rule.ports };
}

/** Replace every symbolic ipBlock of `policy` by a concrete one. */
function resolvePolicy(policy: ScenarioPolicy, realized: Realized): NetworkPolicy {
  const { ingress, egress, ...rest } = policy;
  const out: { -readonly [K in keyof NetworkPolicy]: NetworkPolicy[K] } = { ...rest };
  if (ingress !== undefined) out.ingress = ingress.map((r) => resolveRule(r, realized));
  if (egress !== undefined) out.egress = egress.map((r) => resolveRule(r, realized));
  return out;
}

/** Replace every symbolic ipBlock by a concrete one, against what the target realized. */
export function resolvePolicies(policies: readonly ScenarioPolicy[], realized: Realized): NetworkPolicy[] {
  return policies.map((p) => resolvePolicy(p, realized));
}

/**
 * The concrete cluster a realized scenario denotes: pod IPs, ClusterIPs and node addresses filled
 * in from `realized`, and every ipBlock resolved.
 */
export function realizeCluster(cluster: ScenarioCluster, realized: Realized): Cluster {
  const pods: Pod[] = cluster.pods.map((p) => ({ ...p, ips: realized.podIPs[keyOf(p)] ?? p.ips }));
  return {
    nodes: cluster.nodes.map((n) => {
      const podCIDR = realized.nodeSubnets[n.name] ?? n.podCIDR;
      const internalIP = realized.nodeIPs[n.name] ?? n.internalIP;
      return {
        ...n,
        ...(podCIDR === undefined ? {} : { podCIDR }),
        ...(internalIP === undefined ? {} : { internalIP }),
      };
    }),
    namespaces: cluster.namespaces,
    pods,
    services: cluster.services.map((s) => {
      const clusterIP = realized.serviceIPs[keyOf(s)] ?? s.clusterIP;
      return clusterIP === undefined ? s : { ...s, clusterIP };
    }),
    policies: resolvePolicies(cluster.policies, realized),
  };
}
