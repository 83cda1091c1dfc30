import { binomialCdf, binomialUpperTail } from './binomial.ts';

/**
 * The per-endpoint view of docs/research/lb.md §7.2: each endpoint's count O_i ~ Binomial(K, p_i) under the
 * prediction, tested two-sided and exactly, min(1, 2·min(P(X <= O_i), P(X >= O_i))), and the smallest of the
 * N p-values times N (Bonferroni). Its false-alarm rate is at most α at every N and K (union bound over
 * endpoints, each exact test conservative), and it costs O(N · spread of X). `goodnessOfFit` falls back to it
 * where the exact tail of X² or G is out of budget, rather than use the chi-square tail, which overstates
 * small p-values (issue 15, item 5).
 */
export function endpointBinomialPValue(counts: readonly number[], shares: readonly number[]): number {
  const total = counts.reduce((s, c) => s + c, 0);
  let smallest = 1;
  for (let i = 0; i < counts.length; i++) {
    smallest = Math.min(smallest, twoSidedBinomial(counts[i] as number, total, shares[i] as number));
  }
  return Math.min(1, counts.length * smallest);
}

/** Exact two-sided binomial p-value, doubling the smaller tail. */
export function twoSidedBinomial(count: number, total: number, share: number): number {
  return Math.min(1, 2 * Math.min(binomialCdf(count, total, share), binomialUpperTail(count, total, share)));
}

/**
 * The counts one endpoint with share `share` may hold without rejecting at level alpha among `endpoints`
 * endpoints: [low, high]; the test rejects when any endpoint's count lies outside its range.
 */
export function endpointAcceptanceRange(
  total: number,
  share: number,
  endpoints: number,
  alpha: number,
): { low: number; high: number } {
  const rejects = (c: number) => endpoints * twoSidedBinomial(c, total, share) <= alpha;
  const mode = Math.min(total, Math.floor((total + 1) * share));
  if (rejects(mode)) return { low: mode + 1, high: mode - 1 }; // empty: every count rejects
  // The p-value falls away from the mode on each side: bisect for the last accepted count.
  const edge = (from: number, to: number) => {
    let inside = from;
    let outside = to;
    if (!rejects(outside)) return outside;
    while (Math.abs(outside - inside) > 1) {
      const mid = Math.floor((inside + outside) / 2);
      if (rejects(mid)) outside = mid;
      else inside = mid;
    }
    return inside;
  };
  return { low: edge(mode, 0), high: edge(mode, total) };
}
