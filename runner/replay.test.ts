// What `podnet replay` takes from a results file, checked before any lab exists.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scenarioArb } from '../generators/scenario.ts';
import { PodnetInputError } from '../spec/errors.ts';
import { checkReplayScenario } from '../spec/replayScenario.ts';
import type { ResultsDocument } from '../spec/results.ts';
import { parseResultsText } from '../spec/resultsFile.ts';
import { DEFAULT_RUN_OPTIONS } from './options.ts';
import { planReplay, REPLAY_OPTION_BOUNDS } from './replay.ts';

const RUN_LEAK = fileURLToPath(new URL('../spec/fixtures/run-leak.json', import.meta.url));
const TEXT = readFileSync(RUN_LEAK, 'utf8');
const LEAK = JSON.parse(TEXT) as Record<string, unknown> & { options: Record<string, unknown> };

/** The leak document with `change` applied, read through the results reader. */
function doc(
  change: (d: Record<string, unknown> & { options: Record<string, unknown> }) => void = () => {},
): ResultsDocument {
  const copy = structuredClone(LEAK);
  change(copy);
  return parseResultsText(JSON.stringify(copy), 'r.json');
}

function errorOf(run: () => unknown): PodnetInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof PodnetInputError) return error;
    throw error;
  }
  throw new Error('expected a PodnetInputError');
}

describe('planReplay', () => {
  test('the leak `podnet run` found: its scenario, its lab faults, its seed, areas, profile and timeouts', () => {
    const plan = planReplay(doc(), 'r.json');
    expect(plan.finding.id).toBe('F1');
    const written = (LEAK.findings as { scenario: Record<string, unknown> }[])[0]?.scenario;
    // The file carries traffic.mode, which podnet wrote until it left the scenario; replay drops it.
    expect(plan.finding.scenario).toEqual({ ...written, traffic: { viaServices: false } });
    expect(plan.faults).toEqual(['egress-ignored']);
    expect(plan.options).toEqual({
      ...DEFAULT_RUN_OPTIONS,
      seed: 3,
      areas: ['policy', 'model'],
      profile: LEAK.profile,
      probeTimeoutMs: 2000,
      convergeTimeoutMs: 4000,
    });
  });

  test('a finding by id; an unknown id lists the ids there are', () => {
    expect(planReplay(doc(), 'r.json', 'F1').finding.rule).toBe('NP-EGRESS-ISOLATION');
    const e = errorOf(() => planReplay(doc(), 'r.json', 'F9\u001b[2J'));
    expect(e.problem).toBe('no finding with id "F9\\u001b[2J"');
    expect(e.hint).toBe('findings in this file: "F1"');
  });

  test('another target, a flannel or lb finding, a finding without scenario: exit 2', () => {
    expect(
      errorOf(() =>
        planReplay(
          doc((d) => {
            d.target = 'kube:prod';
          }),
          'r.json',
        ),
      ).location.field,
    ).toBe('target');
    const flannel = doc((d) => {
      (d.findings as Record<string, unknown>[])[0]!.area = 'flannel';
    });
    expect(errorOf(() => planReplay(flannel, 'r.json', 'F1')).location.field).toBe('findings[0].area');
    expect(errorOf(() => planReplay(flannel, 'r.json')).problem).toBe(
      'this results file has no policy or model finding to replay',
    );
    const bare = doc((d) => {
      delete (d.findings as Record<string, unknown>[])[0]!.scenario;
    });
    expect(errorOf(() => planReplay(bare, 'r.json', 'F1')).location.field).toBe('findings[0].scenario');
  });

  test('a forged scenario is refused with its JSON path, before any lab exists', () => {
    const forged = doc((d) => {
      const scenario = (d.findings as { scenario: { cluster: { pods: { name: string }[] } } }[])[0]!.scenario;
      scenario.cluster.pods[0]!.name = '../../../../tmp/podnet-canary';
    });
    const e = errorOf(() => planReplay(forged, 'r.json'));
    expect(e.location.field).toBe('findings[0].scenario.cluster.pods[0].name');
    expect(e.exitCode).toBe(2);
  });

  const OPTIONS: readonly [string, unknown, string, string][] = [
    ['labFaults', ['no-such-fault'], 'options.labFaults[0]', 'unknown lab fault "no-such-fault"'],
    ['labFaults', ['egress-ignored', 'egress-ignored'], 'options.labFaults[1]', 'repeats lab fault'],
    ['labFaults', 'egress-ignored', 'options.labFaults', 'must be a list of lab fault names'],
    ['probeTimeoutMs', 0, 'options.probeTimeoutMs', 'must be an integer from 1 to 60000 (ms), got 0'],
    ['probeTimeoutMs', 1e9, 'options.probeTimeoutMs', 'must be an integer from 1 to 60000'],
    ['probeTimeoutMs', '2s', 'options.probeTimeoutMs', 'must be an integer from 1 to 60000'],
    ['convergeTimeoutMs', 600_001, 'options.convergeTimeoutMs', 'must be an integer from 0 to 600000'],
    ['convergeTimeoutMs', 0.5, 'options.convergeTimeoutMs', 'must be an integer from 0 to 600000'],
    ['ipFamily', 'ipv5', 'options.ipFamily', 'must be ipv4, ipv6, dual, got "ipv5"'],
    ['ipFamily', 6, 'options.ipFamily', 'must be ipv4, ipv6, dual, got 6'],
  ];
  test.each(OPTIONS)('options.%s = %j: exit 2', (key, value, field, problem) => {
    const e = errorOf(() =>
      planReplay(
        doc((d) => {
          d.options[key] = value;
        }),
        'r.json',
      ),
    );
    expect(e.location.field).toBe(field);
    expect(e.problem).toContain(problem);
  });

  test('the bounds hold the defaults, and absent options take them', () => {
    for (const [key, { min, max }] of Object.entries(REPLAY_OPTION_BOUNDS)) {
      const value = DEFAULT_RUN_OPTIONS[key as keyof typeof REPLAY_OPTION_BOUNDS];
      expect(value).toBeGreaterThanOrEqual(min);
      expect(value).toBeLessThanOrEqual(max);
    }
    const plain = planReplay(
      doc((d) => {
        delete d.options.labFaults;
        delete d.options.probeTimeoutMs;
      }),
      'r.json',
    );
    expect(plain.faults).toEqual([]);
    expect(plain.options.probeTimeoutMs).toBe(DEFAULT_RUN_OPTIONS.probeTimeoutMs);
    // Results from before dual-stack name no family: the run was IPv4.
    expect(plain.options.ipFamily).toBe('ipv4');
    const dual = planReplay(
      doc((d) => {
        d.options.ipFamily = 'dual';
      }),
      'r.json',
    );
    expect(dual.options.ipFamily).toBe('dual');
  });
});

describe('no false refusal', () => {
  // The generators draw valid Kubernetes objects (generators/validity.test.ts); the replay check must
  // accept every scenario they draw, as results.json holds it (JSON, after the run's shrink).
  test('property: every generated scenario, through JSON, passes the replay check unchanged', () => {
    fc.assert(
      fc.property(scenarioArb({ size: 'large', ipFamilies: [4, 6] }), (scenario) => {
        const fromFile: unknown = JSON.parse(JSON.stringify(scenario));
        expect(checkReplayScenario(fromFile, ['s'], 'r.json')).toEqual(fromFile);
      }),
      { numRuns: 300, seed: 2718 },
    );
  });
});
