/** `podnet predict`: the NetworkPolicy truth table of manifests, as tables or as the stable JSON contract. */

import {
  predictGroups,
  predictMatrix,
  predictSummary,
  profileLine,
  renderGroupsTable,
  renderSummary,
  renderTruthTables,
  TRUTH_TABLE_LEGEND,
  writeGroupsJson,
  writePredictionCsv,
  writePredictionJson,
} from '../../oracle/policy/index.ts';
import { PodnetInputError } from '../../spec/errors.ts';
import { loadClusterFromPaths } from '../../spec/manifests/load.ts';
import { loadProfile } from '../../spec/manifests/profileFile.ts';
import { type Cluster, keyOf } from '../../spec/model.ts';
import type { SemanticProfile } from '../../spec/profile.ts';
import { parseCommandArgs, stringListOption, stringOption } from '../args.ts';
import type { CliIO } from '../io.ts';

const FORMATS = ['table', 'json', 'csv', 'summary', 'groups', 'groups-json'] as const;
type Format = (typeof FORMATS)[number];

/** The most pods the truth tables are drawn for: past it a row no longer fits a screen. */
export const TRUTH_TABLE_POD_LIMIT = 100;

const HELP = `Usage: podnet predict -f PATH... | --from-cluster [--profile FILE] [--format FORMAT]

Predicts the verdict (allow, deny, undefined) of every ordered pair of pods (a pod with itself included)
on every (containerPort, protocol) the destination pod declares. Pods the policies cannot tell apart (same
namespace, same values of the labels policies select on, same ports, same ipBlock membership) form a group
and are computed once, so a cluster of 10,000 pods takes seconds.

Options:
  -f, --filename PATH   manifest file or directory (YAML, JSON, kind: List, kubectl get -o yaml); repeatable
  --profile FILE        semantic profile (YAML/JSON) overriding the defaults; printed with the results
  --from-cluster        read namespaces, pods, Services and policies from the live cluster (no probes sent)
  --kubeconfig FILE     with --from-cluster: kubeconfig (default KUBECONFIG, ~/.kube/config, in-cluster)
  --context NAME        with --from-cluster: kubeconfig context
  --format FORMAT       table (default): one truth table per (port, protocol), . allow, X deny, ? undefined
                          (up to ${TRUTH_TABLE_POD_LIMIT} pods)
                        json: {"profile": {...}, "results": [{"from", "to", "port", "protocol", "verdict"}]}
                        csv: one line per cell, header from,to,port,protocol,verdict
                        summary: allowed, denied and undefined cells per namespace pair and port
                        groups: the groups of pods and which group may connect to which, on which ports
                        groups-json: the same as JSON, every group with its pods
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
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--format must be one of ${FORMATS.join(', ')}, got "${format}"`,
      {},
      'for example `--format summary`',
    );
  }
  const profile = loadProfile(stringOption(args, 'profile'));
  const kubeconfig = stringOption(args, 'kubeconfig');
  const context = stringOption(args, 'context');
  const cluster =
    args.values['from-cluster'] === true
      ? await clusterFromLive(kubeconfig, context, io.env)
      : await loadClusterFromPaths(stringListOption(args, 'filename'));
  return write(format as Format, cluster, profile, io);
}

function write(format: Format, cluster: Cluster, profile: SemanticProfile, io: CliIO): number {
  const decoder = new TextDecoder();
  const bytes = io.stdoutBytes ?? ((chunk: Uint8Array) => io.stdout(decoder.decode(chunk, { stream: true })));
  switch (format) {
    case 'json':
      writePredictionJson(cluster, profile, bytes);
      return 0;
    case 'csv':
      writePredictionCsv(cluster, profile, bytes);
      return 0;
    case 'summary':
      io.stdout(renderSummary(profile, predictSummary(cluster, profile)));
      return 0;
    case 'groups':
      io.stdout(renderGroupsTable(cluster, profile, predictGroups(cluster, profile)));
      return 0;
    case 'groups-json':
      writeGroupsJson(cluster, profile, predictGroups(cluster, profile), io.stdout);
      return 0;
    case 'table':
      break;
  }
  if (cluster.pods.length > TRUTH_TABLE_POD_LIMIT) {
    throw new PodnetInputError(
      'PODNET_OUTPUT_TOO_LARGE',
      `${cluster.pods.length} pods: truth tables are drawn for up to ${TRUTH_TABLE_POD_LIMIT} pods`,
      {},
      '`--format summary` or `--format groups` fit a screen; `--format json` or `csv` hold every cell',
    );
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
