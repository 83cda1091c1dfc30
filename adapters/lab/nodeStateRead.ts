/**
 * Reads a lab node's network state: the shared commands (adapters/common/nodeState) run in the node
 * namespace, subnet.env and the annotations from the lab's state folder, parsed by the one shared parser.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeNetworkState } from '../../spec/nodeState.ts';
import { collectRawNodeState, parseNodeState } from '../common/nodeState/index.ts';
import { inNetns, run } from './exec.ts';

export async function readNodeState(
  node: string,
  netns: string,
  stateDir: string,
): Promise<NodeNetworkState> {
  const [subnetEnv, annotations] = await Promise.all([
    readFile(join(stateDir, 'subnet.env'), 'utf8').catch(() => undefined),
    readFile(join(stateDir, 'annotations.json'), 'utf8').catch(() => undefined),
  ]);
  // `ip -n`/`bridge -n` enter the namespace without a helper process.
  const runner = (argv: readonly string[]): Promise<string> => {
    const [tool, ...rest] = argv;
    return tool === 'ip' || tool === 'bridge' ? run([tool, '-n', netns, ...rest]) : run(inNetns(netns, argv));
  };
  const raw = await collectRawNodeState(node, runner, {
    ...(subnetEnv !== undefined ? { subnetEnv } : {}),
    ...(annotations !== undefined ? { annotations: JSON.parse(annotations) as Record<string, string> } : {}),
  });
  return parseNodeState(raw);
}
