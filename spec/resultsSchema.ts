/**
 * The schema of results.json (`ResultsDocument`, spec/results.ts), written once; the compile-time checks
 * at the end of this file fail the type check when the schema and the interfaces drift apart.
 *
 * Every number must be finite (JSON.parse reads 1e999 as Infinity), and an integer where the field is a
 * count, a port or a seed. Keys the schema does not name are left out of the value read (a schemaVersion
 * may gain optional fields without a new version, so an older podnet still reads a newer file), except in
 * the semantic profile, whose unknown keys are refused as the profile file reader refuses them: a switch
 * this podnet does not know would change what a verdict means. `finding.scenario` is kept as is here: its
 * shape depends on the area, and `podnet replay` checks the one it replays (spec/replayScenario.ts).
 */
import { PodnetInputError } from './errors.ts';
import { PROFILE_SETTINGS, type ProfileChoice } from './manifests/profileFile.ts';
import type { SemanticProfile } from './profile.ts';
import type { ResultsDocument } from './results.ts';
import { AREA_NAME, READABLE_SCHEMA_VERSIONS, RESULTS_SCHEMA_VERSION } from './results.ts';
import {
  anyOf,
  anything,
  array,
  boolean,
  choose,
  type Expect,
  finite,
  type Infer,
  integer,
  jsonPathText,
  jsonTypeOf,
  literal,
  nullable,
  object,
  oneOf,
  optional,
  record,
  type Same,
  type Schema,
  SchemaMismatch,
  showValue,
  string,
} from './schema.ts';
import type { FindingKind, ProbeOutcome, Verdict } from './verdict.ts';

/** Every finding kind, verdict and probe outcome (checked against their types below). */
const FINDING_KINDS = ['leak', 'block', 'mismatch', 'distribution', 'inconclusive', 'undefined'] as const;
const VERDICTS = ['allow', 'deny', 'undefined'] as const;
const PROBE_OUTCOMES = ['connected', 'refused', 'timeout', 'error', 'unsupported'] as const;

const STRIP = { unknownKeys: 'strip' } as const;

/** Seeds are unsigned 32-bit integers (what `--seed` accepts, and what replays). */
const MAX_SEED = 2 ** 32 - 1;
const seed = integer(0, MAX_SEED);
const count = integer(0, Number.MAX_SAFE_INTEGER, 'a whole number (0 or more)');
const port = integer(0, 65535);
const durationMs = finite({ min: 0 });
const area = string({
  expected: 'an area name such as policy, model, flannel or lb',
  check: (text) => (AREA_NAME.test(text) ? undefined : 'must be lower-case letters, digits and dashes'),
});

/** `new Date().toISOString()`, as `podnet run` writes it. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const timestamp = string({
  expected: 'an ISO 8601 timestamp such as 2026-11-26T13:40:00.000Z',
  check: (text) => (ISO_TIMESTAMP.test(text) ? undefined : 'must be an ISO 8601 timestamp'),
});

const probe = object(
  {
    from: string(),
    to: string(),
    host: string(),
    port,
    protocol: string(),
    command: optional(string()),
  },
  STRIP,
);

const truthCell = object(
  {
    from: string(),
    to: string(),
    port: string(),
    expected: oneOf(VERDICTS),
    observed: optional(oneOf(PROBE_OUTCOMES)),
    differs: boolean,
  },
  STRIP,
);

const flannelDetailShape = {
  node: string(),
  object: string(),
  key: string(),
  expected: optional(string()),
  observed: optional(string()),
} as const;
const flannelDetail = object(flannelDetailShape, STRIP);
const flannelRow = object({ ...flannelDetailShape, differs: boolean }, STRIP);

const lbDetail = object(
  {
    service: string(),
    port,
    mode: string(),
    test: string(),
    counts: record(count),
    expectedShares: record(finite({ min: 0, max: 1 })),
    // JSON has no Infinity: an infinite statistic is written as null.
    statistic: nullable(finite(), 'an infinite statistic'),
    pValue: finite({ min: 0, max: 1 }),
    alpha: finite({ min: 0, max: 1 }),
  },
  STRIP,
);

const finding = object(
  {
    id: string(),
    area,
    rule: string(),
    ruleTitle: optional(string()),
    kind: oneOf(FINDING_KINDS),
    title: string(),
    seed,
    path: string(),
    expected: string(),
    observed: string(),
    explanation: optional(array(string())),
    scenarioYaml: string(),
    scenario: optional(anything),
    probe: optional(probe),
    truthTable: optional(array(truthCell)),
    flannel: optional(array(flannelDetail)),
    lb: optional(lbDetail),
    shrink: optional(object({ steps: count, pods: count, policies: count, changes: count }, STRIP)),
    convergenceMs: optional(durationMs),
    replayCommand: optional(string()),
    namespaces: optional(array(string())),
  },
  STRIP,
);

const areaSummary = object(
  {
    scenarios: count,
    findings: count,
    status: oneOf(['pass', 'fail', 'not-run', 'unsupported']),
    title: optional(string()),
  },
  STRIP,
);

const summary = object(
  {
    scenarios: count,
    probes: count,
    findings: count,
    conforms: boolean,
    byArea: record(areaSummary, { key: area }),
    durationMs,
    interrupted: boolean,
  },
  STRIP,
);

const sections = object(
  {
    lb: optional(array(lbDetail)),
    flannel: optional(array(object({ node: string(), rows: array(flannelRow) }, STRIP))),
  },
  STRIP,
);

const check = object(
  {
    area,
    rule: string(),
    title: string(),
    scenarios: count,
    findings: count,
    durationMs: optional(durationMs),
  },
  STRIP,
);

const coverage = object(
  {
    rules: array(
      object({ area, rule: string(), scenarios: count, probes: count, allow: count, deny: count }, STRIP),
    ),
    features: array(object({ area, feature: string(), probes: count, scenarios: count }, STRIP)),
    unsupported: array(object({ area, feature: string(), reason: string() }, STRIP)),
  },
  STRIP,
);

function choiceSchema(choice: ProfileChoice): Schema<unknown> {
  return choice.kind === 'boolean' ? boolean : oneOf(choice.values);
}

function settings(table: Readonly<Record<string, ProfileChoice>>): Record<string, Schema<unknown>> {
  return Object.fromEntries(Object.entries(table).map(([key, choice]) => [key, choiceSchema(choice)]));
}

/**
 * A complete semantic profile, by the profile file reader's rules (its keys are typed by SemanticProfile,
 * its values are the ones profile files accept); unknown keys are refused, as there.
 */
