/** One hypothesis in a family: an id the caller chooses and its p-value. */
export interface HolmInput {
  readonly id: string;
  readonly pValue: number;
}

export interface HolmDecision {
  readonly id: string;
  readonly pValue: number;
  /**
   * The level this p-value was compared with: familyAlpha / (m - rank + 1), rounded down to a double, so
   * that `pValue <= threshold` holds exactly when (m - rank + 1) · pValue <= familyAlpha.
   */
  readonly threshold: number;
  /** Holm-adjusted p-value, rounded up to a double: reject exactly when it is <= familyAlpha. */
  readonly adjustedPValue: number;
  readonly reject: boolean;
}

/**
 * Holm's step-down procedure (Holm 1979; docs/research/lb.md §7.7): controls the family-wise error rate at
 * `familyAlpha` under any dependence. Results come back in input order. Every comparison is
 * k · p <= familyAlpha evaluated exactly (not in rounded floating point), so `reject`, `threshold` and
 * `adjustedPValue` agree on ties such as p = α/3.
 */
export function holm(tests: readonly HolmInput[], familyAlpha: number): HolmDecision[] {
  if (!(familyAlpha > 0 && familyAlpha < 1))
    throw new RangeError(`familyAlpha must lie in (0, 1), got ${familyAlpha}`);
  for (const t of tests) {
    if (!(t.pValue >= 0 && t.pValue <= 1)) {
      throw new RangeError(`p-value of ${JSON.stringify(t.id)} must lie in [0, 1], got ${t.pValue}`);
    }
  }
  const m = tests.length;
  // Stable order by p-value, ties by input position, so the outcome never depends on the sort algorithm.
  const order = tests
    .map((_, i) => i)
    .sort((a, b) => (tests[a] as HolmInput).pValue - (tests[b] as HolmInput).pValue || a - b);
  const out = new Array<HolmDecision>(m);
  let stillRejecting = true;
  let runningMax = 0;
  order.forEach((index, rank) => {
    const t = tests[index] as HolmInput;
    const k = m - rank;
    runningMax = Math.max(runningMax, Math.min(1, productRoundedUp(k, t.pValue)));
    if (compareProduct(k, t.pValue, familyAlpha) > 0) stillRejecting = false;
    out[index] = {
      id: t.id,
      pValue: t.pValue,
      threshold: quotientRoundedDown(familyAlpha, k),
      adjustedPValue: runningMax,
      reject: stillRejecting,
    };
  });
  return out;
}

/** Sign of k·p - c computed exactly: the product as a sum of two doubles (Dekker's two-product). */
function compareProduct(k: number, p: number, c: number): number {
  const [hi, lo] = twoProduct(k, p);
  if (hi !== c) return hi < c ? -1 : 1;
  return Math.sign(lo);
}

/** The smallest double >= k·p. */
function productRoundedUp(k: number, p: number): number {
  const [hi, lo] = twoProduct(k, p);
  return lo > 0 ? nextUp(hi) : hi;
}

/** The largest double t with k·t <= c. */
function quotientRoundedDown(c: number, k: number): number {
  let t = c / k;
  while (compareProduct(k, t, c) > 0) t = nextDown(t);
  while (compareProduct(k, nextUp(t), c) <= 0) t = nextUp(t);
  return t;
}

const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp split)

function split(a: number): [number, number] {
  const t = SPLITTER * a;
  const hi = t - (t - a);
  return [hi, a - hi];
}

/** a·b = hi + lo exactly (Dekker 1971), for products far from overflow and underflow. */
function twoProduct(a: number, b: number): [number, number] {
  const hi = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  const lo = al * bl - (hi - ah * bh - al * bh - ah * bl);
  return [hi, lo];
}

const view = new DataView(new ArrayBuffer(8));

/** The next double above x (x finite and >= 0). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}

/** The next double below x (x finite and > 0). */
function nextDown(x: number): number {
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) - 1n);
  return view.getFloat64(0);
}
