/** `ip -j addr show` → one address per addr_info entry (inet and inet6). */
import type { AddressState } from '../../../spec/nodeState.ts';
import { ipJsonArray, num, str } from './ipJson.ts';

export function parseIpAddr(text: string, node: string): AddressState[] {
  return ipJsonArray(text, node, 'ip -j addr show').flatMap((l) => {
    const dev = str(l, 'ifname');
    const infos = l.addr_info;
    if (dev === undefined || !Array.isArray(infos)) return [];
    return infos.flatMap((a: Readonly<Record<string, unknown>>): AddressState[] => {
      const family = str(a, 'family');
      const local = str(a, 'local');
      const prefixLength = num(a, 'prefixlen');
      if ((family !== 'inet' && family !== 'inet6') || local === undefined || prefixLength === undefined)
        return [];
      return [{ dev, family, local, prefixLength }];
    });
  });
}
