/**
 * `podnet diff` output: plain text for the terminal, Markdown for a pull-request comment, JSON (the RunDiff
 * value), and GitHub annotations for regressions. Every string from the documents goes through the escaper
 * of its context (`escTerminal`, `md`, `commandData`/`commandProperty`).
 */
import { escTerminal } from '../escape.ts';
import { commandData, commandProperty, md } from '../github.ts';
import type { FindingChange, RuleChange, RunDiff, RunLabel } from './compareRuns.ts';

/** Unchanged rules are counted, not listed; the rest are listed in the order compareRuns gives. */
function listedRules(diff: RunDiff): readonly RuleChange[] {
  return diff.rules.filter((r) => r.change !== 'unchanged');
}

function verdictLine(diff: RunDiff): string {
  const regressions = `${diff.regressions} regression${diff.regressions === 1 ? '' : 's'}`;
  const fixes = `${diff.fixes} fix${diff.fixes === 1 ? '' : 'es'}`;
  return diff.regressions > 0 ? `REGRESSION: ${regressions}, ${fixes}` : `no regression; ${fixes}`;
}

function findingCounts(diff: RunDiff): string {
  const count = (s: FindingChange['status']) => diff.findings.filter((f) => f.status === s).length;
  return `${count('new')} new, ${count('gone')} gone, ${count('still')} still there`;
}

const CHANGE_WORD: Readonly<Record<RuleChange['change'], string>> = {
  regression: 'REGRESSION',
  dropped: 'was failing, not run now',
  fixed: 'fixed',
  'still-failing': 'still failing',
  'not-run-now': 'not run now',
  'newly-run': 'newly run',
  unchanged: 'unchanged',
};

/** Rules that held on one side and were not exercised on the other: one line per area and change. */
const QUIET: ReadonlySet<RuleChange['change']> = new Set(['not-run-now', 'newly-run']);

