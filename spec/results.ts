/**
 * The one result document (`results.json`) that every renderer reads. Versioned: a change that
 * removes or renames a field, or adds a required one, bumps `schemaVersion`; adding optional fields does
 * not. Version 2 added `coverage`, which every run writes; files of version 1 are still read (they have none).
 */
import type { SemanticProfile } from './profile.ts';
import type { FindingKind, ProbeOutcome, Verdict } from './verdict.ts';

export const RESULTS_SCHEMA_VERSION = 2;
/** The versions this podnet reads: its own, and 1 (before `coverage`). */
export const READABLE_SCHEMA_VERSIONS = [1, RESULTS_SCHEMA_VERSION] as const;

/**
 * An area's name (`policy`, `model`, `flannel`, `lb`, or one registered later): lower-case letters, digits
 * and dashes. The runner's area registry decides which exist; a document lists its own in `summary.byArea`.
 */
export type Area = string;
export const AREA_NAME = /^[a-z][a-z0-9-]*$/;

export interface ProbeDescription {
  readonly from: string;
  /** `ns/pod`, `svc:ns/name`, `node:<name>` or `outside`. */
  readonly to: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: string;
  /** A command that re-runs this probe by hand on the target. */
  readonly command?: string;
}

/** One cell of a truth table: expected vs observed, for one (from, to, port/protocol). */
export interface TruthCell {
  readonly from: string;
  readonly to: string;
  /** `80/TCP` */
  readonly port: string;
  readonly expected: Verdict;
  readonly observed?: ProbeOutcome;
  /** true when this cell is one the finding is about. */
  readonly differs: boolean;
}

export interface FlannelDetail {
  readonly node: string;
  /** route, neigh, fdb, link, mtu, lease, subnet.env, annotation */
  readonly object: string;
  readonly key: string;
  readonly expected?: string;
  readonly observed?: string;
}

export interface LbDetail {
  readonly service: string;
  readonly port: number;
  readonly mode: string;
  readonly test: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly expectedShares: Readonly<Record<string, number>>;
  /** null when infinite (JSON has no Infinity; `JSON.stringify` writes it as null). */
  readonly statistic: number | null;
  readonly pValue: number;
  readonly alpha: number;
}

export interface Finding {
  readonly id: string;
  readonly area: Area;
  /** Rule id from the catalogue (spec/rules.ts), e.g. `NP-PEER-AND`. */
  readonly rule: string;
  /** The rule's one-line description from the catalogue (stable across runs; used for JUnit test names). */
  readonly ruleTitle?: string;
  readonly kind: FindingKind;
  readonly title: string;
  /** fast-check seed and path that regenerate the failing scenario. */
  readonly seed: number;
  readonly path: string;
  readonly expected: string;
  readonly observed: string;
  /** The oracle's explanation of the expectation, in plain words. */
  readonly explanation?: readonly string[];
  /** The minimal counterexample as Kubernetes YAML (multi-document). */
  readonly scenarioYaml: string;
  /** The minimal scenario as a value, for `podnet replay`. */
  readonly scenario?: unknown;
  readonly probe?: ProbeDescription;
  readonly truthTable?: readonly TruthCell[];
  readonly flannel?: readonly FlannelDetail[];
  readonly lb?: LbDetail;
  /** Shrink statistics. */
  readonly shrink?: {
    readonly steps: number;
    readonly pods: number;
    readonly policies: number;
    readonly changes: number;
  };
  /** How long the target took to converge before the finding was judged, when polled. */
  readonly convergenceMs?: number;
  readonly replayCommand?: string;
  /** Namespaces involved, for filtering. */
  readonly namespaces?: readonly string[];
}

export interface RunSummary {
  readonly scenarios: number;
  readonly probes: number;
  readonly findings: number;
  readonly conforms: boolean;
  readonly byArea: Readonly<
    Record<
      Area,
      {
        readonly scenarios: number;
        readonly findings: number;
        readonly status: 'pass' | 'fail' | 'not-run' | 'unsupported';
        /** The area's title for people ("NetworkPolicy"), from the registry that ran. */
        readonly title?: string;
      }
    >
  >;
  readonly durationMs: number;
  /** true when the run was interrupted (Ctrl-C, budget) before it finished. */
  readonly interrupted: boolean;
}

/** One row of a node's flannel table: a detail, and whether it differs. */
interface FlannelRow extends FlannelDetail {
  readonly differs: boolean;
}

/** Area sections that do not fit the findings list (LB histograms, flannel node tables). */
export interface AreaSections {
  readonly lb?: readonly LbDetail[];
  readonly flannel?: readonly {
    readonly node: string;
    readonly rows: readonly FlannelRow[];
  }[];
}

/** One property or check the run exercised, so passing checks show up in JUnit too. */
export interface CheckSummary {
  readonly area: Area;
  /** Rule id, e.g. `NP-PEER-AND`. */
  readonly rule: string;
  /** The rule's stable one-line description from the catalogue. */
  readonly title: string;
  /** Scenarios (or samples) that exercised it. */
  readonly scenarios: number;
  readonly findings: number;
  readonly durationMs?: number;
}

/**
 * How often a catalogue rule decided a verdict (docs/rules.md "Coverage"). `probes` counts probes or, for
 * checks that read state instead of sending traffic, the observations judged (node-state entries, pod IPs);
 * `allow` and `deny` count the probes among them whose expected verdict was allow or deny.
 */
export interface RuleCoverage {
  readonly area: Area;
  readonly rule: string;
  /** Scenarios in which it decided at least once (0: never exercised). */
  readonly scenarios: number;
  readonly probes: number;
  readonly allow: number;
  readonly deny: number;
}

/** How often a catalogue feature (spec/coverageFeatures.ts) was on a deciding path. */
export interface FeatureCoverage {
  readonly area: Area;
  readonly feature: string;
  readonly probes: number;
  /** Scenarios in which it decided at least once (0: never exercised). */
  readonly scenarios: number;
}

/** A feature the target (or the run's profile) cannot test: listed here, never as covered or as missed. */
export interface UnsupportedFeature {
  readonly area: Area;
  readonly feature: string;
  readonly reason: string;
}

/**
 * Coverage of the run, from the oracle's own explanations: every rule and feature of the areas the run
 * enabled, in catalogue order, with zeros for the ones never exercised; unsupported features apart.
 */
export interface Coverage {
  readonly rules: readonly RuleCoverage[];
  readonly features: readonly FeatureCoverage[];
  readonly unsupported: readonly UnsupportedFeature[];
}

export interface ResultsDocument {
  readonly schemaVersion: (typeof READABLE_SCHEMA_VERSIONS)[number];
  readonly tool: { readonly name: 'podnet'; readonly version: string };
  readonly target: string;
  readonly seed: number;
  readonly startedAt: string;
  readonly areas: readonly Area[];
  readonly profile: SemanticProfile;
  /** Every option the run used, with its value (timeouts, sample sizes, alpha…). */
  readonly options: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  readonly summary: RunSummary;
  readonly findings: readonly Finding[];
  readonly sections?: AreaSections;
  /** The properties and checks the run exercised, passing or not (optional; JUnit lists them as testcases). */
  readonly checks?: readonly CheckSummary[];
  /** Written by every run since schemaVersion 2 (required there); absent only in files of version 1. */
  readonly coverage?: Coverage;
}
