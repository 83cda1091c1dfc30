import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Cluster } from '../model.ts';
import type { ScenarioCluster } from '../scenario.ts';
import { loadManifestsFromPaths, loadManifestsFromText } from './load.ts';
import { clusterToManifests, DEFAULT_PLACEHOLDER_IMAGE } from './write.ts';

const ns = (name: string, labels: Record<string, string> = {}) => ({
  name,
  labels: { ...labels, 'kubernetes.io/metadata.name': name },
});

const CLUSTER: Cluster = {
  nodes: [
    { name: 'node-1', labels: { zone: 'a' }, podCIDR: '10.244.0.0/24', internalIP: '172.18.0.2', segment: 0 },
  ],
  namespaces: [ns('x', { ns: 'x', enabled: 'yes' }), ns('y', { ns: 'y' })],
  pods: [
    {
      namespace: 'x',
      name: 'a',
      labels: { pod: 'a', flag: 'on' },
      nodeName: 'node-1',
      hostNetwork: false,
      containers: [
        {
          name: 'c80',
          ports: [
            { name: 'serve-80-tcp', containerPort: 80, protocol: 'TCP' },
            { containerPort: 81, protocol: 'UDP' },
          ],
        },
        { name: 'c82', ports: [{ name: 'sctp', containerPort: 82, protocol: 'SCTP' }] },
      ],
      ips: ['10.244.0.5', 'fd00::5'],
      ready: false,
    },
    {
      namespace: 'y',
      name: 'b',
      labels: {},
      hostNetwork: true,
      containers: [{ name: 'c', ports: [] }],
      ips: [],
      ready: true,
    },
  ],
  services: [
    {
      namespace: 'x',
      name: 's',
      selector: { pod: 'a' },
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: 'serve-80-tcp' },
        { name: 'dns', protocol: 'UDP', port: 53, targetPort: 81 },
      ],
      sessionAffinity: 'ClientIP',
      affinityTimeoutSeconds: 60,
      clusterIP: '10.96.0.10',
    },
  ],
  policies: [
    {
      namespace: 'x',
      name: 'p',
      podSelector: { matchLabels: { pod: 'a' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          peers: [
            {
              podSelector: {},
              namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'In', values: ['y'] }] },
            },
            { ipBlock: { cidr: '10.10.1.12/24', except: ['10.10.1.128/25'] } },
          ],
          ports: [
            { protocol: 'TCP', port: 80, endPort: 90 },
            { protocol: 'UDP', port: 'dns' },
            { protocol: 'SCTP' },
          ],
        },
        {},
      ],
      egress: [],
    },
    {
      namespace: 'y',
      name: 'q',
      podSelector: { matchExpressions: [{ key: 'pod', operator: 'DoesNotExist' }] },
      policyTypes: ['Egress'],
      egress: [{ peers: [] }, { ports: [] }],
    },
  ],
};

