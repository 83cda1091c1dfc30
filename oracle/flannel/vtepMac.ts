/**
 * The VtepMAC a node announces in its `backend-data` annotation (pkg/subnet/kube/annotations.go,
 * docs/research/flannel.md §3.1): random per node, so peers' neighbour and FDB entries must carry the
 * announced value.
 */
import type { FlannelNodeInput } from '../../spec/flannelExpectation.ts';
import type { NodeNetworkState } from '../../spec/nodeState.ts';

/** flanneld `--kube-annotation-prefix` default. */
export const DEFAULT_ANNOTATION_PREFIX = 'flannel.alpha.coreos.com';

/**
 * The annotation key prefix as flannel builds it (pkg/subnet/kube/annotations.go `newAnnotations`):
 * `x` → `x/`, `x/y` → `x/y-`, and a prefix already ending in `/` or `-` stays as it is.
 */
export function annotationKeyPrefix(prefix: string = DEFAULT_ANNOTATION_PREFIX): string {
  const withSlash = prefix.includes('/') ? prefix : `${prefix}/`;
  return withSlash.endsWith('/') || withSlash.endsWith('-') ? withSlash : `${withSlash}-`;
}

/**
 * The VtepMAC in a node's backend-data (or, for flannel-v6.N, backend-v6-data) annotation, lower-cased;
 * undefined when absent or unparsable.
 */
function announcedVtepMac(
  annotations: Readonly<Record<string, string>>,
  prefix: string,
  key: 'backend-data' | 'backend-v6-data',
): string | undefined {
  const raw = annotations[`${annotationKeyPrefix(prefix)}${key}`];
  if (raw === undefined) return undefined;
  try {
    const data = JSON.parse(raw) as unknown;
    if (typeof data !== 'object' || data === null) return undefined;
    const mac = (data as Record<string, unknown>).VtepMAC;
    return typeof mac === 'string' ? mac.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** The nodes with `vtepMac` (and `vtepMacV6`) filled from each node's observed annotations (where it announced one). */
export function withAnnouncedVtepMacs(
  nodes: readonly FlannelNodeInput[],
  observed: Readonly<Record<string, NodeNetworkState>>,
  prefix: string = DEFAULT_ANNOTATION_PREFIX,
): FlannelNodeInput[] {
  return nodes.map((n) => {
    const state = observed[n.name];
    const mac = state ? announcedVtepMac(state.annotations, prefix, 'backend-data') : undefined;
    const mac6 = state ? announcedVtepMac(state.annotations, prefix, 'backend-v6-data') : undefined;
    return { ...n, ...(mac ? { vtepMac: mac } : {}), ...(mac6 ? { vtepMacV6: mac6 } : {}) };
  });
}
