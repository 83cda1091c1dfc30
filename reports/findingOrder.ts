/** How bad each kind of finding is, and the order every renderer lists findings in (worst first). */
import type { Finding } from '../spec/results.ts';
import type { FindingKind } from '../spec/verdict.ts';

/** Every kind, worst first: a leak is a security failure, a block an availability failure. */
export const KINDS_WORST_FIRST: readonly FindingKind[] = [
  'leak',
  'block',
  'mismatch',
  'distribution',
  'inconclusive',
  'undefined',
];

const RANK: Readonly<Record<FindingKind, number>> = {
  leak: 0,
  block: 1,
  mismatch: 2,
  distribution: 2,
  inconclusive: 3,
  undefined: 4,
};

/** Lower is worse. Mismatch and distribution share a rank (both are "the target differs"). */
export function kindRank(kind: FindingKind): number {
  return RANK[kind];
}

/** Kinds that make a run fail (inconclusive is machinery, undefined is not judged). */
export function isFailureKind(kind: FindingKind): boolean {
  return kind === 'leak' || kind === 'block' || kind === 'mismatch' || kind === 'distribution';
}

/**
 * Findings worst first, then by area (in `areaOrder`, the document's own; others after, by name), rule and
 * id, so the order is the same for the same document.
 */
export function sortFindings(findings: readonly Finding[], areaOrder: readonly string[] = []): Finding[] {
  const rank = (area: string): number => {
    const i = areaOrder.indexOf(area);
    return i < 0 ? areaOrder.length : i;
  };
  return [...findings].sort(
    (a, b) =>
      kindRank(a.kind) - kindRank(b.kind) ||
      rank(a.area) - rank(b.area) ||
      compare(a.area, b.area) ||
      compare(a.rule, b.rule) ||
      compare(a.id, b.id),
  );
}

/** Count findings per kind (every kind present, zero when none). */
export function countByKind(findings: readonly Finding[]): Record<FindingKind, number> {
  const counts: Record<FindingKind, number> = {
    leak: 0,
    block: 0,
    mismatch: 0,
    distribution: 0,
    inconclusive: 0,
    undefined: 0,
  };
  for (const f of findings) counts[f.kind] += 1;
  return counts;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
