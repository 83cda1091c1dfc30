/**
 * Generator statistics: how often each feature appears across `runs` scenarios, and the share of
 * probes whose verdict is allow, deny or undefined. Verdicts come from a function the caller
 * passes (the CLI passes the policy oracle), so generators stay independent of the oracle.
 */
import fc from 'fast-check';
import type { Scenario } from '../spec/scenario.ts';
import type { Verdict } from '../spec/verdict.ts';
import type { GeneratorOptions } from './_internals/options.ts';
import type { Feature } from './features.ts';
import { FEATURE_NAMES, FEATURES, scenarioFeatures } from './features.ts';
import { scenarioArb } from './scenario.ts';

interface FeatureCount {
  readonly feature: Feature;
  readonly description: string;
  readonly scenarios: number;
  /** scenarios / runs. */
  readonly share: number;
}

export interface GeneratorStats {
  readonly runs: number;
  readonly seed: number;
  readonly features: readonly FeatureCount[];
  readonly verdicts: Readonly<Record<Verdict, number>>;
  readonly probes: number;
  /** Shares of all probes. */
  readonly verdictShares: Readonly<Record<Verdict, number>>;
}

export interface StatsOptions extends GeneratorOptions {
  readonly runs: number;
  readonly seed: number;
  /** The verdict of every probe of a scenario's initial cluster (the CLI passes the policy oracle). */
  readonly verdictsOf?: (scenario: Scenario) => readonly Verdict[];
}

/** Draw `runs` scenarios with `seed` and count features and verdicts. */
export function generatorStats(options: StatsOptions): GeneratorStats {
  const scenarios = fc.sample(scenarioArb(options), { numRuns: options.runs, seed: options.seed });
  const counts = new Map<Feature, number>(FEATURE_NAMES.map((f) => [f, 0]));
  const verdicts: Record<Verdict, number> = { allow: 0, deny: 0, undefined: 0 };
  for (const s of scenarios) {
    for (const f of scenarioFeatures(s)) counts.set(f, (counts.get(f) ?? 0) + 1);
    for (const v of options.verdictsOf?.(s) ?? []) verdicts[v]++;
  }
  const probes = verdicts.allow + verdicts.deny + verdicts.undefined;
  const share = (n: number): number => (probes === 0 ? 0 : n / probes);
  return {
    runs: scenarios.length,
    seed: options.seed,
    features: FEATURE_NAMES.map((feature) => ({
      feature,
      description: FEATURES[feature],
      scenarios: counts.get(feature) ?? 0,
      share: scenarios.length === 0 ? 0 : (counts.get(feature) ?? 0) / scenarios.length,
    })),
    verdicts,
    probes,
    verdictShares: {
      allow: share(verdicts.allow),
      deny: share(verdicts.deny),
      undefined: share(verdicts.undefined),
    },
  };
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1).padStart(5)}%`;
}

/** The stats as a plain-text table. */
export function renderStats(stats: GeneratorStats): string {
  const width = Math.max(...stats.features.map((f) => f.feature.length));
  const lines = [
    `podnet generate --stats: ${stats.runs} scenarios, seed ${stats.seed}`,
    '',
    `${'feature'.padEnd(width)}  scenarios`,
    ...stats.features.map((f) => `${f.feature.padEnd(width)}  ${percent(f.share)}  (${f.scenarios})`),
  ];
  if (stats.probes > 0) {
    lines.push(
      '',
      `probe verdicts (${stats.probes} probes, pod to pod on every declared port, synthetic addresses):`,
      `${'allow'.padEnd(width)}  ${percent(stats.verdictShares.allow)}  (${stats.verdicts.allow})`,
      `${'deny'.padEnd(width)}  ${percent(stats.verdictShares.deny)}  (${stats.verdicts.deny})`,
      `${'undefined'.padEnd(width)}  ${percent(stats.verdictShares.undefined)}  (${stats.verdicts.undefined})`,
    );
  }
  return `${lines.join('\n')}\n`;
}
