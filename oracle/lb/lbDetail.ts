import type { LbDetail } from '../../spec/results.ts';
import type { LbObservation } from './evaluate.ts';
import { FAILED_CONNECTION } from './evaluate.ts';
import type { ServicePortPrediction } from './predict.ts';
import type { LbTestResult } from './stats/testResult.ts';

/**
 * The results-document record of one test (`spec/results.ts` LbDetail): counts per backend (failed
 * connections under `(failed)`), the predicted shares, the statistic, the p-value and the α used.
 * Pass the Holm threshold as `alpha` once the family has been corrected.
 */
export function lbDetailOf(
  prediction: ServicePortPrediction,
  observation: LbObservation,
  result: LbTestResult,
  alpha: number = result.alpha,
): LbDetail {
  const counts: Record<string, number> = {};
  for (const m of prediction.eligible.endpoints) counts[m.pod] = 0;
  const backends = observation.timed ? observation.timed.map((s) => s.backend) : observation.backends;
  for (const b of backends) {
    const k = b ?? FAILED_CONNECTION;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  const nc = prediction.newConnections;
  const expectedShares: Record<string, number> =
    nc.kind === 'uniform'
      ? { ...nc.shares }
      : nc.kind === 'cycle'
        ? Object.fromEntries(nc.members.map((m) => [m, 1 / nc.period]))
        : {};
  return {
    service: prediction.service,
    port: prediction.port,
    mode: prediction.affinity ? `${prediction.mode}+ClientIP` : prediction.mode,
    test: result.test,
    counts,
    expectedShares,
    statistic: result.statistic,
    pValue: result.pValue,
    alpha,
  };
}
