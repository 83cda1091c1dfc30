// `podnet run --require-coverage FILE`: what a requirement file may say, and the errors (exit 2) it gets.
import { describe, expect, test } from 'vitest';
import { parseCoverageRequirement } from './coverageRequirement.ts';
import { PodnetInputErrors } from './errors.ts';

function errors(text: string): string[] {
  try {
    parseCoverageRequirement(text, 'need.yaml');
  } catch (error) {
    if (error instanceof PodnetInputErrors) return error.errors.map((e) => e.message);
    throw error;
  }
  throw new Error('no error');
}

describe('coverage requirement files', () => {
  test('rules and features by area, in YAML or JSON', () => {
    const yaml =
      'rules: [NP-ALLOW, NP-STEP]\nfeatures:\n  policy: [peer ipBlock except]\n  lb: [policy after DNAT]\n';
    const want = {
      rules: ['NP-ALLOW', 'NP-STEP'],
      features: [
        { area: 'policy', feature: 'peer ipBlock except' },
        { area: 'lb', feature: 'policy after DNAT' },
      ],
    };
    expect(parseCoverageRequirement(yaml)).toEqual(want);
    expect(
      parseCoverageRequirement(
        JSON.stringify({
          rules: want.rules,
          features: { policy: ['peer ipBlock except'], lb: ['policy after DNAT'] },
        }),
      ),
    ).toEqual(want);
  });

  test('an unknown rule, feature, area or key is named with its line and field, and what is valid', () => {
    const found = errors(
      'rules: [NP-ALLOW, NP-NOPE]\nfeatures:\n  policy: [port nam]\n  dns: [x]\nextra: 1\n',
    );
    expect(found).toHaveLength(4);
    expect(found[0]).toMatch(/^need\.yaml:5: field extra: unknown key "extra"/);
    expect(found[1]).toMatch(/^need\.yaml:1: field rules\.1: unknown rule "NP-NOPE"/);
    expect(found[1]).toContain('NP-INGRESS-ISOLATION');
    expect(found[2]).toMatch(/^need\.yaml:3: field features\.policy\.0: unknown policy feature "port nam"/);
    expect(found[2]).toContain('port name');
    expect(found[3]).toMatch(/^need\.yaml:4: field features\.dns: no features are catalogued for area "dns"/);
  });

  test('a file that requires nothing, or is not a mapping, is refused', () => {
    expect(errors('rules: []\n')[0]).toContain('requires nothing');
    expect(errors('- NP-ALLOW\n')[0]).toContain('expected a mapping');
    expect(errors('rules: NP-ALLOW\n')[0]).toContain('must be a list');
  });
});
