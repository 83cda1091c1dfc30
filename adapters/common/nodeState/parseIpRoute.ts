/**
 * `ip -j route show` → routes. iproute2 prints `"dst": "default"` for the default route and a bare address
 * for a host route: those become `default` and `/32` (or `/128`). `flags` is an array (`["onlink"]`).
 */
import type { RouteState } from '../../../spec/nodeState.ts';
import { ipJsonArray, str, words } from './ipJson.ts';

export function parseIpRoute(text: string, node: string): RouteState[] {
  return ipJsonArray(text, node, 'ip -j route show').flatMap((r): RouteState[] => {
    const raw = str(r, 'dst');
    if (raw === undefined) return [];
    const dst = raw === 'default' || raw.includes('/') ? raw : `${raw}/${raw.includes(':') ? 128 : 32}`;
    const gateway = str(r, 'gateway');
    const dev = str(r, 'dev');
    const table = str(r, 'table');
    const type = str(r, 'type');
    return [
      {
        dst,
        ...(gateway !== undefined ? { gateway } : {}),
        ...(dev !== undefined ? { dev } : {}),
        onlink: words(r, 'flags').includes('onlink'),
        ...(table !== undefined && table !== 'main' ? { table } : {}),
        // iproute2 prints `type` only when it is not unicast (blackhole, unreachable, local…).
        ...(type !== undefined && type !== 'unicast' ? { type } : {}),
      },
    ];
  });
}
