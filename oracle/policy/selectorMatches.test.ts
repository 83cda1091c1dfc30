// Kubernetes apimachinery label selector semantics (docs/research/netpol.md §7 rule 12).
import { describe, expect, test } from 'vitest';
import { describeSelector, selectorMatches } from './selectorMatches.ts';

describe('selectorMatches', () => {
  test('an empty selector matches everything, including objects without labels', () => {
    expect(selectorMatches({}, {})).toBe(true);
    expect(selectorMatches({ matchLabels: {}, matchExpressions: [] }, { a: 'b' })).toBe(true);
  });

  test('matchLabels AND matchExpressions', () => {
    const s = {
      matchLabels: { app: 'db' },
      matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['a'] }],
    };
    expect(selectorMatches(s, { app: 'db', tier: 'a' })).toBe(true);
    expect(selectorMatches(s, { app: 'db', tier: 'b' })).toBe(false);
    expect(selectorMatches(s, { tier: 'a' })).toBe(false);
  });

  test('NotIn and DoesNotExist match objects that lack the key; In and Exists do not', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'k', operator: 'NotIn', values: ['v'] }] }, {})).toBe(
      true,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'k', operator: 'DoesNotExist' }] }, {})).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'k', operator: 'In', values: ['v'] }] }, {})).toBe(
      false,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'k', operator: 'Exists' }] }, {})).toBe(false);
  });

  test('the empty string is a value like any other', () => {
    expect(selectorMatches({ matchLabels: { k: '' } }, { k: '' })).toBe(true);
    expect(selectorMatches({ matchLabels: { k: '' } }, {})).toBe(false);
    expect(
      selectorMatches({ matchExpressions: [{ key: 'k', operator: 'In', values: [''] }] }, { k: '' }),
    ).toBe(true);
  });

  test('describes selectors in plain words', () => {
    expect(describeSelector({})).toBe('{} (everything)');
    expect(
      describeSelector({
        matchLabels: { pod: 'b' },
        matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x'] }],
      }),
    ).toBe('pod=b, ns NotIn [x]');
  });
});
