// A Service's ipFamilyPolicy and ipFamilies: what the manifest reader accepts (validation.go
// validateIPFamilies) and which ClusterIP families a cluster then gives (alloc.go initIPFamilyFields).
import { describe, expect, test } from 'vitest';
import { PodnetInputErrors } from './errors.ts';
import { serviceFamiliesOn } from './ipFamily.ts';
import { loadManifestsFromText } from './manifests/load.ts';
import { serviceManifest } from './manifests/write.ts';

const DUAL = [4, 6] as const;
const V4 = [4] as const;

describe('serviceFamiliesOn (alloc.go initIPFamilyFields)', () => {
  test('no fields: the primary family, single-stack, on any cluster', () => {
    expect(serviceFamiliesOn({}, DUAL)).toEqual({ families: [4] });
    expect(serviceFamiliesOn({}, V4)).toEqual({ families: [4] });
    expect(serviceFamiliesOn({}, [6])).toEqual({ families: [6] });
  });

  test('PreferDualStack: both on a dual cluster, the one family on a single-stack one', () => {
    expect(serviceFamiliesOn({ ipFamilyPolicy: 'PreferDualStack' }, DUAL)).toEqual({ families: [4, 6] });
    expect(serviceFamiliesOn({ ipFamilyPolicy: 'PreferDualStack' }, V4)).toEqual({ families: [4] });
  });

  test('the first family written is the primary; the other is appended', () => {
    expect(serviceFamiliesOn({ ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6'] }, DUAL)).toEqual({
      families: [6, 4],
    });
    expect(serviceFamiliesOn({ ipFamilies: ['IPv6'] }, DUAL)).toEqual({ families: [6] });
  });

  test('refused as the API server refuses: RequireDualStack or a missing family on a single-stack cluster', () => {
    expect(serviceFamiliesOn({ ipFamilyPolicy: 'RequireDualStack' }, V4)).toEqual({
      problems: [
        {
          field: 'ipFamilyPolicy',
          value: 'RequireDualStack',
          message: 'this cluster is not configured for dual-stack services',
        },
      ],
    });
    expect(
      serviceFamiliesOn({ ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv6'] }, V4),
    ).toEqual({
      problems: [{ field: 'ipFamilies', index: 1, value: 'IPv6', message: 'not configured on this cluster' }],
    });
  });

  test('SingleStack (written or defaulted) with two families is refused even on a dual cluster', () => {
    const r = serviceFamiliesOn({ ipFamilies: ['IPv4', 'IPv6'] }, DUAL);
    expect('problems' in r && r.problems[0]?.message).toBe(
      "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
    );
  });
});

const svc = (spec: string) => `apiVersion: v1
kind: Service
metadata: {name: s, namespace: x}
spec:
  ports: [{port: 80}]
${spec}
`;

function errorsOf(text: string): string[] {
  try {
    loadManifestsFromText(text, 'in.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(PodnetInputErrors);
    return (e as PodnetInputErrors).errors.map((x) => `${x.location.field}: ${x.message}`);
  }
  throw new Error('expected input errors, got none');
}

describe('reading and writing the family fields', () => {
  test('read as written, and written back unchanged', () => {
    const [s] = loadManifestsFromText(
      svc('  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv6, IPv4]'),
      'in.yaml',
    ).cluster.services;
    expect(s).toMatchObject({ ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6', 'IPv4'] });
    expect(serviceManifest(s!).spec).toMatchObject({
      ipFamilyPolicy: 'RequireDualStack',
      ipFamilies: ['IPv6', 'IPv4'],
    });
  });

  test('unknown values, a family twice and more than two are refused, naming the field', () => {
    expect(errorsOf(svc('  ipFamilyPolicy: DualStack'))[0]).toMatch(/^spec\.ipFamilyPolicy: /);
    expect(errorsOf(svc('  ipFamilies: [IPv5]'))[0]).toMatch(/^spec\.ipFamilies\[0\]: /);
    const twice = errorsOf(svc('  ipFamilyPolicy: PreferDualStack\n  ipFamilies: [IPv4, IPv4]'));
    expect(twice).toHaveLength(1);
    expect(twice[0]).toMatch(/^spec\.ipFamilies\[1\]: .*Duplicate value: "IPv4"$/);
    expect(errorsOf(svc('  ipFamilyPolicy: PreferDualStack\n  ipFamilies: [IPv4, IPv6, IPv4]'))[0]).toMatch(
      /^spec\.ipFamilies: .*may specify no more than 2 items/,
    );
  });
});
