// `predict --from-cluster`: listed objects → API JSON (attribute maps: `_from` → `from`, Dates → strings)
// → the same manifest reader as `predict -f`.
import { describe, expect, test } from 'vitest';
import { NAMESPACE_NAME_LABEL } from '../../spec/model.ts';
import { toApiJson } from './apiJson.ts';
import { snapshotCluster } from './snapshot.ts';
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
});
