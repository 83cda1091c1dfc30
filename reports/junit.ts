/**
 * JUnit XML for CI gates (the common shape documented by testmoapp/junitxml): one `<testsuite>` per
 * area, one `<testcase>` per property or check (skipped, with the reason, when the run never exercised
 * its rule). Names and classnames come from the rule catalogue only, never from generated data, so CI
 * history (keyed on classname + name) survives new seeds.
 * Failures carry the counterexample YAML and the replay command; seed and path sit in properties
 * and system-out. Every string is XML-escaped, and characters XML 1.0 forbids are replaced.
 */

import type { Area, Finding, ResultsDocument } from '../spec/results.ts';
import { ruleInfo } from '../spec/rules.ts';
import type { FindingKind } from '../spec/verdict.ts';
import { areaRan, areaStatus } from './areaStatus.ts';
import { areasOf } from './areas.ts';
import { exercised } from './coverageSummary.ts';
import { escXml } from './escape.ts';
import { isFailureKind, kindRank, sortFindings } from './findingOrder.ts';
import { formatNumber } from './formatNumber.ts';

export interface JunitOptions {
  /** Findings written out in full in one failure's text (default 10; the rest are counted). */
  readonly maxFindingsPerCase?: number;
}

interface Testcase {
  readonly rule: string;
  readonly title: string;
  readonly durationMs: number;
  readonly findings: readonly Finding[];
  /** Why the case is skipped: the run never exercised its rule (coverage). */
  readonly skipped?: string;
}

/** `podnet.policy`, the classname of every testcase of an area. */
function junitClassname(area: Area): string {
  return `podnet.${area}`;
}

/** The stable testcase name: rule id and the rule's catalogue description. */
function junitTestName(rule: string, title: string): string {
  return title ? `${rule} ${title}` : rule;
}

