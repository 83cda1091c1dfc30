/**
 * The commands whose output makes up a node's network state, the raw bundle they produce, and how to
 * collect it through any runner (`ip netns exec` in the lab, `kubectl exec` into a hostNetwork pod on a
 * live node): the commands and their JSON are the same everywhere.
 */

/** The raw outputs of one node, before parsing. */
export interface RawNodeState {
  readonly node: string;
  /** `ip -j -d link show` */
  readonly ipLink: string;
  /** `ip -j addr show` */
  readonly ipAddr: string;
  /** `ip -j route show table main` */
  readonly ipRoute: string;
  /** `ip -j neigh show` */
  readonly ipNeigh: string;
  /** `bridge -j fdb show` */
  readonly bridgeFdb: string;
  /** The text of /run/flannel/subnet.env; absent when the file is missing. */
  readonly subnetEnv?: string;
  /** The node's annotations (flannel's are read; others are kept as given). */
  readonly annotations?: Readonly<Record<string, string>>;
}

export type RawCommandField = 'ipLink' | 'ipAddr' | 'ipRoute' | 'ipNeigh' | 'bridgeFdb';

/** The exact argv of each command (run inside the node's network namespace). */
export const NODE_STATE_COMMANDS: Readonly<Record<RawCommandField, readonly string[]>> = {
  ipLink: ['ip', '-j', '-d', 'link', 'show'],
  ipAddr: ['ip', '-j', 'addr', 'show'],
  ipRoute: ['ip', '-j', 'route', 'show', 'table', 'main'],
  ipNeigh: ['ip', '-j', 'neigh', 'show'],
  bridgeFdb: ['bridge', '-j', 'fdb', 'show'],
};

/** Runs one argv on the node and returns its stdout. */
export type NodeCommandRunner = (argv: readonly string[]) => Promise<string>;

/** Runs every NODE_STATE_COMMANDS entry through `run` and bundles the outputs. */
export async function collectRawNodeState(
  node: string,
  run: NodeCommandRunner,
  extras: { readonly subnetEnv?: string; readonly annotations?: Readonly<Record<string, string>> } = {},
): Promise<RawNodeState> {
  const fields = Object.keys(NODE_STATE_COMMANDS) as RawCommandField[];
  const outputs = await Promise.all(fields.map((f) => run(NODE_STATE_COMMANDS[f])));
  const byField = Object.fromEntries(fields.map((f, i) => [f, outputs[i] ?? ''])) as Record<
    RawCommandField,
    string
  >;
  return {
    node,
    ...byField,
    ...(extras.subnetEnv !== undefined ? { subnetEnv: extras.subnetEnv } : {}),
    ...(extras.annotations !== undefined ? { annotations: extras.annotations } : {}),
  };
}
