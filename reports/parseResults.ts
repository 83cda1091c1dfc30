/**
 * Check that a parsed JSON value is a podnet results document this version can render. Only the
 * fields the renderers rely on are checked; optional fields are checked when present.
 */
import { PodnetInputError } from '../spec/errors.ts';
import type { ResultsDocument } from '../spec/results.ts';
import { AREAS, RESULTS_SCHEMA_VERSION } from '../spec/results.ts';
import { KINDS_WORST_FIRST } from './findingOrder.ts';

/** Parse and check `results.json` text; throws `PodnetInputError` (exit 2) naming the first bad field. */
export function parseResults(text: string, file = 'results.json'): ResultsDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PodnetInputError(
      'PODNET_BAD_RESULTS',
      `not valid JSON: ${message}`,
      { file },
      'pass the results.json that `podnet run` wrote into its --out folder',
    );
  }
  return checkResults(value, file);
}

/** Check an already parsed value (see `parseResults`). */
export function checkResults(value: unknown, file = 'results.json'): ResultsDocument {
  const fail = (field: string, problem: string, hint?: string): never => {
    throw new PodnetInputError('PODNET_BAD_RESULTS', problem, { file, field }, hint);
  };
  if (!isRecord(value)) return fail('(root)', 'not a podnet results document: expected a JSON object');
  const tool = value.tool;
  if (!isRecord(tool) || tool.name !== 'podnet') {
    return fail(
      'tool.name',
      'not a podnet results document: tool.name is not "podnet"',
      'pass the results.json that `podnet run` wrote into its --out folder',
    );
  }
  if (value.schemaVersion !== RESULTS_SCHEMA_VERSION) {
    return fail(
      'schemaVersion',
      `unsupported schemaVersion ${JSON.stringify(value.schemaVersion)}; this podnet reads version ${RESULTS_SCHEMA_VERSION}`,
      'render it with the podnet version that wrote it (tool.version in the file)',
    );
  }
  expect(value, 'target', 'string', fail);
  expect(value, 'seed', 'number', fail);
  expect(value, 'startedAt', 'string', fail);
  if (!isRecord(value.profile)) fail('profile', 'must be an object');
  if (!isRecord(value.options)) fail('options', 'must be an object');
  if (!Array.isArray(value.areas) || !value.areas.every((a) => AREAS.includes(a))) {
    fail('areas', `must be a list of ${AREAS.join(', ')}`);
  }
  const summary = value.summary;
  if (!isRecord(summary)) return fail('summary', 'must be an object');
  for (const key of ['scenarios', 'probes', 'findings', 'durationMs'] as const) {
    if (typeof summary[key] !== 'number') fail(`summary.${key}`, 'must be a number');
  }
  if (typeof summary.conforms !== 'boolean') fail('summary.conforms', 'must be true or false');
  if (!isRecord(summary.byArea)) fail('summary.byArea', 'must be an object');
  if (!Array.isArray(value.findings)) return fail('findings', 'must be a list');
  value.findings.forEach((finding: unknown, i: number) => {
    checkFinding(finding, `findings[${i}]`, fail);
  });
  if (value.checks !== undefined && !Array.isArray(value.checks)) fail('checks', 'must be a list');
  if (value.sections !== undefined && !isRecord(value.sections)) fail('sections', 'must be an object');
  return value as unknown as ResultsDocument;
}

type Fail = (field: string, problem: string) => never;

function checkFinding(finding: unknown, at: string, fail: Fail): void {
  if (!isRecord(finding)) {
    fail(at, 'must be an object');
    return;
  }
  for (const key of ['id', 'rule', 'title', 'path', 'expected', 'observed', 'scenarioYaml'] as const) {
    expect(finding, key, 'string', fail, at);
  }
  expect(finding, 'seed', 'number', fail, at);
  if (!AREAS.includes(finding.area as never)) fail(`${at}.area`, `must be one of ${AREAS.join(', ')}`);
  if (!KINDS_WORST_FIRST.includes(finding.kind as never)) {
    fail(`${at}.kind`, `must be one of ${KINDS_WORST_FIRST.join(', ')}`);
  }
  for (const key of ['truthTable', 'flannel', 'explanation', 'namespaces'] as const) {
    if (finding[key] !== undefined && !Array.isArray(finding[key])) fail(`${at}.${key}`, 'must be a list');
  }
  if (finding.lb !== undefined && !isRecord(finding.lb)) fail(`${at}.lb`, 'must be an object');
  if (finding.probe !== undefined && !isRecord(finding.probe)) fail(`${at}.probe`, 'must be an object');
}

function expect(
  record: Record<string, unknown>,
  key: string,
  type: 'string' | 'number',
  fail: Fail,
  at?: string,
): void {
  if (typeof record[key] !== type) fail(at ? `${at}.${key}` : key, `must be a ${type}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
