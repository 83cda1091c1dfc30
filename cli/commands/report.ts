/** `podnet report`: re-render report.html, junit.xml (and summary.md with --github) from a results.json. */
import { dirname, join, resolve } from 'node:path';
import { escTerminal } from '../../reports/escape.ts';
import { appendStepSummary, renderAll, renderGithubSummary, renderTerminal } from '../../reports/index.ts';
import { PodnetInputError } from '../../spec/errors.ts';
import { checkOutputFile } from '../../spec/inputFile.ts';
import { readResultsFile } from '../../spec/resultsFile.ts';
import { booleanOption, parseCommandArgs, stringOption } from '../args.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: podnet report RESULTS.json [-o report.html] [--junit FILE] [--github]

Re-renders the reports of a run from its results.json (written by \`podnet run\` into --out) and prints
the terminal summary. Exit code 0 when the files were written (the gate is \`podnet run\`'s exit code).

Options:
  -o, --output FILE   the HTML report (default: report.html beside RESULTS.json)
  --junit FILE        the JUnit XML (default: junit.xml beside RESULTS.json)
  --github            also write summary.md beside RESULTS.json, print up to 10 ::error annotations,
                      and append the summary to $GITHUB_STEP_SUMMARY when it is set
`;

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('report', argv, {
    output: { type: 'string', short: 'o' },
    junit: { type: 'string' },
    github: { type: 'boolean' },
  });
  if (args.values.help === true) {
    io.stdout(HELP);
    return 0;
  }
  const [input, ...extra] = args.positionals;
  if (input === undefined || extra.length > 0) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      input === undefined ? 'missing the results file' : `unexpected argument "${extra[0]}"`,
      {},
      'for example `podnet report podnet-results/results.json`',
    );
  }
  const resultsPath = resolve(io.cwd, input);
  const output = stringOption(args, 'output');
  const junit = stringOption(args, 'junit');
  const github = booleanOption(args, 'github');
  // Every output place is checked before anything is read or written: nothing is left half written.
  const outDir = dirname(resultsPath);
  checkOutputFile(output ? resolve(io.cwd, output) : join(outDir, 'report.html'), 'HTML report (-o)');
  checkOutputFile(junit ? resolve(io.cwd, junit) : join(outDir, 'junit.xml'), 'JUnit report (--junit)');
  if (github) checkOutputFile(join(outDir, 'summary.md'), 'GitHub summary');
  if (github && io.env.GITHUB_STEP_SUMMARY)
    checkOutputFile(io.env.GITHUB_STEP_SUMMARY, 'GitHub step summary');
  const doc = readResultsFile(resultsPath);
  const written = await renderAll(doc, dirname(resultsPath), {
    github,
    ...(output ? { htmlPath: resolve(io.cwd, output) } : {}),
    ...(junit ? { junitPath: resolve(io.cwd, junit) } : {}),
  });
  io.stdout(renderTerminal(doc, { color: io.isTTY && !io.env.NO_COLOR }));
  for (const line of written.annotations) io.stdout(`${line}\n`);
  const stepSummary = io.env.GITHUB_STEP_SUMMARY;
  if (github && stepSummary) await appendStepSummary(stepSummary, renderGithubSummary(doc));
  const wrote = [written.html, written.junit, ...(written.summary ? [written.summary] : [])];
  io.stdout(`\n${wrote.map((path) => `wrote ${escTerminal(path)}\n`).join('')}`);
  return 0;
}
