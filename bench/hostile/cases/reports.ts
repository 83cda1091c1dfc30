/**
 * Injection through every string field of a results document: `podnet report --github` renders it to
 * HTML, JUnit XML, Markdown (summary.md and $GITHUB_STEP_SUMMARY), `::error` annotations and the
 * terminal. The payload (fixtures.ts MARKUP_PAYLOAD) tries an element, attributes, a script, a CDATA
 * break, a javascript: link, a Markdown heading and table cell, workflow commands (`::`, `%0A::`,
 * `##[`), ANSI and OSC 8 escapes. No output may carry any of it as markup or as a command.
 * Free-text fields (titles, explanations, observed outputs, commands) must be rendered (exit 0);
 * fields with a fixed vocabulary may instead be refused (exit 2) by a schema.
 */
import { MARKUP_PAYLOAD, resultsWith, setIn, validResults } from '../fixtures.ts';
import { htmlInjections, markdownInjections, workflowCommandInjections, xmlInjections } from '../markup.ts';
import { put } from '../setup.ts';
import type { HostileCase, Outcome } from '../types.ts';

type Path = readonly (string | number)[];

/** Problems of every rendered output, for whatever of them exists. */
export function renderedInjections(outcome: Outcome): string[] {
  const problems: string[] = [];
  const html = outcome.written.get('report.html');
  if (html !== undefined) problems.push(...htmlInjections(html).map((p) => `report.html: ${p}`));
  const junit = outcome.written.get('junit.xml');
  if (junit !== undefined) problems.push(...xmlInjections(junit).map((p) => `junit.xml: ${p}`));
  for (const md of ['summary.md', 'step-summary.md']) {
    const text = outcome.written.get(md);
    if (text !== undefined) problems.push(...markdownInjections(text).map((p) => `${md}: ${p}`));
  }
  problems.push(...workflowCommandInjections(outcome.stdout).map((p) => `stdout: ${p}`));
  problems.push(...workflowCommandInjections(outcome.stderr).map((p) => `stderr: ${p}`));
  return problems;
}

function injectionCase(field: string, text: string, freeText: boolean): HostileCase {
  return {
    kind: 'reports',
    name: `payload in ${field}`,
    setup: (ctx) => put(ctx, 'results.json', text),
    env: (ctx) => ({ GITHUB_STEP_SUMMARY: ctx.path('step-summary.md') }),
    argv: () => ['report', 'results.json', '--github'],
    expect: freeText
      ? { exit: 0, present: ['report.html', 'junit.xml', 'summary.md'] }
      : { exit: [0, 2], stderr: [/results\.json/] },
    check: renderedInjections,
  };
}

const F = (i: number, ...p: Path): Path => ['findings', i, ...p];

/** String fields, and whether each is free text (must render) or a closed vocabulary (may be refused). */
const FIELDS: readonly (readonly [Path, boolean])[] = [
  [['target'], false],
  [['tool', 'version'], false],
  [['startedAt'], false],
  [['options', 'budget'], false],
  [F(0, 'id'), false],
  [F(0, 'rule'), false],
  [F(0, 'ruleTitle'), true],
  [F(0, 'title'), true],
  [F(0, 'path'), false],
  [F(0, 'expected'), false],
  [F(0, 'observed'), true],
  [F(0, 'explanation', 0), true],
  [F(0, 'scenarioYaml'), true],
  [F(0, 'probe', 'from'), false],
  [F(0, 'probe', 'to'), false],
  [F(0, 'probe', 'host'), false],
  [F(0, 'probe', 'protocol'), false],
  [F(0, 'probe', 'command'), true],
  [F(0, 'truthTable', 0, 'from'), false],
  [F(0, 'truthTable', 0, 'to'), false],
  [F(0, 'truthTable', 0, 'port'), false],
  [F(0, 'truthTable', 0, 'observed'), false],
  [F(0, 'replayCommand'), true],
  [F(0, 'namespaces', 0), false],
  [F(1, 'title'), true],
  [F(1, 'flannel', 0, 'node'), false],
  [F(1, 'flannel', 0, 'object'), false],
  [F(1, 'flannel', 0, 'key'), false],
  [F(1, 'flannel', 0, 'expected'), true],
  [F(1, 'flannel', 0, 'observed'), true],
  [F(2, 'lb', 'service'), false],
  [F(2, 'lb', 'mode'), false],
  [F(2, 'lb', 'test'), true],
  [['sections', 'lb', 0, 'service'], false],
  [['sections', 'flannel', 0, 'node'], false],
  [['sections', 'flannel', 0, 'rows', 0, 'key'], false],
  [['sections', 'flannel', 0, 'rows', 0, 'observed'], true],
  [['checks', 0, 'rule'], false],
  [['checks', 0, 'title'], true],
];

/** Number fields holding markup: a schema error (exit 2), and never rendered raw. */
const NUMBER_FIELDS: readonly Path[] = [
  ['seed'],
  ['summary', 'probes'],
  F(0, 'probe', 'port'),
  F(0, 'shrink', 'pods'),
  F(2, 'lb', 'pValue'),
  F(2, 'lb', 'statistic'),
];

export function reportCases(): HostileCase[] {
  const label = (p: Path) =>
    p
      .map((x) => (typeof x === 'number' ? `[${x}]` : `.${x}`))
      .join('')
      .slice(1);
  return [
    ...FIELDS.map(([path, free]) => injectionCase(label(path), resultsWith(path, MARKUP_PAYLOAD), free)),
    ...NUMBER_FIELDS.map<HostileCase>((path) => ({
      ...injectionCase(`${label(path)} (a number field)`, resultsWith(path, MARKUP_PAYLOAD), false),
      expect: { exit: 2, stderr: [/results\.json/, new RegExp(String(path[path.length - 1]))] },
    })),
    injectionCase(
      'an LB counts key',
      JSON.stringify(setIn(validResults(), F(2, 'lb', 'counts'), { [MARKUP_PAYLOAD]: 301, 'web-1': 152 })),
      false,
    ),
    injectionCase(
      'an options key',
      JSON.stringify(setIn(validResults(), ['options', MARKUP_PAYLOAD], 'x')),
      false,
    ),
  ];
}
