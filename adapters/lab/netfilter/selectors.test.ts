// Label selector semantics: apimachinery labels.Selector / LabelSelectorAsSelector; docs/research/netpol.md
// §7.11–12.
import { describe, expect, test } from 'vitest';
import { selectorMatches, serviceSelectorMatches } from './selectors.ts';

describe('selectorMatches', () => {
  test('an empty selector matches every label set (docs/research/netpol.md §7.11)', () => {
    expect(selectorMatches({}, {})).toBe(true);
    expect(selectorMatches({}, { a: 'b' })).toBe(true);
  });

  test('matchLabels AND matchExpressions must all hold (docs/research/netpol.md §7.12)', () => {
    const sel = {
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['a', 'b'] }],
    };
    expect(selectorMatches(sel, { app: 'web', tier: 'a' })).toBe(true);
    expect(selectorMatches(sel, { app: 'web', tier: 'c' })).toBe(false);
    expect(selectorMatches(sel, { app: 'db', tier: 'a' })).toBe(false);
    expect(selectorMatches(sel, { tier: 'a' })).toBe(false);
  });

  test('NotIn and DoesNotExist match objects lacking the key; In and Exists do not (apimachinery Requirement.Matches)', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['1'] }] }, {})).toBe(
      true,
    );
    expect(
      selectorMatches({ matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['1'] }] }, { x: '1' }),
    ).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, {})).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, { x: '' })).toBe(
      false,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, { x: '' })).toBe(true);
    expect(
      selectorMatches({ matchExpressions: [{ key: 'x', operator: 'In', values: [''] }] }, { x: '' }),
    ).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'In', values: [''] }] }, {})).toBe(
      false,
    );
  });

  test('a label value "" is a value, not absence', () => {
    expect(selectorMatches({ matchLabels: { x: '' } }, { x: '' })).toBe(true);
    expect(selectorMatches({ matchLabels: { x: '' } }, {})).toBe(false);
  });
});

describe('serviceSelectorMatches', () => {
  test('an absent or empty Service selector selects no pod (core/v1 ServiceSpec.selector)', () => {
    expect(serviceSelectorMatches(undefined, { app: 'web' })).toBe(false);
    expect(serviceSelectorMatches({}, { app: 'web' })).toBe(false);
    expect(serviceSelectorMatches({ app: 'web' }, { app: 'web', x: '1' })).toBe(true);
    expect(serviceSelectorMatches({ app: 'web' }, { app: 'db' })).toBe(false);
  });
});
