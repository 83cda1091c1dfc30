/** `podnet flannel check`: compares every node of a lab with what flannel should have programmed. */
import { createLabTarget } from '../../adapters/lab/labTarget.ts';
import { LAB_NODE_RANGE, LAB_SEGMENT_RANGE } from '../../adapters/lab/topology.ts';
import {
  DEFAULT_CHECK_TOPOLOGY,
  renderFlannelCheck,
  runFlannelCheck,
} from '../../runner/areas/flannel/flannelCheck.ts';
import { DEFAULT_RUN_OPTIONS, PROBE_TIMEOUT_RANGE } from '../../runner/options.ts';
import { EXIT, PodnetInputError } from '../../spec/errors.ts';
import { durationOption, integerOption, parseCommandArgs, stringOption } from '../args.ts';
import type { CliIO } from '../io.ts';
import { labFaultsFrom } from './run.ts';

const CHECK_HELP = `Usage: podnet flannel check [--target lab] [--backend B] [--nodes N] [--segments S] [--lab-fault NAME]...

Starts the lab with N nodes spread over S L2 segments (one pod each) and the given backend, reads every
node's routes, neighbours, FDB, links, MTUs, subnet.env and annotations, compares them with what flannel
should have programmed, checks the lease invariants, probes pod to pod across nodes, and prints one table
per node (differing rows marked with !).

  --target lab        the embedded lab (default; the only target this command supports so far)
  --backend B         vxlan (default), host-gw or udp
  --nodes N           nodes (default ${DEFAULT_CHECK_TOPOLOGY.nodes})
  --segments S        underlay L2 segments (default ${DEFAULT_CHECK_TOPOLOGY.segments}); host-gw peers on another segment have no route
  --lab-fault NAME    start the lab with a fault from \`podnet lab faults\` (repeatable)
  --probe-timeout D   per-probe connect timeout (default ${DEFAULT_RUN_OPTIONS.probeTimeoutMs}ms)

Exit codes: 0 every node conforms, 1 differences found, 2 bad usage, 3 target failure.
`;

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('flannel check', argv, {
    target: { type: 'string' },
    backend: { type: 'string' },
    nodes: { type: 'string' },
    segments: { type: 'string' },
    'lab-fault': { type: 'string', multiple: true },
    'probe-timeout': { type: 'string' },
  });
  if (args.values.help) {
    io.stdout(CHECK_HELP);
    return EXIT.conforms;
  }
  const target = stringOption(args, 'target') ?? 'lab';
  if (target !== 'lab') {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `flannel check supports --target lab only, got "${target}"`,
    );
  }
  const backend = stringOption(args, 'backend') ?? DEFAULT_CHECK_TOPOLOGY.backend;
  if (backend !== 'vxlan' && backend !== 'host-gw' && backend !== 'udp') {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--backend must be vxlan, host-gw or udp, got "${backend}"`,
    );
  }
  const nodes = integerOption(args, 'flannel check', 'nodes', DEFAULT_CHECK_TOPOLOGY.nodes, LAB_NODE_RANGE);
  const segments = integerOption(
    args,
    'flannel check',
    'segments',
    DEFAULT_CHECK_TOPOLOGY.segments,
    LAB_SEGMENT_RANGE,
  );
  if (nodes < 2 || segments < 1 || segments > nodes) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--nodes must be at least 2 and --segments between 1 and --nodes, got ${nodes} nodes on ${segments} segments`,
    );
  }
  const faults = labFaultsFrom(args);
  const lab = createLabTarget({ faults });
  try {
    const result = await runFlannelCheck(
      lab,
      { backend, nodes, segments },
      {
        probeTimeoutMs: durationOption(
          args,
          'flannel check',
          'probe-timeout',
          DEFAULT_RUN_OPTIONS.probeTimeoutMs,
          PROBE_TIMEOUT_RANGE,
        ),
        concurrency: DEFAULT_RUN_OPTIONS.concurrency,
        retries: DEFAULT_RUN_OPTIONS.retries,
        faults,
      },
    );
    io.stdout(renderFlannelCheck(result));
    return result.findings.length > 0 ? EXIT.findings : EXIT.conforms;
  } finally {
    await lab.teardown();
  }
}
