/** `podnet replay`: re-realize a finding's minimal counterexample and show whether it still happens. */
import { resolve } from 'node:path';
import { escTerminal } from '../../reports/escape.ts';
import { CONFORMANCE } from '../../runner/areas/policy/conformanceRunner.ts';
import { planReplay, replayFinding } from '../../runner/replay.ts';
import { PodnetInputError } from '../../spec/errors.ts';
import { readResultsFile } from '../../spec/resultsFile.ts';
import { booleanOption, parseCommandArgs, stringOption } from '../args.ts';
import type { CliIO } from '../io.ts';

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
  // Everything the lab will see is checked here, before any lab exists (spec/resultsFile.ts, runner/replay.ts).
  const path = resolve(io.cwd, file);
  const doc = readResultsFile(path);
  const { finding, faults, options, target: entry } = planReplay(doc, path, stringOption(args, 'finding'));
  io.stderr(
    `podnet replay: finding ${escTerminal(finding.id)} (${escTerminal(finding.rule)}, ${finding.kind}) on a fresh lab${faults.length > 0 ? ` with faults ${faults.join(',')}` : ''}\n`,
  );
  const target = await entry.open({ faults, ipFamily: options.ipFamily });
  let outcome: Awaited<ReturnType<typeof replayFinding>>;
  try {
    const caps = await target.capabilities();
    outcome = await replayFinding(finding, target, CONFORMANCE, options, caps.protocols, file);
  } finally {
    await target.teardown();
  }
  // Finding fields come from a file: shown with their control characters made visible.
  const show = escTerminal;
  const lines = [
    `original: [${finding.kind}] ${show(finding.rule)} ${show(finding.title)}`,
    `  expected ${show(finding.expected)}, observed ${show(finding.observed)}`,
  ];
  if (outcome.findings.length === 0)
    lines.push('replay: the scenario now conforms; the finding did not reproduce');
  for (const f of outcome.findings) {
    lines.push(
      `replay: [${f.kind}] ${show(f.rule)} ${show(f.title)}`,
      `  expected ${show(f.expected)}, observed ${show(f.observed)}`,
    );
    if (f.probe?.command) lines.push(`  by hand: ${show(f.probe.command)}`);
  }
  lines.push(outcome.reproduced ? 'result: REPRODUCED' : 'result: NOT REPRODUCED');
  io.stdout(`${lines.join('\n')}\n`);
  return outcome.reproduced ? 1 : 0;
}
