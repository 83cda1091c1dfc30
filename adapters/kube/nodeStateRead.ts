/**
 * A live node's network state: the same `ip -j`/`bridge -j` commands the lab runs
 * (adapters/common/nodeState NODE_STATE_COMMANDS), run by `kubectl exec` in the node's hostNetwork
 * reader pod, subnet.env read through the reader's read-only hostPath, the flannel annotations taken
 * from the Node object, and everything parsed by the one shared parser.
 */

import { PodnetTargetError } from '../../spec/errors.ts';
import type { NodeNetworkState } from '../../spec/nodeState.ts';
import { collectRawNodeState, parseNodeState } from '../common/nodeState/index.ts';
import type { ExecRunner, ExecTarget, KubectlConnection } from './kubectlExec.ts';
import { kubectlExecArgv } from './kubectlExec.ts';
import { READER_FLANNEL_DIR } from './render/readerPod.ts';

export const FLANNEL_ANNOTATION_PREFIX = 'flannel.alpha.coreos.com/';

/** Only flannel's annotations of a node. */
export function flannelAnnotations(annotations: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(annotations).filter(([k]) => k.startsWith(FLANNEL_ANNOTATION_PREFIX)),
  );
}

/** The argv that reads subnet.env through the reader's hostPath (exit 1 when the file is missing). */
const SUBNET_ENV_COMMAND: readonly string[] = ['cat', `${READER_FLANNEL_DIR}/subnet.env`];

export async function readKubeNodeState(
  node: string,
  reader: ExecTarget,
  annotations: Readonly<Record<string, string>>,
  env: { readonly run: ExecRunner; readonly connection: KubectlConnection; readonly timeoutMs: number },
): Promise<NodeNetworkState> {
  const exec = async (argv: readonly string[]) =>
    env.run(kubectlExecArgv(env.connection, reader, argv), { timeoutMs: env.timeoutMs });
  const runner = async (argv: readonly string[]): Promise<string> => {
    const r = await exec(argv);
    if (r.failure !== undefined || r.exitCode !== 0) {
      throw new PodnetTargetError(
        'PODNET_KUBE_NODE_STATE',
        `reading node ${node}: \`${argv.join(' ')}\` failed in ${reader.namespace}/${reader.pod}: ${r.failure ?? `exit ${r.exitCode}`} ${r.stderr.trim().split('\n')[0] ?? ''}`.trim(),
      );
    }
    return r.stdout;
  };
  const subnet = await exec(SUBNET_ENV_COMMAND);
  const raw = await collectRawNodeState(node, runner, {
    ...(subnet.failure === undefined && subnet.exitCode === 0 ? { subnetEnv: subnet.stdout } : {}),
    annotations: flannelAnnotations(annotations),
  });
  return parseNodeState(raw);
}
