/**
 * The coverage of a run as the reports show it: what was exercised (decided in at least one scenario), what
 * never was, per area and in total, never-exercised first. Pure; every renderer escapes for its own context.
 */
import type { Area, FeatureCoverage, ResultsDocument, RuleCoverage } from '../spec/results.ts';

export interface AreaCoverage {
  readonly area: Area;
  /** Never-exercised rules first, then the rest in catalogue order. */
  readonly rules: readonly RuleCoverage[];
  readonly features: readonly FeatureCoverage[];
  readonly rulesCovered: number;
  readonly featuresCovered: number;
}

export interface CoverageSummary {
  /** False for a document of schemaVersion 1, written before runs counted coverage. */
  readonly recorded: boolean;
  readonly areas: readonly AreaCoverage[];
  readonly rulesCovered: number;
  readonly rulesTotal: number;
  readonly featuresCovered: number;
  readonly featuresTotal: number;
  readonly neverRules: readonly RuleCoverage[];
  readonly neverFeatures: readonly FeatureCoverage[];
}

/** Whether a rule or feature decided anything in the run. */
export function exercised(entry: { readonly scenarios: number }): boolean {
  return entry.scenarios > 0;
}

function neverFirst<T extends { readonly scenarios: number }>(items: readonly T[]): T[] {
  return [...items.filter((x) => !exercised(x)), ...items.filter(exercised)];
}

export function coverageSummary(doc: ResultsDocument): CoverageSummary {
  const rules = doc.coverage?.rules ?? [];
  const features = doc.coverage?.features ?? [];
  const areas = [...new Set([...rules, ...features].map((x) => x.area))];
  return {
    recorded: doc.coverage !== undefined,
    areas: areas.map((area) => {
      const r = rules.filter((x) => x.area === area);
      const f = features.filter((x) => x.area === area);
      return {
        area,
        rules: neverFirst(r),
        features: neverFirst(f),
        rulesCovered: r.filter(exercised).length,
        featuresCovered: f.filter(exercised).length,
      };
    }),
    rulesCovered: rules.filter(exercised).length,
    rulesTotal: rules.length,
    featuresCovered: features.filter(exercised).length,
    featuresTotal: features.length,
    neverRules: rules.filter((x) => !exercised(x)),
    neverFeatures: features.filter((x) => !exercised(x)),
  };
}

/**
 * The one-line summary: `covered 7 of 9 rules, 30 of 42 features; never: NP-STEP, MODEL-MASQUERADE;
 * features never: port range (policy), …`; at most `maxNamed` names of each kind, then how many more.
 */
export function coverageLine(doc: ResultsDocument, maxNamed = 8): string {
  const s = coverageSummary(doc);
  if (!s.recorded) return `coverage: not recorded (results schemaVersion ${doc.schemaVersion})`;
  const list = (names: readonly string[]): string =>
    names.length <= maxNamed
      ? names.join(', ')
      : `${names.slice(0, maxNamed).join(', ')} and ${names.length - maxNamed} more`;
  const parts = [
    `covered ${s.rulesCovered} of ${s.rulesTotal} rules, ${s.featuresCovered} of ${s.featuresTotal} features`,
  ];
  if (s.neverRules.length > 0) parts.push(`never: ${list(s.neverRules.map((r) => r.rule))}`);
  if (s.neverFeatures.length > 0)
    parts.push(`features never: ${list(s.neverFeatures.map((f) => `${f.feature} (${f.area})`))}`);
  const unsupported = doc.coverage?.unsupported ?? [];
  if (unsupported.length > 0)
    parts.push(`unsupported: ${list(unsupported.map((u) => `${u.feature} (${u.area})`))}`);
  return parts.join('; ');
}
