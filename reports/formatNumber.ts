/** Number formatting shared by the renderers: short statistics and p-values, percentages. */
/** Short numbers for p-values and statistics: 3 significant digits, exponent when tiny. */
export function formatNumber(n: number | null): string {
  // JSON has no Infinity: an infinite statistic (counts where none may be) comes back as null.
  if (n === null || n === Number.POSITIVE_INFINITY) return '∞';
  if (!Number.isFinite(n)) return String(n);
  if (n !== 0 && Math.abs(n) < 1e-3) return n.toExponential(1);
  return String(Number(n.toPrecision(3)));
}

/** A share as a percentage with one decimal: `0.3333` → `33.3%`. */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
