/**
 * `podnet predict --from-cluster`: the live namespaces, pods, Services, NetworkPolicies and nodes, read
 * with client-node list calls (nothing is created, nothing is probed), turned into the API's JSON and
 * read by the same manifest reader as `podnet predict -f` (spec/manifests), so the same validation and
 * defaulting apply. Pods that have finished (Succeeded, Failed) are left out: they take no traffic.
 *
 * Lists are read in pages of {@link LIST_PAGE_SIZE} (`limit`, then `continue` until the server sends none),
 * as kubectl does (`--chunk-size=500`), so a cluster of 100,000 pods is never one response of gigabytes
 * that the API server must build at once. An expired continue token (410 Gone: the list took longer than
 * the server keeps the first page's revision) ends the snapshot with PODNET_KUBE_LIST_EXPIRED; a token
 * the server hands back twice ends it with PODNET_KUBE_LIST_LOOP instead of looping.
 */

import { PodnetTargetError } from '../../spec/errors.ts';
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

/** Items per list request (kubectl's default `--chunk-size`). */
export const LIST_PAGE_SIZE = 500;

interface ListPage<T> {
  readonly items: T[];
  readonly metadata?: { readonly _continue?: string };
}

/** Every item of a list, page by page (`limit`, then `continue` until the server returns none). */
async function listAllPages<T>(
  what: string,
  server: string,
  list: (page: { limit: number; _continue?: string }) => Promise<ListPage<T>>,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let pages = 1; ; pages++) {
    let page: ListPage<T>;
    try {
      page = await list({ limit: LIST_PAGE_SIZE, ...(token !== undefined ? { _continue: token } : {}) });
    } catch (error) {
      if ((error as { code?: unknown }).code === 410 && token !== undefined) {
        throw new PodnetTargetError(
          'PODNET_KUBE_LIST_EXPIRED',
          `list ${what}: the API server ${server} answered 410 Gone at page ${pages}: the continue token expired (the server no longer keeps the revision the first page was read at)`,
          'run podnet predict --from-cluster again; the list starts over from a fresh revision',
          { cause: error },
        );
      }
      throw apiError(`list ${what}`, server, error);
    }
    items.push(...page.items);
    const next = page.metadata?._continue;
    if (next === undefined || next === '') return items;
    if (seen.has(next)) {
      throw new PodnetTargetError(
        'PODNET_KUBE_LIST_LOOP',
        `list ${what}: the API server ${server} sent a continue token it had sent before (page ${pages}): following it would never end`,
        'this is a fault of the API server or of a proxy in front of it (a cached answer?)',
      );
    }
    seen.add(next);
    token = next;
  }
}

export async function snapshotCluster(clients: KubeClients): Promise<ClusterSnapshot> {
  const all = <T>(
    what: string,
    list: (page: { limit: number; _continue?: string }) => Promise<ListPage<T>>,
  ) => listAllPages(what, clients.server, list);
  const [namespaces, pods, services, policies, nodes] = await Promise.all([
    all('namespaces', (p) => clients.core.listNamespace(p)),
    all('pods', (p) => clients.core.listPodForAllNamespaces(p)),
    all('services', (p) => clients.core.listServiceForAllNamespaces(p)),
    all('networkpolicies', (p) => clients.networking.listNetworkPolicyForAllNamespaces(p)),
    all('nodes', (p) => clients.core.listNode(p)),
  ]);
  const items = [
    ...namespaces.map((o) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      ...(toApiJson(o, 'V1Namespace') as object),
    })),
    ...nodes.map((o) => ({ apiVersion: 'v1', kind: 'Node', ...(toApiJson(o, 'V1Node') as object) })),
    ...pods
      .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
      .map((o) => ({ apiVersion: 'v1', kind: 'Pod', ...(toApiJson(o, 'V1Pod') as object) })),
    ...services.map((o) => ({
      apiVersion: 'v1',
      kind: 'Service',
      ...(toApiJson(o, 'V1Service') as object),
    })),
    ...policies.map((o) => ({
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
