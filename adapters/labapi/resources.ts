/**
 * The resources the lab API serves, described as the API server's discovery describes them
 * (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go APIResource): group, version, plural,
 * kind, scope, verbs, short names and categories, as pkg/registry/core/<kind>/storage/storage.go
 * declares them for the real server (ShortNames(), Categories()).
 */

type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface ResourceInfo {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** The plural, lower-case resource name (`pods`). */
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  /** The client-node model class of the kind (`V1Pod`), whose attribute map is the schema. */
  readonly model: string;
  readonly namespaced: boolean;
  readonly verbs: readonly Verb[];
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** Subresources served (`status`, `exec`), with their verbs. */
  readonly subresources: Readonly<Record<string, readonly Verb[]>>;
  /** Field selector labels this resource supports besides metadata.name/metadata.namespace. */
  readonly fieldLabels: readonly string[];
}

const READ_WRITE: readonly Verb[] = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/**
 * Field selectors per resource, as each kind's registered field label conversion accepts them
 * (pkg/apis/core/v1/conversion.go AddFieldLabelConversionsForPod/Service/Node/Namespace,
 * and apimachinery's default of metadata.name and metadata.namespace for every other kind).
 */
export const RESOURCES: readonly ResourceInfo[] = [
  {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    model: 'V1Namespace',
    namespaced: false,
    // pkg/registry/core/namespace/storage/storage.go: no deletecollection.
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ns'],
    categories: [],
    subresources: { status: ['get', 'patch', 'update'], finalize: ['update'] },
    fieldLabels: ['status.phase'],
  },
  {
    group: '',
    version: 'v1',
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    model: 'V1Pod',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['po'],
    categories: ['all'],
    subresources: { status: ['get', 'patch', 'update'], exec: ['create', 'get'] },
    fieldLabels: [
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.podIPs',
      'status.nominatedNodeName',
    ],
  },
  {
    group: '',
    version: 'v1',
    plural: 'services',
    singular: 'service',
    kind: 'Service',
    model: 'V1Service',
    namespaced: true,
    // pkg/registry/core/service/storage/storage.go: no deletecollection.
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['svc'],
    categories: ['all'],
    subresources: { status: ['get', 'patch', 'update'] },
    fieldLabels: ['spec.clusterIP', 'spec.type'],
  },
  {
    group: '',
    version: 'v1',
    plural: 'endpoints',
    singular: 'endpoints',
    kind: 'Endpoints',
    model: 'V1Endpoints',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['ep'],
    categories: [],
    subresources: {},
    fieldLabels: [],
  },
  {
    group: '',
    version: 'v1',
    plural: 'nodes',
    singular: 'node',
    kind: 'Node',
    model: 'V1Node',
    namespaced: false,
    verbs: READ_WRITE,
    shortNames: ['no'],
    categories: [],
    subresources: { status: ['get', 'patch', 'update'] },
    fieldLabels: ['spec.unschedulable'],
  },
  {
    group: '',
    version: 'v1',
    plural: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    model: 'V1ConfigMap',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['cm'],
    categories: [],
    subresources: {},
    fieldLabels: [],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'networkpolicies',
    singular: 'networkpolicy',
    kind: 'NetworkPolicy',
    model: 'V1NetworkPolicy',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['netpol'],
    categories: [],
    subresources: {},
    fieldLabels: [],
  },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    singular: 'endpointslice',
    kind: 'EndpointSlice',
    model: 'V1EndpointSlice',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: [],
    categories: [],
    subresources: {},
    fieldLabels: [],
  },
];

/** `v1` or `networking.k8s.io/v1`. */
export function apiVersionOf(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** `pods` or `networkpolicies.networking.k8s.io`: how errors name a resource (schema.GroupResource.String()). */
export function groupResourceText(r: Pick<ResourceInfo, 'group' | 'plural'>): string {
  return r.group === '' ? r.plural : `${r.plural}.${r.group}`;
}

/** `Pod` or `NetworkPolicy.networking.k8s.io` (schema.GroupKind.String()). */
export function groupKindText(r: Pick<ResourceInfo, 'group' | 'kind'>): string {
  return r.group === '' ? r.kind : `${r.kind}.${r.group}`;
}

/** The resource at (group, version, plural), if served. */
export function findResource(group: string, version: string, plural: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The resource of a kind, if served. */
export function resourceOfKind(kind: string): ResourceInfo {
  const r = RESOURCES.find((x) => x.kind === kind);
  if (!r) throw new Error(`no resource for kind ${kind}`);
  return r;
}

/** The group versions served, core first, as discovery lists them. */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()];
}
