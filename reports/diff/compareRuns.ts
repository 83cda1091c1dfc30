/**
 * What changed between two runs (`podnet diff BEFORE AFTER`): each rule's status, the findings matched by
 * what they are about rather than by id, and the settings that differ. Pure: two documents in, one value out.
 */
import { createHash } from 'node:crypto';
import type { Finding, ResultsDocument } from '../../spec/results.ts';
import { areaStatus } from '../areaStatus.ts';
import { isFailureKind } from '../findingOrder.ts';

/** A rule's status in one run: it failed, it was exercised and held, or it was not exercised. */
type RuleStatus = 'fail' | 'pass' | 'not-run';

/**
 * How a rule's status moved. `regression`: held (or was not run) before and fails now; `fixed`: failed
 * before and holds now; `dropped`: failed before and was not run now (nothing can be said either way);
 * `not-run-now` / `newly-run`: held on one side and was not exercised on the other.
 */
type RuleChangeKind =
  | 'regression'
  | 'fixed'
  | 'dropped'
  | 'still-failing'
  | 'not-run-now'
  | 'newly-run'
  | 'unchanged';

export interface RuleChange {
  readonly area: string;
  readonly rule: string;
  readonly title?: string;
  readonly before: RuleStatus;
  readonly after: RuleStatus;
  readonly change: RuleChangeKind;
}

/** A finding of one run, matched with the other run's by rule, kind and the minimal scenario. */
export interface FindingChange {
  readonly status: 'new' | 'gone' | 'still';
  readonly area: string;
  readonly rule: string;
  readonly kind: Finding['kind'];
  readonly title: string;
  /** The finding's id in its own document (AFTER's for new and still, BEFORE's for gone). */
  readonly id: string;
  /** `x/a → x/b 80/TCP` when the finding is about one probe. */
  readonly probe?: string;
  /** sha256 of rule, kind, the minimal scenario and the probe's endpoints (addresses left out). */
  readonly fingerprint: string;
}

/** One setting (target, tool version, seed, a profile field, an option) that differs between the runs. */
interface SettingChange {
  readonly key: string;
  readonly before: string;
  readonly after: string;
  /** Set when the difference changes what is expected, so a status change may not be the target's doing. */
  readonly incomparable?: string;
}

export interface RunLabel {
  readonly file: string;
  readonly target: string;
  readonly seed: number;
  readonly startedAt: string;
  readonly version: string;
}

/** A rule or feature exercised on one side only (in scenarios), among the areas both runs covered. */
interface CoverageChange {
  readonly change: 'gained' | 'lost';
  readonly what: 'rule' | 'feature';
  readonly area: string;
  readonly name: string;
  readonly before: number;
  readonly after: number;
}

export interface RunDiff {
  readonly before: RunLabel;
  readonly after: RunLabel;
  readonly rules: readonly RuleChange[];
  readonly findings: readonly FindingChange[];
  /** Absent when either document has no coverage (schemaVersion 1). */
  readonly coverage?: readonly CoverageChange[];
  readonly settings: readonly SettingChange[];
  readonly regressions: number;
  readonly fixes: number;
}

/** Compares BEFORE with AFTER. `files` name them in the result (as the user gave them). */
export function compareRuns(
  before: ResultsDocument,
  after: ResultsDocument,
  files: { readonly before: string; readonly after: string },
): RunDiff {
  const rules = compareRules(before, after);
  const coverage = compareCoverage(before, after);
  return {
    before: labelOf(before, files.before),
    after: labelOf(after, files.after),
    rules,
    findings: compareFindings(before.findings, after.findings),
    ...(coverage ? { coverage } : {}),
    settings: compareSettings(before, after),
    regressions: rules.filter((r) => r.change === 'regression').length,
    fixes: rules.filter((r) => r.change === 'fixed').length,
  };
}

function labelOf(doc: ResultsDocument, file: string): RunLabel {
  return { file, target: doc.target, seed: doc.seed, startedAt: doc.startedAt, version: doc.tool.version };
}

