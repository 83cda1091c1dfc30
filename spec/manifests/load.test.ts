import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { PodnetInputError, PodnetInputErrors } from '../errors.ts';
import { keyOf } from '../model.ts';
import { loadClusterFromPaths, loadManifestsFromPaths, loadManifestsFromText } from './load.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'kubectl-get-all.yaml');

describe('kubectl get ns,pods,networkpolicies,services,nodes -A -o yaml output', () => {
  test('reads every object of the dump', async () => {
    const { cluster, ignoredKinds, implicitNamespaces } = await loadManifestsFromPaths([FIXTURE]);
    expect(cluster.namespaces.map((n) => n.name)).toEqual(['default', 'kube-system', 'shop']);
    expect(cluster.pods.map(keyOf)).toEqual([
      'kube-system/coredns-668d6bf9bc-7xk2p',
      'kube-system/kube-proxy-q8m4z',
      'shop/web-0',
      'shop/db-0',
    ]);
    expect(cluster.policies.map(keyOf)).toEqual(['shop/db-allow-web', 'shop/default-deny-egress']);
    expect(cluster.services.map(keyOf)).toEqual(['default/kubernetes', 'shop/web']);
    expect(ignoredKinds).toEqual([]);
    expect(implicitNamespaces).toEqual([]);
  });

  test('pod IPs come from status.podIPs (dual stack), readiness from the Ready condition', async () => {
    const { cluster } = await loadManifestsFromPaths([FIXTURE]);
    const pod = (name: string) => cluster.pods.find((p) => p.name === name)!;
    expect(pod('web-0').ips).toEqual(['10.244.1.7', 'fd00:10:244:1::7']);
    expect(pod('web-0').ready).toBe(true);
    expect(pod('db-0').ready).toBe(false); // Ready=False with ContainersNotReady
    expect(pod('kube-proxy-q8m4z').hostNetwork).toBe(true);
    expect(pod('coredns-668d6bf9bc-7xk2p')).toMatchObject({
      nodeName: 'node-1',
      containers: [
        {
          name: 'coredns',
          ports: [
            { name: 'dns', containerPort: 53, protocol: 'UDP' },
            { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
          ],
        },
      ],
    });
    expect(pod('db-0').containers[0]?.ports[0]).toEqual({
      name: 'redis',
      containerPort: 6379,
      protocol: 'TCP',
    });
  });

  test('nodes: podCIDR from spec, InternalIP from status.addresses, segment 0', async () => {
    const { cluster } = await loadManifestsFromPaths([FIXTURE]);
    expect(cluster.nodes.map((n) => [n.name, n.podCIDR, n.internalIP, n.segment])).toEqual([
      ['node-1', '10.244.0.0/24', '172.18.0.2', 0],
      ['node-2', '10.244.1.0/24', '172.18.0.3', 0],
    ]);
  });

  test('services: ClusterIP, named targetPort and ClientIP affinity', async () => {
    const { cluster } = await loadManifestsFromPaths([FIXTURE]);
    expect(cluster.services.find((s) => s.name === 'web')).toEqual({
      namespace: 'shop',
      name: 'web',
      selector: { app: 'web' },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }],
      sessionAffinity: 'ClientIP',
      affinityTimeoutSeconds: 10800,
      clusterIP: '10.96.34.12',
    });
  });

  test('the egress policy reads with its AND-ed peer and both DNS ports', async () => {
    const { cluster } = await loadManifestsFromPaths([FIXTURE]);
    expect(cluster.policies[1]).toEqual({
      namespace: 'shop',
      name: 'default-deny-egress',
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          peers: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
  });
});

describe('loading paths', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podnet-load-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a directory is read recursively, .yaml/.yml/.json only, in sorted order', async () => {
    await mkdir(join(dir, 'b-sub'));
    await writeFile(join(dir, 'c.yml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: c}\n');
    await writeFile(join(dir, 'a.json'), '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}');
    await writeFile(join(dir, 'b-sub', 'b.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n');
    await writeFile(join(dir, 'README.md'), '# not a manifest: {');
    const loaded = await loadManifestsFromPaths([dir]);
    expect(loaded.cluster.namespaces.map((n) => n.name)).toEqual(['a', 'b', 'c']);
    expect(loaded.files).toEqual([join(dir, 'a.json'), join(dir, 'b-sub', 'b.yaml'), join(dir, 'c.yml')]);
  });

  test('several paths (-f repeated) make one cluster; duplicates across files are reported with both places', async () => {
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n';
    await writeFile(join(dir, 'one.yaml'), ns);
    await writeFile(
      join(dir, 'two.yaml'),
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n---\n${ns}`,
    );
    await expect(loadClusterFromPaths([join(dir, 'one.yaml'), join(dir, 'two.yaml')])).rejects.toThrow(
      `${join(dir, 'two.yaml')}:7: Namespace a: field metadata.name: duplicate Namespace a: already defined at ${join(dir, 'one.yaml')}:1`,
    );
  });

  test('syntax errors in one file and validation errors in another are reported together', async () => {
    await writeFile(join(dir, 'a.yaml'), 'kind: Namespace\napiVersion: v1\nmetadata: {name: "a}\n');
    await writeFile(
      join(dir, 'b.yaml'),
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: p}\nspec: {podSelector: {}, ingress: [{ports: [{protocol: ICMP}]}]}\n',
    );
    const err = await loadManifestsFromPaths([dir]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PodnetInputErrors);
    expect((err as PodnetInputErrors).errors.map((e) => [e.code, e.location.file])).toEqual([
      ['PODNET_YAML_SYNTAX', join(dir, 'a.yaml')],
      ['PODNET_INVALID_PROTOCOL', join(dir, 'b.yaml')],
    ]);
  });

  test('a missing path is an input error naming it', async () => {
    const err = await loadManifestsFromPaths([join(dir, 'nope.yaml')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PodnetInputError);
    expect((err as PodnetInputError).code).toBe('PODNET_FILE_NOT_FOUND');
    expect((err as PodnetInputError).exitCode).toBe(2);
  });

  test('a directory without manifests is an input error', async () => {
    await expect(loadManifestsFromPaths([dir])).rejects.toMatchObject({ code: 'PODNET_NO_MANIFESTS' });
  });
});

describe('kinds and namespaces', () => {
  test('kinds podnet does not use are ignored and counted for a notice', () => {
    const loaded = loadManifestsFromText(`apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: e}
---
apiVersion: v1
kind: Namespace
metadata: {name: x}
`);
    expect(loaded.ignoredKinds).toEqual([
      { kind: 'ConfigMap', count: 1 },
      { kind: 'Deployment', count: 2 },
    ]);
    expect(loaded.cluster.namespaces.map((n) => n.name)).toEqual(['x']);
  });

  test('an ignored kind is not validated (an odd Deployment never blocks a run)', () => {
    const loaded = loadManifestsFromText(
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: Not_A_Name}\n',
    );
    expect(loaded.ignoredKinds).toEqual([{ kind: 'Deployment', count: 1 }]);
  });

  test('missing metadata.namespace means default; undeclared namespaces are created implicitly with default labels', () => {
    const loaded = loadManifestsFromText(`apiVersion: v1
kind: Pod
metadata: {name: a}
spec: {containers: [{name: c}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: other}
spec: {podSelector: {}}
---
apiVersion: v1
kind: Namespace
metadata: {name: declared, labels: {team: a}}
`);
    expect(loaded.cluster.pods[0]?.namespace).toBe('default');
    expect(loaded.implicitNamespaces).toEqual(['default', 'other']);
    expect(loaded.cluster.namespaces).toEqual([
      { name: 'declared', labels: { team: 'a', 'kubernetes.io/metadata.name': 'declared' } },
      { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } },
      { name: 'other', labels: { 'kubernetes.io/metadata.name': 'other' } },
    ]);
  });

  test('a pod without status is ready and has no IPs; with a status it needs Ready=True; podIP alone is read', () => {
    const loaded = loadManifestsFromText(`apiVersion: v1
kind: Pod
metadata: {name: a}
spec: {containers: [{name: c}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec: {containers: [{name: c}]}
status: {podIP: 10.1.2.3}
`);
    expect(loaded.cluster.pods.map((p) => [p.name, p.ready, p.ips])).toEqual([
      ['a', true, []],
      ['b', false, ['10.1.2.3']],
    ]);
  });
});
