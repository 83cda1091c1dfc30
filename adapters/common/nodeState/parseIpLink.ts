/** `ip -j -d link show` → links: kind from linkinfo.info_kind, vxlan id/port/local/learning/lower device. */
import type { LinkState } from '../../../spec/nodeState.ts';
import { ipJsonArray, num, obj, str, words } from './ipJson.ts';

export function parseIpLink(text: string, node: string): LinkState[] {
  return ipJsonArray(text, node, 'ip -j -d link show').flatMap((l): LinkState[] => {
    const name = str(l, 'ifname');
    if (name === undefined) return [];
    const info = obj(l, 'linkinfo');
    const kind = (info && str(info, 'info_kind')) ?? 'device';
    const data = info ? obj(info, 'info_data') : undefined;
    const mac = str(l, 'address');
    const local = data ? (str(data, 'local') ?? str(data, 'local6')) : undefined;
    const lower = data ? str(data, 'link') : undefined;
    const vxlan =
      kind === 'vxlan' && data
        ? {
            id: num(data, 'id') ?? -1,
            port: num(data, 'port') ?? 0,
            ...(local !== undefined ? { local } : {}),
            // iproute2 prints `"learning": true|false` for vxlan.
            learning: data.learning === true,
            ...(lower !== undefined ? { dev: lower } : {}),
          }
        : undefined;
    return [
      {
        name,
        kind,
        mtu: num(l, 'mtu') ?? 0,
        // TUN devices have no link-layer address.
        ...(mac !== undefined && str(l, 'link_type') !== 'none' ? { mac: mac.toLowerCase() } : {}),
        up: words(l, 'flags').includes('UP'),
        ...(vxlan ? { vxlan } : {}),
      },
    ];
  });
}
