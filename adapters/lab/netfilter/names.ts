/**
 * Names of the chains, ipsets and `recent` lists the netfilter agents own. Everything starts with
 * `PODNET-`, so the agents never touch flannel's chains (FLANNEL-*) or anyone else's.
 * Per-object names carry a hash, as kube-proxy's do: `base32(sha256(text))` cut to 16 characters.
 */
import { createHash } from 'node:crypto';

export const CHAIN_PREFIX = 'PODNET-';

/** filter: jumped to first from FORWARD; holds the Service reject hook and the policy dispatch. */
export const FORWARD_CHAIN = 'PODNET-FORWARD';
/** filter: jumped to first from OUTPUT; the Service reject hook for the node's own traffic. */
export const OUTPUT_CHAIN = 'PODNET-OUTPUT';
/** filter: REJECT rules for ClusterIP ports without a ready endpoint (kube-proxy's filter KUBE-SERVICES). */
export const SERVICE_REJECT_CHAIN = 'PODNET-SVC-REJECT';
/** filter: what a denied packet meets (REJECT or DROP). */
export const DENY_CHAIN = 'PODNET-DENY';
/** nat: jumped to from PREROUTING and OUTPUT (kube-proxy's nat KUBE-SERVICES). */
export const SERVICES_CHAIN = 'PODNET-SERVICES';
/** nat: sets the masquerade mark (kube-proxy's KUBE-MARK-MASQ). */
export const MARK_MASQ_CHAIN = 'PODNET-MARK-MASQ';
/** nat: jumped to first from POSTROUTING; masquerades marked packets (kube-proxy's KUBE-POSTROUTING). */
export const POSTROUTING_CHAIN = 'PODNET-POSTROUTING';

/** The masquerade mark bit: 0x4000, kube-proxy's default (`--iptables-masquerade-bit=14`). */
export const MASQ_MARK = '0x4000';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 of sha256(text), first 16 characters (kube-proxy's `servicePortChainName` shape). */
function hash16(text: string): string {
  const bytes = createHash('sha256').update(text).digest();
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
    if (out.length >= 16) break;
  }
  return out;
}

/** Ingress chain of one pod on this node. */
export function ingressChain(podKey: string): string {
  return `PODNET-IN-${hash16(`ingress ${podKey}`)}`;
}

/** Egress chain of one pod on this node. */
export function egressChain(podKey: string): string {
  return `PODNET-EG-${hash16(`egress ${podKey}`)}`;
}

/** Per-Service-port chain (kube-proxy's KUBE-SVC-*). */
export function serviceChain(servicePortName: string, protocol: string): string {
  return `PODNET-SVC-${hash16(`${servicePortName}${protocol}`)}`;
}

/** Per-endpoint chain (kube-proxy's KUBE-SEP-*); also the name of its `recent` list. */
export function endpointChain(servicePortName: string, protocol: string, endpoint: string): string {
  return `PODNET-SEP-${hash16(`${servicePortName}${protocol}${endpoint}`)}`;
}

/**
 * An ipset named after its content, so a set never changes once created (≤ 31 characters). IPv6 sets
 * (`family inet6`) are `PODNET-IP6-*` / `PODNET-NET6-*`: each family's agent owns its own.
 */
export function ipsetName(kind: 'IP' | 'NET', content: string, family: 4 | 6 = 4): string {
  return `PODNET-${kind}${family === 6 ? '6' : ''}-${hash16(content)}`;
}

/** Whether a set of ours belongs to `family`'s agent (see ipsetName). */
export function isIpsetOfFamily(name: string, family: 4 | 6): boolean {
  const v6 = name.startsWith('PODNET-IP6-') || name.startsWith('PODNET-NET6-');
  return family === 6 ? v6 : !v6;
}