describe('clusterToManifests', () => {
  test('round trip: write (with nodes and observed fields) then load gives the same cluster', () => {
    const text = clusterToManifests(CLUSTER, { includeNodes: true, includeObserved: true });
    expect(loadManifestsFromText(text, 'out.yaml').cluster).toEqual(CLUSTER);
  });

  test('round trip of a real kubectl get dump', async () => {
    const fixture = join(import.meta.dirname, 'fixtures', 'kubectl-get-all.yaml');
    const { cluster } = await loadManifestsFromPaths([fixture]);
    const again = loadManifestsFromText(
      clusterToManifests(cluster, { includeNodes: true, includeObserved: true }),
    );
    expect(again.cluster).toEqual(cluster);
  });

  test('without options: no Nodes, no status, no clusterIP; namespaces come first; placeholder image', () => {
    const text = clusterToManifests(CLUSTER);
    const docs = parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
    expect(docs.map((d) => d.kind)).toEqual([
      'Namespace',
      'Namespace',
      'Service',
      'Pod',
      'Pod',
      'NetworkPolicy',
      'NetworkPolicy',
    ]);
    expect(docs.some((d) => 'status' in d)).toBe(false);
    expect(text).not.toContain('clusterIP');
    expect(text).toContain(`image: ${DEFAULT_PLACEHOLDER_IMAGE}`);
    expect(clusterToManifests(CLUSTER, { image: 'agnhost:2.53' })).toContain('image: agnhost:2.53');
    const loaded = loadManifestsFromText(text).cluster;
    expect(loaded.pods.map((p) => p.ips)).toEqual([[], []]);
    expect(loaded.policies).toEqual(CLUSTER.policies);
  });

  test('policies are written with from/to, explicit policyTypes and protocols', () => {
    const text = clusterToManifests(CLUSTER);
    expect(text).toContain('from:');
    expect(text).toContain('to: []');
    expect(text).not.toContain('peers');
  });

  test('a defaulted policyTypes is omitted again when it still matches the defaulting, kept otherwise', () => {
    const base = CLUSTER.policies[1]!;
    const defaulted = { ...base, policyTypes: ['Ingress', 'Egress'] as const, policyTypesDefaulted: true };
    const stale = { ...base, policyTypes: ['Egress'] as const, policyTypesDefaulted: true };
    const write = (p: typeof defaulted | typeof stale) =>
      clusterToManifests({ ...CLUSTER, policies: [p], services: [], pods: [] });
    expect(write(defaulted)).not.toContain('policyTypes');
    expect(loadManifestsFromText(write(defaulted)).cluster.policies[0]).toEqual(defaulted);
    expect(write(stale)).toContain('policyTypes');
  });

  test('YAML 1.1 words in label values are quoted (kubectl reads YAML 1.1)', () => {
    const text = clusterToManifests(CLUSTER);
    expect(text).toContain('enabled: "yes"');
    expect(text).toContain('flag: "on"');
  });

  test('property: any valid label value survives write then load', () => {
    // Words and numbers that YAML 1.1 would read as booleans, nulls or numbers, all valid label values.
    const tricky = fc.constantFrom(
      ...[
        'yes',
        'no',
        'on',
        'off',
        'y',
        'n',
        'true',
        'False',
        'null',
        'Null',
        'NaN',
        '0123',
        '1_000',
        '190_20',
      ],
      ...['1e3', '0x1f', '0.5', '0o17', ''],
    );
    const plain = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,20}[A-Za-z0-9])?$/);
    fc.assert(
      fc.property(fc.oneof(tricky, plain), (value) => {
        const cluster: Cluster = {
          nodes: [],
          namespaces: [ns('x', { v: value })],
          pods: [],
          services: [],
          policies: [],
        };
        expect(loadManifestsFromText(clusterToManifests(cluster)).cluster).toEqual(cluster);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  const SYMBOLIC: ScenarioCluster = {
    nodes: [],
    namespaces: [ns('x')],
    pods: [],
    services: [],
    policies: [
      {
        namespace: 'x',
        name: 'sym',
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            peers: [
              {
                ipBlock: {
                  cidr: { ref: 'clusterNetwork' },
                  except: [
                    { ref: 'pod', pod: 'x/a', prefixLength: 32 },
                    { ref: 'literal', cidr: '10.0.9.0/24' },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };

  test('symbolic ipBlocks are resolved with resolveCidr', () => {
    const text = clusterToManifests(SYMBOLIC, {
      resolveCidr: (ref) =>
        ref.ref === 'clusterNetwork' ? '10.0.0.0/16' : ref.ref === 'pod' ? '10.0.1.7/32' : 'unexpected',
    });
    expect(loadManifestsFromText(text).cluster.policies[0]?.ingress?.[0]?.peers?.[0]?.ipBlock).toEqual({
      cidr: '10.0.0.0/16',
      except: ['10.0.1.7/32', '10.0.9.0/24'],
    });
  });

  test('without a resolver, symbolic CIDRs are written as unresolved markers that no reader accepts', () => {
    const text = clusterToManifests(SYMBOLIC);
    expect(text).toContain(
      '# podnet: this policy has symbolic ipBlocks that were not resolved to addresses:',
    );
    expect(text).toContain('cidr: "<unresolved: cluster network>"');
    expect(text).toContain('<unresolved: pod x/a widened to /32>');
    expect(() => loadManifestsFromText(text)).toThrow(/is not a valid CIDR/);
  });

  test('a pod without containers is written with one placeholder container (the API requires one)', () => {
    const cluster: Cluster = {
      nodes: [],
      namespaces: [ns('x')],
      pods: [
        { namespace: 'x', name: 'a', labels: {}, hostNetwork: false, containers: [], ips: [], ready: true },
      ],
      services: [],
      policies: [],
    };
    expect(loadManifestsFromText(clusterToManifests(cluster)).cluster.pods[0]?.containers).toEqual([
      { name: 'main', ports: [] },
    ]);
  });
});
