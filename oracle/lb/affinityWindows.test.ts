import { describe, expect, test } from 'vitest';
import { affinityWindows } from './affinityWindows.ts';

describe('affinity windows (docs/research/lb.md §2.4: sliding timeout since the last new connection)', () => {
  test('gaps within timeout - slack stay in one window, even when the total span exceeds the timeout', () => {
    const s = [0, 50, 100, 150, 200].map((t) => ({ key: 'k', atSeconds: t, backend: 'a' }));
    expect(affinityWindows(s, 60, 5)).toEqual([['a', 'a', 'a', 'a', 'a']]);
  });

  test('a longer gap starts a new window; keys never mix', () => {
    const s = [
      { key: 'k', atSeconds: 0, backend: 'a' },
      { key: 'k', atSeconds: 10, backend: 'a' },
      { key: 'k', atSeconds: 70, backend: 'b' },
      { key: 'j', atSeconds: 5, backend: 'c' },
    ];
    expect(affinityWindows(s, 60, 5)).toEqual([['c'], ['a', 'a'], ['b']]);
  });
});
