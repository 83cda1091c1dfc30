import { describe, expect, test } from 'vitest';
import { type PodnetInputError, PodnetInputErrors } from '../errors.ts';
import { loadManifestsFromText } from './load.ts';

/** The errors loading `text` raises (fails the test when it loads cleanly). */
function errorsOf(text: string): PodnetInputError[] {
  try {
    loadManifestsFromText(text, 'in.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(PodnetInputErrors);
    return [...(e as PodnetInputErrors).errors];
  }
  throw new Error('expected input errors, got none');
}

function policy(spec: string, name = 'p'): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: x}
spec:
${spec
  .trim()
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
`;
}

const fields = (errs: PodnetInputError[]) => errs.map((e) => e.location.field);

// Every rule below mirrors pkg/apis/networking/validation/validation.go (kubernetes/kubernetes):
// ValidateNetworkPolicySpec, ValidateNetworkPolicyPeer, ValidateNetworkPolicyPort, ValidateIPBlock.
describe('NetworkPolicy validation as the API server does it', () => {
  test('invalid IPv4 CIDR (ValidateIPBlock → IsValidCIDRForLegacyField)', () => {
    const errs = errorsOf(policy('podSelector: {}\ningress:\n- from:\n  - ipBlock: {cidr: 10.0.0.256/8}'));
    expect(errs).toHaveLength(1);
    expect(errs[0]?.code).toBe('PODNET_INVALID_CIDR');
    expect(errs[0]?.location).toMatchObject({
      file: 'in.yaml',
      line: 8,
      object: 'NetworkPolicy x/p',
      field: 'spec.ingress[0].from[0].ipBlock.cidr',
    });
    expect(errs[0]?.hint).toMatch(/prefix length/);
  });

  test('invalid IPv6 CIDR and a CIDR without prefix length', () => {
    const errs = errorsOf(
      policy(
        'podSelector: {}\negress:\n- to:\n  - ipBlock: {cidr: "2001:db8:::/64"}\n  - ipBlock: {cidr: 10.0.0.1}',
      ),
    );
    expect(fields(errs)).toEqual(['spec.egress[0].to[0].ipBlock.cidr', 'spec.egress[0].to[1].ipBlock.cidr']);
    expect(errs.every((e) => e.code === 'PODNET_INVALID_CIDR')).toBe(true);
  });

  test('valid IPv6 CIDR with except is accepted', () => {
    const loaded = loadManifestsFromText(
      policy(
        'podSelector: {}\ningress:\n- from:\n  - ipBlock: {cidr: "fd00::/16", except: ["fd00:10::/32"]}',
      ),
    );
    expect(loaded.cluster.policies[0]?.ingress?.[0]?.peers?.[0]?.ipBlock).toEqual({
      cidr: 'fd00::/16',
      except: ['fd00:10::/32'],
    });
  });

  test('a CIDR with host bits set is accepted as written (StrictIPCIDRValidation is alpha, off by default)', () => {
    // pkg/features/kube_features.go: StrictIPCIDRValidation {1.33, Default: false, Alpha};
    // apimachinery pkg/util/validation/ip.go parseCIDR only rejects host bits when strict.
    const loaded = loadManifestsFromText(
      policy(
        'podSelector: {}\ningress:\n- from:\n  - ipBlock: {cidr: 10.10.1.12/24, except: [10.10.1.128/25]}',
      ),
    );
    expect(loaded.cluster.policies[0]?.ingress?.[0]?.peers?.[0]?.ipBlock?.cidr).toBe('10.10.1.12/24');
  });

  test('except outside cidr, equal to cidr, or of the other family is rejected ("must be a strict subset of `cidr`")', () => {
    const errs = errorsOf(
      policy(
        'podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 10.0.0.0/16\n      except: [10.1.0.0/24, 10.0.0.0/16, "::/0", 10.0.5.0/24, 10.0.0.0/8]',
      ),
    );
    expect(fields(errs)).toEqual([
      'spec.ingress[0].from[0].ipBlock.except[0]',
      'spec.ingress[0].from[0].ipBlock.except[1]',
      'spec.ingress[0].from[0].ipBlock.except[2]',
      'spec.ingress[0].from[0].ipBlock.except[4]',
    ]);
    expect(errs.every((e) => e.code === 'PODNET_EXCEPT_OUTSIDE_CIDR')).toBe(true);
  });

  test('endPort without port, with a named port, or below port (ValidateNetworkPolicyPort)', () => {
    const errs = errorsOf(
      policy(
        'podSelector: {}\ningress:\n- ports:\n  - endPort: 90\n  - {port: http, endPort: 90}\n  - {port: 100, endPort: 90}\n  - {port: 80, endPort: 90}',
      ),
    );
    expect(fields(errs)).toEqual([
      'spec.ingress[0].ports[0].endPort',
      'spec.ingress[0].ports[1].endPort',
      'spec.ingress[0].ports[2].endPort',
    ]);
    expect(errs.map((e) => e.problem)).toEqual([
      'endPort may not be specified when port is not specified',
      'endPort may not be specified when port is non-numeric',
      'endPort 90 must be greater than or equal to port 100',
    ]);
  });

  test('In/NotIn without values, and Exists/DoesNotExist with values (ValidateLabelSelector)', () => {
    const errs = errorsOf(
      policy(`podSelector:
  matchExpressions:
  - {key: a, operator: In}
  - {key: b, operator: NotIn, values: []}
  - {key: c, operator: Exists, values: [x]}
  - {key: d, operator: DoesNotExist, values: [w]}
  - {key: e, operator: In, values: [""]}
  - {key: f, operator: Equals, values: [z]}`),
    );
    expect(fields(errs)).toEqual([
      'spec.podSelector.matchExpressions[0].values',
      'spec.podSelector.matchExpressions[1].values',
      'spec.podSelector.matchExpressions[2].values',
      'spec.podSelector.matchExpressions[3].values',
      'spec.podSelector.matchExpressions[5].operator',
    ]);
  });

  test('a peer mixing ipBlock with a selector, and a peer with none of the three (ValidateNetworkPolicyPeer)', () => {
    const errs = errorsOf(
      policy(`podSelector: {}
ingress:
- from:
  - ipBlock: {cidr: 10.0.0.0/8}
    namespaceSelector: {}
  - {}
  - podSelector: {}
    namespaceSelector: {}`),
    );
    expect(errs.map((e) => [e.location.field, e.problem])).toEqual([
      ['spec.ingress[0].from[0]', 'may not specify both ipBlock and another peer'],
      ['spec.ingress[0].from[1]', 'must specify a peer: podSelector, namespaceSelector or ipBlock'],
    ]);
  });

  test('unknown protocol, in a policy port, a container port and a Service port', () => {
    const errs = errorsOf(`${policy('podSelector: {}\ningress:\n- ports: [{port: 80, protocol: tcp}]')}---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x}
