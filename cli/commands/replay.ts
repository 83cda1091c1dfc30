/** `podnet replay`: re-realize a finding's minimal counterexample and show whether it still happens. */
import { resolve } from 'node:path';
import { isFaultName } from '../../adapters/lab/faults.ts';
import type { RunOptions } from '../../runner/options.ts';
import { DEFAULT_RUN_OPTIONS } from '../../runner/options.ts';
import { pickFinding, readResultsDocument, replayFinding } from '../../runner/replay.ts';
import { LAB_CONFORMANCE, labSessionDeps } from '../../runner/wiring.ts';
import { PodnetInputError } from '../../spec/errors.ts';
import { booleanOption, parseCommandArgs, stringOption } from '../args.ts';
import type { CliIO } from '../io.ts';

export const summary = "re-run a finding's minimal counterexample on a fresh target";

const HELP = `Usage: podnet replay DIR/results.json [--finding ID]

Re-realizes the minimal counterexample of a finding (the first one by default) on a fresh lab, started
with the same lab faults and options as the original run, checks it once and prints what it sees.

Exit codes: 1 the finding reproduces, 0 it no longer does, 2 bad input, 3 target failure.
`;

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('replay', argv, { finding: { type: 'string' } });
  if (booleanOption(args, 'help')) {
    io.stdout(HELP);
    return 0;
  }
  const file = args.positionals[0];
  if (file === undefined) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      'replay needs the results.json of a run',
      {},
      'for example `podnet replay podnet-results/results.json`',
    );
  }
  const path = resolve(io.cwd, file);
  const doc = await readResultsDocument(path);
  if (doc.target !== 'lab') {
    throw new PodnetInputError(
      'PODNET_TARGET_UNAVAILABLE',
      `this results file comes from target "${doc.target}", which replay cannot open in this build`,
      { file },
    );
  }
  const finding = pickFinding(doc, file, stringOption(args, 'finding'));
  const rawFaults = doc.options.labFaults;
  const faults = (Array.isArray(rawFaults) ? rawFaults : []).filter(
    (f): f is string => typeof f === 'string' && isFaultName(f),
  );
  const options: RunOptions = {
    ...DEFAULT_RUN_OPTIONS,
    seed: doc.seed,
    areas: doc.areas,
    profile: doc.profile,
    ...numberOption(doc.options, 'probeTimeoutMs'),
    ...numberOption(doc.options, 'convergeTimeoutMs'),
  };
  const deps = labSessionDeps({ faults: faults as never });
  const conformance = LAB_CONFORMANCE;
  io.stderr(
    `podnet replay: finding ${finding.id} (${finding.rule}, ${finding.kind}) on a fresh lab${faults.length > 0 ? ` with faults ${faults.join(',')}` : ''}\n`,
  );
  const target = await deps.openTarget();
  let outcome: Awaited<ReturnType<typeof replayFinding>>;
  try {
    const caps = await target.capabilities();
    outcome = await replayFinding(finding, target, conformance, options, caps.protocols, file);
  } finally {
    await target.teardown();
  }
  const lines = [
    `original: [${finding.kind}] ${finding.rule} ${finding.title}`,
    `  expected ${finding.expected}, observed ${finding.observed}`,
  ];
  if (outcome.findings.length === 0)
    lines.push('replay: the scenario now conforms; the finding did not reproduce');
  for (const f of outcome.findings) {
    lines.push(
      `replay: [${f.kind}] ${f.rule} ${f.title}`,
      `  expected ${f.expected}, observed ${f.observed}`,
    );
    if (f.probe?.command) lines.push(`  by hand: ${f.probe.command}`);
  }
  lines.push(outcome.reproduced ? 'result: REPRODUCED' : 'result: NOT REPRODUCED');
  io.stdout(`${lines.join('\n')}\n`);
  return outcome.reproduced ? 1 : 0;
}

function numberOption(
  options: Readonly<Record<string, unknown>>,
  key: 'probeTimeoutMs' | 'convergeTimeoutMs',
): Partial<RunOptions> {
  const v = options[key];
  return typeof v === 'number' ? { [key]: v } : {};
}
