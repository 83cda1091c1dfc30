/** One judged LB test of one scenario: what the area gates with Holm and turns into findings and histograms. */
import type { LbFeature } from '../../../spec/coverageFeatures.ts';
import type { ObjectKey } from '../../../spec/model.ts';
import type { LbDetail, ProbeDescription } from '../../../spec/results.ts';
import type { ProxyMode } from '../../../spec/target.ts';
import type { FindingKind } from '../../../spec/verdict.ts';

export type LbRule = 'LB-UNIFORM' | 'LB-RR-CYCLE' | 'LB-AFFINITY' | 'LB-NO-ENDPOINT-REJECT' | 'LB-ELIGIBLE';

export interface LbCheckResult {
  /** The test's name (`chi-square`, `round-robin-sequence`, `binomial-success-rate`, …). */
  readonly test: string;
  readonly statistic: number;
  /** Under the prediction; 0 or 1 for exact tests. */
  readonly pValue: number;
  readonly samples: number;
  /** Stated P(reject | prediction holds) at the level the test was sized for; 0 for exact tests. */
  readonly falseAlarm: number;
  /** P(pass | the alternative it was sized against), when known. */
  readonly miss?: number;
  readonly alternative?: string;
  readonly method: string;
}

export interface LbCheck {
  /** Unique within the scenario: `ns/svc:port rule scope`. */
  readonly id: string;
  readonly rule: LbRule;
  readonly service: ObjectKey;
  readonly port: number;
  readonly mode: ProxyMode;
  /** Whose connections: `all clients`, `node node-1`, `client lb/c1`, `clients lb/c1,lb/c3`. */
  readonly scope: string;
  readonly result: LbCheckResult;
  /** Enters Holm's family (its p-value is a real tail probability); exact tests (p in {0,1}) do not. */
  readonly statistical: boolean;
  /** The finding kind when it rejects. */
  readonly kind: FindingKind;
  /** Counts and expected shares; `alpha` is filled in once the family is corrected. */
  readonly detail: Omit<LbDetail, 'alpha'>;
  readonly expected: string;
  readonly observed: string;
  readonly explanation: readonly string[];
  readonly probe: ProbeDescription;
  /** Drawn as a histogram in the report (coverage tests share their counts with the main test). */
  readonly histogram: boolean;
  /** Connections of this test that timed out: a rejection that rests on them is retested before it counts. */
  readonly timeouts: number;
  /** The features its prediction rested on (coverage: spec/coverageFeatures.ts, area lb). */
  readonly features: readonly LbFeature[];
}

/** Whether an exact check failed, or a statistical one at the per-test level used during the search. */
export function rejectsAt(check: LbCheck, alphaPerTest: number): boolean {
  return check.statistical ? check.result.pValue <= alphaPerTest : check.result.pValue === 0;
}
