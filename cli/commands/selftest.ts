/** `podnet selftest`: how well the kit finds the lab's catalogue of realistic bugs. */
import { join, resolve } from 'node:path';
import { FAULTS } from '../../adapters/lab/faults.ts';
import { progressPrinter } from '../../runner/progress.ts';
import { renderSelftestTable, runSelftest } from '../../runner/selftest.ts';
import { AREA_RUNNERS, labSessionDeps } from '../../runner/wiring.ts';
import { PodnetInputError } from '../../spec/errors.ts';
import { checkOutputDirectory, writeOutputFile } from '../../spec/inputFile.ts';
import { loadProfile } from '../../spec/manifests/profileFile.ts';
import {
  booleanOption,
  durationOption,
  integerOption,
  parseCommandArgs,
  stringListOption,
  stringOption,
} from '../args.ts';
import type { CliIO } from '../io.ts';
import { runOptionsFrom } from './run.ts';

export const summary = "measure the kit against the lab's fault catalogue";

const HELP = `Usage: podnet selftest [--budget-per-fault 60s] [--repeats N] [--fault NAME]... [--out DIR]

First one clean run on the lab (it must find nothing), then, for each fault of the lab's catalogue in
an enabled area, runs with the fault injected. Prints a table (fault, found, median time to the first
finding, shrunk size in pods/policies/steps) and writes selftest.json into --out.

Options:
  --budget-per-fault DURATION  search budget of each faulty run (default 60s)
  --budget DURATION            budget of the clean run (default 60s)
  --repeats N                  seeds per fault; the time is their median (default 3)
  --fault NAME                 only these faults (repeatable)
  --areas LIST                 areas to run (default policy,model)
  --seed N, --size S, --probe-timeout D, --converge-timeout D, --concurrency N, --profile FILE: as in podnet run
  --out DIR                    where selftest.json goes (default ./podnet-results)

Exit codes: 0 every fault found and the clean run clean, 1 otherwise, 3 target failure.
`;

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('selftest', argv, {
    'budget-per-fault': { type: 'string' },
    budget: { type: 'string' },
    repeats: { type: 'string' },
    fault: { type: 'string', multiple: true },
    areas: { type: 'string' },
    seed: { type: 'string' },
    size: { type: 'string' },
    'probe-timeout': { type: 'string' },
    'converge-timeout': { type: 'string' },
    'shrink-budget': { type: 'string' },
    concurrency: { type: 'string' },
    profile: { type: 'string' },
    out: { type: 'string' },
  });
  if (booleanOption(args, 'help')) {
    io.stdout(HELP);
    return 0;
  }
  const profilePath = stringOption(args, 'profile');
  const profile = loadProfile(profilePath !== undefined ? resolve(io.cwd, profilePath) : undefined);
  const base = runOptionsFrom(args, 'selftest', profile);
  const options = { ...base, budgetMs: durationOption(args, 'selftest', 'budget', 60_000) };
  const only = stringListOption(args, 'fault');
  for (const f of only) {
    if (!FAULTS.some((x) => x.name === f)) {
      throw new PodnetInputError(
        'PODNET_BAD_ARGUMENT',
        `unknown fault "${f}"`,
        { field: '--fault' },
        'run `podnet lab faults` to list them',
      );
    }
  }
  const runnable = AREA_RUNNERS.flatMap((r) => r.areas);
  const faults = FAULTS.filter((f) => options.areas.includes(f.area) && runnable.includes(f.area)).filter(
    (f) => only.length === 0 || only.includes(f.name),
  );
  const outDir = resolve(io.cwd, stringOption(args, 'out') ?? 'podnet-results');
  // Checked before the faults run (they take minutes): a selftest that cannot write must not start.
  checkOutputDirectory(outDir, 'results folder (--out)');
  const printer = progressPrinter(io.stderr, io.stderrIsTTY ?? false);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let rows: Awaited<ReturnType<typeof runSelftest>>;
  try {
    rows = await runSelftest(
      {
        openTarget: (fs) => labSessionDeps({ faults: fs as never }).openTarget(),
        targetName: 'lab',
        areaRunners: AREA_RUNNERS,
      },
      {
        options,
        faults,
        budgetPerFaultMs: durationOption(args, 'selftest', 'budget-per-fault', 60_000),
        repeats: integerOption(args, 'selftest', 'repeats', 3, { min: 1, max: 100 }),
        signal: controller.signal,
        listener: printer,
      },
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    printer.done();
  }
  writeOutputFile(
    join(outDir, 'selftest.json'),
    `${JSON.stringify({ schemaVersion: 1, options, rows }, null, 2)}\n`,
  );
  io.stdout(`${renderSelftestTable(rows)}\n\nselftest.json: ${join(outDir, 'selftest.json')}\n`);
  return rows.every((r) => r.ok) && !controller.signal.aborted ? 0 : 1;
}
