/** What every LB test returns: enough to print, to gate with Holm, and to explain in a report. */
type LbTestName =
  | 'chi-square'
  | 'g-test'
  | 'sequential-bayes-factor'
  | 'round-robin-sequence'
  | 'affinity-constancy'
  | 'coverage'
  | 'endpoint-binomial';

export interface LbTestResult {
  readonly test: LbTestName;
  /**
   * The test statistic (X², G, log Bayes factor, violations, distinct endpoints, endpoints unseen; for
   * endpoint-binomial, the X² or G that was out of budget).
   */
  readonly statistic: number;
  /** Probability under the prediction of a result at least this extreme (an upper bound where stated). */
  readonly pValue: number;
  /** The level the decision used: `reject` is `pValue <= alpha`. Holm may later lower it. */
  readonly alpha: number;
  readonly reject: boolean;
  /** Number of observations the decision used. */
  readonly samples: number;
  /**
   * The stated error rates: `falseAlarm` bounds P(reject | the prediction holds); `miss`, when given, is
   * P(not reject | the named alternative).
   */
  readonly errorRate: {
    readonly falseAlarm: number;
    readonly miss?: number;
    readonly alternative?: string;
  };
  /** How the p-value was obtained, in a few words (e.g. "asymptotic chi-square, df=2"). */
  readonly method: string;
}
