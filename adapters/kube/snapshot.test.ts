// `predict --from-cluster`: listed objects → API JSON (attribute maps: `_from` → `from`, Dates → strings)
// → the same manifest reader as `predict -f`.
import { describe, expect, test } from 'vitest';
import { EXIT, PodnetTargetError } from '../../spec/errors.ts';
import { NAMESPACE_NAME_LABEL } from '../../spec/model.ts';
import { toApiJson } from './apiJson.ts';
import { LIST_PAGE_SIZE, snapshotCluster } from './snapshot.ts';
import { FakeKube } from './testing/fakeKube.ts';

describe('cluster snapshot', () => {
  test('typed models become API JSON', () => {
    expect(
      toApiJson({ _from: [{ podSelector: {} }], ports: [{ port: 80 }] }, 'V1NetworkPolicyIngressRule'),
    ).toEqual({ from: [{ podSelector: {} }], ports: [{ port: 80 }] });
    expect(toApiJson({ metadata: { creationTimestamp: new Date('2026-01-02T03:04:05Z') } }, 'V1Pod')).toEqual(
      { metadata: { creationTimestamp: '2026-01-02T03:04:05.000Z' } },
    );
  });

  test('namespaces, pods, Services and policies of a (fake) cluster read as a Cluster; finished pods left out', async () => {
    const fake = new FakeKube();
    const clients = fake.clients();
    await clients.core.createNamespace({ body: { metadata: { name: 'x', labels: { ns: 'x' } } } });
    await clients.core.createNamespacedPod({
      namespace: 'x',
      body: {
        metadata: { name: 'a', namespace: 'x', labels: { pod: 'a' } },
        spec: {
          containers: [
            { name: 'c', image: 'i', ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] },
          ],
        },
      },
    });
    await clients.core.createNamespacedPod({
      namespace: 'x',
      body: { metadata: { name: 'done', namespace: 'x' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    });
    const done = fake.pods.get('x/done');
    if (done?.status) done.status.phase = 'Succeeded';
    await clients.networking.createNamespacedNetworkPolicy({
      namespace: 'x',
      body: {
        metadata: { name: 'p', namespace: 'x' },
        spec: {
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: [{ _from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }],
        },
      },
    });
    const { cluster } = await snapshotCluster(clients);
    expect(cluster.namespaces.find((n) => n.name === 'x')?.labels).toEqual({
      ns: 'x',
      [NAMESPACE_NAME_LABEL]: 'x',
    });
    expect(cluster.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['x/a']);
    expect(cluster.pods[0]?.ips).toEqual(['10.244.1.2']);
    expect(cluster.pods[0]?.containers[0]?.ports).toEqual([
      { name: 'http', containerPort: 80, protocol: 'TCP' },
    ]);
    expect(cluster.policies[0]?.ingress?.[0]?.peers?.[0]?.namespaceSelector).toEqual({
      matchLabels: { ns: 'y' },
    });
    expect(cluster.nodes.map((n) => n.name)).toEqual(['kind-control-plane', 'kind-worker', 'kind-worker2']);
  });

  /** A fake cluster of `count` pods in namespace `x`, created through the fake's API. */
  async function clusterOfPods(count: number): Promise<FakeKube> {
    const fake = new FakeKube();
    const clients = fake.clients();
    await clients.core.createNamespace({ body: { metadata: { name: 'x' } } });
    for (let i = 0; i < count; i++) {
      await clients.core.createNamespacedPod({
        namespace: 'x',
        body: {
          metadata: { name: `p-${String(i).padStart(4, '0')}`, namespace: 'x' },
          spec: { containers: [{ name: 'c', image: 'i' }] },
        },
      });
    }
    // The fake numbers pod IPs in one /24: give each pod its own address in 10.244.0.0/16 instead.
    [...fake.pods.values()].forEach((pod, i) => {
      const ip = `10.244.${(i >> 8) + 2}.${i & 255}`;
      pod.status = { ...pod.status, podIP: ip, podIPs: [{ ip }] };
    });
    return fake;
  }

  // API conventions, "List chunking" (api-concepts.md): limit, then continue until metadata.continue is empty.
  test('lists page by 500 and follow metadata.continue until it is empty: 1,203 pods in 3 pages', async () => {
    const fake = await clusterOfPods(1203);
    const { cluster } = await snapshotCluster(fake.clients());
    expect(cluster.pods).toHaveLength(1203);
    expect(new Set(cluster.pods.map((p) => p.name)).size).toBe(1203);
    const podLists = fake.calls.filter((c) => c.method === 'listPodForAllNamespaces').map((c) => c.params);
    expect(podLists).toEqual([
      { limit: LIST_PAGE_SIZE },
      { limit: LIST_PAGE_SIZE, _continue: 'offset-500' },
      { limit: LIST_PAGE_SIZE, _continue: 'offset-1000' },
    ]);
    // Every list is paged, not only the long one.
    for (const method of [
      'listNamespace',
      'listNode',
      'listServiceForAllNamespaces',
      'listNetworkPolicyForAllNamespaces',
    ])
      expect(fake.calls.find((c) => c.method === method)?.params).toEqual({ limit: LIST_PAGE_SIZE });
  });

  // etcd3/errors.go: a continue token older than the compacted revision is 410 Expired.
  test('a 410 Gone on a continued page is PODNET_KUBE_LIST_EXPIRED, exit code 3, naming the list and page', async () => {
    const fake = await clusterOfPods(501);
    fake.expireContinueTokens = true;
    const error = await snapshotCluster(fake.clients()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PodnetTargetError);
    expect(error).toMatchObject({ code: 'PODNET_KUBE_LIST_EXPIRED', exitCode: EXIT.target });
    expect((error as Error).message).toMatch(
      /^list pods: the API server https:\/\/fake:6443 answered 410 Gone at page 2/,
    );
    expect((error as Error).message).toContain('hint: run podnet predict --from-cluster again');
  });

  test('a continue token the server sends twice is PODNET_KUBE_LIST_LOOP, not an endless loop', async () => {
    const fake = await clusterOfPods(1001);
    fake.repeatContinueTokens = true;
    const error = await snapshotCluster(fake.clients()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PODNET_KUBE_LIST_LOOP', exitCode: EXIT.target });
    expect((error as Error).message).toContain('list pods:');
    // Page 1 gives offset-500, page 2 hands offset-500 back: stopped there.
    expect(fake.calls.filter((c) => c.method === 'listPodForAllNamespaces')).toHaveLength(2);
  });
});
