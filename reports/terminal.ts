/**
 * The terminal summary: one line per area, the coverage in one line, then the findings worst first (leak,
 * block, mismatch/distribution, inconclusive; undefined cells are only counted). Plain text unless
 * `color` is asked for; every value of the document, numbers included, goes through `escTerminal`.
 */
import type { Finding, ResultsDocument } from '../spec/results.ts';
import type { FindingKind } from '../spec/verdict.ts';
import { areaStatus } from './areaStatus.ts';
import { areasOf } from './areas.ts';
import { coverageLine } from './coverageSummary.ts';
import { escTerminal } from './escape.ts';
import { countByKind, isFailureKind, KINDS_WORST_FIRST, sortFindings } from './findingOrder.ts';
import { formatNumber } from './formatNumber.ts';

export interface TerminalOptions {
  /** ANSI colors (default false; the CLI turns them on for a TTY without NO_COLOR). */
  readonly color?: boolean;
  /** Findings listed in full before "… and N more" (default 20). */
  readonly maxFindings?: number;
}

const ANSI = { red: 31, green: 32, yellow: 33, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
type Style = keyof typeof ANSI;

const KIND_STYLE: Readonly<Record<FindingKind, Style>> = {
  leak: 'red',
  block: 'magenta',
  mismatch: 'yellow',
  distribution: 'yellow',
  inconclusive: 'cyan',
  undefined: 'gray',
};

/** Render the compact summary as text (ends with a newline). */
export function renderTerminal(doc: ResultsDocument, options: TerminalOptions = {}): string {
  const paint = (style: Style, text: string): string =>
    options.color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text;
  const maxFindings = options.maxFindings ?? 20;
  const counts = countByKind(doc.findings);
  const judged = doc.findings.filter((f) => f.kind !== 'undefined');
  const failures = judged.filter((f) => isFailureKind(f.kind)).length;
  const lines: string[] = [];

  const verdict = failures > 0 ? paint('red', 'FAIL') : paint('green', 'PASS');
  const kindList = KINDS_WORST_FIRST.filter((k) => isFailureKind(k) && counts[k] > 0)
    .map((k) => `${counts[k]} ${k}`)
    .join(', ');
  const unjudged = (['inconclusive', 'undefined'] as const)
    .filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${k}`);
  lines.push(
    `podnet ${paint('bold', verdict)}  ${failures} finding${failures === 1 ? '' : 's'}` +
      (kindList ? ` (${kindList})` : '') +
      (unjudged.length > 0 ? `; ${unjudged.join(', ')} (not judged)` : ''),
  );
  lines.push(
    `target ${escTerminal(doc.target)} · seed ${escTerminal(doc.seed)} · ${escTerminal(doc.summary.scenarios)} scenarios · ` +
      `${escTerminal(doc.summary.probes)} probes · ${escTerminal((doc.summary.durationMs / 1000).toFixed(1))}s` +
      (doc.summary.interrupted ? ` · ${paint('yellow', 'INTERRUPTED')}` : ''),
  );
  lines.push('');

  const shownKinds = KINDS_WORST_FIRST;
  const header = ['area', 'status', 'scenarios', ...shownKinds];
  const rows = areasOf(doc).map((area) => {
    const inArea = countByKind(doc.findings.filter((f) => f.area === area));
    return [
      escTerminal(area),
      escTerminal(areaStatus(doc, area)),
      escTerminal(doc.summary.byArea[area]?.scenarios ?? '-'),
      ...shownKinds.map((k) => (inArea[k] ? String(inArea[k]) : '·')),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (cells: readonly string[]): string[] =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)));
  lines.push(`  ${paint('gray', pad(header).join('  '))}`);
  for (const row of rows) {
    const cells = pad(row);
    const status = row[1];
    cells[1] = paint(status === 'fail' ? 'red' : status === 'pass' ? 'green' : 'gray', cells[1] ?? '');
    lines.push(`  ${cells.join('  ')}`);
  }
  lines.push('', escTerminal(coverageLine(doc)));

  const listed = sortFindings(judged, areasOf(doc));
  if (listed.length > 0) {
    lines.push('', paint('bold', 'Findings, worst first:'));
    listed.slice(0, maxFindings).forEach((f, i) => {
      lines.push(...renderFinding(f, i + 1, paint));
    });
    if (listed.length > maxFindings) {
      lines.push('', `… and ${listed.length - maxFindings} more (see report.html)`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function renderFinding(f: Finding, n: number, paint: (style: Style, text: string) => string): string[] {
  const label = paint(KIND_STYLE[f.kind], escTerminal(f.kind.toUpperCase()).padEnd(12));
  const out = [
    '',
    `${String(n).padStart(3)}. ${label} ${paint('bold', escTerminal(f.rule))}  [${escTerminal(f.area)}]  ${escTerminal(f.title)}`,
    `       expected: ${escTerminal(f.expected)}   observed: ${escTerminal(f.observed)}`,
  ];
  if (f.probe) {
    const p = f.probe;
    out.push(
      `       probe:    ${escTerminal(p.from)} → ${escTerminal(p.to)} ${escTerminal(p.port)}/${escTerminal(p.protocol)}` +
        ` (${escTerminal(p.host)})`,
    );
  }
  for (const d of (f.flannel ?? []).slice(0, 3)) {
    out.push(
      `       node:     ${escTerminal(d.node)} ${escTerminal(d.object)} ${escTerminal(d.key)}: ` +
        `expected ${escTerminal(d.expected ?? '(absent)')}, observed ${escTerminal(d.observed ?? '(missing)')}`,
    );
  }
  if (f.lb) {
    out.push(
      `       test:     ${escTerminal(f.lb.test)} on ${escTerminal(f.lb.service)}:${escTerminal(f.lb.port)} (${escTerminal(f.lb.mode)}): ` +
        `statistic ${escTerminal(formatNumber(f.lb.statistic))}, p = ${escTerminal(formatNumber(f.lb.pValue))}, alpha ${escTerminal(f.lb.alpha)}`,
    );
  }
  if (f.replayCommand) out.push(`       replay:   ${escTerminal(f.replayCommand)}`);
  else out.push(`       seed:     ${escTerminal(f.seed)}  path: ${escTerminal(f.path)}`);
  return out;
}

/** The verdict of `--require-coverage` in one line: met, or what was required and never exercised. */
export function renderCoverageGate(unmet: readonly string[], exitCode: number): string {
  if (unmet.length === 0) return 'coverage gate (--require-coverage): met\n';
  return `coverage gate (--require-coverage): not met, exit ${exitCode}; never exercised: ${escTerminal(unmet.join(', '))}\n`;
}
