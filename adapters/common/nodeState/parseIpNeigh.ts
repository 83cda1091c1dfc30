/** `ip -j neigh show` → neighbours; `state` is an array such as `["PERMANENT"]`. */
import type { NeighbourState } from '../../../spec/nodeState.ts';
import { ipJsonArray, str, words } from './ipJson.ts';

export function parseIpNeigh(text: string, node: string): NeighbourState[] {
  return ipJsonArray(text, node, 'ip -j neigh show').flatMap((n): NeighbourState[] => {
    const dst = str(n, 'dst');
    const dev = str(n, 'dev');
    if (dst === undefined || dev === undefined) return [];
    const lladdr = str(n, 'lladdr');
    return [
      {
        dst,
        ...(lladdr !== undefined ? { lladdr: lladdr.toLowerCase() } : {}),
        dev,
        permanent: words(n, 'state').includes('PERMANENT'),
      },
    ];
  });
}
