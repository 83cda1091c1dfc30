import { describe, expect, test } from 'vitest';
import { evaluateServicePort, FAILED_CONNECTION } from './evaluate.ts';
import { webPod, webService } from './fixtures.test-helpers.ts';
import { DEFAULT_LB_OPTIONS } from './options.ts';
import { predictServicePort } from './predict.ts';

const pods = [webPod('a'), webPod('b'), webPod('c')];
const cycle = (n: number) => Array.from({ length: n }, (_, i) => `shop/${'abc'[i % 3]}`);

describe('evaluateServicePort: the tests that fit each prediction (docs/research/lb.md §5.2)', () => {
  test('random mode: goodness of fit and coverage; an even spread passes', () => {
    const p = predictServicePort({ service: webService(), port: 80, pods, mode: 'random' });
    const r = evaluateServicePort(p, { backends: cycle(199) }, 1e-3, DEFAULT_LB_OPTIONS);
    expect(r.map((x) => x.test)).toEqual(['chi-square', 'coverage']);
    expect(r.some((x) => x.reject)).toBe(false);
  });

  test('random mode: lb-skew (one endpoint never chosen) is rejected', () => {
    const p = predictServicePort({ service: webService(), port: 80, pods, mode: 'random' });
    const skewed = Array.from({ length: 199 }, (_, i) => `shop/${'ab'[i % 2]}`);
    const r = evaluateServicePort(p, { backends: skewed }, 1e-3, DEFAULT_LB_OPTIONS);
    expect(r.every((x) => x.reject)).toBe(true);
  });

  test('random mode, sequential: stops early on a starved endpoint', () => {
    const p = predictServicePort({ service: webService(), port: 80, pods, mode: 'random' });
    const skewed = Array.from({ length: 500 }, (_, i) => `shop/${'ab'[i % 2]}`);
    const [seq] = evaluateServicePort(p, { backends: skewed }, 1e-3, {
      ...DEFAULT_LB_OPTIONS,
      distributionTest: 'sequential',
    });
    expect(seq?.test).toBe('sequential-bayes-factor');
    expect(seq?.reject).toBe(true);
    expect(seq?.samples).toBeLessThan(100);
  });

  test('a failed connection is a category the prediction gives probability 0 (docs/research/lb.md §7.1)', () => {
    const p = predictServicePort({ service: webService(), port: 80, pods, mode: 'random' });
    const r = evaluateServicePort(p, { backends: [...cycle(198), null] }, 1e-3, DEFAULT_LB_OPTIONS);
    expect(r[0]?.pValue).toBe(0);
    expect(FAILED_CONNECTION).toMatch(/failed/);
  });

  test('round-robin: the sequence test and exact coverage', () => {
    const p = predictServicePort({ service: webService(), port: 80, pods, mode: 'round-robin' });
    const ok = evaluateServicePort(p, { backends: cycle(12) }, 1e-3, DEFAULT_LB_OPTIONS);
    expect(ok.map((x) => [x.test, x.reject])).toEqual([
      ['round-robin-sequence', false],
      ['coverage', false],
    ]);
    const skew = ['a', 'a', 'b', 'c', 'a', 'a', 'b', 'c'].map((x) => `shop/${x}`);
    expect(evaluateServicePort(p, { backends: skew }, 1e-3, DEFAULT_LB_OPTIONS)[0]?.reject).toBe(true);
  });

  test('affinity: constant windows pass, affinity-ignored fails', () => {
    const service = webService({ sessionAffinity: 'ClientIP', affinityTimeoutSeconds: 60 });
    const p = predictServicePort({
      service,
      port: 80,
      pods,
      mode: 'random',
      client: { ip: '10.0.0.9', node: 'n1' },
    });
    const key = p.affinity?.key as string;
    const timed = (bs: string[]) => bs.map((b, i) => ({ key, atSeconds: i, backend: `shop/${b}` }));
    expect(
      evaluateServicePort(p, { backends: [], timed: timed([...'bbbbbbbb']) }, 1e-3, DEFAULT_LB_OPTIONS)[0]
        ?.reject,
    ).toBe(false);
    expect(
      evaluateServicePort(p, { backends: [], timed: timed([...'bbbcbbbb']) }, 1e-3, DEFAULT_LB_OPTIONS)[0]
        ?.reject,
    ).toBe(true);
  });

  test('reject: any connection that reaches a backend is a finding', () => {
    const p = predictServicePort({ service: webService(), port: 80, pods: [], mode: 'random' });
    expect(evaluateServicePort(p, { backends: [null, null] }, 1e-3, DEFAULT_LB_OPTIONS)[0]?.reject).toBe(
      false,
    );
    expect(evaluateServicePort(p, { backends: [null, 'shop/a'] }, 1e-3, DEFAULT_LB_OPTIONS)[0]?.reject).toBe(
      true,
    );
  });
});
