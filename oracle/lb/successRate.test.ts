import { describe, expect, test } from 'vitest';
import { webPod, webService } from './fixtures.test-helpers.ts';
import { predictServicePort } from './predict.ts';
import { expectedSuccess } from './successRate.ts';

const pods = [webPod('a'), webPod('b'), webPod('c')];
const allowed = new Set(['shop/a']);

// docs/design.md "Semantic profile": policy is evaluated on the backend chosen after DNAT.
describe('expected success when policy admits only some backends', () => {
  test('random: each connection succeeds with |allowed|/|eligible|', () => {
    const p = predictServicePort({ service: webService(), port: 80, pods, mode: 'random' });
    expect(expectedSuccess(p, allowed)).toEqual({
      rate: 1 / 3,
      allowed: ['shop/a'],
      blocked: ['shop/b', 'shop/c'],
      pattern: 'independent',
    });
  });

  test('round-robin: exactly one in every cycle of three', () => {
    const p = predictServicePort({ service: webService(), port: 80, pods, mode: 'round-robin' });
    expect(expectedSuccess(p, allowed).pattern).toBe('cycle');
  });

  test('affinity: outcomes are shared within a sticky window', () => {
    const p = predictServicePort({
      service: webService({ sessionAffinity: 'ClientIP' }),
      port: 80,
      pods,
      mode: 'random',
    });
    expect(expectedSuccess(p, allowed)).toMatchObject({ rate: 1 / 3, pattern: 'sticky' });
  });

  test('no endpoint: nothing succeeds', () => {
    const p = predictServicePort({ service: webService(), port: 80, pods: [], mode: 'random' });
    expect(expectedSuccess(p, allowed)).toMatchObject({ rate: 0, pattern: 'none' });
  });
});
