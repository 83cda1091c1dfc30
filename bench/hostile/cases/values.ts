/**
 * Manifest values that reach the oracle, the lab or a rendered command: Service clusterIP(s), type and
 * ports, container ports, names (control characters, unicode, 254 characters and far more), labels,
 * selectors, ipBlock CIDRs, named ports, pod IPs in status, nodeName. Each must be refused when decoded
 * (exit 2, naming the field), with the value echoed cut short and its control characters escaped.
 * Validation rules: k8s.io/kubernetes pkg/apis/core/validation/validation.go (ValidateService,
 * ValidatePodSpec, ValidateObjectMeta), pkg/apis/networking/validation/validation.go
 * (ValidateNetworkPolicy), staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go.
 */
import { type ManifestPath, manifestWith, RawYaml } from '../fixtures.ts';
import { put } from '../setup.ts';
import type { HostileCase } from '../types.ts';

type Change = readonly [ManifestPath, unknown];

const SVC = (...p: (string | number)[]): ManifestPath => ['Service', 'spec', ...p];
const POD = (...p: (string | number)[]): ManifestPath => ['Pod', ...p];
const PORT0 = (field: string): ManifestPath => POD('spec', 'containers', 0, 'ports', 0, field);
const SVC_PORT0 = (field: string): ManifestPath => SVC('ports', 0, field);
const PEER = (i: number, ...p: (string | number)[]): ManifestPath => [
  'NetworkPolicy',
  'spec',
  'ingress',
  0,
  'from',
  i,
  ...p,
];
const POLICY_PORT0 = (field: string): ManifestPath => [
  'NetworkPolicy',
  'spec',
  'ingress',
  0,
  'ports',
  0,
  field,
];

const CONTROL = 'a\u0007\u001b[31mred\u001b[0m\rb\u009b1m';

/** One bad value, read by `podnet predict -f` (decode time) and judged exit 2 naming `field`. */
function valueCase(
  name: string,
  changes: readonly Change[],
  field: RegExp,
  exit: number | readonly number[] = 2,
): HostileCase {
  return {
    kind: 'values',
    name: `predict: ${name}`,
    setup: (ctx) => put(ctx, 'm.yaml', manifestWith(changes)),
    argv: () => ['predict', '-f', 'm.yaml'],
    expect: { exit, stderr: [/m\.yaml/, field] },
  };
}

/** A bad value given to `lab up -f`: refused before a lab exists. */
function labValueCase(
  name: string,
  changes: readonly Change[],
  field: RegExp,
  exit: number | readonly number[] = 2,
): HostileCase {
  return {
    kind: 'values',
    name: `lab up: ${name}`,
    setup: (ctx) => put(ctx, 'm.yaml', manifestWith(changes)),
    argv: () => ['lab', 'up', '-f', 'm.yaml', '--nodes', '2'],
    expect: { exit, stderr: [field] },
  };
}

const raw = (text: string) => new RawYaml(text);

