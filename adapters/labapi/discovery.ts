/**
 * Discovery, as the API server serves it:
 * - `/version` (staging/src/k8s.io/apimachinery/pkg/version/types.go Info);
 * - legacy discovery: `/api` (APIVersions), `/apis` (APIGroupList), `/apis/<group>` (APIGroup),
 *   `/api/v1` and `/apis/<group>/<version>` (APIResourceList with each resource, its subresources
 *   `pods/exec`, `pods/status`, …, verbs, short names and categories);
 * - aggregated discovery (staging/src/k8s.io/api/apidiscovery/v2/types.go APIGroupDiscoveryList), which
 *   kubectl 1.30+ asks for first on `/api` and `/apis` with
 *   `Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,…`
 *   (staging/src/k8s.io/client-go/discovery/discovery_client.go AcceptV2): answered in that form (one
 *   request instead of one per group version) with the matching Content-Type; a client that asks only for
 *   the legacy form gets it.
 */
import { apiVersionOf, groupVersions, RESOURCES, type ResourceInfo } from './resources.ts';

/** The Kubernetes version the lab API reports: a 1.33 server, marked as the podnet lab in its build metadata. */
export const SERVER_VERSION = {
  major: '1',
  minor: '33',
  emulationMajor: '1',
  emulationMinor: '33',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '32',
  gitVersion: 'v1.33.0-podnetlab',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-04-23T00:00:00Z',
  goVersion: 'podnet-lab',
  compiler: 'node',
  platform: 'linux/amd64',
} as const;

/** The Content-Type of aggregated discovery v2. */
export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Whether the Accept header asks for aggregated discovery (v2, or v2beta1, which gets v2's shape). */
export function wantsAggregated(accept: string | undefined): boolean {
  return /as=APIGroupDiscoveryList/.test(accept ?? '') && /g=apidiscovery\.k8s\.io/.test(accept ?? '');
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(group: string): Record<string, unknown> {
  const versions = groupVersions()
    .filter((gv) => gv.group === group)
    .map((gv) => ({ groupVersion: `${group}/${gv.version}`, version: gv.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

function namedGroups(): string[] {
  return [...new Set(groupVersions().map((gv) => gv.group))].filter((g) => g !== '');
}

export function apiGroupList(): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: namedGroups().map(groupEntry) };
}

export function apiGroup(group: string): Record<string, unknown> | undefined {
  if (!namedGroups().includes(group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group) };
}

function subresourceKind(r: ResourceInfo, sub: string): string {
  return sub === 'exec' ? 'PodExecOptions' : r.kind;
}

/** The APIResourceList of one group version, or undefined when it is not served. */
export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return undefined;
  const list: Record<string, unknown>[] = [];
  for (const r of resources) {
    list.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length > 0 ? { categories: r.categories } : {}),
    });
    for (const [sub, verbs] of Object.entries(r.subresources)) {
      list.push({
        name: `${r.plural}/${sub}`,
        singularName: '',
        namespaced: r.namespaced,
        kind: subresourceKind(r, sub),
        verbs,
      });
    }
  }
  return {
    kind: 'APIResourceList',
    ...(group === '' ? {} : { apiVersion: 'v1' }),
    groupVersion: apiVersionOf({ group, version }),
    resources: list,
  };
}

function discoveryResources(group: string, version: string): Record<string, unknown>[] {
  return RESOURCES.filter((r) => r.group === group && r.version === version).map((r) => ({
    resource: r.plural,
    responseKind: { group, version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length > 0 ? { categories: r.categories } : {}),
    ...(Object.keys(r.subresources).length > 0
      ? {
          subresources: Object.entries(r.subresources).map(([sub, verbs]) => ({
            subresource: sub,
            responseKind: { group: sub === 'exec' ? '' : group, version, kind: subresourceKind(r, sub) },
            verbs,
          })),
        }
      : {}),
  }));
}

/** Aggregated discovery for `/api` (core) or `/apis` (named groups). */
export function aggregatedDiscovery(core: boolean): Record<string, unknown> {
  const groups = core ? [''] : namedGroups();
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => ({
      metadata: g === '' ? {} : { name: g },
      versions: groupVersions()
        .filter((gv) => gv.group === g)
        .map((gv) => ({
          version: gv.version,
          resources: discoveryResources(g, gv.version),
          freshness: 'Current',
        })),
    })),
  };
}
