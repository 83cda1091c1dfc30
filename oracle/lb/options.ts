/**
 * Every number the LB oracle and its statistics use, in one place, with its default and why.
 * Callers pass a `Partial<LbOptions>`; `lbOptions()` fills the rest. Print `lbOptions(...)` in every result.
 */

export interface LbOptions {
  /**
   * Family-wise false-alarm rate of one run, split across every LB test with Holm (docs/research/lb.md §7.7,
   * §7.8).
   */
  readonly familyAlpha: number;
  /** Probability of detecting the effect below, used to size samples (docs/research/lb.md §7.3). */
  readonly power: number;
  /**
   * The effect to detect: one endpoint receives `effectRatio` times the share of each other endpoint
   * (2 means "one endpoint at 2x share"; 0 means "one endpoint starved"). docs/research/lb.md §7.3 closed
   * form.
   */
  readonly effectRatio: number;
  /** Upper bound on new connections per (Service port, node, client) for the sequential test. */
  readonly maxSamples: number;
  /**
   * Largest number of count vectors the exact multinomial p-value may enumerate (counted exactly); past
   * it the goodness-of-fit p-value comes from the lattice computation (issue 15; `stats/goodnessOfFit.ts`).
   */
  readonly exactEnumerationLimit: number;
  /**
   * Largest number of inner-loop steps of the lattice computation of the exact goodness-of-fit tail (3 to
   * 8 ns each on the shared 2-core machine; a sample-size plan may build six). 15e6 keeps N <= 8 at the
   * planned sizes on the lattice; past it the test becomes per-endpoint exact binomial tests with
   * Bonferroni, whose α holds at any size. The chi-square tail is never used: at small α it understates
   * the exact tail.
   */
  readonly exactLatticeWorkLimit: number;
  /**
   * Random mode: `fixed` runs one goodness-of-fit test on the planned sample; `sequential` feeds connections
   * to the anytime-valid Bayes-factor test, which stops as soon as the evidence suffices (docs/research/lb.md
   * §7.8).
   */
  readonly distributionTest: 'fixed' | 'sequential';
  /**
   * Goodness-of-fit statistic: Pearson's X^2 or the G statistic with Williams' correction
   * (docs/research/lb.md §7.2).
   */
  readonly goodnessOfFit: 'pearson' | 'g';
  /** Simulated runs per candidate sample size when power cannot be computed exactly (calibration). */
  readonly powerSimulationRuns: number;
  /** Seed of those simulations, so a plan is the same on every machine. */
  readonly powerSimulationSeed: number;
  /**
   * Round-robin sequence: tolerated violations (concurrent traffic on the node); 0 = exact
   * (docs/research/lb.md §7.5).
   */
  readonly roundRobinMaxViolations: number;
  /**
   * Seconds kept clear of the affinity timeout when grouping probes into one sticky window (ipvs +5 s,
   * docs/research/lb.md §7.6).
   */
  readonly affinitySlackSeconds: number;
}

export const DEFAULT_LB_OPTIONS: LbOptions = {
  familyAlpha: 1e-3,
  power: 0.9,
  effectRatio: 2,
  maxSamples: 3000,
  exactEnumerationLimit: 200_000,
  exactLatticeWorkLimit: 15_000_000,
  distributionTest: 'fixed',
  goodnessOfFit: 'pearson',
  powerSimulationRuns: 4000,
  powerSimulationSeed: 8,
  roundRobinMaxViolations: 0,
  affinitySlackSeconds: 5,
};

/** Defaults overlaid with the caller's choices; rejects values that make no statistical sense. */
export function lbOptions(overrides: Partial<LbOptions> = {}): LbOptions {
  const o: LbOptions = { ...DEFAULT_LB_OPTIONS, ...overrides };
  const open01 = (name: keyof LbOptions, v: number) => {
    if (!(v > 0 && v < 1)) throw new RangeError(`lb option ${name} must lie in (0, 1), got ${v}`);
  };
  open01('familyAlpha', o.familyAlpha);
  open01('power', o.power);
  if (!(o.effectRatio >= 0) || o.effectRatio === 1) {
    throw new RangeError(`lb option effectRatio must be >= 0 and not 1, got ${o.effectRatio}`);
  }
  for (const k of [
    'maxSamples',
    'exactEnumerationLimit',
    'exactLatticeWorkLimit',
    'powerSimulationRuns',
  ] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1)
      throw new RangeError(`lb option ${k} must be a positive integer`);
  }
  if (!Number.isInteger(o.roundRobinMaxViolations) || o.roundRobinMaxViolations < 0) {
    throw new RangeError('lb option roundRobinMaxViolations must be a non-negative integer');
  }
  if (!(o.affinitySlackSeconds >= 0)) throw new RangeError('lb option affinitySlackSeconds must be >= 0');
  return o;
}
