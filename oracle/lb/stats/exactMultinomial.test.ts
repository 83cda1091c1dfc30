import { describe, expect, test } from 'vitest';
import { binomialUpperTail } from './binomial.ts';
import { exactMultinomialTail, forEachComposition, uniformNullDistribution } from './exactMultinomial.ts';
import { pearsonStatistic } from './goodnessOfFit.ts';

const pearsonUniform = (n: number) => (c: readonly number[]) => pearsonStatistic(c, new Array(n).fill(1 / n));

describe('exact multinomial tail', () => {
  test('N = 2 by hand: P(X² >= 6.4) for K = 10 is P(O1 in {0,1,9,10}) = 22/1024', () => {
    expect(exactMultinomialTail(10, [0.5, 0.5], pearsonUniform(2), 'pearson', 6.4, 1e6)).toBeCloseTo(
      22 / 1024,
      14,
    );
  });

  test('the smallest statistic has tail 1 (partition probabilities sum to 1)', () => {
    const dist = uniformNullDistribution(30, 4, pearsonUniform(4), 'pearson-test', 1e6);
    expect(dist).toBeDefined();
    expect(dist?.tail[0]).toBeCloseTo(1, 12);
  });

  test('partitions (uniform) and compositions give the same tail', () => {
    const stat = pearsonUniform(3);
    let byCompositions = 0;
    forEachComposition(12, [1 / 3, 1 / 3, 1 / 3], (c, logP) => {
      if (stat(c) >= 4.5 - 1e-9) byCompositions += Math.exp(logP);
    });
    expect(exactMultinomialTail(12, [1 / 3, 1 / 3, 1 / 3], stat, 'pearson', 4.5, 1e6)).toBeCloseTo(
      byCompositions,
      13,
    );
  });

  test('non-uniform shares enumerate compositions: a count statistic gives the binomial tail', () => {
    const p = exactMultinomialTail(20, [0.3, 0.7], (c) => c[0] as number, 'first-count', 9, 1e6);
    expect(p).toBeCloseTo(binomialUpperTail(9, 20, 0.3), 13);
  });

  test('gives up beyond the enumeration limit', () => {
    expect(
      exactMultinomialTail(1000, [0.2, 0.2, 0.2, 0.2, 0.2], pearsonUniform(5), 'pearson', 3, 1000),
    ).toBeUndefined();
  });
});
