/**
 * YAML and JSON that parsers choke on: alias bombs, deep nesting (10k–1M levels), duplicate keys, tabs,
 * a BOM, multi-document streams with errors, huge numbers, NaN and infinities, tags, merge keys.
 */
import {
  aliasBomb,
  deepJson,
  deepYamlBlock,
  deepYamlFlow,
  kubeconfig,
  manifestWith,
  RawYaml,
  VALID_NET_CONF,
  validManifest,
  validResults,
} from '../fixtures.ts';
import { put } from '../setup.ts';
import type { HostileCase } from '../types.ts';

interface TextReader {
  readonly id: string;
  readonly file: string;
  readonly argv: (file: string) => string[];
  readonly companions?: Readonly<Record<string, string>>;
}

const MANIFEST: TextReader = { id: 'manifest', file: 'm.yaml', argv: (f) => ['predict', '-f', f] };
const MANIFEST_JSON: TextReader = { id: 'manifest', file: 'm.json', argv: (f) => ['predict', '-f', f] };
const PROFILE: TextReader = {
  id: 'profile',
  file: 'profile.yaml',
  argv: (f) => ['predict', '--profile', f, '-f', 'cluster.yaml'],
  companions: { 'cluster.yaml': validManifest() },
};
const KUBECONFIG: TextReader = {
  id: 'kubeconfig',
  file: 'kubeconfig',
  argv: (f) => ['predict', '--from-cluster', '--kubeconfig', f],
};
const RESULTS: TextReader = {
  id: 'results.json',
  file: 'results.json',
  argv: (f) => ['report', f, '-o', 'out/report.html', '--junit', 'out/junit.xml'],
};
const NET_CONF: TextReader = {
  id: 'net-conf',
  file: 'net-conf.json',
  argv: (f) => ['flannel', 'validate', f],
};

function textCase(
  reader: TextReader,
  name: string,
  text: string,
  exit: number | readonly number[],
  reason: RegExp = /./,
): HostileCase {
  return {
    kind: 'yaml',
    name: `${reader.id}: ${name}`,
    setup: (ctx) => {
      for (const [file, content] of Object.entries(reader.companions ?? {})) put(ctx, file, content);
      put(ctx, reader.file, text);
    },
    argv: () => reader.argv(reader.file),
    expect: { exit, stderr: [new RegExp(reader.file.replace('.', '\\.')), reason] },
  };
}

const NESTING = /nest|deep|depth|level|mapping|object|list/i;

