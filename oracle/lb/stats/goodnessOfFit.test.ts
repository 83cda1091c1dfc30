import { describe, expect, test } from 'vitest';
import { goodnessOfFit, gStatistic, pearsonStatistic } from './goodnessOfFit.ts';
import { exactPearsonTail, reference } from './reference.test-helpers.ts';

const third = [1 / 3, 1 / 3, 1 / 3];
const opts = {
  alpha: 1e-3,
  statistic: 'pearson' as const,
  exactEnumerationLimit: 200_000,
  exactLatticeWorkLimit: 20_000_000,
};
const uniform = (n: number) => new Array<number>(n).fill(1 / n);

/**
 * A count vector (non-increasing) of N counts summing to K whose squares sum to S2, or undefined: a
 * depth-first search that keeps the rest feasible (the least and most sum of squares m counts, each at
 * most the last one placed, can have while summing to what is left).
 */
function vectorWithSquareSum(n: number, k: number, s2: number): number[] | undefined {
  const least = (m: number, r: number) => {
    const q = Math.floor(r / m);
    const extra = r - q * m;
    return q * q * (m - extra) + (q + 1) * (q + 1) * extra;
  };
  const most = (m: number, r: number, cap: number) => {
    const full = Math.min(m, Math.floor(r / cap));
    const rest = r - full * cap;
    return full * cap * cap + (full < m ? rest * rest : 0);
  };
  const counts: number[] = [];
  const walk = (m: number, r: number, q: number, cap: number): boolean => {
    if (m === 0) return r === 0 && q === 0;
    if (r > m * cap || q < least(m, r) || q > most(m, r, cap)) return false;
    for (let c = Math.min(cap, r); c * m >= r; c--) {
      counts.push(c);
      if (walk(m - 1, r - c, q - c * c, c)) return true;
      counts.pop();
    }
    return false;
  };
  return walk(n, k, s2, k) ? counts : undefined;
}

