/** A v1 Node: name, labels, spec.podCIDR(s) and its InternalIP from status.addresses. Segment is always 0. */

import type { Node } from '../model.ts';
import { quoteValue } from '../quote.ts';
import { parseCidr } from './cidr.ts';
import { decodeMetadata } from './decodeMetadata.ts';
import type { Decoder } from './decoder.ts';
import { dns1123SubdomainProblems } from './names.ts';

export function decodeNode(d: Decoder): Node | undefined {
  const meta = decodeMetadata(d, dns1123SubdomainProblems, false);
  let podCIDR = d.string(['spec', 'podCIDR']);
  if (podCIDR === undefined || podCIDR === '') {
    const first = d.list(['spec', 'podCIDRs'])?.[0];
    podCIDR = typeof first === 'string' ? first : undefined;
  }
  if (podCIDR !== undefined && podCIDR !== '' && parseCidr(podCIDR) === undefined) {
    d.fail(['spec', 'podCIDR'], 'PODNET_INVALID_CIDR', `${quoteValue(podCIDR)} is not a valid CIDR`);
  }
  let internalIP: string | undefined;
  (d.list(['status', 'addresses']) ?? []).forEach((_, i) => {
    if (internalIP === undefined && d.get(['status', 'addresses', i, 'type']) === 'InternalIP') {
      internalIP = d.string(['status', 'addresses', i, 'address']);
    }
  });
  if (meta === undefined) return undefined;
  return {
    name: meta.name,
    labels: meta.labels,
    ...(podCIDR ? { podCIDR } : {}),
    ...(internalIP ? { internalIP } : {}),
    segment: 0,
  };
}
