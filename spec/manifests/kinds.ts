/** The kinds podnet reads, and the apiVersions it knows for each. Everything else is ignored with a notice. */

export type UsedKind = 'Namespace' | 'Node' | 'Pod' | 'Service' | 'NetworkPolicy';

export const USED_KIND_API_VERSIONS: Readonly<Record<UsedKind, readonly string[]>> = {
  Namespace: ['v1'],
  Node: ['v1'],
  Pod: ['v1'],
  Service: ['v1'],
  NetworkPolicy: ['networking.k8s.io/v1'],
};

export function isUsedKind(kind: string): kind is UsedKind {
  return Object.hasOwn(USED_KIND_API_VERSIONS, kind);
}

/** `List`, or a typed list such as `NetworkPolicyList` whose items may omit kind and apiVersion. */
export function isListKind(kind: string): boolean {
  return kind === 'List' || (kind.length > 4 && kind.endsWith('List'));
}
