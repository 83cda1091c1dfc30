/** One hypothesis in a family: an id the caller chooses and its p-value. */
export interface HolmInput {
  readonly id: string;
  readonly pValue: number;
}

export interface HolmDecision {
  readonly id: string;
  readonly pValue: number;
  /** The level this p-value was compared with: familyAlpha / (m - rank + 1). */
  readonly threshold: number;
  /** Holm-adjusted p-value: reject exactly when it is <= familyAlpha. */
  readonly adjustedPValue: number;
  readonly reject: boolean;
}

/**
 * Holm's step-down procedure (Holm 1979; lb.md §7.7): controls the family-wise error rate at
 * `familyAlpha` under any dependence. Results come back in input order.
 */
export function holm(tests: readonly HolmInput[], familyAlpha: number): HolmDecision[] {
  if (!(familyAlpha > 0 && familyAlpha < 1))
    throw new RangeError(`familyAlpha must lie in (0, 1), got ${familyAlpha}`);
  const m = tests.length;
  const order = tests
    .map((_, i) => i)
    .sort((a, b) => (tests[a] as HolmInput).pValue - (tests[b] as HolmInput).pValue);
  const out = new Array<HolmDecision>(m);
  let stillRejecting = true;
  let runningMax = 0;
  order.forEach((index, rank) => {
    const t = tests[index] as HolmInput;
    const threshold = familyAlpha / (m - rank);
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * t.pValue));
    if (t.pValue > threshold) stillRejecting = false;
    out[index] = {
      id: t.id,
      pValue: t.pValue,
      threshold,
      adjustedPValue: runningMax,
      reject: stillRejecting,
    };
  });
  return out;
}
