/** `podnet diff BEFORE AFTER`: what changed between two runs, with a gate on regressions. */
import { resolve } from 'node:path';
import { compareRuns } from '../../reports/diff/compareRuns.ts';
import { renderDiffAnnotations, renderDiffMarkdown, renderDiffText } from '../../reports/diff/renderDiff.ts';
import { escTerminal } from '../../reports/escape.ts';
import { EXIT, PodnetInputError } from '../../spec/errors.ts';
import { checkOutputFile, writeOutputFile } from '../../spec/inputFile.ts';
import { readResultsFile } from '../../spec/resultsFile.ts';
import { booleanOption, parseCommandArgs, stringOption } from '../args.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: podnet diff BEFORE/results.json AFTER/results.json [--format text|json|markdown] [-o FILE] [--github]

Compares two runs (the same target before and after a change, or two targets): each rule's status
(pass → fail is a regression, fail → pass a fix), the findings that are new, gone or still there (matched
by rule, kind and minimal scenario, not by id), the rules and features exercised on one side only, and the
settings that differ (a different semantic profile makes the runs incomparable, and says so).

Options:
  --format FORMAT   text (default), json (the whole comparison), or markdown (fits a pull-request comment)
  -o, --output FILE write the comparison to FILE instead of printing it
  --github          also print an ::error annotation per regression (at most 10)

Exit codes: 0 no regression, 1 at least one regression, 2 bad usage or an unreadable results file.
`;

const FORMATS = ['text', 'json', 'markdown'] as const;

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('diff', argv, {
    format: { type: 'string' },
    output: { type: 'string', short: 'o' },
    github: { type: 'boolean' },
  });
  if (args.values.help === true) {
    io.stdout(HELP);
    return EXIT.conforms;
  }
  const [before, after, ...extra] = args.positionals;
  if (before === undefined || after === undefined || extra.length > 0) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      extra.length > 0
        ? `unexpected argument "${extra[0]}"`
        : 'diff needs two results files, BEFORE and AFTER',
      {},
      'for example `podnet diff main-run/results.json pr-run/results.json`',
    );
  }
  const format = stringOption(args, 'format') ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--format must be text, json or markdown, got "${format}"`,
    );
  }
  const output = stringOption(args, 'output');
  const outputPath = output === undefined ? undefined : resolve(io.cwd, output);
  if (outputPath) checkOutputFile(outputPath, 'comparison (-o)');
  const diff = compareRuns(
    readResultsFile(resolve(io.cwd, before)),
    readResultsFile(resolve(io.cwd, after)),
    {
      before,
      after,
    },
  );
  const text =
    format === 'json'
      ? `${JSON.stringify(diff, null, 2)}\n`
      : format === 'markdown'
        ? renderDiffMarkdown(diff)
        : renderDiffText(diff);
  if (outputPath) {
    writeOutputFile(outputPath, text);
    io.stdout(`${diff.regressions > 0 ? 'REGRESSION' : 'no regression'}; wrote ${escTerminal(outputPath)}\n`);
  } else io.stdout(text);
  if (booleanOption(args, 'github')) for (const line of renderDiffAnnotations(diff)) io.stdout(`${line}\n`);
  return diff.regressions > 0 ? EXIT.findings : EXIT.conforms;
}