spec:
  containers: [{name: c, ports: [{containerPort: 80, protocol: ICMP}]}]
---
apiVersion: v1
kind: Service
metadata: {name: s, namespace: x}
spec:
  ports: [{port: 80, protocol: HTTP}]
`);
    expect(errs.map((e) => [e.code, e.location.object, e.location.field])).toEqual([
      ['PODNET_INVALID_PROTOCOL', 'NetworkPolicy x/p', 'spec.ingress[0].ports[0].protocol'],
      ['PODNET_INVALID_PROTOCOL', 'Pod x/a', 'spec.containers[0].ports[0].protocol'],
      ['PODNET_INVALID_PROTOCOL', 'Service x/s', 'spec.ports[0].protocol'],
    ]);
  });

  test('duplicate names: same kind, namespace and name; the error points at the first copy', () => {
    const doc = policy('podSelector: {}');
    const errs = errorsOf(
      `${doc}---\n${doc}---\n${policy('podSelector: {}').replace('namespace: x', 'namespace: z')}`,
    );
    expect(errs).toHaveLength(1);
    expect(errs[0]?.code).toBe('PODNET_DUPLICATE_OBJECT');
    expect(errs[0]?.problem).toBe('duplicate NetworkPolicy x/p: already defined at in.yaml:1');
    expect(errs[0]?.location.line).toBe(9);
  });

  test('same name in different kinds is not a duplicate', () => {
    const loaded = loadManifestsFromText(`${policy('podSelector: {}', 'a')}---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x}
spec: {containers: [{name: c}]}
`);
    expect(loaded.cluster.pods).toHaveLength(1);
    expect(loaded.cluster.policies).toHaveLength(1);
  });

  test('invalid label keys and values, in metadata and in selectors (ValidateLabels, IsQualifiedName)', () => {
    const errs = errorsOf(`apiVersion: v1
kind: Namespace
metadata:
  name: x
  labels: {"-bad": ok, good: "not valid!", "a/b/c": v}
---
${policy('podSelector:\n  matchLabels: {app: "a b"}\n  matchExpressions: [{key: "Example.com/x", operator: Exists}]')}`);
    expect(errs.map((e) => e.location.field)).toEqual([
      'metadata.labels["-bad"]',
      'metadata.labels.good',
      'metadata.labels["a/b/c"]',
      'spec.podSelector.matchLabels.app',
      'spec.podSelector.matchExpressions[0].key',
    ]);
  });

  test('an unquoted yes label value is a boolean in YAML 1.1 (kubectl) and is rejected with a hint to quote it', () => {
    const errs = errorsOf('apiVersion: v1\nkind: Namespace\nmetadata: {name: x, labels: {enabled: yes}}\n');
    expect(errs[0]?.problem).toBe('must be a string, got boolean true');
    expect(errs[0]?.hint).toMatch(/quote/);
  });

  test('invalid DNS-1123 names: namespace (label), pod and policy (subdomain), Service (DNS-1035)', () => {
    const errs = errorsOf(`apiVersion: v1
