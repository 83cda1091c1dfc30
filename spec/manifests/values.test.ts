// Values that reach the lab or a rendered command are checked when manifests are read, and echoed in
// errors readably: Service ClusterIPs and types as core/validation ValidateService checks them
// (pkg/apis/core/validation/validation.go: validateServiceClusterIPs, supportedServiceType), numbers
// that are not finite shown as themselves, long values cut, control characters escaped.
import { describe, expect, test } from 'vitest';
import { type PodnetInputError, PodnetInputErrors } from '../errors.ts';
import { MAX_QUOTED_LENGTH } from '../quote.ts';
import { loadManifestsFromText } from './load.ts';

function errorsOf(text: string, file = 'in.yaml'): PodnetInputError[] {
  try {
    loadManifestsFromText(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(PodnetInputErrors);
    return [...(e as PodnetInputErrors).errors];
  }
  throw new Error('expected input errors, got none');
}

function service(spec: string): string {
  return `apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: x}\nspec: ${spec}\n`;
}

describe('Service ClusterIPs and type', () => {
  test.each([
    ['{clusterIP: not-an-ip, ports: [{port: 80}]}', 'spec.clusterIP', /"not-an-ip" is not an IP address/],
    ['{clusterIP: 10.96.0.999, ports: [{port: 80}]}', 'spec.clusterIP', /not an IP address/],
    ['{clusterIPs: [10.96.0.5, None], ports: [{port: 80}]}', 'spec.clusterIPs[1]', /first value/],
    [
      '{clusterIP: 10.96.0.5, clusterIPs: [10.96.0.6], ports: [{port: 80}]}',
      'spec.clusterIPs[0]',
      /must equal/,
    ],
    ['{clusterIPs: [10.96.0.5, 10.96.0.6], ports: [{port: 80}]}', 'spec.clusterIPs[1]', /different families/],
    [
      '{clusterIPs: [10.96.0.5, "fd00::5", 10.96.0.7], ports: [{port: 80}]}',
      'spec.clusterIPs',
      /at most two/,
    ],
    ['{type: Internal, ports: [{port: 80}]}', 'spec.type', /unsupported value "Internal"/],
    ['{type: NodePort, clusterIP: None, ports: [{port: 80}]}', 'spec.clusterIP', /None for type NodePort/],
    ['{type: ExternalName, clusterIP: 10.96.0.5}', 'spec.clusterIP', /ExternalName/],
  ])('%s is refused at %s', (spec, field, problem) => {
    const errs = errorsOf(service(spec));
    expect(errs.map((e) => e.location.field)).toContain(field);
    expect(errs.map((e) => e.message).join('\n')).toMatch(problem);
  });

  test('an IP, None, and a dual-stack pair are accepted', () => {
    for (const spec of [
      '{clusterIP: 10.96.0.5, ports: [{port: 80}]}',
      '{clusterIP: None}',
      '{clusterIP: 10.96.0.5, clusterIPs: [10.96.0.5, "fd00::5"], ports: [{port: 80}]}',
    ]) {
      expect(() => loadManifestsFromText(service(spec))).not.toThrow();
    }
  });
});

describe('numbers and echoed values', () => {
  test('JSON 1e999 and YAML .inf / .nan are "must be an integer" with the value shown', () => {
    const json = errorsOf(
      '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[{"port":1e999}]}}',
      'in.json',
    );
    expect(json[0]?.message).toMatch(/spec\.ports\[0\]\.port: must be an integer, got number Infinity/);
    const yaml = errorsOf(service('{ports: [{port: .nan}, {port: -.inf, name: b}]}'));
    expect(yaml.map((e) => e.message).join('\n')).toMatch(/got number NaN/);
    expect(yaml.map((e) => e.message).join('\n')).toMatch(/got number -Infinity/);
  });

  test('a long invalid value is cut to a readable length', () => {
    const long = `A${'b'.repeat(5000)}`;
    const [e] = errorsOf(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${long}}\n`);
    expect(e?.problem.length).toBeLessThan(MAX_QUOTED_LENGTH + 200);
    expect(e?.problem).toContain('…" (5001 characters)');
  });

  test('control characters in a value are escaped, never raw', () => {
    const [e] = errorsOf('apiVersion: v1\nkind: Namespace\nmetadata: {name: "a\\u001b[31mred\\u009b\\r"}\n');
    expect(e?.message).toContain('\\u001b[31mred\\u009b\\r');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
    expect(e?.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});

test.each(['node with space', '../../x', 'a\u001b[2Jb'])(
  'pod spec.nodeName %j is refused as a node name',
  (name) => {
    const [e] = errorsOf(
      `apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\nspec:\n  nodeName: ${JSON.stringify(name)}\n  containers: [{name: c, image: i}]\n`,
    );
    expect(e?.code).toBe('PODNET_INVALID_NAME');
    expect(e?.message).toMatch(/spec\.nodeName.*invalid node name/);
    expect(e?.message).not.toContain('\u001b');
  },
);

describe('hostile YAML and JSON', () => {
  test('an alias bomb is refused by name, without expanding it', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) {
      const [name, prev] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const [e] = errorsOf(`apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n${lines.join('\n')}\n`);
    expect(e?.code).toBe('PODNET_YAML_ALIASES');
    expect(e?.message).toMatch(/^in\.yaml:1: too many YAML alias expansions/);
  });

  test("a merge key works within a document; an alias to another document's anchor is bad input, not a crash", () => {
    const pod = (name: string, meta: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: x\n${meta}spec:\n  containers: [{name: c, image: i}]\n`;
    const within = loadManifestsFromText(
      pod('b', '  annotations: &common {app: web}\n  labels:\n    <<: *common\n    tier: back\n'),
      'in.yaml',
    );
    expect(within.cluster.pods[0]?.labels).toEqual({ app: 'web', tier: 'back' });
    // Anchors belong to their document (YAML 1.2 §9.1; kubectl decodes each document on its own).
    const [e] = errorsOf(
      `${pod('a', '  labels: &common {app: web}\n')}---\n${pod('b', '  labels:\n    <<: *common\n')}`,
    );
    expect(e?.code).toBe('PODNET_YAML');
    expect(e?.message).toMatch(/^in\.yaml:\d+: not usable YAML: "Merge sources must be maps/);
  });

  test.each([
    ['JSON lists', `{"kind": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    ['YAML flow lists', `kind: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`],
    ['YAML block mappings', Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')],
    ['shallow enough to parse, too deep to keep', `kind: ${'['.repeat(500)}${']'.repeat(500)}\n`],
  ])('deep nesting (%s) is refused by name', (_, text) => {
    const errs = errorsOf(text);
    expect(errs.map((e) => e.code)).toContain('PODNET_TOO_DEEP');
    expect(errs.find((e) => e.code === 'PODNET_TOO_DEEP')?.message).toMatch(
      /^in\.yaml(:\d+)?: nested more than 200 levels/,
    );
  });
});