const PROFILE_SCHEMA = object(
  {
    ...settings(PROFILE_SETTINGS.top),
    support: object(settings(PROFILE_SETTINGS.support), { unknownKeys: 'refuse' }),
  },
  { unknownKeys: 'refuse' },
) as unknown as Schema<SemanticProfile>;

/** One run option: a string, a finite number, true or false, or a list of strings. */
const optionValue = anyOf(string(), finite(), boolean, array(string()));

const RESULTS_DOCUMENT_SCHEMA = object(
  {
    schemaVersion: choose<(typeof READABLE_SCHEMA_VERSIONS)[number]>(
      READABLE_SCHEMA_VERSIONS.join(' or '),
      ['number'],
      (value) => (value === 1 ? literal(1) : literal(RESULTS_SCHEMA_VERSION)),
    ),
    tool: object({ name: literal('podnet'), version: string() }, STRIP),
    target: string(),
    seed,
    startedAt: timestamp,
    areas: array(area, { unique: true }),
    profile: PROFILE_SCHEMA,
    options: record(optionValue),
    summary,
    findings: array(finding),
    sections: optional(sections),
    checks: optional(array(check)),
    coverage: optional(coverage),
  },
  STRIP,
);

/** Where to get a good results file, for hints. */
const RESULTS_HINT = 'pass the results.json that `podnet run` wrote into its --out folder';
const SCHEMA_HINT = 'results.json is written by `podnet run`: run it again rather than editing the file';

/**
 * Checks a parsed results.json against the schema: the value read (a copy without unknown keys) or a
 * `PodnetInputError` (exit 2) whose field is the JSON path of the first bad value.
 */
export function checkResultsDocument(value: unknown, file: string): ResultsDocument {
  const fail = (field: string, problem: string, hint?: string): never => {
    throw new PodnetInputError('PODNET_BAD_RESULTS', problem, { file, field }, hint);
  };
  // What the file is comes first: another tool's JSON, or a version this podnet cannot read.
  if (jsonTypeOf(value) !== 'object') {
    return fail('(root)', `not a podnet results document: expected a JSON object, got ${showValue(value)}`);
  }
  const root = value as Record<string, unknown>;
  const tool = root.tool;
  if (jsonTypeOf(tool) !== 'object' || (tool as Record<string, unknown>).name !== 'podnet') {
    return fail('tool.name', 'not a podnet results document: tool.name is not "podnet"', RESULTS_HINT);
  }
  if (!(READABLE_SCHEMA_VERSIONS as readonly unknown[]).includes(root.schemaVersion)) {
    return fail(
      'schemaVersion',
      `unsupported schemaVersion ${showValue(root.schemaVersion)}; this podnet reads versions ${READABLE_SCHEMA_VERSIONS.join(' and ')}`,
      'render it with the podnet version that wrote it (tool.version in the file)',
    );
  }
  // Version 2 added `coverage`: every run since writes it.
  if (root.schemaVersion === RESULTS_SCHEMA_VERSION && root.coverage === undefined) {
    return fail(
      'coverage',
      `missing: every results file of schemaVersion ${RESULTS_SCHEMA_VERSION} has it`,
      SCHEMA_HINT,
    );
  }
  try {
    return RESULTS_DOCUMENT_SCHEMA.read(value, []);
  } catch (error) {
    if (error instanceof SchemaMismatch) return fail(jsonPathText(error.path), error.problem, SCHEMA_HINT);
    throw error;
  }
}

// Compile-time: the schema reads exactly the document type (a field added to one but not the other, or
// typed differently, fails `tsc`).
type Document = Infer<typeof RESULTS_DOCUMENT_SCHEMA>;
/** @compileTimeCheck */
export type ResultsSchemaMatchesDocument = Expect<Same<Document, ResultsDocument>>;
/** @compileTimeCheck */
export type KindsAreComplete = Expect<Same<(typeof FINDING_KINDS)[number], FindingKind>>;
/** @compileTimeCheck */
export type VerdictsAreComplete = Expect<Same<(typeof VERDICTS)[number], Verdict>>;
/** @compileTimeCheck */
export type OutcomesAreComplete = Expect<Same<(typeof PROBE_OUTCOMES)[number], ProbeOutcome>>;
