/** Which probes to send for one cluster state: the full matrix for small states, a seeded sample above a bound. */
import { declaredPorts } from '../../../oracle/policy/index.ts';
import { addressFamily } from '../../../spec/ipFamily.ts';
import { cidrHolds, parseCidr, parseIPv4, parseIPv6 } from '../../../spec/manifests/cidr.ts';
import type { Cluster, ObjectKey, Pod, Protocol } from '../../../spec/model.ts';
import { keyOf } from '../../../spec/model.ts';
import { seededSample } from '../../../spec/random.ts';
import { clusterIPsOf, type Realized } from '../../../spec/scenario.ts';
import type { ProbeRequest } from '../../../spec/target.ts';
import { nodeSourceKey } from '../../../spec/target.ts';

type ProbeDestination =
  | { readonly kind: 'pod'; readonly pod: ObjectKey }
  | { readonly kind: 'service'; readonly service: ObjectKey; readonly port: number }
  | { readonly kind: 'outside' };

export interface PlannedProbe {
  readonly request: ProbeRequest;
  readonly dest: ProbeDestination;
}

export interface ProbePlanOptions {
  readonly protocols: readonly Protocol[];
  readonly timeoutMs: number;
  readonly maxProbes: number;
  readonly viaServices: boolean;
  /** Probe each pod's way out of the cluster (the model area's masquerade check). */
  readonly outside: boolean;
  /** Probe each pod from its own node (the model area: a node can always reach its pods). */
  readonly fromNodes?: boolean;
  readonly seed: number;
}

export interface ProbePlan {
  readonly probes: readonly PlannedProbe[];
  /** Probes left out because the target lacks the protocol (reported as unsupported, never faked). */
  readonly unsupported: number;
  /** Full matrix size before sampling. */
  readonly matrixSize: number;
}

export function planProbes(cluster: Cluster, realized: Realized, options: ProbePlanOptions): ProbePlan {
  const all: PlannedProbe[] = [];
  let unsupported = 0;
  const sources = cluster.pods.filter((p) => !p.hostNetwork && realized.podIPs[keyOf(p)]?.[0] !== undefined);
  // A dual-stack pod is probed at each of its addresses, from the source's address of the same family.
  const families = (key: ObjectKey) => new Set((realized.podIPs[key] ?? []).map(addressFamily));
  let n = 0;
  const add = (from: ObjectKey, host: string, port: number, protocol: Protocol, dest: ProbeDestination) => {
    if (!options.protocols.includes(protocol)) {
      unsupported += 1;
      return;
    }
    n += 1;
    all.push({ request: { id: `p${n}`, from, host, port, protocol, timeoutMs: options.timeoutMs }, dest });
  };
  for (const src of sources) {
    const sourceFamilies = families(keyOf(src));
    for (const dst of cluster.pods) {
      for (const ip of realized.podIPs[keyOf(dst)] ?? []) {
        if (!sourceFamilies.has(addressFamily(ip))) continue;
        for (const { port, protocol } of declaredPorts(dst)) {
          add(keyOf(src), ip, port, protocol, { kind: 'pod', pod: keyOf(dst) });
        }
      }
    }
    if (options.viaServices) {
      // A dual-stack Service is probed at each of its ClusterIPs (one per family, spec.clusterIPs).
      for (const svc of cluster.services) {
        for (const ip of clusterIPsOf(realized, keyOf(svc))) {
          if (!sourceFamilies.has(addressFamily(ip))) continue;
          for (const sp of svc.ports)
            add(keyOf(src), ip, sp.port, sp.protocol, {
              kind: 'service',
              service: keyOf(svc),
              port: sp.port,
            });
        }
      }
    }
  }
  if (options.fromNodes) {
    for (const dst of cluster.pods) {
      const primary = realized.podIPs[keyOf(dst)]?.[0];
      if (dst.hostNetwork || primary === undefined) continue;
      const node = nodeOfPod(dst, primary, realized);
      if (node === undefined) continue;
      for (const ip of realized.podIPs[keyOf(dst)] ?? []) {
        for (const { port, protocol } of declaredPorts(dst)) {
          add(nodeSourceKey(node), ip, port, protocol, { kind: 'pod', pod: keyOf(dst) });
        }
      }
    }
  }
  // The way out, in each family the target has a server outside for (a dual-stack lab has one of each).
  const outsideServers = [realized.outsideServer, realized.ipv6?.outsideServer];
  for (const server of options.outside ? outsideServers : []) {
    if (server === undefined) continue;
    const { ip, port, protocol } = server;
    for (const src of sources) {
      if (families(keyOf(src)).has(addressFamily(ip)))
        add(keyOf(src), ip, port, protocol, { kind: 'outside' });
    }
  }
  const matrixSize = all.length;
  const probes = matrixSize > options.maxProbes ? seededSample(all, options.maxProbes, options.seed) : all;
  return { probes, unsupported, matrixSize };
}

/** The node a pod runs on: as bound, else the node whose lease holds its primary IP. */
function nodeOfPod(pod: Pod, ip: string, realized: Realized): string | undefined {
  if (pod.nodeName !== undefined && realized.nodeIPs[pod.nodeName] !== undefined) return pod.nodeName;
  const family = addressFamily(ip);
  const addr = family === 4 ? parseIPv4(ip) : parseIPv6(ip);
  if (addr === undefined) return undefined;
  for (const [node, subnet] of Object.entries(realized.nodeSubnets)) {
    const c = parseCidr(subnet);
    if (c && c.family === family && cidrHolds(c, addr, family)) return node;
  }
  return undefined;
}