export function yamlCases(): HostileCase[] {
  const podPort = (raw: string) =>
    manifestWith([[['Pod', 'spec', 'containers', 0, 'ports', 0, 'containerPort'], new RawYaml(raw)]]);
  const bomb = aliasBomb();
  const results = validResults();
  return [
    textCase(MANIFEST, 'alias bomb (billion laughs)', bomb, 2, /alias|expan|too many|large/i),
    textCase(
      MANIFEST,
      'alias bomb under an ignored kind',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\ndata:\n  ${bomb.trimEnd().split('\n').join('\n  ')}\n`,
      2,
      /alias|expan|too many|large/i,
    ),
    textCase(PROFILE, 'alias bomb', bomb, 2, /alias|expan|too many|large/i),
    textCase(KUBECONFIG, 'alias bomb', bomb, 2, /alias|expan|too many|large|kubeconfig/i),
    textCase(MANIFEST_JSON, 'JSON nested 10,000 deep', deepJson(10_000), 2, NESTING),
    textCase(MANIFEST_JSON, 'JSON nested 100,000 deep', deepJson(100_000), 2, NESTING),
    textCase(MANIFEST_JSON, 'JSON nested 1,000,000 deep', deepJson(1_000_000), 2, NESTING),
    textCase(MANIFEST, 'YAML flow nested 10,000 deep', deepYamlFlow(10_000), 2, NESTING),
    textCase(MANIFEST, 'YAML flow nested 100,000 deep', deepYamlFlow(100_000), 2, NESTING),
    textCase(MANIFEST, 'YAML flow nested 1,000,000 deep', deepYamlFlow(1_000_000), 2, NESTING),
    textCase(MANIFEST, 'YAML block mappings nested 3,000 deep', deepYamlBlock(3_000), 2, NESTING),
    textCase(RESULTS, 'JSON nested 1,000,000 deep', deepJson(1_000_000), 2, NESTING),
    textCase(
      RESULTS,
      'a finding nested 100,000 deep in explanation',
      JSON.stringify(results).replace('"explanation":[', `"explanation":[${deepJson(100_000)},`),
      2,
      /explanation|nest|deep|depth/i,
    ),
    textCase(NET_CONF, 'JSON nested 100,000 deep', deepJson(100_000), 2, NESTING),
    textCase(
      NET_CONF,
      'Backend nested 100,000 deep',
      `{"Network": "10.244.0.0/16", "Backend": ${deepJson(100_000)}}`,
      2,
    ),
    textCase(
      PROFILE,
      'YAML flow nested 100,000 deep',
      `support: ${deepYamlFlow(100_000).split('\ndata: ')[1]}`,
      2,
      NESTING,
    ),
    textCase(KUBECONFIG, 'YAML flow nested 100,000 deep', deepYamlFlow(100_000), 2),
    textCase(
      MANIFEST,
      'duplicate keys (metadata.name twice)',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  name: y\n',
      2,
      /duplicate|unique/i,
    ),
    textCase(
      MANIFEST_JSON,
      'duplicate keys in JSON',
      '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x", "name": "y"}}',
      2,
      /duplicate|unique/i,
    ),
    textCase(PROFILE, 'duplicate keys', 'loopback: allow\nloopback: policy\n', 2, /duplicate|unique/i),
    textCase(
      RESULTS,
      'duplicate keys (last wins, as JSON.parse does, or refused)',
      JSON.stringify(results).replace('"seed":7,', '"seed":7,"seed":8,'),
      [0, 2],
    ),
    textCase(
      KUBECONFIG,
      'duplicate keys',
      kubeconfig().replace('kind: Config', 'kind: Config\nkind: Config'),
      2,
    ),
    textCase(
      NET_CONF,
      'duplicate keys (Go encoding/json keeps the last)',
      '{"Network": "10.1.0.0/16", "Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}',
      [0, 2],
    ),
    textCase(
      MANIFEST,
      'tabs as indentation',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: x\n',
      2,
      /tab|indent|syntax/i,
    ),
    textCase(PROFILE, 'tabs as indentation', 'support:\n\tsctp: false\n', 2, /tab|indent|syntax/i),
    textCase(MANIFEST, 'a UTF-8 byte-order mark', `\ufeff${validManifest()}`, [0, 2]),
    textCase(RESULTS, 'a UTF-8 byte-order mark', `\ufeff${JSON.stringify(results)}`, [0, 2]),
    textCase(NET_CONF, 'a UTF-8 byte-order mark', `\ufeff${VALID_NET_CONF}`, [0, 2]),
    textCase(
      MANIFEST,
      'multi-document stream: a valid object, a syntax error, an invalid field',
      `${validManifest()}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: [unclosed\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: "Bad_Name"}\n`,
      2,
      /:\d+/,
    ),
    textCase(
      MANIFEST,
      'containerPort 99999999999999999999999',
      podPort('99999999999999999999999'),
      2,
      /containerPort/,
    ),
    textCase(MANIFEST, 'containerPort 1e400 (infinite as a float)', podPort('1e400'), 2, /containerPort/),
    textCase(MANIFEST, 'containerPort .nan', podPort('.nan'), 2, /containerPort/),
    textCase(MANIFEST, 'containerPort .inf', podPort('.inf'), 2, /containerPort/),
    textCase(MANIFEST, 'containerPort -.inf', podPort('-.inf'), 2, /containerPort/),
    textCase(
      MANIFEST_JSON,
      'containerPort 1e999 in JSON',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'a', namespace: 'x' },
        spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 'PNX' }] }] },
      }).replace('"PNX"', '1e999'),
      2,
      /containerPort/,
    ),
    textCase(RESULTS, 'NaN literal (not JSON)', JSON.stringify(results).replace('"seed":7', '"seed":NaN'), 2),
    textCase(
      MANIFEST,
      'a !!binary label value',
      manifestWith([[['Pod', 'metadata', 'labels', 'app'], new RawYaml('!!binary aGVsbG8=')]]),
      2,
      /label|app|string|binary/i,
    ),
    textCase(
      MANIFEST,
      'a !!js/function label value',
      manifestWith([
        [['Pod', 'metadata', 'labels', 'app'], new RawYaml('!!js/function "function(){return 1}"')],
      ]),
      2,
    ),
    textCase(
      MANIFEST,
      'a custom tag on a namespace label (kubectl ignores unknown tags on strings)',
      manifestWith([[['Namespace', 'metadata', 'labels', 'team'], new RawYaml('!pnx x')]]),
      [0, 2],
    ),
    textCase(
      MANIFEST,
      'an alias to an anchor that does not exist',
      manifestWith([[['Pod', 'metadata', 'labels'], new RawYaml('*nowhere')]]),
      2,
      /alias|anchor|nowhere/i,
    ),
    // Anchors belong to their document (YAML 1.2 §9.1; kubectl decodes each document on its own): a merge
    // key works within one document, and an alias to another document's anchor is bad input.
    ...[
      { where: 'within one document', crossing: false },
      { where: "to another document's anchor", crossing: true },
    ].map(
      ({ where, crossing }): HostileCase => ({
        kind: 'yaml',
        name: `manifest: merge keys (YAML 1.1 \`<<\`) ${where}`,
        setup: (ctx) =>
          put(
            ctx,
            'm.yaml',
            [
              'apiVersion: v1',
              'kind: Pod',
              'metadata:',
              '  name: a',
              '  namespace: x',
              `  labels: ${crossing ? '&common ' : ''}{app: web, tier: front}`,
              'spec:',
              '  containers: [{name: c, image: i, ports: [{containerPort: 80}]}]',
              'status: {podIP: 10.244.0.5}',
              '---',
              'apiVersion: v1',
              'kind: Pod',
              'metadata:',
              '  name: b',
              '  namespace: x',
              ...(crossing ? [] : ['  annotations: &common {app: web, tier: front}']),
              '  labels:',
              '    <<: *common',
              '    tier: back',
              'spec:',
              '  containers: [{name: c, image: i, ports: [{containerPort: 80}]}]',
              'status: {podIP: 10.244.0.6}',
              '',
            ].join('\n'),
          ),
        argv: () => ['predict', '-f', 'm.yaml', '--format', 'json'],
        expect: crossing
          ? { exit: 2, stderr: [/m\.yaml/, /anchor|alias|merge/i] }
          : { exit: 0, stdout: [/"from": "x\/a"/, /"to": "x\/b"/] },
      }),
    ),
    textCase(
      MANIFEST,
      'a label key of 1,000,000 characters',
      manifestWith([[['Pod', 'metadata', 'labels', 'k'.repeat(1_000_000)], 'v']]),
      2,
      /label|key|long|63/i,
    ),
  ];
}
