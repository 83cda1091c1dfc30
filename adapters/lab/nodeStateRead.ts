/**
 * Reads a lab node's network state: the shared commands (adapters/common/nodeState) run in the node
 * namespace, subnet.env and the annotations from the lab's state folder, parsed by the one shared parser.
 * A dual-stack lab's node also gets its IPv6 routes (`ip -6 -j route show table main`, which the shared
 * command set, IPv4 routes only, leaves out); links, addresses, neighbours and the FDB hold both families.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeNetworkState } from '../../spec/nodeState.ts';
import { collectRawNodeState, parseNodeState } from '../common/nodeState/index.ts';
import { inNetns, run } from './exec.ts';

/** `ip -6 -j route show table main`: the IPv6 routes of a dual-stack node. */
const IPV6_ROUTES = ['ip', '-6', '-j', 'route', 'show', 'table', 'main'] as const;

export async function readNodeState(
  node: string,
  netns: string,
  stateDir: string,
  options: { readonly ipv6?: boolean } = {},
): Promise<NodeNetworkState> {
  const [subnetEnv, annotations] = await Promise.all([
    readFile(join(stateDir, 'subnet.env'), 'utf8').catch(() => undefined),
    readFile(join(stateDir, 'annotations.json'), 'utf8').catch(() => undefined),
  ]);
  // The command runner enters the namespace before exec (`ip -n`/`bridge -n` would also build a mount
  // namespace with a fresh /sys per call, which reading links, routes, neighbours and FDB does not need).
  const runner = (argv: readonly string[]): Promise<string> => run(inNetns(netns, argv));
  const [raw, routes6] = await Promise.all([
    collectRawNodeState(node, runner, {
      ...(subnetEnv !== undefined ? { subnetEnv } : {}),
      ...(annotations !== undefined
        ? { annotations: JSON.parse(annotations) as Record<string, string> }
        : {}),
    }),
    options.ipv6 ? runner(IPV6_ROUTES) : undefined,
  ]);
  if (routes6 === undefined) return parseNodeState(raw);
  // Both outputs are JSON arrays of the same shape: one array, parsed once.
  const merged = [...(JSON.parse(raw.ipRoute) as unknown[]), ...(JSON.parse(routes6) as unknown[])];
  return parseNodeState({ ...raw, ipRoute: JSON.stringify(merged) });
}
