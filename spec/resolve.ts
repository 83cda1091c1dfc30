/**
 * Resolution of symbolic ipBlocks (`CidrRef`) once a target has assigned addresses.
 * A generated scenario says "covers pod y/b" or "node-2's subnet except pod x/a"; only after
 * `Target.sync` do those become CIDRs. Resolving late keeps a shrunk scenario meaningful.
 */
import type { Cluster, IPBlock, NetworkPolicy, NetworkPolicyRule, Pod } from './model.ts';
import { keyOf } from './model.ts';
import type {
  CidrRef,
  Realized,
  ScenarioCluster,
  ScenarioIPBlock,
  ScenarioPolicy,
  SymbolicIPBlock,
} from './scenario.ts';
import { isSymbolicIPBlock } from './scenario.ts';

interface Cidr4 {
  readonly base: number;
  readonly prefix: number;
}

function parseIPv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function parseCidr4(cidr: string): Cidr4 | undefined {
  const [ip, len] = cidr.split('/');
  const base = ip === undefined ? undefined : parseIPv4(ip);
  const prefix = len === undefined ? 32 : Number(len);
  if (base === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  return { base: (base & maskOf(prefix)) >>> 0, prefix };
}

function formatCidr4(c: Cidr4): string {
  return `${formatIPv4(c.base)}/${c.prefix}`;
}

/** `ip` widened to `prefix`, in canonical form (host bits cleared). IPv6 addresses are returned as /128. */
function widen(ip: string, prefix: number): string | undefined {
  if (ip.includes(':')) return `${ip}/128`;
  const c = parseCidr4(`${ip}/${prefix}`);
  return c ? formatCidr4(c) : undefined;
}

/** Whether `inner` lies strictly inside `outer` (the API's rule for `except`). Non-IPv4 input: false. */
export function strictlyInside(inner: string, outer: string): boolean {
  const i = parseCidr4(inner);
  const o = parseCidr4(outer);
  if (!i || !o) return false;
  return i.prefix > o.prefix && (i.base & maskOf(o.prefix)) >>> 0 === o.base;
}

/** The concrete CIDR a reference denotes, or undefined when what it names no longer exists. */
export function resolveCidrRef(ref: CidrRef, realized: Realized): string | undefined {
  switch (ref.ref) {
    case 'literal': {
      const c = parseCidr4(ref.cidr);
      return c ? formatCidr4(c) : ref.cidr;
    }
    case 'pod': {
      const ip = realized.podIPs[ref.pod]?.[0];
      return ip === undefined ? undefined : widen(ip, ref.prefixLength);
    }
    case 'nodeSubnet': {
      const s = realized.nodeSubnets[ref.node];
      if (s === undefined) return undefined;
      const c = parseCidr4(s);
      return c ? formatCidr4(c) : s;
    }
    case 'nodeIP': {
      const ip = realized.nodeIPs[ref.node];
      return ip === undefined ? undefined : widen(ip, ref.prefixLength);
    }
    case 'clusterNetwork': {
      const c = parseCidr4(realized.clusterNetwork);
      return c ? formatCidr4(c) : realized.clusterNetwork;
    }
    case 'outside': {
      const c = parseCidr4(realized.outsideNetwork);
      return c ? formatCidr4(c) : realized.outsideNetwork;
    }
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
  const cidr = resolveCidrRef(block.cidr, realized) ?? resolveCidrRef({ ref: 'outside' }, realized)!;
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
