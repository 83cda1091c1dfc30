/** `podnet cleanup`: removes what earlier `podnet run --target kube` runs left on a cluster, by label. */
import { cleanupLiveCluster } from '../../adapters/kube/cleanup.ts';
import { PodnetInputError } from '../../spec/errors.ts';
import { booleanOption, parseCommandArgs, stringOption } from '../args.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: podnet cleanup (--run ID | --all) [--kubeconfig FILE] [--context NAME]

Deletes the namespaces of podnet runs (everything in them goes too). Only namespaces labelled
podnet.io/run=<id> (a run id: 6 hex digits) and app.kubernetes.io/managed-by=podnet, named
podnet-<id>-..., are touched, each deleted with a uid precondition (one made since the list is kept).

Options:
  --run ID              the run to remove (6 hex digits, as in podnet-<id>-x)
  --all                 every podnet run's leftovers
  --kubeconfig FILE     kubeconfig (default KUBECONFIG, ~/.kube/config, in-cluster)
  --context NAME        kubeconfig context

Exit codes: 0 done, 2 bad usage, 3 cluster unreachable or refused.
`;

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('cleanup', argv, {
    run: { type: 'string' },
    all: { type: 'boolean' },
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
  });
  if (booleanOption(args, 'help')) {
    io.stdout(HELP);
    return 0;
  }
  const runId = stringOption(args, 'run');
  const all = booleanOption(args, 'all');
  if ((runId === undefined) === !all) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      'give exactly one of --run ID and --all',
      {},
      'run `podnet cleanup --help`',
    );
  }
  const kubeconfig = stringOption(args, 'kubeconfig');
  const context = stringOption(args, 'context');
  const result = await cleanupLiveCluster({
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
    ...(context !== undefined ? { context } : {}),
    env: io.env,
    scope: runId !== undefined ? { runId } : { all: true },
  });
  if (result.deleted.length === 0 && result.skipped.length === 0)
    io.stdout('podnet cleanup: nothing to remove\n');
  for (const d of result.deleted) io.stdout(`deleted namespace ${d.namespace} (run ${d.runId})\n`);
  for (const d of result.skipped) io.stdout(`left namespace ${d.namespace}: ${d.reason}\n`);
  return 0;
}
