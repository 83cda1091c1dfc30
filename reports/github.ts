/**
 * GitHub Actions presentation (`--github`): a job summary in GitHub-flavoured Markdown (kept under the
 * 1 MiB per-step cap, truncated with a note) and at most 10 `::error` workflow commands, escaped as
 * the runner expects (`%`, CR, LF in data; also `:` and `,` in properties; actions/runner
 * src/Runner.Common/ActionCommand.cs). Every value of the document, numbers included, goes through the
 * escaper of its context (`md`, `commandData`, `commandProperty`). The exit code is the gate.
 */
import type { Finding, ResultsDocument } from '../spec/results.ts';
import { areaStatus } from './areaStatus.ts';
import { areasOf } from './areas.ts';
import { escTerminal, stripInvalidXml } from './escape.ts';
import { countByKind, isFailureKind, KINDS_WORST_FIRST, sortFindings } from './findingOrder.ts';
import { formatNumber, formatPercent } from './formatNumber.ts';

export interface GithubOptions {
  /** Largest summary in bytes (default 1,000,000: GitHub rejects a step summary over 1 MiB). */
  readonly maxSummaryBytes?: number;
  /** Most annotation lines (default 10: GitHub shows only 10 errors per step). */
  readonly maxAnnotations?: number;
}

const DEFAULT_MAX_SUMMARY_BYTES = 1_000_000;

/** Escape the message part of a workflow command. */
export function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a property value of a workflow command (`title=…`). */
export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * A document value as the message of a workflow command: line breaks become the runner's `%0D`/`%0A`
 * (so the message stays on one line of the log and nothing after it can start a command), every other
 * control character is made visible as in the terminal.
 */
export function commandData(text: string): string {
  return escapeCommandData(
    text
      .split(/(\r\n|\r|\n)/)
      .map((part, i) => (i % 2 === 1 ? part : escTerminal(part)))
      .join(''),
  );
}

/** A document value as a workflow command property: one line, control characters visible. */
export function commandProperty(text: string): string {
  return escapeCommandProperty(escTerminal(text));
}

/** `::error` lines, worst findings first; the last line summarizes what did not fit. */
export function renderAnnotations(doc: ResultsDocument, options: GithubOptions = {}): string[] {
  const max = options.maxAnnotations ?? 10;
  const failing = sortFindings(
    doc.findings.filter((f) => isFailureKind(f.kind)),
    areasOf(doc),
  );
  const fits = failing.length <= max ? failing : failing.slice(0, max - 1);
  const lines = fits.map(
    (f) =>
      `::error title=${commandProperty(`podnet ${f.kind.toUpperCase()} ${f.rule}`)}::${commandData(annotationText(f))}`,
  );
  if (fits.length < failing.length) {
    lines.push(
      `::error title=${escapeCommandProperty('podnet')}::${escapeCommandData(
        `${failing.length - fits.length} more findings: see the job summary and report.html`,
      )}`,
    );
  }
  return lines;
}

function annotationText(f: Finding): string {
  const lines = [`${f.title}`, `expected ${f.expected}, observed ${f.observed}`];
  if (f.replayCommand) lines.push(`replay: ${f.replayCommand}`);
  return lines.join('\n');
}