/** A rule fails when a failing finding names it; it passed when its area ran and a check exercised it. */
function ruleStatus(doc: ResultsDocument, area: string, rule: string): RuleStatus {
  if (doc.findings.some((f) => f.area === area && f.rule === rule && isFailureKind(f.kind))) return 'fail';
  const status = areaStatus(doc, area);
  if (status !== 'pass' && status !== 'fail') return 'not-run';
  const check = doc.checks?.find((c) => c.area === area && c.rule === rule);
  return check && check.scenarios > 0 ? 'pass' : 'not-run';
}

function changeOf(before: RuleStatus, after: RuleStatus): RuleChangeKind {
  if (after === 'fail') return before === 'fail' ? 'still-failing' : 'regression';
  if (before === 'fail') return after === 'pass' ? 'fixed' : 'dropped';
  if (before === after) return 'unchanged';
  return after === 'not-run' ? 'not-run-now' : 'newly-run';
}

function compareRules(before: ResultsDocument, after: ResultsDocument): RuleChange[] {
  const seen = new Map<string, { area: string; rule: string; title?: string }>();
  for (const doc of [before, after]) {
    for (const c of doc.checks ?? [])
      seen.set(`${c.area}\0${c.rule}`, { area: c.area, rule: c.rule, title: c.title });
    for (const f of doc.findings) {
      const key = `${f.area}\0${f.rule}`;
      if (!seen.has(key))
        seen.set(key, { area: f.area, rule: f.rule, ...(f.ruleTitle ? { title: f.ruleTitle } : {}) });
    }
  }
  const changes: RuleChange[] = [];
  for (const { area, rule, title } of seen.values()) {
    const b = ruleStatus(before, area, rule);
    const a = ruleStatus(after, area, rule);
    changes.push({ area, rule, ...(title ? { title } : {}), before: b, after: a, change: changeOf(b, a) });
  }
  return changes.sort(
    (x, y) => RANK[x.change] - RANK[y.change] || cmp(x.area, y.area) || cmp(x.rule, y.rule),
  );
}

