import { describe, expect, test } from 'vitest';
import { binomialUpperTail } from './binomial.ts';
import type { AdditiveStatistic } from './exactMultinomial.ts';
import { exactMultinomialTail, forEachComposition, nullDistribution } from './exactMultinomial.ts';
import { pearsonStatistic } from './goodnessOfFit.ts';

const pearsonUniform = (k: number, n: number): AdditiveStatistic => ({
  key: `pearson-test|${n}`,
  term: (_i, c) => ((c - k / n) * (c - k / n)) / (k / n),
});
const uniform = (n: number) => new Array<number>(n).fill(1 / n);

describe('exact multinomial tail', () => {
  test('N = 2 by hand: P(X² >= 6.4) for K = 10 is P(O1 in {0,1,9,10}) = 22/1024', () => {
    expect(exactMultinomialTail(10, [0.5, 0.5], pearsonUniform(10, 2), 6.4, 1e6)).toBeCloseTo(22 / 1024, 14);
  });

  test('the smallest statistic has tail 1 (partition probabilities sum to 1)', () => {
    const dist = nullDistribution(30, uniform(4), pearsonUniform(30, 4), 1e6);
    expect(dist).toBeDefined();
    expect(dist?.tail[0]).toBeCloseTo(1, 12);
  });

  test('partitions (uniform) and compositions give the same tail', () => {
    let byCompositions = 0;
    forEachComposition(12, uniform(3), (c, logP) => {
      if (pearsonStatistic(c, uniform(3)) >= 4.5 - 1e-9) byCompositions += Math.exp(logP);
    });
    expect(exactMultinomialTail(12, uniform(3), pearsonUniform(12, 3), 4.5, 1e6)).toBeCloseTo(
      byCompositions,
      13,
    );
  });

  test('non-uniform shares enumerate compositions: a count statistic gives the binomial tail', () => {
    const first: AdditiveStatistic = { key: 'first-count', term: (i, c) => (i === 0 ? c : 0) };
    expect(exactMultinomialTail(20, [0.3, 0.7], first, 9, 1e6)).toBeCloseTo(
      binomialUpperTail(9, 20, 0.3),
      13,
    );
  });

  test('gives up beyond the enumeration limit, counted exactly and whatever is cached', () => {
    const stat = pearsonUniform(1000, 5);
    expect(exactMultinomialTail(1000, uniform(5), stat, 3, 1000)).toBeUndefined();
    // p(40, 4) = 297 + … : built once with a large limit, then refused under a small one.
    expect(nullDistribution(40, uniform(4), pearsonUniform(40, 4), 1e6)).toBeDefined();
    expect(nullDistribution(40, uniform(4), pearsonUniform(40, 4), 10)).toBeUndefined();
  });
});
