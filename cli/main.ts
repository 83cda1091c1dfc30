/** podnet's command line: finds the command, runs it, maps errors to exit codes. No logic of its own. */
import { EXIT, PodnetInputError, PodnetInputErrors, PodnetTargetError } from '../spec/errors.ts';
import type { CliIO, CommandModule } from './io.ts';
import { processIO } from './io.ts';

/** Each command lives in `cli/commands/<name>.ts`; loaded on demand so `podnet predict` starts fast. */
const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  predict: () => import('./commands/predict.ts'),
  explain: () => import('./commands/explain.ts'),
  run: () => import('./commands/run.ts'),
  replay: () => import('./commands/replay.ts'),
  selftest: () => import('./commands/selftest.ts'),
  flannel: () => import('./commands/flannel.ts'),
  report: () => import('./commands/report.ts'),
  generate: () => import('./commands/generate.ts'),
  lab: () => import('./commands/lab.ts'),
  cleanup: () => import('./commands/cleanup.ts'),
};

export const VERSION = '0.1.0';

async function usage(): Promise<string> {
  const names = Object.keys(COMMANDS).sort();
  const width = Math.max(...names.map((n) => n.length));
  const lines = await Promise.all(
    names.map(async (name) => {
      const summary = await COMMANDS[name]!().then(
        (m) => m.summary,
        () => '',
      );
      return `  ${name.padEnd(width)}  ${summary}`;
    }),
  );
  return [
    'podnet: a property-based conformance kit for the Kubernetes pod network',
    '',
    'Usage: podnet <command> [options]   (podnet <command> --help for details)',
    '',
    'Commands:',
    ...lines,
    '',
    'Exit codes: 0 conforms, 1 findings, 2 bad usage or input, 3 target or infrastructure failure.',
    '',
  ].join('\n');
}

export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(await usage());
    return name === undefined ? EXIT.usage : EXIT.conforms;
  }
  if (name === '--version') {
    io.stdout(`podnet ${VERSION}\n`);
    return EXIT.conforms;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(`podnet: unknown command "${name}"\n  hint: run \`podnet --help\` to list the commands\n`);
    return EXIT.usage;
  }
  try {
    const command = await load();
    return await command.run(rest, io);
  } catch (error) {
    return reportError(error, io);
  }
}

export function reportError(error: unknown, io: CliIO): number {
  if (error instanceof PodnetInputError || error instanceof PodnetInputErrors) {
    io.stderr(`podnet: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof PodnetTargetError) {
    io.stderr(`podnet: target failure: ${error.message}\n`);
    return EXIT.target;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(
    `podnet: internal error: ${message}\n  hint: this is a bug in podnet; rerun with PODNET_DEBUG=1 for a stack trace\n`,
  );
  if (process.env.PODNET_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return EXIT.target;
}
