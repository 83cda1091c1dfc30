/**
 * `podnet flannel <subcommand>`: flannel checks. `validate` reads net-conf.json as flannel does; `check`
 * compares every node of a running target with what flannel should have programmed.
 */
import { resolve } from 'node:path';
import { LAB_NODE_RANGE, LAB_SEGMENT_RANGE } from '../../adapters/lab/topology.ts';
import { netConfSummary, netConfSummaryLines } from '../../oracle/flannel/netConfSummary.ts';
import { parseNetConf } from '../../oracle/flannel/parseNetConf.ts';
import {
  DEFAULT_CHECK_TOPOLOGY,
  renderFlannelCheck,
  runFlannelCheck,
} from '../../runner/areas/flannel/flannelCheck.ts';
import { DEFAULT_RUN_OPTIONS, PROBE_TIMEOUT_RANGE } from '../../runner/options.ts';
import { EXIT, PodnetInputError } from '../../spec/errors.ts';
import type { FlannelSubnetManager } from '../../spec/flannelExpectation.ts';
import { readInputFile } from '../../spec/inputFile.ts';
import { durationOption, integerOption, parseCommandArgs, stringOption } from '../args.ts';
import type { CliIO, CommandRun } from '../io.ts';

export const summary = 'flannel checks: `validate` a net-conf.json, `check` the nodes of a target';

const VALIDATE_HELP = `Usage: podnet flannel validate <net-conf.json> [--subnet-manager kube|etcd] [--format text|json]

Reads net-conf.json exactly as flanneld does and prints the effective config with defaults filled in,
or flannel's error (exit code 2).

  --subnet-manager  kube (default, as kube-flannel.yml runs flanneld) or etcd; only etcd runs
                    CheckNetworkConfig and uses SubnetLen/SubnetMin/SubnetMax
  --format          text (default) or json
`;

const SUBCOMMANDS: Readonly<Record<string, { readonly summary: string; readonly run: CommandRun }>> = {
  validate: { summary: "print the effective net-conf.json, or flannel's error", run: validate },
  check: { summary: 'compare every node with what flannel should have programmed', run: check },
};

function help(): string {
  const lines = Object.entries(SUBCOMMANDS).map(
    ([name, s]) => `  podnet flannel ${name.padEnd(10)} ${s.summary}`,
  );
  return ['Usage: podnet flannel <subcommand> [options]', '', 'Subcommands:', ...lines, ''].join('\n');
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.stdout(help());
    return name === undefined ? EXIT.usage : EXIT.conforms;
  }
  const sub = SUBCOMMANDS[name];
  if (!sub) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `unknown flannel subcommand "${name}"`,
      {},
      'run `podnet flannel --help` to list them',
    );
  }
  return sub.run(rest, io);
}

async function validate(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('flannel validate', argv, {
    'subnet-manager': { type: 'string' },
    format: { type: 'string' },
  });
  if (args.values.help) {
    io.stdout(VALIDATE_HELP);
    return EXIT.conforms;
  }
  const manager = stringOption(args, 'subnet-manager') ?? 'kube';
  if (manager !== 'kube' && manager !== 'etcd') {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--subnet-manager must be kube or etcd, got "${manager}"`,
    );
  }
  const format = stringOption(args, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new PodnetInputError('PODNET_BAD_ARGUMENT', `--format must be text or json, got "${format}"`);
  }
  const [file, ...extra] = args.positionals;
  if (file === undefined || extra.length > 0) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      file === undefined ? 'no net-conf.json given' : `one file expected, got ${args.positionals.length}`,
      {},
      'podnet flannel validate net-conf.json',
    );
  }
  const text = readInputFile(resolve(io.cwd, file), { what: 'net-conf.json' });

  const result = parseNetConf(text, { subnetManager: manager as FlannelSubnetManager });
  if (!result.ok) {
    if (format === 'json') {
      io.stdout(
        `${JSON.stringify({ valid: false, subnetManager: manager, file, error: result.error }, null, 2)}\n`,
      );
    } else {
      io.stderr(
        `podnet: ${file}: flannel rejects this config (${manager} subnet manager): ${result.error}\n`,
      );
    }
    return EXIT.usage;
  }
  const view = netConfSummary(result.config);
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ file, ...view }, null, 2)}\n`);
  } else {
    io.stdout(
      [
        `${file}: valid for the ${manager} subnet manager; effective config:`,
        ...netConfSummaryLines(view),
        '',
      ].join('\n'),
    );
  }
  return EXIT.conforms;
}

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

async function check(argv: readonly string[], io: CliIO): Promise<number> {
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
  // Loaded here so that `flannel validate` does not load the lab.
  const { labFaultsFrom } = await import('./run.ts');
  const { createLabTarget } = await import('../../adapters/lab/labTarget.ts');
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
