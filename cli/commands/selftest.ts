/** `podnet selftest`: how well the kit finds the lab's catalogue of realistic bugs. */
import { join, resolve } from 'node:path';
import { ipFamilyForFaults, isFaultName } from '../../adapters/lab/faults.ts';
import { AREAS } from '../../runner/areas/registry.ts';
import { progressPrinter } from '../../runner/progress.ts';
import { renderSelftestTable, runSelftest } from '../../runner/selftest.ts';
import { targetNamed, targetNames } from '../../runner/targets/index.ts';
import { PodnetInputError } from '../../spec/errors.ts';
import { checkOutputDirectory, writeOutputFile } from '../../spec/inputFile.ts';
import { loadProfile } from '../../spec/manifests/profileFile.ts';
import { quoteValue } from '../../spec/quote.ts';
import {
  booleanOption,
  durationOption,
  integerOption,
  parseCommandArgs,
  stringListOption,
  stringOption,
} from '../args.ts';
import type { CliIO } from '../io.ts';
import { labIdFrom, runOptionsFrom } from './run.ts';

const HELP = `Usage: podnet selftest [--target lab|kube-lab] [--budget-per-fault 60s] [--repeats N] [--fault NAME]...
                       [--skip-clean] [--out DIR]

First one clean run on the lab (it must find nothing), then, for each fault of the lab's catalogue in
an enabled area, runs with the fault injected. Prints a table (fault, found, median time to the first
finding, shrunk size in pods/policies/steps) and writes selftest.json into --out.

Options:
  --target lab|kube-lab        lab (default): the lab target. kube-lab: the kube adapter (client-node, the
                               real kubectl, kubectl exec) against a lab API started per trial with the
                               fault injected (\`lab up --api --fault F\`); areas policy, model, flannel and lb. Needs root
                               and kubectl on PATH. The lab API is not a real cluster.
  --skip-clean                 leave out the clean run
  --budget-per-fault DURATION  search budget of each faulty run (default 60s)
  --budget DURATION            budget of the clean run (default 60s)
  --repeats N                  seeds per fault; the time is their median (default 3)
  --fault NAME                 only these faults (repeatable)
  --areas LIST                 areas to run (default policy,model)
  --seed N, --size S, --ip-family F, --probe-timeout D, --converge-timeout D, --concurrency N, --profile FILE: as in podnet run
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
    'ip-family': { type: 'string' },
    'probe-timeout': { type: 'string' },
    'converge-timeout': { type: 'string' },
    'shrink-budget': { type: 'string' },
    concurrency: { type: 'string' },
    profile: { type: 'string' },
    out: { type: 'string' },
    target: { type: 'string' },
    'skip-clean': { type: 'boolean' },
  });
  if (booleanOption(args, 'help')) {
    io.stdout(HELP);
    return 0;
  }
  const targetName = stringOption(args, 'target') ?? 'lab';
  const entry = targetNamed(targetName);
  if (!entry?.capabilities.selftest) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `unknown --target ${quoteValue(targetName)}`,
      { field: '--target' },
      `use --target ${targetNames('selftest').join(' or --target ')}`,
    );
  }
  const profilePath = stringOption(args, 'profile');
  const profile = loadProfile(profilePath !== undefined ? resolve(io.cwd, profilePath) : undefined);
  const base = runOptionsFrom(args, 'selftest', profile);
  const options = { ...base, budgetMs: durationOption(args, 'selftest', 'budget', 60_000) };
  const only = stringListOption(args, 'fault');
  for (const f of only) {
    if (!isFaultName(f)) {
      throw new PodnetInputError(
        'PODNET_BAD_ARGUMENT',
        `unknown fault "${f}"`,
        { field: '--fault' },
        'run `podnet lab faults` to list them',
      );
    }
  }
  // PODNET_LAB_ID: every trial's lab takes this id in turn (one trial at a time), as `podnet run` does.
  const labId = labIdFrom(io);
  // The registry's runners for this target's kind (a cluster's are loaded only then: client-node is large).
  const areaRunners = await AREAS.runners(entry.kind);
  const runnable = areaRunners.flatMap((r) => r.areas);
  for (const a of options.areas.filter((x) => !runnable.includes(x))) {
    io.stderr(`podnet: area "${a}" is not available for --target ${targetName}; its faults are left out\n`);
  }
  const faults = AREAS.all()
    .filter((d) => options.areas.includes(d.name) && runnable.includes(d.name))
    .flatMap((d) => d.faults.map((name) => ({ name, area: d.name })))
    .filter((f) => only.length === 0 || only.includes(f.name))
    .filter((f) => {
      // A fault that shows only on another pod network (IPv6 faults need a dual-stack lab) is left out, said.
      const needed = ipFamilyForFaults([f.name]);
      if (needed === undefined || needed === base.ipFamily) return true;
      io.stderr(`podnet: fault ${f.name} needs --ip-family ${needed}; it is left out\n`);
      return false;
    });
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
        openTarget: (fs) =>
          entry.open({ faults: fs.filter(isFaultName), ...labId, env: io.env, ipFamily: base.ipFamily }),
        targetName: entry.recordAs,
        areaRunners,
      },
      {
        options,
        faults,
        budgetPerFaultMs: durationOption(args, 'selftest', 'budget-per-fault', 60_000),
        repeats: integerOption(args, 'selftest', 'repeats', 3, { min: 1, max: 100 }),
        skipClean: booleanOption(args, 'skip-clean'),
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