function quietGroups(
  rules: readonly RuleChange[],
): { change: RuleChange['change']; area: string; rules: string[] }[] {
  const groups = new Map<string, { change: RuleChange['change']; area: string; rules: string[] }>();
  for (const r of rules.filter((x) => QUIET.has(x.change))) {
    const key = `${r.change}\0${r.area}`;
    const group = groups.get(key) ?? { change: r.change, area: r.area, rules: [] };
    group.rules.push(r.rule);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function runText(label: RunLabel): string {
  return `${label.file} (${label.target}, seed ${label.seed}, podnet ${label.version}, ${label.startedAt})`;
}

export function renderDiffText(diff: RunDiff): string {
  const t = escTerminal;
  const out: string[] = [
    `podnet diff`,
    `  before: ${t(runText(diff.before))}`,
    `  after:  ${t(runText(diff.after))}`,
    '',
  ];
  if (diff.settings.length > 0) {
    out.push('settings that differ:');
    for (const s of diff.settings) {
      out.push(`  ${s.incomparable ? '! ' : ''}${t(s.key)}: ${t(s.before)} → ${t(s.after)}`);
    }
    const why = diff.settings.find((s) => s.incomparable)?.incomparable;
    if (why) out.push(`  ! not comparable as they stand: ${t(why)}`);
    out.push('');
  }
  const rules = listedRules(diff);
  out.push(`rules: ${rules.length} changed or failing, ${diff.rules.length - rules.length} unchanged`);
  for (const r of rules.filter((x) => !QUIET.has(x.change))) {
    out.push(
      `  ${CHANGE_WORD[r.change].padEnd(13)} ${t(r.area)} ${t(r.rule)}  ${r.before} → ${r.after}${r.title ? `  ${t(r.title)}` : ''}`,
    );
  }
  for (const g of quietGroups(rules)) {
    out.push(`  ${CHANGE_WORD[g.change].padEnd(13)} ${t(g.area)}: ${t(g.rules.join(', '))}`);
  }
  out.push('', `findings: ${findingCounts(diff)}`);
  for (const f of diff.findings) {
    out.push(
      `  ${f.status.padEnd(5)} ${f.kind.padEnd(12)} ${t(f.rule)}  ${t(f.title)}${f.probe ? `  (${t(f.probe)})` : ''}`,
    );
  }
  if (diff.coverage) {
    const count = (c: 'gained' | 'lost') => diff.coverage?.filter((x) => x.change === c).length ?? 0;
    out.push(
      '',
      `coverage: ${count('gained')} gained, ${count('lost')} lost (rules and features exercised on one side only)`,
    );
    for (const c of diff.coverage) {
      out.push(
        `  ${c.change.padEnd(6)} ${c.what.padEnd(7)} ${t(c.area)} ${t(c.name)}  ${c.before} → ${c.after} scenarios`,
      );
    }
  }
  out.push('', verdictLine(diff), '');
  return out.join('\n');
}

export function renderDiffMarkdown(diff: RunDiff): string {
  const out: string[] = [
    `### podnet diff: ${md(verdictLine(diff))}`,
    '',
    `- before: ${md(runText(diff.before))}`,
    `- after: ${md(runText(diff.after))}`,
    '',
  ];
  const rules = listedRules(diff);
  if (rules.length > 0) {
    out.push('| change | area | rule | before | after | |', '| --- | --- | --- | --- | --- | --- |');
    for (const r of rules.filter((x) => !QUIET.has(x.change))) {
      const change = r.change === 'regression' ? '**REGRESSION**' : md(CHANGE_WORD[r.change]);
      out.push(
        `| ${change} | ${md(r.area)} | ${md(r.rule)} | ${r.before} | ${r.after} | ${md(r.title ?? '')} |`,
      );
    }
    for (const g of quietGroups(rules)) {
      const [was, now] = g.change === 'not-run-now' ? ['pass', 'not-run'] : ['not-run', 'pass'];
      out.push(
        `| ${md(CHANGE_WORD[g.change])} | ${md(g.area)} | ${md(g.rules.join(', '))} | ${was} | ${now} | |`,
      );
    }
    out.push('');
  }
  out.push(`${diff.rules.length - rules.length} rules unchanged. Findings: ${findingCounts(diff)}.`, '');
  const moved = diff.findings.filter((f) => f.status !== 'still');
  if (moved.length > 0) {
    out.push('| finding | kind | rule | what | probe |', '| --- | --- | --- | --- | --- |');
    for (const f of moved) {
      out.push(`| ${f.status} | ${f.kind} | ${md(f.rule)} | ${md(f.title)} | ${md(f.probe ?? '')} |`);
    }
    out.push('');
  }
  if (diff.coverage && diff.coverage.length > 0) {
    out.push(
      '| coverage | what | area | name | scenarios before | after |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const c of diff.coverage) {
      out.push(`| ${c.change} | ${c.what} | ${md(c.area)} | ${md(c.name)} | ${c.before} | ${c.after} |`);
    }
    out.push('');
  }
  if (diff.settings.length > 0) {
    out.push('<details><summary>settings that differ</summary>', '');
    out.push('| setting | before | after |', '| --- | --- | --- |');
    for (const s of diff.settings) {
      out.push(`| ${s.incomparable ? '⚠ ' : ''}${md(s.key)} | ${md(s.before)} | ${md(s.after)} |`);
    }
    const why = diff.settings.find((s) => s.incomparable)?.incomparable;
    if (why) out.push('', `⚠ ${md(why)}`);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}

/** One `::error` per regression (at most `max`; the last line says how many more). */
export function renderDiffAnnotations(diff: RunDiff, max = 10): string[] {
  const regressions = diff.rules.filter((r) => r.change === 'regression');
  const fits = regressions.length <= max ? regressions : regressions.slice(0, max - 1);
  const lines = fits.map((r) => {
    const findings = diff.findings.filter(
      (f) => f.status === 'new' && f.rule === r.rule && f.area === r.area,
    );
    const text = [
      `${r.area} ${r.rule} ${r.before} → ${r.after}${r.title ? `: ${r.title}` : ''}`,
      ...findings.map((f) => `new ${f.kind}: ${f.title}${f.probe ? ` (${f.probe})` : ''}`),
    ].join('\n');
    return `::error title=${commandProperty(`podnet diff: regression ${r.rule}`)}::${commandData(text)}`;
  });
  if (fits.length < regressions.length) {
    lines.push(
      `::error title=${commandProperty('podnet diff')}::${commandData(`${regressions.length - fits.length} more regressions`)}`,
    );
  }
  return lines;
}
