import { expect, test } from 'vitest';
import { countByKind, KINDS_WORST_FIRST, kindRank, sortFindings } from './findingOrder.ts';
import { loadFixture } from './fixtures/load.ts';
import { withUndefinedFinding } from './fixtures/undefinedFinding.ts';

test('worst first: leak, block, mismatch/distribution, inconclusive, undefined (docs/design.md "Findings")', () => {
  expect(kindRank('leak')).toBeLessThan(kindRank('block'));
  expect(kindRank('block')).toBeLessThan(kindRank('mismatch'));
  expect(kindRank('mismatch')).toBe(kindRank('distribution'));
  expect(kindRank('distribution')).toBeLessThan(kindRank('inconclusive'));
  expect(kindRank('inconclusive')).toBeLessThan(kindRank('undefined'));
  const doc = withUndefinedFinding(loadFixture('full'));
  const reversed = [...doc.findings].reverse();
  const sorted = sortFindings(reversed).map((f) => f.kind);
  expect(new Set(sorted)).toEqual(new Set(KINDS_WORST_FIRST));
  const ranks = sorted.map(kindRank);
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  expect([...sorted].sort()).toEqual(doc.findings.map((f) => f.kind).sort());
  expect(sortFindings(reversed)).toEqual(sortFindings(doc.findings));
  const counts = { leak: 0, block: 0, mismatch: 0, distribution: 0, inconclusive: 0, undefined: 0 };
  for (const f of doc.findings) counts[f.kind] += 1;
  expect(counts.undefined).toBe(1);
  expect(countByKind(doc.findings)).toEqual(counts);
});