export function valueCases(): HostileCase[] {
  const numberCases = (label: string, path: ManifestPath, field: RegExp): HostileCase[] => [
    valueCase(`${label} 0`, [[path, 0]], field),
    valueCase(`${label} 65536`, [[path, 65536]], field),
    valueCase(`${label} 1.5`, [[path, 1.5]], field),
    valueCase(`${label} "80" (a string)`, [[path, '80']], field),
    valueCase(`${label} -1`, [[path, -1]], field),
    valueCase(`${label} 1e309`, [[path, raw('1e309')]], field),
  ];
  return [
    valueCase('Service clusterIP "not-an-ip"', [[SVC('clusterIP'), 'not-an-ip']], /clusterIP/),
    valueCase('Service clusterIP 300.1.1.1', [[SVC('clusterIP'), '300.1.1.1']], /clusterIP/),
    valueCase('Service clusterIP 10.96.0.10/24 (a CIDR)', [[SVC('clusterIP'), '10.96.0.10/24']], /clusterIP/),
    valueCase('Service clusterIP 12345 (a number)', [[SVC('clusterIP'), 12345]], /clusterIP/),
    valueCase(
      'Service clusterIP with a shell payload',
      [[SVC('clusterIP'), '1.2.3.4; touch /tmp/pnx']],
      /clusterIP/,
    ),
    valueCase(
      'Service clusterIPs with garbage second entry',
      [[SVC('clusterIPs'), ['10.96.0.10', 'garbage']]],
      /clusterIPs/,
    ),
    valueCase('Service clusterIPs not a list', [[SVC('clusterIPs'), 'x']], /clusterIPs/),
    // Whether the API refuses this or lets clusterIP win (as conversion does for podIP and podCIDR,
    // pkg/apis/core/v1/conversion.go) is not settled here: only "no crash" is judged.
    valueCase(
      'Service clusterIPs[0] differs from clusterIP',
      [[SVC('clusterIPs'), ['10.96.0.11']]],
      /clusterIPs?/,
      [0, 2],
    ),
    valueCase('Service type "Bogus"', [[SVC('type'), 'Bogus']], /type/),
    valueCase('Service type 5', [[SVC('type'), 5]], /type/),
    ...numberCases('Service port', SVC_PORT0('port'), /port/),
    valueCase('Service targetPort 70000', [[SVC_PORT0('targetPort'), 70000]], /targetPort/),
    valueCase('Service targetPort "bad name!"', [[SVC_PORT0('targetPort'), 'bad name!']], /targetPort/),
    ...numberCases('containerPort', PORT0('containerPort'), /containerPort/),
    valueCase('container port name "http_x"', [[PORT0('name'), 'http_x']], /name/),
    valueCase('container port name of 16 characters', [[PORT0('name'), 'abcdefghijklmnop']], /name/),
    valueCase('container port name "80" (no letter)', [[PORT0('name'), '80']], /name/),
    valueCase('pod name with control characters', [[POD('metadata', 'name'), CONTROL]], /name/),
    valueCase('pod name with unicode "pöd"', [[POD('metadata', 'name'), 'pöd']], /name/),
    valueCase('pod name of 254 characters', [[POD('metadata', 'name'), 'a'.repeat(254)]], /name/),
    valueCase('pod name of 100,000 characters', [[POD('metadata', 'name'), 'a'.repeat(100_000)]], /name/),
    valueCase('namespace name "a/b"', [[['Namespace', 'metadata', 'name'], 'a/b']], /name|namespace/),
    valueCase('namespace name "X" (uppercase)', [[['Namespace', 'metadata', 'name'], 'X']], /name|namespace/),
    valueCase(
      'namespace name with a newline',
      [[['Namespace', 'metadata', 'name'], 'x\ny']],
      /name|namespace/,
    ),
    valueCase(
      'label value of 64 characters',
      [[POD('metadata', 'labels', 'app'), 'v'.repeat(64)]],
      /label|app/,
    ),
    valueCase(
      'label value with control characters',
      [[POD('metadata', 'labels', 'app'), CONTROL]],
      /label|app/,
    ),
    valueCase(
      'label value of 100,000 characters',
      [[POD('metadata', 'labels', 'app'), 'v'.repeat(100_000)]],
      /label|app/,
    ),
    valueCase('label key "a b"', [[POD('metadata', 'labels', 'a b'), 'v']], /label|a b/),
    valueCase('label value 5 (a number)', [[POD('metadata', 'labels', 'app'), 5]], /label|app/),
    valueCase(
      'label value yes (a YAML 1.1 boolean)',
      [[POD('metadata', 'labels', 'app'), raw('yes')]],
      /label|app/,
    ),
    valueCase('label value with unicode', [[POD('metadata', 'labels', 'app'), 'wéb']], /label|app/),
    valueCase(
      'selector operator "Bogus"',
      [[PEER(1, 'podSelector', 'matchExpressions', 0, 'operator'), 'Bogus']],
      /operator|matchExpressions/,
    ),
    valueCase(
      'selector In without values',
      [[PEER(1, 'podSelector', 'matchExpressions', 0, 'values'), []]],
      /values|matchExpressions/,
    ),
    valueCase(
      'selector Exists with values',
      [[PEER(1, 'podSelector', 'matchExpressions', 0, 'operator'), 'Exists']],
      /values|matchExpressions/,
    ),
    valueCase(
      'selector matchLabels value a list',
      [[PEER(0, 'podSelector', 'matchLabels', 'app'), ['web']]],
      /matchLabels|app/,
    ),
    valueCase(
      'selector key with control characters',
      [[PEER(0, 'podSelector', 'matchLabels'), { [CONTROL]: 'x' }]],
      /matchLabels|key|label/,
    ),
    valueCase('ipBlock cidr "garbage"', [[PEER(2, 'ipBlock', 'cidr'), 'garbage']], /cidr/),
    valueCase('ipBlock cidr 10.0.0.0/33', [[PEER(2, 'ipBlock', 'cidr'), '10.0.0.0/33']], /cidr/),
    valueCase('ipBlock cidr 10.0.0.1 (no prefix length)', [[PEER(2, 'ipBlock', 'cidr'), '10.0.0.1']], /cidr/),
    valueCase('ipBlock cidr 5 (a number)', [[PEER(2, 'ipBlock', 'cidr'), 5]], /cidr/),
    valueCase(
      'ipBlock except outside the cidr',
      [[PEER(2, 'ipBlock', 'except'), ['192.168.0.0/16']]],
      /except/,
    ),
    valueCase('ipBlock except not a list', [[PEER(2, 'ipBlock', 'except'), '10.1.0.0/16']], /except/),
    valueCase('policy named port "http_x"', [[POLICY_PORT0('port'), 'http_x']], /port/),
    valueCase('policy port 0', [[POLICY_PORT0('port'), 0]], /port/),
    valueCase('policy endPort below port', [[POLICY_PORT0('endPort'), 79]], /endPort/),
    valueCase(
      'policy endPort with a named port',
      [[['NetworkPolicy', 'spec', 'ingress', 0, 'ports', 1, 'endPort'], 90]],
      /endPort/,
    ),
    valueCase(
      'policyTypes ["Bogus"]',
      [[['NetworkPolicy', 'spec', 'policyTypes'], ['Bogus']]],
      /policyTypes/,
    ),
    valueCase('status.podIP "garbage"', [[POD('status'), { podIP: 'garbage' }]], /podIP/),
    valueCase(
      'status.podIPs[0].ip 300.0.0.1',
      [[POD('status'), { podIPs: [{ ip: '300.0.0.1' }] }]],
      /podIPs?/,
    ),
    valueCase(
      'status.podIP differs from podIPs[0]',
      [[POD('status'), { podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.9' }] }]],
      /podIPs?/,
      [0, 2],
    ),
    valueCase(
      'status.podIP IPv6 fd00::5 (valid for the API)',
      [[POD('status'), { podIP: 'fd00::5', podIPs: [{ ip: 'fd00::5' }] }]],
      /podIP/,
      [0, 2],
    ),
    valueCase('nodeName "node with space"', [[POD('spec', 'nodeName'), 'node with space']], /nodeName/),
    valueCase('nodeName with control characters', [[POD('spec', 'nodeName'), CONTROL]], /nodeName/),
    valueCase('nodeName "../../x"', [[POD('spec', 'nodeName'), '../../x']], /nodeName/),
    labValueCase('Service clusterIP "not-an-ip"', [[SVC('clusterIP'), 'not-an-ip']], /clusterIP/),
    labValueCase(
      'Service clusterIP fd00::10 (the lab has no IPv6)',
      [[SVC('clusterIP'), 'fd00::10']],
      /IPv6|ipv6|clusterIP/,
      [2, 3],
    ),
    labValueCase('containerPort 1e309', [[PORT0('containerPort'), raw('1e309')]], /containerPort/),
    labValueCase('pod name "../../../x"', [[POD('metadata', 'name'), '../../../x']], /name/),
    labValueCase('nodeName "../../../x"', [[POD('spec', 'nodeName'), '../../../x']], /nodeName/),
    labValueCase(
      'label value with a newline and iptables text',
      [[POD('metadata', 'labels', 'app'), 'a\n-A INPUT -j ACCEPT']],
      /label|app/,
    ),
  ];
}