/** The job summary (Markdown); never larger than `maxSummaryBytes`. */
export function renderGithubSummary(doc: ResultsDocument, options: GithubOptions = {}): string {
  const maxBytes = options.maxSummaryBytes ?? DEFAULT_MAX_SUMMARY_BYTES;
  const counts = countByKind(doc.findings);
  const failures = doc.findings.filter((f) => isFailureKind(f.kind)).length;
  const head: string[] = [
    `## podnet: ${failures > 0 ? `❌ ${failures} finding${failures === 1 ? '' : 's'}` : '✅ conforms'}`,
    '',
    `Target **${md(doc.target)}**, seed ${md(doc.seed)}, ${md(doc.summary.scenarios)} scenarios, ` +
      `${md(doc.summary.probes)} probes, ${md((doc.summary.durationMs / 1000).toFixed(1))} s` +
      (doc.summary.interrupted ? ' — **interrupted**' : '') +
      '.',
    '',
    `| area | status | scenarios | ${KINDS_WORST_FIRST.join(' | ')} |`,
    `|---|---|---:|${KINDS_WORST_FIRST.map(() => '---:').join('|')}|`,
    ...areasOf(doc).map((area) => {
      const c = countByKind(doc.findings.filter((f) => f.area === area));
      return `| ${md(area)} | ${md(areaStatus(doc, area))} | ${md(doc.summary.byArea[area]?.scenarios ?? '–')} | ${KINDS_WORST_FIRST.map((k) => c[k] || '·').join(' | ')} |`;
    }),
    '',
  ];
  if (counts.undefined > 0) {
    head.push(
      `${counts.undefined} probe(s) fell on cells the API leaves undefined: recorded, not judged.`,
      '',
    );
  }
  const listed = sortFindings(
    doc.findings.filter((f) => f.kind !== 'undefined'),
    areasOf(doc),
  );
  let out = head.join('\n');
  if (listed.length > 0) out += '\n### Findings, worst first\n';
  const tail = (shown: number): string =>
    shown < listed.length
      ? `\n> **Truncated:** ${listed.length - shown} more finding(s) did not fit in GitHub's 1 MiB summary; see report.html in the job's artifacts.\n`
      : '';
  const budget = maxBytes - Buffer.byteLength(tail(0), 'utf8');
  let shown = 0;
  for (const f of listed) {
    const block = findingMarkdown(f, shown + 1);
    if (Buffer.byteLength(out, 'utf8') + Buffer.byteLength(block, 'utf8') > budget) break;
    out += block;
    shown += 1;
  }
  return out + tail(shown);
}

function findingMarkdown(f: Finding, n: number): string {
  const lines = [
    '',
    `#### ${n}. ${md(f.kind.toUpperCase())} · ${md(f.rule)} · ${md(f.title)}`,
    '',
    `- **expected:** ${md(f.expected)} · **observed:** ${md(f.observed)}`,
  ];
  if (f.probe) {
    lines.push(
      `- **probe:** ${md(f.probe.from)} → ${md(f.probe.to)} ${md(f.probe.port)}/${md(f.probe.protocol)} (${md(f.probe.host)})`,
    );
  }
  for (const d of f.flannel ?? []) {
    lines.push(
      `- **${md(d.node)}** ${md(d.object)} ${md(d.key)}: expected ${md(d.expected ?? '(absent)')}, observed ${md(d.observed ?? '(missing)')}`,
    );
  }
  if (f.lb) {
    const total = Object.values(f.lb.counts).reduce((a, b) => a + b, 0);
    const shares = Object.entries(f.lb.counts)
      .map(
        ([ep, c]) =>
          `${md(ep)} ${md(formatPercent(total ? c / total : 0))} (expected ${md(formatPercent(f.lb?.expectedShares[ep] ?? 0))})`,
      )
      .join(', ');
    lines.push(
      `- **${md(f.lb.test)}:** statistic ${md(formatNumber(f.lb.statistic))}, p = ${md(formatNumber(f.lb.pValue))} (alpha ${md(f.lb.alpha)}); ${shares}`,
    );
  }
  if (f.explanation && f.explanation.length > 0) {
    lines.push(`- **why:** ${f.explanation.map(md).join(' ')}`);
  }
  lines.push(`- seed ${md(f.seed)}, path ${md(f.path)}`);
  if (f.replayCommand) lines.push('', fenced(f.replayCommand, 'sh'));
  lines.push(
    '',
    '<details><summary>Minimal counterexample (YAML)</summary>',
    '',
    fenced(f.scenarioYaml.trimEnd(), 'yaml'),
    '',
    '</details>',
    '',
  );
  return lines.join('\n');
}

/**
 * Inline Markdown text: HTML-escaped, table pipes and Markdown punctuation neutralized, one line (line
 * breaks and other control characters become spaces, so a value never starts a line of its own).
 */
export function md(text: unknown): string {
  return String(text ?? '')
    .replace(/[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~!])/g, '\\$1');
}

/** A fenced code block whose fence is longer than any backtick run inside. */
function fenced(text: string, lang: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  // Bidirectional controls would reorder what the reader sees inside the block: shown, not applied.
  const clean = stripInvalidXml(text).replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) =>
    escTerminal(c),
  );
  return `${fence}${lang}\n${clean}\n${fence}`;
}