/** Render the whole JUnit document (XML 1.0, UTF-8). */
export function renderJunit(doc: ResultsDocument, options: JunitOptions = {}): string {
  const maxFindings = options.maxFindingsPerCase ?? 10;
  const suites = areasOf(doc).map((area) => renderSuite(doc, area, maxFindings));
  const totals = suites.reduce(
    (t, s) => ({
      tests: t.tests + s.tests,
      failures: t.failures + s.failures,
      errors: t.errors + s.errors,
      skipped: t.skipped + s.skipped,
    }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="podnet" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}"` +
      ` skipped="${totals.skipped}" time="${seconds(doc.summary.durationMs)}"${timestampAttr(doc.startedAt)}>`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}

interface RenderedSuite {
  readonly xml: string;
  readonly tests: number;
  readonly failures: number;
  readonly errors: number;
  readonly skipped: number;
}

function renderSuite(doc: ResultsDocument, area: Area, maxFindings: number): RenderedSuite {
  const classname = junitClassname(area);
  const head = (counts: Omit<RenderedSuite, 'xml'>, timeMs: number): string =>
    `  <testsuite name="${classname}" tests="${counts.tests}" failures="${counts.failures}"` +
    ` errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds(timeMs)}"${timestampAttr(doc.startedAt)}>`;
  const properties = renderProperties(doc);

  if (!areaRan(doc, area)) {
    const status = areaStatus(doc, area);
    const why = status === 'unsupported' ? 'the target does not support this area' : 'the area was not run';
    const counts = { tests: 1, failures: 0, errors: 0, skipped: 1 };
    return {
      ...counts,
      xml: [
        head(counts, 0),
        properties,
        `    <testcase classname="${classname}" name="${escXml(`${area} properties`, { attribute: true })}" time="0">`,
        `      <skipped message="${escXml(why, { attribute: true })}"/>`,
        '    </testcase>',
        '  </testsuite>',
      ].join('\n'),
    };
  }

  const cases = testcasesOf(doc, area);
  const rendered = cases.map((c) => renderCase(classname, c, maxFindings));
  const counts = {
    tests: cases.length,
    failures: rendered.filter((r) => r.outcome === 'failure').length,
    errors: rendered.filter((r) => r.outcome === 'error').length,
    skipped: rendered.filter((r) => r.outcome === 'skipped').length,
  };
  const undefinedCount = doc.findings.filter((f) => f.area === area && f.kind === 'undefined').length;
  const systemOut =
    undefinedCount > 0
      ? [
          `    <system-out>${escXml(`${undefinedCount} probe(s) hit cells the API leaves undefined under this profile; recorded, not judged.`)}</system-out>`,
        ]
      : [];
  return {
    ...counts,
    xml: [
      head(
        counts,
        cases.reduce((t, c) => t + c.durationMs, 0),
      ),
      properties,
      ...rendered.map((r) => r.xml),
      ...systemOut,
      '  </testsuite>',
    ].join('\n'),
  };
}

/** The area's testcases: its checks, plus any rule with findings the checks did not list. */
function testcasesOf(doc: ResultsDocument, area: Area): Testcase[] {
  const judged = doc.findings.filter((f) => f.area === area && f.kind !== 'undefined');
  const byRule = new Map<string, Finding[]>();
  for (const f of judged) {
    const list = byRule.get(f.rule);
    if (list) list.push(f);
    else byRule.set(f.rule, [f]);
  }
  const cases = new Map<string, Testcase>();
  const scenarios = doc.summary.byArea[area]?.scenarios ?? 0;
  for (const check of doc.checks ?? []) {
    if (check.area !== area) continue;
    const covered = doc.coverage?.rules.find((r) => r.area === area && r.rule === check.rule);
    cases.set(check.rule, {
      rule: check.rule,
      title: check.title,
      durationMs: check.durationMs ?? 0,
      findings: byRule.get(check.rule) ?? [],
      ...(covered && !exercised(covered)
        ? {
            skipped: `never exercised: no probe or observation of the run's ${scenarios} scenario${scenarios === 1 ? '' : 's'} had its verdict decided by ${check.rule} (docs/rules.md "Coverage")`,
          }
        : {}),
    });
  }
  for (const [rule, findings] of byRule) {
    if (cases.has(rule)) continue;
    // The catalogue is the source of stable names; else the findings' own copy of it, picked deterministically.
    const titles = findings.map((f) => f.ruleTitle ?? '').sort();
    const title = ruleInfo(rule)?.statement ?? titles[titles.length - 1] ?? '';
    cases.set(rule, { rule, title, durationMs: 0, findings });
  }
  if (cases.size === 0) {
    cases.set('', { rule: area, title: 'all properties hold', durationMs: 0, findings: [] });
  }
  return [...cases.values()].sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

function renderCase(
  classname: string,
  c: Testcase,
  maxFindings: number,
): { xml: string; outcome: 'pass' | 'failure' | 'error' | 'skipped' } {
  const open = `    <testcase classname="${classname}" name="${escXml(junitTestName(c.rule, c.title), { attribute: true })}" time="${seconds(c.durationMs)}">`;
  if (c.findings.length === 0 && c.skipped !== undefined) {
    return {
      xml: [
        open,
        `      <skipped message="${escXml(c.skipped, { attribute: true })}"/>`,
        '    </testcase>',
      ].join('\n'),
      outcome: 'skipped',
    };
  }
  if (c.findings.length === 0) return { xml: open.replace(/>$/, '/>'), outcome: 'pass' };
  const sorted = sortFindings(c.findings);
  const failing = sorted.filter((f) => isFailureKind(f.kind));
  const outcome = failing.length > 0 ? 'failure' : 'error';
  const relevant = failing.length > 0 ? failing : sorted;
  const worst = relevant[0] as Finding;
  const message = `${kindSummary(relevant)}: ${worst.title}`;
  const text = relevant.slice(0, maxFindings).map(findingText).join('\n\n');
  const more =
    relevant.length > maxFindings ? `\n\n… and ${relevant.length - maxFindings} more (see report.html)` : '';
  const seeds = relevant.map((f) => `[[PROPERTY|finding=${f.id} seed=${f.seed} path=${f.path}]]`).join('\n');
  return {
    outcome,
    xml: [
      open,
      `      <${outcome} message="${escXml(truncate(message, 500), { attribute: true })}" type="${escXml(worst.kind, { attribute: true })}">${escXml(text + more)}</${outcome}>`,
      `      <system-out>${escXml(seeds)}</system-out>`,
      '    </testcase>',
    ].join('\n'),
  };
}

function findingText(f: Finding): string {
  const lines = [`[${f.kind}] ${f.rule}: ${f.title}`, `expected: ${f.expected}`, `observed: ${f.observed}`];
  if (f.probe) {
    lines.push(
      `probe:    ${f.probe.from} -> ${f.probe.to} ${f.probe.port}/${f.probe.protocol} (${f.probe.host})`,
    );
  }
  for (const d of f.flannel ?? []) {
    lines.push(
      `node:     ${d.node} ${d.object} ${d.key}: expected ${d.expected ?? '(absent)'}, observed ${d.observed ?? '(missing)'}`,
    );
  }
  if (f.lb) {
    lines.push(
      `test:     ${f.lb.test} on ${f.lb.service}:${f.lb.port} (${f.lb.mode}): statistic ${formatNumber(f.lb.statistic)}, p ${formatNumber(f.lb.pValue)}, alpha ${f.lb.alpha}`,
    );
  }
  for (const line of f.explanation ?? []) lines.push(`why:      ${line}`);
  lines.push(`seed:     ${f.seed}  path: ${f.path}`);
  if (f.replayCommand) lines.push(`replay:   ${f.replayCommand}`);
  lines.push('counterexample (kubectl apply -f -):', f.scenarioYaml.trimEnd());
  return lines.join('\n');
}

function kindSummary(findings: readonly Finding[]): string {
  const counts = new Map<FindingKind, number>();
  for (const f of findings) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => kindRank(a[0]) - kindRank(b[0]))
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

function renderProperties(doc: ResultsDocument): string {
  const props: [string, string][] = [
    ['podnet.version', doc.tool.version],
    ['target', doc.target],
    ['seed', String(doc.seed)],
    ['startedAt', doc.startedAt],
  ];
  for (const [key, value] of flatten('profile', doc.profile)) props.push([key, value]);
  for (const [key, value] of Object.entries(doc.options)) {
    props.push([`option.${key}`, Array.isArray(value) ? value.join(',') : String(value)]);
  }
  return [
    '    <properties>',
    ...props.map(
      ([name, value]) =>
        `      <property name="${escXml(name, { attribute: true })}" value="${escXml(value, { attribute: true })}"/>`,
    ),
    '    </properties>',
  ].join('\n');
}

function flatten(prefix: string, value: unknown): [string, string][] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => flatten(`${prefix}.${k}`, v));
  }
  return [[prefix, Array.isArray(value) ? value.join(',') : String(value)]];
}

function seconds(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0';
}

/** Only a well-formed ISO timestamp goes into the XML (the schema types it as xs:dateTime). */
function timestampAttr(startedAt: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.test(startedAt)
    ? ` timestamp="${startedAt}"`
    : '';
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
