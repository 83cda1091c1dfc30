import { lgamma } from './lgamma.ts';
import type { LbTestResult } from './testResult.ts';

/**
 * The anytime-valid sequential test of docs/research/lb.md §7.8: a Dirichlet(1)-mixture Bayes factor against
 * the predicted shares p0,
 *   BF_n = Γ(k) Π Γ(O_i + 1) / Γ(n + k) / Π p0_i^{O_i},
 * a nonnegative martingale under H0 with mean 1, so by Ville's inequality P_H0(∃n: BF_n >= 1/α) <= α.
 * Sampling may stop as soon as BF_n >= 1/α (reject) or at `maxSamples` (no evidence against H0), and
 * `1 / max BF` is an anytime-valid p-value that Holm may combine with others.
 */
export class SequentialUniformityTest {
  private readonly counts: number[];
  private readonly logShares: number[];
  private n = 0;
  private logBF = 0;
  private maxLogBF = 0;
  private readonly threshold: number;

  constructor(
    readonly shares: readonly number[],
    readonly alpha: number,
    readonly maxSamples: number,
  ) {
    if (shares.length < 1 || shares.some((p) => !(p > 0))) throw new RangeError('shares must all be > 0');
    const sum = shares.reduce((s, p) => s + p, 0);
    // Ville's bound needs BF to be a martingale under H0, which holds only for a probability vector.
    if (Math.abs(sum - 1) > 1e-9) throw new RangeError(`shares must sum to 1, got ${sum}`);
    if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie in (0, 1), got ${alpha}`);
    if (!Number.isInteger(maxSamples) || maxSamples < 1) {
      throw new RangeError(`maxSamples must be a positive integer, got ${maxSamples}`);
    }
    this.counts = new Array<number>(shares.length).fill(0);
    this.logShares = shares.map((p) => Math.log(p));
    this.threshold = Math.log(1 / alpha);
  }

  /** Record one new connection landing on category `index`. Returns true once the test has decided. */
  add(index: number): boolean {
    const k = this.counts.length;
    const o = this.counts[index];
    if (o === undefined) throw new RangeError(`category ${index} is outside 0..${k - 1}`);
    if (this.n >= this.maxSamples)
      throw new RangeError(`the test already used its ${this.maxSamples} samples`);
    // BF_{n+1} / BF_n = (O_i + 1) / (n + k) / p0_i: the Dirichlet posterior predictive over p0.
    this.logBF += logOf(o + 1) - logOf(this.n + k) - (this.logShares[index] as number);
    this.counts[index] = o + 1;
    this.n++;
    if (this.logBF > this.maxLogBF) this.maxLogBF = this.logBF;
    return this.done();
  }

  /** True when H0 is rejected or the sample budget is spent. */
  done(): boolean {
    return this.maxLogBF >= this.threshold || this.n >= this.maxSamples;
  }

  /** The log Bayes factor from scratch, to cross-check the running update. */
  static logBayesFactor(counts: readonly number[], shares: readonly number[]): number {
    const k = counts.length;
    const n = counts.reduce((s, c) => s + c, 0);
    let v = lgamma(k) - lgamma(n + k);
    for (let i = 0; i < k; i++) {
      const c = counts[i] as number;
      v += lgamma(c + 1) - c * Math.log(shares[i] as number);
    }
    return v;
  }

  result(): LbTestResult {
    const reject = this.maxLogBF >= this.threshold;
    return {
      test: 'sequential-bayes-factor',
      statistic: this.logBF,
      pValue: Math.min(1, Math.exp(-this.maxLogBF)),
      alpha: this.alpha,
      reject,
      samples: this.n,
      errorRate: { falseAlarm: this.alpha },
      method: `Dirichlet(1) mixture Bayes factor, stop at BF >= ${fmt(1 / this.alpha)} or ${this.maxSamples} samples (Ville)`,
    };
  }

  get observed(): readonly number[] {
    return this.counts;
  }
}

/** ln i for integers, from a table shared by every test (simulations add millions of samples). */
let logTable = new Float64Array(0);

function logOf(i: number): number {
  if (i >= logTable.length) {
    const grown = new Float64Array(Math.max(1024, 2 * logTable.length, i + 1));
    grown.set(logTable);
    for (let j = logTable.length; j < grown.length; j++) grown[j] = Math.log(j);
    logTable = grown;
  }
  return logTable[i] as number;
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
