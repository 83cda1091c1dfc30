/**
 * `podnet flannel <subcommand>`: flannel checks. `validate` reads net-conf.json as flannel does; `check`
 * compares every node of a running target with what flannel should have programmed.
 */
import { resolve } from 'node:path';
import { DEFAULT_FLANNEL_VERSION, parseFlannelVersion } from '../../oracle/flannel/flannelVersion.ts';
import { netConfSummary, netConfSummaryLines } from '../../oracle/flannel/netConfSummary.ts';
import { parseNetConf } from '../../oracle/flannel/parseNetConf.ts';
import { EXIT, PodnetInputError } from '../../spec/errors.ts';
import type { FlannelSubnetManager } from '../../spec/flannelExpectation.ts';
import { readInputFile } from '../../spec/inputFile.ts';
import { parseCommandArgs, stringOption } from '../args.ts';
import type { CliIO, CommandRun } from '../io.ts';

const VALIDATE_HELP = `Usage: podnet flannel validate <net-conf.json> [--subnet-manager kube|etcd] [--flannel-version V] [--format text|json]

Reads net-conf.json exactly as flanneld of the given release does and prints the effective config with
defaults filled in, or flannel's error (exit code 2).

  --subnet-manager  kube (default, as kube-flannel.yml runs flanneld) or etcd; only etcd runs
                    CheckNetworkConfig and uses SubnetLen/SubnetMin/SubnetMax
  --flannel-version the flannel release to read it as, vMAJOR.MINOR.PATCH (default ${DEFAULT_FLANNEL_VERSION},
                    the newest podnet has read; v0.20.0 and later)
  --format          text (default) or json
`;

const SUBCOMMANDS: Readonly<Record<string, { readonly summary: string; readonly run: CommandRun }>> = {
  validate: { summary: "print the effective net-conf.json, or flannel's error", run: validate },
  check: {
    summary: 'compare every node with what flannel should have programmed',
    // Loaded only for `check`, so that `flannel validate` loads neither the lab nor the runner.
    run: async (argv, io) => (await import('./flannelCheck.ts')).run(argv, io),
  },
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
    'flannel-version': { type: 'string' },
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
  const version = parseFlannelVersion(stringOption(args, 'flannel-version') ?? DEFAULT_FLANNEL_VERSION);
  if (!version.ok) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--flannel-version: ${version.error}`,
      {},
      'give the release of the flannel image, e.g. --flannel-version v0.26.1 for ghcr.io/flannel-io/flannel:v0.26.1',
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

  const result = parseNetConf(text, {
    subnetManager: manager as FlannelSubnetManager,
    flannelVersion: version.version,
  });
  if (!result.ok) {
    if (format === 'json') {
      const doc = {
        valid: false,
        flannelVersion: version.version,
        subnetManager: manager,
        file,
        error: result.error,
      };
      io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      io.stderr(
        `podnet: ${file}: flannel ${version.version} rejects this config (${manager} subnet manager): ${result.error}\n`,
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
        `${file}: valid for flannel ${version.version} with the ${manager} subnet manager; effective config:`,
        ...netConfSummaryLines(view),
        '',
      ].join('\n'),
    );
  }
  return EXIT.conforms;
}
