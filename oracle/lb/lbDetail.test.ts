import { describe, expect, test } from 'vitest';
import { evaluateServicePort } from './evaluate.ts';
import { webPod, webService } from './fixtures.test-helpers.ts';
import { lbDetailOf } from './lbDetail.ts';
import { DEFAULT_LB_OPTIONS } from './options.ts';
import { predictServicePort } from './predict.ts';

// docs/design.md "Findings": LB findings carry counts, expected shares, the statistic and the p-value.
describe('lbDetailOf', () => {
  test('counts every eligible endpoint (zeros included) and failed connections', () => {
    const p = predictServicePort({
      service: webService(),
      port: 80,
      pods: [webPod('a'), webPod('b')],
      mode: 'random',
    });
    const obs = { backends: ['shop/a', 'shop/a', null] };
    const [r] = evaluateServicePort(p, obs, 1e-3, DEFAULT_LB_OPTIONS);
    const d = lbDetailOf(p, obs, r!, 5e-4);
    expect(d.counts).toEqual({ 'shop/a': 2, 'shop/b': 0, '(failed)': 1 });
    expect(d.expectedShares).toEqual({ 'shop/a': 0.5, 'shop/b': 0.5 });
    expect(d).toMatchObject({
      service: 'shop/web',
      port: 80,
      mode: 'random',
      test: 'chi-square',
      pValue: 0,
      alpha: 5e-4,
    });
  });
});
