/**
 * Counting coverage (docs/rules.md "Coverage"): each area records, per searched scenario, which catalogue
 * rules and features decided its verdicts (`ScenarioCoverage`), and adds the scenario to its
 * `CoverageTally`; the tally then lays the counts out over the catalogues (spec/rules.ts,
 * spec/coverageFeatures.ts) with zeros for what was never exercised. Counting is a few map updates per
 * probe, so the loop does not slow down.
 */
import { FEATURE_CATALOGUE } from '../spec/coverageFeatures.ts';
import type { Area, Coverage, FeatureCoverage, RuleCoverage, UnsupportedFeature } from '../spec/results.ts';
import { RULES } from '../spec/rules.ts';

interface RuleCount {
  probes: number;
  allow: number;
  deny: number;
}

const SEP = '\u0000';

/** What decided the verdicts of one scenario. */
export class ScenarioCoverage {
  readonly rules = new Map<string, RuleCount>();
  readonly features = new Map<string, number>();

  /**
   * `rule` of `area` decided `probes` probes (or observations), whose expected verdict was `verdict` when
   * they are traffic with an allow or deny verdict.
   */
  rule(area: Area, rule: string, verdict?: 'allow' | 'deny', probes = 1): void {
    const key = `${area}${SEP}${rule}`;
    let count = this.rules.get(key);
    if (!count) {
      count = { probes: 0, allow: 0, deny: 0 };
      this.rules.set(key, count);
    }
    count.probes += probes;
    if (verdict !== undefined) count[verdict] += probes;
  }

  /** `feature` of `area` was on the deciding path of `probes` probes (0: of the scenario, with no probe). */
  feature(area: Area, feature: string, probes = 1): void {
    const key = `${area}${SEP}${feature}`;
    this.features.set(key, (this.features.get(key) ?? 0) + probes);
  }
}

/** The counts of a run's searched scenarios (shrink steps and second tries are not counted). */
export class CoverageTally {
  private readonly rules = new Map<string, RuleCount & { scenarios: number }>();
  private readonly features = new Map<string, { probes: number; scenarios: number }>();

  add(scenario: ScenarioCoverage): void {
    for (const [key, c] of scenario.rules) {
      const total = this.rules.get(key) ?? { scenarios: 0, probes: 0, allow: 0, deny: 0 };
      this.rules.set(key, {
        scenarios: total.scenarios + 1,
        probes: total.probes + c.probes,
        allow: total.allow + c.allow,
        deny: total.deny + c.deny,
      });
    }
    for (const [key, probes] of scenario.features) {
      const total = this.features.get(key) ?? { probes: 0, scenarios: 0 };
      this.features.set(key, { probes: total.probes + probes, scenarios: total.scenarios + 1 });
    }
  }

  /**
   * The coverage of `areas`: every catalogue rule and feature of them, counted or zero (anything counted
   * outside the catalogues after them), except the features in `unsupported`, which are listed apart.
   */
  coverage(areas: readonly Area[], unsupported: readonly UnsupportedFeature[] = []): Coverage {
    const skip = new Set(unsupported.map((u) => `${u.area}${SEP}${u.feature}`));
    const ruleKeys = union(
      RULES.filter((r) => areas.includes(r.area)).map((r) => `${r.area}${SEP}${r.id}`),
      [...this.rules.keys()].filter((k) => areas.includes(areaOf(k))),
    );
    const featureKeys = union(
      FEATURE_CATALOGUE.filter((f) => areas.includes(f.area)).map((f) => `${f.area}${SEP}${f.feature}`),
      [...this.features.keys()].filter((k) => areas.includes(areaOf(k))),
    ).filter((k) => !skip.has(k));
    return {
      rules: ruleKeys.map((key): RuleCoverage => {
        const [area, rule] = split(key);
        const c = this.rules.get(key) ?? { scenarios: 0, probes: 0, allow: 0, deny: 0 };
        return { area, rule, scenarios: c.scenarios, probes: c.probes, allow: c.allow, deny: c.deny };
      }),
      features: featureKeys.map((key): FeatureCoverage => {
        const [area, feature] = split(key);
        const c = this.features.get(key) ?? { probes: 0, scenarios: 0 };
        return { area, feature, probes: c.probes, scenarios: c.scenarios };
      }),
      unsupported: unsupported.filter((u) => areas.includes(u.area)),
    };
  }
}

/**
 * The document's coverage: what the areas' outcomes counted (entries of one rule or feature summed, so runs
 * merge; a feature one of them could test is not unsupported), and for an enabled area that counted nothing (not run, unsupported, interrupted before it
 * started) its catalogue with zeros. Areas in run order, each in catalogue order.
 */
export function runCoverage(areas: readonly Area[], counted: readonly Coverage[]): Coverage {
  const done = new Set(counted.flatMap((c) => [...c.rules, ...c.features].map((x) => x.area)));
  const all = [...counted, new CoverageTally().coverage(areas.filter((a) => !done.has(a)))];
  const order = (area: Area) => areas.indexOf(area);
  const byArea = <T extends { readonly area: Area }>(items: readonly T[]): T[] =>
    items.filter((x) => areas.includes(x.area)).sort((x, y) => order(x.area) - order(y.area));
  const features = byArea(
    sumBy(
      all.flatMap((c) => c.features),
      (f) => f.feature,
      ['scenarios', 'probes'],
    ),
  );
  // A feature one merged run could test is not unsupported in the whole.
  const testable = new Set(features.map((f) => `${f.area}${SEP}${f.feature}`));
  const unsupported = byArea(
    sumBy(
      all.flatMap((c) => c.unsupported),
      (u) => u.feature,
      [],
    ),
  );
  return {
    rules: byArea(
      sumBy(
        all.flatMap((c) => c.rules),
        (r) => r.rule,
        ['scenarios', 'probes', 'allow', 'deny'],
      ),
    ),
    features,
    unsupported: unsupported.filter((u) => !testable.has(`${u.area}${SEP}${u.feature}`)),
  };
}

/** Entries of one (area, name) as one, their `counts` summed; first-seen order. */
function sumBy<T extends { readonly area: Area }>(
  items: readonly T[],
  name: (item: T) => string,
  counts: readonly (keyof T)[],
): T[] {
  const out = new Map<string, T>();
  for (const item of items) {
    const key = `${item.area}${SEP}${name(item)}`;
    const seen = out.get(key);
    if (!seen) {
      out.set(key, item);
      continue;
    }
    const sum: Record<string, unknown> = { ...seen };
    for (const c of counts) sum[c as string] = (seen[c] as number) + (item[c] as number);
    out.set(key, sum as T);
  }
  return [...out.values()];
}

function union(first: readonly string[], more: readonly string[]): string[] {
  return [...new Set([...first, ...more])];
}

function areaOf(key: string): Area {
  return key.slice(0, key.indexOf(SEP));
}

function split(key: string): [Area, string] {
  const at = key.indexOf(SEP);
  return [key.slice(0, at), key.slice(at + 1)];
}