describe('goodness of fit (docs/research/lb.md §7.2)', () => {
  test('Pearson X² by hand; issue 15 item 2: G with Williams q = 1 + (k² - 1)/(6n(k - 1)) is 10.34996', () => {
    expect(pearsonStatistic([10, 20, 30], third)).toBeCloseTo(10, 12);
    // G = 2(10 ln 0.5 + 30 ln 1.5) = 10.464963 (SciPy power_divergence), q = 1 + 8/720 (was 1 + 8/1080).
    expect(gStatistic([10, 20, 30], third)).toBeCloseTo(reference.williamsG.gWilliams, 12);
    expect(gStatistic([10, 20, 30], third)).toBeCloseTo(10.34996, 5);
    expect(goodnessOfFit([10, 20, 30], third, { ...opts, statistic: 'g' }).statistic).toBeCloseTo(
      10.34996,
      5,
    );
  });

  test('exact p-values equal the enumerations of reference.json (rational arithmetic)', () => {
    for (const { counts, shares, statistic, pValue } of reference.exactTails) {
      const r = goodnessOfFit(counts, shares, { ...opts, statistic });
      expect(r.method).toMatch(/^exact multinomial tail \(/);
      expect(Math.abs(r.pValue - pValue) / pValue, `${statistic} ${counts}`).toBeLessThan(1e-12);
    }
  });

  test('past the enumeration limit the p-value is still at least the exact one (lattice), never the chi-square tail', () => {
    for (const { counts, shares, statistic, pValue, chiSquareTail } of reference.exactTails) {
      const r = goodnessOfFit(counts, shares, { ...opts, statistic, exactEnumerationLimit: 1 });
      expect(r.pValue).not.toBe(chiSquareTail);
      if (shares.every((p) => p === shares[0])) {
        expect(r.method).toMatch(/lattice/);
        expect(r.pValue, `${statistic} ${counts}`).toBeGreaterThanOrEqual(pValue);
      } else {
        // Unequal shares have no lattice: the per-endpoint binomial test, whose α holds at any size.
        expect(r.test).toBe('endpoint-binomial');
      }
    }
  });

  test('issue 15 item 1: 20 endpoints × 100 samples (9.7e7 partitions) and 200 endpoints (N! overflows) do not enumerate', () => {
    // Before, the partition estimate let both start an enumeration that runs for minutes (past this test's timeout).
    const twenty = goodnessOfFit([...new Array(19).fill(5), 5], uniform(20), opts);
    expect(twenty.method).not.toMatch(/^exact multinomial tail \(/);
    const skewed = goodnessOfFit([24, ...new Array(19).fill(4)], uniform(20), opts);
    expect(skewed.reject).toBe(true);
    const many = new Array<number>(200).fill(1);
    many[0] = 101;
    const wide = goodnessOfFit(many, uniform(200), opts);
    expect(wide.method).not.toMatch(/^exact multinomial tail \(/);
    expect(wide.reject).toBe(true);
    expect(goodnessOfFit([...new Array(14).fill(5), 5], uniform(15), opts).reject).toBe(false);
  });

  test.each(reference.pearsonNull.flatMap((ref) => ref.critical.map((c) => ({ ref, c }))))(
    'issue 15 item 5: false-alarm rate at N=$ref.endpoints, K=$ref.samples, α=$c.alpha is at most α (exact null)',
    ({ ref, c }) => {
      // Every grid value of X² (each a distinct S2 = Σ O²), tested through a count vector that has it; the
      // test rejects from some value on, and the exact tail there is the false-alarm rate. The chi-square
      // tail rejected from c.x on, where the exact tail is c.exactTail (1.14e-5 at N = 10, K = 540, α = 1e-5).
      const { endpoints: n, samples: k } = ref;
      let firstRejected: number | undefined;
      let accepted = 0;
      for (const [x] of ref.tail) {
        const counts = vectorWithSquareSum(n, k, Math.round(((x + k) * k) / n)); // X² = N S2 / K - K
        if (!counts) continue;
        // A work limit that lets the lattice run at every size here (N = 10 at 1e-5 needs about 4e7 steps).
        const r = goodnessOfFit(counts, uniform(n), { ...opts, alpha: c.alpha, exactLatticeWorkLimit: 1e9 });
        expect(r.method).toMatch(/^exact multinomial tail/);
        const exact = exactPearsonTail(ref.tail, pearsonStatistic(counts, uniform(n)));
        expect(r.pValue, `x=${x}`).toBeGreaterThanOrEqual(exact * (1 - 1e-9));
        if (r.reject && firstRejected === undefined) firstRejected = x;
        if (!r.reject) {
          accepted++;
          expect(firstRejected, `accepted x=${x} above a rejected value`).toBeUndefined();
        }
      }
      expect(accepted).toBeGreaterThan(0);
      expect(firstRejected).toBeDefined();
      expect(exactPearsonTail(ref.tail, firstRejected as number)).toBeLessThanOrEqual(c.alpha);
    },
  );

  test('a starved endpoint is rejected; an even split is not', () => {
    expect(goodnessOfFit([100, 100, 0], third, opts).reject).toBe(true);
    expect(goodnessOfFit([67, 66, 66], third, opts).reject).toBe(false);
  });

  test('docs/research/lb.md §7.1: a category the prediction gives probability 0 (errors, strangers) rejects with p = 0', () => {
    const r = goodnessOfFit([50, 50, 1], [0.5, 0.5, 0], opts);
    expect(r.pValue).toBe(0);
    expect(r.reject).toBe(true);
    expect(goodnessOfFit([50, 50, 0], [0.5, 0.5, 0], opts).reject).toBe(false);
  });

  test('reports its α and stated false-alarm rate; G-test names itself', () => {
    const r = goodnessOfFit([40, 60], [0.5, 0.5], { ...opts, statistic: 'g' });
    expect(r.test).toBe('g-test');
    expect(r.alpha).toBe(1e-3);
    expect(r.errorRate.falseAlarm).toBe(1e-3);
    expect(r.samples).toBe(100);
  });

  test('nothing to test with one endpoint; bad shares throw', () => {
    expect(goodnessOfFit([10], [1], opts).pValue).toBe(1);
    expect(() => goodnessOfFit([1, 2], [0.5, 0.6], opts)).toThrow(RangeError);
  });

  test('issue 15 item 7: NaN or negative shares and negative or fractional counts are errors', () => {
    expect(() => goodnessOfFit([1, 2], [Number.NaN, 1], opts)).toThrow(/shares/);
    expect(() => goodnessOfFit([1, 2], [1.5, -0.5], opts)).toThrow(/shares/);
    expect(() => goodnessOfFit([5, -1, 3], third, opts)).toThrow(/count 1/);
    expect(() => goodnessOfFit([5, 1.5, 3], third, opts)).toThrow(/count 1/);
    expect(() => goodnessOfFit([5, Number.NaN, 3], third, opts)).toThrow(/count 1/);
    expect(() => goodnessOfFit([5, 1, 3], third, { ...opts, alpha: Number.NaN })).toThrow(/alpha/);
  });
});