kind: Namespace
metadata: {name: Team_A}
---
apiVersion: v1
kind: Pod
metadata: {name: web.A, namespace: x}
spec: {containers: [{name: c}]}
---
apiVersion: v1
kind: Service
metadata: {name: 1web, namespace: x}
spec: {ports: [{port: 80}]}
---
${policy('podSelector: {}', 'allow_all')}`);
    expect(errs.map((e) => [e.location.object, e.location.field, e.code])).toEqual([
      ['Namespace Team_A', 'metadata.name', 'PODNET_INVALID_NAME'],
      ['Pod x/web.A', 'metadata.name', 'PODNET_INVALID_NAME'],
      ['Service x/1web', 'metadata.name', 'PODNET_INVALID_NAME'],
      ['NetworkPolicy x/allow_all', 'metadata.name', 'PODNET_INVALID_NAME'],
    ]);
  });

  test('port numbers outside 1..65535 (IsValidPortNum), in policies, containers and Services', () => {
    const errs =
      errorsOf(`${policy('podSelector: {}\ningress:\n- ports: [{port: 0}, {port: 65536}, {port: 1, endPort: 70000}]')}---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x}
spec: {containers: [{name: c, ports: [{containerPort: 0}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: s, namespace: x}
spec: {ports: [{port: 80, targetPort: 99999}]}
`);
    expect(fields(errs)).toEqual([
      'spec.ingress[0].ports[0].port',
      'spec.ingress[0].ports[1].port',
      'spec.ingress[0].ports[2].endPort',
      'spec.containers[0].ports[0].containerPort',
      'spec.ports[0].targetPort',
    ]);
  });

  test('named port must be an IANA_SVC_NAME (IsValidPortName)', () => {
    const errs = errorsOf(
      policy(
        'podSelector: {}\ningress:\n- ports: [{port: "80"}, {port: HTTP}, {port: a--b}, {port: averyveryverylongname}, {port: -web}, {port: web-1}]',
      ),
    );
    expect([...new Set(fields(errs))]).toEqual([
      'spec.ingress[0].ports[0].port',
      'spec.ingress[0].ports[1].port',
      'spec.ingress[0].ports[2].port',
      'spec.ingress[0].ports[3].port',
      'spec.ingress[0].ports[4].port',
    ]);
    expect(errs[0]?.problem).toMatch(/at least one letter/);
  });

  test('policyTypes: unknown value and more than two entries', () => {
    expect(fields(errorsOf(policy('podSelector: {}\npolicyTypes: [Ingress, egress]')))).toEqual([
      'spec.policyTypes[1]',
    ]);
    expect(errorsOf(policy('podSelector: {}\npolicyTypes: [Ingress, Egress, Ingress]'))[0]?.problem).toBe(
      'may not specify more than two policyTypes',
    );
  });

  test('a missing spec.podSelector is the empty selector, not an error (networking/v1/types.go: "optional")', () => {
    expect(loadManifestsFromText(policy('ingress: []')).cluster.policies[0]?.podSelector).toEqual({});
  });

  test('unknown fields are rejected as kubectl --validate=strict does (a typo would silently widen a rule)', () => {
    const errs = errorsOf(policy('podSelector: {}\ningress:\n- from:\n  - namespaceselector: {}'));
    expect(errs.map((e) => [e.code, e.location.field])).toEqual([
      ['PODNET_UNKNOWN_FIELD', 'spec.ingress[0].from[0].namespaceselector'],
      ['PODNET_INVALID_PEER', 'spec.ingress[0].from[0]'],
    ]);
    expect(errs[0]?.hint).toMatch(/namespaceSelector/);
  });

  test('every error is collected, across objects and files, and nothing partial is returned', () => {
    const errs =
      errorsOf(`${policy('podSelector: {}\ningress:\n- from:\n  - ipBlock: {cidr: bad}\n  ports: [{protocol: ICMP}]')}---
${policy('podSelector:\n  matchExpressions: [{key: a, operator: In}]', 'q')}`);
    expect(errs.map((e) => e.location.object)).toEqual([
      'NetworkPolicy x/p',
      'NetworkPolicy x/p',
      'NetworkPolicy x/q',
    ]);
  });

  test('a kind we use with an unknown apiVersion is an error', () => {
    const errs = errorsOf(policy('podSelector: {}').replace('networking.k8s.io/v1', 'extensions/v1beta1'));
    expect(errs[0]?.code).toBe('PODNET_UNKNOWN_API_VERSION');
    expect(errs[0]?.hint).toBe('use apiVersion: networking.k8s.io/v1');
  });

  test('error messages carry file:line, object, field and hint, and exit code 2', () => {
    const errs = errorsOf(policy('podSelector: {}\ningress:\n- ports: [{port: 80, endPort: 10}]'));
    expect(errs[0]?.message).toBe(
      'in.yaml:7: NetworkPolicy x/p: field spec.ingress[0].ports[0].endPort: endPort 10 must be greater than or equal to port 80\n  hint: endPort is the inclusive upper end of the range starting at port',
    );
    expect(errs[0]?.exitCode).toBe(2);
  });
});
