/**
 * One end of a probe as the policy rules see it: a pod (with its namespace's labels and its primary IP)
 * or an address outside the cluster's pods.
 */

import { PodnetInputError } from '../../spec/errors.ts';
import type { Cluster, Labels, Namespace, ObjectKey, Pod } from '../../spec/model.ts';
import { keyOf, NAMESPACE_NAME_LABEL } from '../../spec/model.ts';
import { type IPAddress, parseIP } from './cidr.ts';

export type Endpoint =
  | {
      readonly kind: 'pod';
      readonly pod: Pod;
      readonly key: ObjectKey;
      readonly namespaceLabels: Labels;
      /** The pod's primary IP (`ips[0]`), when it has one. */
      readonly ip?: IPAddress;
    }
  | { readonly kind: 'ip'; readonly text: string; readonly ip: IPAddress };

/** A namespace's labels; a namespace missing from the cluster still carries its name label. */
export function namespaceLabels(cluster: Cluster, namespace: string): Labels {
  const ns: Namespace | undefined = lookup(cluster).namespaces.get(namespace);
  return ns ? ns.labels : { [NAMESPACE_NAME_LABEL]: namespace };
}

interface Lookup {
  readonly pods: ReadonlyMap<ObjectKey, Pod>;
  readonly namespaces: ReadonlyMap<string, Namespace>;
}

/** Name lookups, built once per cluster value (clusters are immutable values), so a lookup is not a scan. */
const lookups = new WeakMap<Cluster, Lookup>();

function lookup(cluster: Cluster): Lookup {
  let found = lookups.get(cluster);
  if (!found) {
    const pods = new Map<ObjectKey, Pod>();
    for (const p of cluster.pods) if (!pods.has(keyOf(p))) pods.set(keyOf(p), p);
    const namespaces = new Map<string, Namespace>();
    for (const n of cluster.namespaces) if (!namespaces.has(n.name)) namespaces.set(n.name, n);
    found = { pods, namespaces };
    lookups.set(cluster, found);
  }
  return found;
}

/** The pod's first address of `family`; its primary address (`ips[0]`) when no family is asked. */
function podAddress(pod: Pod, family?: 4 | 6): IPAddress | undefined {
  for (const text of family === undefined ? pod.ips.slice(0, 1) : pod.ips) {
    const ip = parseIP(text);
    if (ip && (family === undefined || ip.family === family)) return ip;
  }
  return undefined;
}

/** The pod endpoint for `pod`, at its address of `family` (its primary address when absent). */
export function podEndpoint(
  cluster: Cluster,
  pod: Pod,
  labelsOfNamespace?: Labels,
  family?: 4 | 6,
): Endpoint {
  const ip = podAddress(pod, family);
  return {
    kind: 'pod',
    pod,
    key: keyOf(pod),
    namespaceLabels: labelsOfNamespace ?? namespaceLabels(cluster, pod.namespace),
    ...(ip ? { ip } : {}),
  };
}

/** The pod named `key`, or an input error naming it. */
export function findPod(cluster: Cluster, key: ObjectKey, role: 'source' | 'destination'): Pod {
  const pod = lookup(cluster).pods.get(key);
  if (!pod) {
    throw new PodnetInputError(
      'PODNET_UNKNOWN_POD',
      `the ${role} pod "${key}" is not in the cluster`,
      {},
      'name pods as namespace/name, e.g. `default/frontend`; `podnet predict` lists them',
    );
  }
  return pod;
}

/**
 * The destination of a probe: a pod key, or an address. An address that is one of the IPs of a
 * pod-network pod (either family of a dual-stack pod) is that pod (the probe goes "to a pod by its IP");
 * any other address is outside.
 */
export function resolveDestination(
  cluster: Cluster,
  to: ObjectKey | { readonly ip: string },
): Pod | IPAddress {
  if (typeof to === 'string') return findPod(cluster, to, 'destination');
  const ip = parseIP(to.ip);
  if (!ip) {
    throw new PodnetInputError(
      'PODNET_BAD_ADDRESS',
      `"${to.ip}" is not an IP address`,
      {},
      'give an IPv4 or IPv6 address, e.g. 10.0.0.7',
    );
  }
  const pod = cluster.pods.find((p) => !p.hostNetwork && p.ips.some((text) => sameIP(text, ip)));
  return pod ?? ip;
}

function sameIP(text: string, ip: IPAddress): boolean {
  const other = parseIP(text);
  return other !== undefined && other.family === ip.family && other.value === ip.value;
}

/** `ns/pod`, or the address for an outside endpoint. */
export function endpointName(e: Endpoint): string {
  return e.kind === 'pod' ? e.key : e.text;
}

/** The address family a probe uses: as asked, or that of the address it goes to. */
export function probeFamily(to: ObjectKey | { readonly ip: string }, family?: 4 | 6): 4 | 6 | undefined {
  if (family !== undefined || typeof to === 'string') return family;
  return parseIP(to.ip)?.family;
}
