import { expect, test } from 'vitest';
import { countByKind, kindRank, sortFindings } from './findingOrder.ts';
import { loadFixture } from './fixtures/load.ts';

test('worst first: leak, block, mismatch/distribution, inconclusive, undefined (docs/design.md "Findings")', () => {
  expect(kindRank('leak')).toBeLessThan(kindRank('block'));
  expect(kindRank('block')).toBeLessThan(kindRank('mismatch'));
  expect(kindRank('mismatch')).toBe(kindRank('distribution'));
  expect(kindRank('distribution')).toBeLessThan(kindRank('inconclusive'));
  expect(kindRank('inconclusive')).toBeLessThan(kindRank('undefined'));
  const doc = loadFixture('full');
  const reversed = [...doc.findings].reverse();
  expect(sortFindings(reversed).map((f) => f.kind)).toEqual([
    'leak',
    'block',
    'mismatch',
    'mismatch',
    'distribution',
    'inconclusive',
    'undefined',
  ]);
  expect(sortFindings(reversed)).toEqual(sortFindings(doc.findings));
  expect(countByKind(doc.findings)).toEqual({
    leak: 1,
    block: 1,
    mismatch: 2,
    distribution: 1,
    inconclusive: 1,
    undefined: 1,
  });
});
