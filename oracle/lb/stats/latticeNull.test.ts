import { describe, expect, test } from 'vitest';
import type { AdditiveStatistic } from './exactMultinomial.ts';
import { nullDistribution, tailAt } from './exactMultinomial.ts';
import { additiveStatistic } from './goodnessOfFit.ts';
import { LATTICE_ABSOLUTE_ERROR, latticeIndex, latticeNull, latticeStep } from './latticeNull.ts';
import { exactPearsonTail, reference } from './reference.test-helpers.ts';

const uniform = (n: number) => new Array<number>(n).fill(1 / n);

describe('lattice null: the exact tail of X² or G rounded up to a lattice (conditional Poisson)', () => {
  test.each([
    [3, 60, 'pearson'],
    [4, 40, 'pearson'],
    [5, 30, 'g'],
    [6, 30, 'pearson'],
    [2, 101, 'g'],
    [7, 35, 'g'],
  ] as const)('N=%i K=%i %s: exact tail at x <= lattice tail <= exact tail at x - Nδ', (n, k, kind) => {
    const stat = additiveStatistic(kind, k, uniform(n));
    const exact = nullDistribution(k, uniform(n), stat as AdditiveStatistic, 1e7);
    if (!exact || !stat.lattice) throw new Error('small case');
    const step = latticeStep(n);
    const top = exact.values[exact.values.length - 1] as number;
    const lattice = latticeNull(k, n, stat.lattice, latticeIndex(top, step) + 1, 1e12);
    if (!lattice) throw new Error('within the work limit');
    for (let i = 0; i < exact.values.length; i += Math.max(1, Math.floor(exact.values.length / 200))) {
      const x = exact.values[i] as number;
      const p = lattice.tailFrom(latticeIndex(x - 1e-9 * x, step));
      expect(p).toBeGreaterThanOrEqual(tailAt(exact, x) * (1 - 1e-10));
      expect(p).toBeLessThanOrEqual(tailAt(exact, x - n * step) * (1 + 1e-10) + 2 * LATTICE_ABSOLUTE_ERROR);
    }
  });

  test('at planner sizes: within the exact Pearson tails of reference.json (N = 10, K = 540; N = 5, K = 420)', () => {
    for (const ref of reference.pearsonNull.filter((r) => r.samples % r.endpoints === 0 && r.samples > 200)) {
      const { endpoints: n, samples: k } = ref;
      const stat = additiveStatistic('pearson', k, uniform(n)).lattice;
      if (!stat) throw new Error('uniform');
      const step = latticeStep(n);
      const xs = ref.tail.map(([x]) => x);
      const lattice = latticeNull(k, n, stat, latticeIndex(Math.max(...xs), step) + 1, 1e12);
      if (!lattice) throw new Error('within the work limit');
      for (const [x, exact] of ref.tail) {
        const p = lattice.tailFrom(latticeIndex(x - 1e-9 * x, step));
        expect(p, `N=${n} x=${x}`).toBeGreaterThanOrEqual(exact * (1 - 1e-9));
        if (x - n * step > (xs[0] as number)) {
          expect(p).toBeLessThanOrEqual(exactPearsonTail(ref.tail, x - n * step) * (1 + 1e-9) + 2e-12);
        }
      }
    }
  });

  test('refuses when the work would pass the limit, before computing anything', () => {
    const stat = additiveStatistic('pearson', 540, uniform(10)).lattice;
    if (!stat) throw new Error('uniform');
    expect(latticeNull(540, 10, stat, 2000, 1e6)).toBeUndefined();
    const done = latticeNull(540, 10, stat, 2000, 1e9);
    expect(done?.work).toBeGreaterThan(1e6);
  });
});
