import { describe, expect, test } from 'vitest';
import { KINDS } from '../types.ts';
import { allCases } from './index.ts';

const ctx = { root: '/r', work: '/r/work', canary: '/r/canary', path: (n: string) => `/r/work/${n}` };

describe('the hostile cases', () => {
  test('issue 14 asks for at least 200 inputs; every kind but the skipped shared-machine one has cases', () => {
    const cases = allCases();
    expect(cases.length).toBeGreaterThanOrEqual(220);
    for (const kind of KINDS) expect(cases.filter((c) => c.kind === kind).length).toBeGreaterThan(0);
  });

  test('about 20 good inputs must succeed, so a fix that refuses everything is caught', () => {
    const controls = allCases().filter((c) => c.kind === 'controls');
    expect(controls.length).toBeGreaterThanOrEqual(20);
    const mustSucceed = controls.filter((c) => {
      const exits = typeof c.expect.exit === 'number' ? [c.expect.exit] : c.expect.exit;
      return exits.every((e) => e === 0 || e === 1);
    });
    expect(mustSucceed.length).toBeGreaterThanOrEqual(20);
  });

  test('the same cases, in the same order, with the same command lines every run', () => {
    const line = (c: ReturnType<typeof allCases>[number]) => `${c.kind}|${c.name}|${c.argv(ctx).join(' ')}`;
    expect(allCases().map(line)).toEqual(allCases().map(line));
  });

  test('only the replay control may build a lab', () => {
    expect(
      allCases()
        .filter((c) => c.expect.labAllowed)
        .map((c) => c.name),
    ).toEqual(['replay a valid finding on a fresh lab']);
  });

  test('every bad input names what must be in the error', () => {
    const bad = allCases().filter((c) => {
      const exits = typeof c.expect.exit === 'number' ? [c.expect.exit] : c.expect.exit;
      return !exits.includes(0) && !exits.includes(1);
    });
    const unnamed = bad.filter((c) => (c.expect.stderr ?? []).length === 0).map((c) => c.name);
    // Usage with no command prints the usage (on stdout), which names nothing in particular.
    expect(unnamed).toEqual(['no command at all', '--max-input-size and no command']);
  });
});
