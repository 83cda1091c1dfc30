/** `podnet predict`: the NetworkPolicy truth table of manifests, as tables or as the stable JSON contract. */

import {
  predictMatrix,
  profileLine,
  renderTruthTables,
  TRUTH_TABLE_LEGEND,
  writePredictionJson,
} from '../../oracle/policy/index.ts';
import { PodnetInputError } from '../../spec/errors.ts';
import { loadClusterFromPaths } from '../../spec/manifests/load.ts';
import { loadProfile } from '../../spec/manifests/profileFile.ts';
import { type Cluster, keyOf } from '../../spec/model.ts';
import { parseCommandArgs, stringListOption, stringOption } from '../args.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: podnet predict -f PATH... | --from-cluster [--profile FILE] [--format table|json]

Predicts the verdict (allow, deny, undefined) of every ordered pair of pods (a pod with itself included)
on every (containerPort, protocol) the destination pod declares.

Options:
  -f, --filename PATH   manifest file or directory (YAML, JSON, kind: List, kubectl get -o yaml); repeatable
  --profile FILE        semantic profile (YAML/JSON) overriding the defaults; printed with the results
  --from-cluster        read namespaces, pods, Services and policies from the live cluster (no probes sent)
  --kubeconfig FILE     with --from-cluster: kubeconfig (default KUBECONFIG, ~/.kube/config, in-cluster)
  --context NAME        with --from-cluster: kubeconfig context
  --format FORMAT       table (default): one truth table per (port, protocol), . allow, X deny, ? undefined
                        json: {"profile": {...}, "results": [{"from", "to", "port", "protocol", "verdict"}]}
`;

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('predict', argv, {
    filename: { type: 'string', short: 'f', multiple: true },
    profile: { type: 'string' },
    format: { type: 'string' },
    'from-cluster': { type: 'boolean' },
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
  });
  if (args.values.help === true) {
    io.stdout(HELP);
    return 0;
  }
  if (args.positionals.length > 0) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `unexpected argument "${args.positionals[0]}"`,
      {},
      'give manifests with -f PATH',
    );
  }
  const format = stringOption(args, 'format') ?? 'table';
  if (format !== 'table' && format !== 'json') {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--format must be table or json, got "${format}"`,
      {},
      'for example `--format json`',
    );
  }
  const profile = loadProfile(stringOption(args, 'profile'));
  const kubeconfig = stringOption(args, 'kubeconfig');
  const context = stringOption(args, 'context');
  const cluster =
    args.values['from-cluster'] === true
      ? await clusterFromLive(kubeconfig, context, io.env)
      : await loadClusterFromPaths(stringListOption(args, 'filename'));
  if (format === 'json') {
    writePredictionJson(cluster, profile, io.stdout);
    return 0;
  }
  const results = predictMatrix(cluster, { profile });
  io.stdout(`${profileLine(profile)}\n${TRUTH_TABLE_LEGEND}\n\n`);
  if (results.length === 0) {
    io.stdout('no cells: no pod declares a container port\n');
    return 0;
  }
  io.stdout(renderTruthTables(results, cluster.pods.map(keyOf)));
  return 0;
}

/** The kube client loads only for --from-cluster, so predict on files starts without it. */
async function clusterFromLive(
  kubeconfig: string | undefined,
  context: string | undefined,
  env: CliIO['env'],
): Promise<Cluster> {
  const { snapshotLiveCluster } = await import('../../adapters/kube/snapshot.ts');
  const snapshot = await snapshotLiveCluster({
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
    ...(context !== undefined ? { context } : {}),
    env,
  });
  return snapshot.cluster;
}
