/** podnet's command line: finds the command, runs it, maps errors to exit codes. No logic of its own. */

import { EXIT, PodnetInputError, PodnetInputErrors, PodnetTargetError } from '../spec/errors.ts';
import { DEFAULT_MAX_INPUT_BYTES, formatBytes, parseByteSize, setMaxInputBytes } from '../spec/inputFile.ts';
import { cutLongRuns, escapeControl, quoteValue } from '../spec/quote.ts';
import { PODNET_VERSION } from '../spec/version.ts';
import type { CliIO, CommandModule } from './io.ts';
import { processIO } from './io.ts';

/**
 * Each command lives in `cli/commands/<name>.ts` and is loaded only when it runs, so `podnet predict` never
 * loads the kube client or the lab; the summaries live here so `podnet --help` loads no command either.
 */
const COMMANDS: Readonly<
  Record<string, { readonly summary: string; readonly load: () => Promise<CommandModule> }>
> = {
  predict: {
    summary: 'predict who can reach whom under the NetworkPolicies of manifests',
    load: () => import('./commands/predict.ts'),
  },
  explain: {
    summary: 'explain the verdict of one connection: which policy and rule decided',
    load: () => import('./commands/explain.ts'),
  },
  run: {
    summary: 'generate scenarios, run them on a target, compare with the oracle, shrink what differs',
    load: () => import('./commands/run.ts'),
  },
  diff: {
    summary: 'compare two runs: rules that regressed or were fixed, findings new, gone or still there',
    load: () => import('./commands/diff.ts'),
  },
  replay: {
    summary: "re-run a finding's minimal counterexample on a fresh target",
    load: () => import('./commands/replay.ts'),
  },
  selftest: {
    summary: "measure the kit against the lab's fault catalogue",
    load: () => import('./commands/selftest.ts'),
  },
  flannel: {
    summary: 'flannel checks: `validate` a net-conf.json, `check` the nodes of a target',
    load: () => import('./commands/flannel.ts'),
  },
  report: {
    summary: 'render report.html, junit.xml and a GitHub summary from a results.json',
    load: () => import('./commands/report.ts'),
  },
  generate: {
    summary: 'write a random scenario as Kubernetes YAML, or show generator statistics',
    load: () => import('./commands/generate.ts'),
  },
  lab: {
    summary: 'build, inspect and remove the embedded lab (network namespaces on this machine)',
    load: () => import('./commands/lab.ts'),
  },
  cleanup: {
    summary: 'remove leftovers of kube runs (namespaces labelled podnet.io/run) from a cluster',
    load: () => import('./commands/cleanup.ts'),
  },
};

function usage(): string {
  const names = Object.keys(COMMANDS).sort();
  const width = Math.max(...names.map((n) => n.length));
  const lines = names.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name]!.summary}`);
  return [
    'podnet: a property-based conformance kit for the Kubernetes pod network',
    '',
    'Usage: podnet <command> [options]   (podnet <command> --help for details)',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options (before the command):',
    `  --max-input-size SIZE   refuse input files larger than this (default ${formatBytes(DEFAULT_MAX_INPUT_BYTES)}; e.g. 256MiB)`,
    '',
    'Exit codes: 0 conforms, 1 findings, 2 bad usage or input, 3 target or infrastructure failure,',
    '4 a rule or feature `podnet run --require-coverage` asked for was never exercised.',
    '',
  ].join('\n');
}

export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let args: readonly string[];
  try {
    args = takeGlobalOptions(argv);
  } catch (error) {
    return reportError(error, io);
  }
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? EXIT.usage : EXIT.conforms;
  }
  if (name === '--version') {
    io.stdout(`podnet ${PODNET_VERSION}\n`);
    return EXIT.conforms;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr(
      `podnet: unknown command ${quoteValue(name)}\n  hint: run \`podnet --help\` to list the commands\n`,
    );
    return EXIT.usage;
  }
  try {
    const command = await entry.load();
    return await command.run(rest, io);
  } catch (error) {
    return reportError(error, io);
  }
}

/** Options that hold for every command, given before the command's name; returns the rest. */
function takeGlobalOptions(argv: readonly string[]): readonly string[] {
  let rest = argv;
  while (rest[0]?.startsWith('--max-input-size')) {
    const [flag, ...after] = rest;
    const inline = (flag as string).startsWith('--max-input-size=') ? (flag as string).slice(17) : undefined;
    const value = inline ?? after[0];
    const bytes = value === undefined ? undefined : parseByteSize(value);
    if (bytes === undefined) {
      throw new PodnetInputError(
        'PODNET_BAD_ARGUMENT',
        `--max-input-size needs a size such as 64MiB or 1GiB, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
        {},
        'for example `podnet --max-input-size 256MiB predict -f big.yaml`',
      );
    }
    setMaxInputBytes(bytes);
    rest = inline === undefined ? after.slice(1) : after;
  }
  return rest;
}

export function reportError(error: unknown, io: CliIO): number {
  // Messages quote the user's input and the target's answers: no control character reaches the terminal.
  if (error instanceof PodnetInputError || error instanceof PodnetInputErrors) {
    io.stderr(`podnet: ${cutLongRuns(escapeControl(error.message))}\n`);
    return EXIT.usage;
  }
  if (error instanceof PodnetTargetError) {
    io.stderr(`podnet: target failure: ${cutLongRuns(escapeControl(error.message))}\n`);
    return EXIT.target;
  }
  const message = cutLongRuns(escapeControl(error instanceof Error ? error.message : String(error)));
  io.stderr(
    `podnet: internal error: ${message}\n  hint: this is a bug in podnet; rerun with PODNET_DEBUG=1 for a stack trace\n`,
  );
  if (process.env.PODNET_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return EXIT.target;
}
