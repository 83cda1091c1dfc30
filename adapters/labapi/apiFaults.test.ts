// `--api-faults`: parsing (bad input is exit 2), counts and seeded rates, and what each fault does.
import { describe, expect, test } from 'vitest';
import { PodnetInputError } from '../../spec/errors.ts';
import { ApiFaults, formatApiFaults, parseApiFaults } from './apiFaults.ts';
import { startPlainApi } from './testing/plainApi.ts';

describe('parseApiFaults', () => {
  test('rates, counts, parameters and a seed; the text form round-trips', () => {
    const plan = parseApiFaults(
      'throttle=5%:2,error=3,slow=10%:500ms,watch-drop=1:2s,exec-cut=2:64b,never-ready=1,seed=7',
    );
    expect(plan.seed).toBe(7);
    expect(plan.faults).toEqual([
      { name: 'throttle', rate: 0.05, param: 2 },
      { name: 'error', count: 3 },
      { name: 'slow', rate: 0.1, param: 500 },
      { name: 'watch-drop', count: 1, param: 2000 },
      { name: 'exec-cut', count: 2, param: 64, paramIsBytes: true },
      { name: 'never-ready', count: 1 },
    ]);
    expect(parseApiFaults(formatApiFaults(plan))).toEqual(plan);
  });

  test.each(['bogus=1', 'throttle', 'throttle=0%', 'throttle=150%', 'error=1:5', 'slow=2:fast', 'seed=x'])(
    '"%s" is refused with a PodnetInputError naming --api-faults',
    (text) => {
      let e: unknown;
      try {
        parseApiFaults(text);
      } catch (error) {
        e = error;
      }
      expect(e).toBeInstanceOf(PodnetInputError);
      expect((e as PodnetInputError).exitCode).toBe(2);
      expect((e as PodnetInputError).message).toContain('--api-faults');
    },
  );
});

describe('ApiFaults', () => {
  const resource = { method: 'GET', path: '/api/v1/pods', watch: false };

  test('a count hits exactly the first N eligible requests; discovery is never eligible', async () => {
    const f = new ApiFaults(parseApiFaults('error=2'), 1);
    expect(await f.beforeRequest({ method: 'GET', path: '/api', watch: false })).toBeUndefined();
    expect(await f.beforeRequest({ method: 'GET', path: '/version', watch: false })).toBeUndefined();
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await f.beforeRequest(resource))?.code);
    expect(results).toEqual([500, 500, undefined, undefined, undefined]);
    expect(f.hits.error).toBe(2);
  });

  test('a rate is seeded: the same seed hits the same requests, and about the rate of them', async () => {
    const run = async (seed: number) => {
      const f = new ApiFaults(parseApiFaults(`throttle=20%,seed=${seed}`), 0);
      const out: (number | undefined)[] = [];
      for (let i = 0; i < 500; i++) out.push((await f.beforeRequest(resource))?.code);
      return out;
    };
    const a = await run(3);
    expect(await run(3)).toEqual(a);
    const hits = a.filter((c) => c === 429).length;
    // Binomial(500, 0.2): mean 100, sd ~9; 60..140 is more than 4 sd either side.
    expect(hits).toBeGreaterThan(60);
    expect(hits).toBeLessThan(140);
  });

  test('throttle answers 429 with Retry-After over HTTP; never-ready is decided once per pod', async () => {
    const faults = new ApiFaults(parseApiFaults('throttle=1:3,never-ready=1'), 0);
    const api = await startPlainApi({ faults });
    try {
      const r = await api.call('GET', '/api/v1/pods');
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('3');
      expect(await r.json()).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
      expect((await api.call('GET', '/api/v1/pods')).status).toBe(200);
    } finally {
      await api.close();
    }
    expect(faults.neverReady('uid-1')).toBe(true);
    expect(faults.neverReady('uid-1')).toBe(true);
    expect(faults.neverReady('uid-2')).toBe(false);
  });

  test('exec-cut gives the exec half its switch', () => {
    expect(new ApiFaults(parseApiFaults('exec-cut=1'), 0).execCut()).toEqual({ afterBytes: 64 });
    expect(new ApiFaults(parseApiFaults('exec-cut=1:250ms'), 0).execCut()).toEqual({ afterMs: 250 });
  });
});