const RANK: Readonly<Record<RuleChangeKind, number>> = {
  regression: 0,
  dropped: 1,
  fixed: 2,
  'still-failing': 3,
  'not-run-now': 4,
  'newly-run': 5,
  unchanged: 6,
};

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with object keys sorted, so equal values give equal text whatever order they were built in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => cmp(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What a finding is about, independent of its id and of the addresses a target happened to assign: its
 * rule, kind, the minimal scenario (symbolic, as the runner records it; the YAML when the value is absent)
 * and the probe's endpoints and port.
 */
function findingFingerprint(f: Finding): string {
  const probe = f.probe
    ? { from: f.probe.from, to: f.probe.to, port: f.probe.port, protocol: f.probe.protocol }
    : null;
  const about = canonicalJson({ rule: f.rule, kind: f.kind, scenario: f.scenario ?? f.scenarioYaml, probe });
  return createHash('sha256').update(about).digest('hex');
}

function findingChange(status: FindingChange['status'], f: Finding, fingerprint: string): FindingChange {
  return {
    status,
    area: f.area,
    rule: f.rule,
    kind: f.kind,
    title: f.title,
    id: f.id,
    ...(f.probe ? { probe: `${f.probe.from} → ${f.probe.to} ${f.probe.port}/${f.probe.protocol}` } : {}),
    fingerprint,
  };
}

function compareFindings(before: readonly Finding[], after: readonly Finding[]): FindingChange[] {
  // A multiset: two identical findings in BEFORE are matched by two in AFTER, one by one.
  const waiting = new Map<string, Finding[]>();
  for (const f of before) {
    const key = findingFingerprint(f);
    waiting.set(key, [...(waiting.get(key) ?? []), f]);
  }
  const changes: FindingChange[] = [];
  for (const f of after) {
    const key = findingFingerprint(f);
    const match = waiting.get(key);
    if (match && match.length > 0) {
      match.shift();
      changes.push(findingChange('still', f, key));
    } else changes.push(findingChange('new', f, key));
  }
  for (const [key, left] of waiting) for (const f of left) changes.push(findingChange('gone', f, key));
  const order = { new: 0, gone: 1, still: 2 } as const;
  return changes.sort(
    (x, y) => order[x.status] - order[y.status] || cmp(x.area, y.area) || cmp(x.rule, y.rule),
  );
}

/**
 * Rules and features exercised in some scenario on one side and in none on the other. Only entries both
 * documents list count: an area one run did not cover shows in the rules' statuses, not here.
 */
function compareCoverage(before: ResultsDocument, after: ResultsDocument): CoverageChange[] | undefined {
  if (!before.coverage || !after.coverage) return undefined;
  const changes: CoverageChange[] = [];
  const sides = [
    {
      what: 'rule' as const,
      b: before.coverage.rules.map((r) => ({ area: r.area, name: r.rule, scenarios: r.scenarios })),
      a: after.coverage.rules.map((r) => ({ area: r.area, name: r.rule, scenarios: r.scenarios })),
    },
    {
      what: 'feature' as const,
      b: before.coverage.features.map((f) => ({ area: f.area, name: f.feature, scenarios: f.scenarios })),
      a: after.coverage.features.map((f) => ({ area: f.area, name: f.feature, scenarios: f.scenarios })),
    },
  ];
  for (const { what, b, a } of sides) {
    const was = new Map(b.map((x) => [`${x.area}\0${x.name}`, x.scenarios]));
    for (const x of a) {
      const previous = was.get(`${x.area}\0${x.name}`);
      if (previous === undefined || previous > 0 === x.scenarios > 0) continue;
      changes.push({
        change: x.scenarios > 0 ? 'gained' : 'lost',
        what,
        area: x.area,
        name: x.name,
        before: previous,
        after: x.scenarios,
      });
    }
  }
  return changes.sort(
    (x, y) => cmp(x.change, y.change) || cmp(x.what, y.what) || cmp(x.area, y.area) || cmp(x.name, y.name),
  );
}

/** Flattens a value to `prefix.key` → text, lists as one value. */
function flatten(prefix: string, value: unknown, into: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(`${prefix}.${k}`, v, into);
  } else into.set(prefix, value === undefined ? '' : canonicalJson(value));
}

const PROFILE_WHY =
  'the semantic profile decides the expected verdicts: a status change here may be the profile';

function compareSettings(before: ResultsDocument, after: ResultsDocument): SettingChange[] {
  const b = new Map<string, string>();
  const a = new Map<string, string>();
  for (const [doc, into] of [
    [before, b],
    [after, a],
  ] as const) {
    into.set('target', doc.target);
    into.set('version', doc.tool.version);
    into.set('seed', String(doc.seed));
    into.set('areas', doc.areas.join(','));
    flatten('profile', doc.profile, into);
    flatten('options', doc.options, into);
  }
  const changes: SettingChange[] = [];
  const onlyBefore: string[] = [];
  const onlyAfter: string[] = [];
  for (const key of [...new Set([...b.keys(), ...a.keys()])]) {
    const was = b.get(key);
    const now = a.get(key);
    // The seed and the areas are listed once, from the document; the options restate them.
    if (was === now || key === 'options.seed' || key === 'options.areas') continue;
    const incomparable = key.startsWith('profile.') ? PROFILE_WHY : undefined;
    if (now === undefined && !incomparable) onlyBefore.push(key.replace(/^options\./, ''));
    else if (was === undefined && !incomparable) onlyAfter.push(key.replace(/^options\./, ''));
    else {
      changes.push({
        key,
        before: was ?? '(absent)',
        after: now ?? '(absent)',
        ...(incomparable ? { incomparable } : {}),
      });
    }
  }
  // Options of an area that ran on one side only: named together, not one line each.
  if (onlyBefore.length > 0)
    changes.push({ key: 'options only before', before: onlyBefore.join(', '), after: '' });
  if (onlyAfter.length > 0)
    changes.push({ key: 'options only after', before: '', after: onlyAfter.join(', ') });
  return changes;
}
