/** `bridge -j fdb show` → FDB entries; the device is `ifname`, `state` a bare string (`"permanent"`). */
import type { FdbState } from '../../../spec/nodeState.ts';
import { ipJsonArray, str, words } from './ipJson.ts';

export function parseBridgeFdb(text: string, node: string): FdbState[] {
  return ipJsonArray(text, node, 'bridge -j fdb show').flatMap((f): FdbState[] => {
    const mac = str(f, 'mac');
    const dev = str(f, 'ifname') ?? str(f, 'dev');
    if (mac === undefined || dev === undefined) return [];
    const dst = str(f, 'dst');
    return [
      {
        mac: mac.toLowerCase(),
        dev,
        ...(dst !== undefined ? { dst } : {}),
        permanent: words(f, 'state').includes('permanent'),
      },
    ];
  });
}
