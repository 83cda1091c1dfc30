// Counting coverage (docs/rules.md "Coverage"): per scenario, then laid out over the catalogues with zeros.
import { describe, expect, test } from 'vitest';
import { featuresOf } from '../spec/coverageFeatures.ts';
import { RULES } from '../spec/rules.ts';
import { CoverageTally, runCoverage, ScenarioCoverage } from './coverage.ts';

function scenario(record: (s: ScenarioCoverage) => void): ScenarioCoverage {
  const s = new ScenarioCoverage();
  record(s);
  return s;
}

describe('CoverageTally', () => {
  test('a rule counts once per scenario it decided in, its probes and verdicts summed', () => {
    const tally = new CoverageTally();
    tally.add(
      scenario((s) => {
        s.rule('policy', 'NP-ALLOW', 'allow');
        s.rule('policy', 'NP-ALLOW', 'allow');
        s.rule('policy', 'NP-INGRESS-ISOLATION', 'deny');
      }),
    );
    tally.add(scenario((s) => s.rule('policy', 'NP-INGRESS-ISOLATION', 'allow', 3)));
    tally.add(scenario(() => {}));
    const rules = tally.coverage(['policy']).rules;
    expect(rules.find((r) => r.rule === 'NP-ALLOW')).toEqual({
      area: 'policy',
      rule: 'NP-ALLOW',
      scenarios: 1,
      probes: 2,
      allow: 2,
      deny: 0,
    });
    expect(rules.find((r) => r.rule === 'NP-INGRESS-ISOLATION')).toMatchObject({
      scenarios: 2,
      probes: 4,
      allow: 3,
      deny: 1,
    });
  });

  test('observations without a verdict count as probes only', () => {
    const tally = new CoverageTally();
    tally.add(scenario((s) => s.rule('model', 'MODEL-IP-IN-LEASE', undefined, 7)));
    expect(tally.coverage(['model']).rules.find((r) => r.rule === 'MODEL-IP-IN-LEASE')).toMatchObject({
      scenarios: 1,
      probes: 7,
      allow: 0,
      deny: 0,
    });
  });

  test('every catalogue rule and feature of the areas is listed, never-exercised ones with zeros', () => {
    const tally = new CoverageTally();
    tally.add(scenario((s) => s.feature('policy', 'port name')));
    const c = tally.coverage(['policy', 'model']);
    expect(c.rules.map((r) => r.rule)).toEqual(
      RULES.filter((r) => r.area === 'policy' || r.area === 'model').map((r) => r.id),
    );
    expect(c.features.map((f) => f.feature)).toEqual(
      [...featuresOf('policy'), ...featuresOf('model')].map((f) => f.feature),
    );
    expect(c.features.find((f) => f.feature === 'port name')).toMatchObject({ probes: 1, scenarios: 1 });
    expect(c.features.find((f) => f.feature === 'port range')).toMatchObject({ probes: 0, scenarios: 0 });
    // Areas not asked for are left out.
    expect(c.rules.some((r) => r.area === 'lb')).toBe(false);
  });

  test('an unsupported feature is listed apart, never as covered or missed', () => {
    const tally = new CoverageTally();
    const unsupported = [{ area: 'policy', feature: 'protocol SCTP', reason: 'no SCTP here' }];
    const c = tally.coverage(['policy'], unsupported);
    expect(c.features.some((f) => f.feature === 'protocol SCTP')).toBe(false);
    expect(c.unsupported).toEqual(unsupported);
  });
});

describe('runCoverage', () => {
  test('areas that counted nothing get their catalogue with zeros; run order kept', () => {
    const tally = new CoverageTally();
    tally.add(scenario((s) => s.rule('lb', 'LB-UNIFORM', 'allow', 10)));
    const c = runCoverage(['policy', 'lb'], [tally.coverage(['lb'])]);
    expect(c.rules[0]?.area).toBe('policy');
    expect(c.rules.filter((r) => r.area === 'policy').every((r) => r.scenarios === 0)).toBe(true);
    expect(c.rules.find((r) => r.rule === 'LB-UNIFORM')).toMatchObject({ scenarios: 1, probes: 10 });
  });

  test('entries of one rule or feature from two runs are summed (merged documents)', () => {
    const one = new CoverageTally();
    one.add(scenario((s) => s.rule('lb', 'LB-UNIFORM', 'allow', 10)));
    const two = new CoverageTally();
    two.add(scenario((s) => s.rule('lb', 'LB-UNIFORM', 'allow', 5)));
    const c = runCoverage(['lb'], [one.coverage(['lb']), two.coverage(['lb'])]);
    expect(c.rules.filter((r) => r.rule === 'LB-UNIFORM')).toEqual([
      { area: 'lb', rule: 'LB-UNIFORM', scenarios: 2, probes: 15, allow: 15, deny: 0 },
    ]);
  });

  test('merged: a feature one run could test is listed as a feature, not as unsupported', () => {
    const roundRobin = [{ area: 'lb', feature: 'mode round-robin', reason: 'random only' }];
    const c = runCoverage(
      ['lb'],
      [new CoverageTally().coverage(['lb'], roundRobin), new CoverageTally().coverage(['lb'])],
    );
    expect(c.unsupported).toEqual([]);
    expect(c.features.filter((f) => f.feature === 'mode round-robin')).toHaveLength(1);
    expect(runCoverage(['lb'], [new CoverageTally().coverage(['lb'], roundRobin)]).unsupported).toEqual(
      roundRobin,
    );
  });
});
