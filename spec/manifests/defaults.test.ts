import { describe, expect, test } from 'vitest';
import { defaultPolicyTypes, defaultTargetPort, namespaceLabels } from './defaults.ts';
import { loadManifestsFromText } from './load.ts';

const policyDoc = (spec: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec: ${spec}\n`;
const policyOf = (spec: string) => loadManifestsFromText(policyDoc(spec)).cluster.policies[0]!;

describe('API defaulting', () => {
  // pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicy:
  // if len(PolicyTypes) == 0 { [Ingress] + Egress iff len(Spec.Egress) != 0 }
  test.each([
    ['{podSelector: {}}', ['Ingress']],
    ['{podSelector: {}, ingress: [{}]}', ['Ingress']],
    ['{podSelector: {}, egress: [{}]}', ['Ingress', 'Egress']],
    ['{podSelector: {}, egress: []}', ['Ingress']],
    ['{podSelector: {}, policyTypes: [], egress: [{}]}', ['Ingress', 'Egress']],
    ['{podSelector: {}, policyTypes: [Egress]}', ['Egress']],
    ['{podSelector: {}, policyTypes: [Egress], ingress: [{}]}', ['Egress']],
  ])('policyTypes of %s default to %j (networking/v1/defaults.go)', (spec, types) => {
    expect(policyOf(spec).policyTypes).toEqual(types);
  });

  test('a defaulted policyTypes is marked policyTypesDefaulted; an explicit one is not', () => {
    expect(policyOf('{podSelector: {}}').policyTypesDefaulted).toBe(true);
    expect(policyOf('{podSelector: {}, policyTypes: []}').policyTypesDefaulted).toBe(true);
    expect('policyTypesDefaulted' in policyOf('{podSelector: {}, policyTypes: [Ingress]}')).toBe(false);
  });

  test('defaultPolicyTypes keeps an explicit list', () => {
    expect(defaultPolicyTypes(['Egress', 'Ingress'], undefined)).toEqual(['Egress', 'Ingress']);
  });

  // SetDefaults_NetworkPolicyPort, SetDefaults_ContainerPort, SetDefaults_Service: protocol nil ⇒ TCP.
  test('protocol defaults to TCP for policy ports, container ports and Service ports', () => {
    const { cluster } =
      loadManifestsFromText(`${policyDoc('{podSelector: {}, ingress: [{ports: [{port: 80}, {}]}]}')}---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x}
spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: s, namespace: x}
spec: {ports: [{port: 80}]}
`);
    expect(cluster.policies[0]?.ingress?.[0]?.ports).toEqual([
      { protocol: 'TCP', port: 80 },
      { protocol: 'TCP' },
    ]);
    expect(cluster.pods[0]?.containers[0]?.ports[0]?.protocol).toBe('TCP');
    expect(cluster.services[0]?.ports[0]?.protocol).toBe('TCP');
  });

  test('ingress/egress and from/to: absent stays absent, [] stays []', () => {
    const p = policyOf('{podSelector: {}, ingress: [], egress: [{to: []}, {ports: []}, {}]}');
    expect(p.ingress).toEqual([]);
    expect(p.egress).toEqual([{ peers: [] }, { ports: [] }, {}]);
    expect('ingress' in policyOf('{podSelector: {}}')).toBe(false);
  });

  test('a nil namespaceSelector stays absent (it means "the policy namespace"), {} is kept', () => {
    const p = policyOf('{podSelector: {}, ingress: [{from: [{podSelector: {}}, {namespaceSelector: {}}]}]}');
    expect(p.ingress?.[0]?.peers).toEqual([{ podSelector: {} }, { namespaceSelector: {} }]);
  });

  // pkg/apis/core/v1/defaults.go SetDefaults_Namespace (KEP-2161, Kubernetes 1.21+).
  test('every namespace carries kubernetes.io/metadata.name = its name, overwriting a wrong value', () => {
    const { cluster } = loadManifestsFromText(`apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {kubernetes.io/metadata.name: b, team: t}}
`);
    expect(cluster.namespaces[0]?.labels).toEqual({ 'kubernetes.io/metadata.name': 'a', team: 't' });
    expect(namespaceLabels('n', undefined)).toEqual({ 'kubernetes.io/metadata.name': 'n' });
  });

  // pkg/apis/core/v1/defaults.go SetDefaults_Service.
  test('Service: targetPort defaults to port, sessionAffinity to None, ClientIP timeout to 10800 s', () => {
    const { cluster } = loadManifestsFromText(`apiVersion: v1
kind: Service
metadata: {name: s, namespace: x}
spec: {selector: {app: a}, ports: [{name: a, port: 80}, {name: b, port: 81, targetPort: 8081}]}
---
apiVersion: v1
kind: Service
metadata: {name: t, namespace: x}
spec: {ports: [{port: 80}], sessionAffinity: ClientIP}
---
apiVersion: v1
kind: Service
metadata: {name: u, namespace: x}
spec: {ports: [{port: 80}], sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}}
`);
    const [s, t, u] = cluster.services;
    expect(s?.ports.map((p) => p.targetPort)).toEqual([80, 8081]);
    expect(s?.sessionAffinity).toBe('None');
    expect('selector' in (t ?? {})).toBe(false);
    expect([t?.sessionAffinity, t?.affinityTimeoutSeconds]).toEqual(['ClientIP', 10800]);
    expect(u?.affinityTimeoutSeconds).toBe(60);
    expect(defaultTargetPort(80, 0)).toBe(80);
    expect(defaultTargetPort(80, '')).toBe(80);
    expect(defaultTargetPort(80, 'http')).toBe('http');
  });

  test('a label written with no value (`app:`) is the empty value, as JSON null into a Go string is ""', () => {
    const { cluster } = loadManifestsFromText(
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    app:\n',
    );
    expect(cluster.namespaces[0]?.labels).toEqual({ app: '', 'kubernetes.io/metadata.name': 'a' });
  });

  test('pod hostNetwork defaults to false', () => {
    const { cluster } = loadManifestsFromText(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c}]}\n',
    );
    expect(cluster.pods[0]?.hostNetwork).toBe(false);
  });
});
