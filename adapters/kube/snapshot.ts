/**
 * `podnet predict --from-cluster`: the live namespaces, pods, Services, NetworkPolicies and nodes, read
 * with client-node list calls (nothing is created, nothing is probed), turned into the API's JSON and
 * read by the same manifest reader as `podnet predict -f` (spec/manifests), so the same validation and
 * defaulting apply. Pods that have finished (Succeeded, Failed) are left out: they take no traffic.
 */

import { loadManifestsFromText } from '../../spec/manifests/load.ts';
import type { Cluster } from '../../spec/model.ts';
import { toApiJson } from './apiJson.ts';
import type { KubeClients } from './clients.ts';
import { apiError, DEFAULT_REQUEST_TIMEOUT_MS, makeClients } from './clients.ts';
import { type KubeconfigOptions, loadKubeConfig } from './kubeconfig.ts';

export interface ClusterSnapshot {
  readonly cluster: Cluster;
  readonly server: string;
}

export async function snapshotCluster(clients: KubeClients): Promise<ClusterSnapshot> {
  const call = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (error) {
      throw apiError(`list ${what}`, clients.server, error);
    }
  };
  const [namespaces, pods, services, policies, nodes] = await Promise.all([
    call('namespaces', () => clients.core.listNamespace()),
    call('pods', () => clients.core.listPodForAllNamespaces()),
    call('services', () => clients.core.listServiceForAllNamespaces()),
    call('networkpolicies', () => clients.networking.listNetworkPolicyForAllNamespaces()),
    call('nodes', () => clients.core.listNode()),
  ]);
  const items = [
    ...namespaces.items.map((o) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      ...(toApiJson(o, 'V1Namespace') as object),
    })),
    ...nodes.items.map((o) => ({ apiVersion: 'v1', kind: 'Node', ...(toApiJson(o, 'V1Node') as object) })),
    ...pods.items
      .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
      .map((o) => ({ apiVersion: 'v1', kind: 'Pod', ...(toApiJson(o, 'V1Pod') as object) })),
    ...services.items.map((o) => ({
      apiVersion: 'v1',
      kind: 'Service',
      ...(toApiJson(o, 'V1Service') as object),
    })),
    ...policies.items.map((o) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      ...(toApiJson(o, 'V1NetworkPolicy') as object),
    })),
  ];
  const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
  return {
    cluster: loadManifestsFromText(text, `cluster ${clients.server}`).cluster,
    server: clients.server,
  };
}

/** Connects as kubectl would (`--kubeconfig`, `--context`, KUBECONFIG, in-cluster) and snapshots. */
export async function snapshotLiveCluster(
  options: KubeconfigOptions & { readonly requestTimeoutMs?: number },
): Promise<ClusterSnapshot> {
  return snapshotCluster(
    makeClients(loadKubeConfig(options), options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
  );
}
