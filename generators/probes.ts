/**
 * The probe list for a realized cluster: every (source pod, destination pod, declared container
 * port) over pod IPs, optionally every (source pod, Service port) over ClusterIPs and a probe to the
 * outside network; or a seeded sample of that matrix. The runner turns these into `ProbeRequest`s.
 */

import type { ClusterOf, ObjectKey, Protocol } from '../spec/model.ts';
import { keyOf, PROTOCOLS } from '../spec/model.ts';
import { mulberry32 } from '../spec/random.ts';
import type { ProbeTarget, Realized, TrafficSpec } from '../spec/scenario.ts';
import { formatIPv4, parseCidr } from './_internals/ipv4.ts';

export interface Probe {
  readonly from: ObjectKey;
  readonly to: ProbeTarget;
  /** The address connected to: a pod IP, a ClusterIP or an outside address. */
  readonly host: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface ProbeMatrixOptions {
  /** `matrix` (default) or `sample` (at most `maxProbes`, chosen by `seed`). */
  readonly mode?: TrafficSpec['mode'];
  /** Sample size for `sample` mode. Default 256. */
  readonly maxProbes?: number;
  /** Seed of the sample. Default 0. */
  readonly seed?: number;
  /** Also probe every Service port through its ClusterIP. Default false. */
  readonly viaServices?: boolean;
  /** Also probe the outside network (TCP and UDP port 80) from every pod. Default false. */
  readonly outside?: boolean;
  /** Protocols to probe (the lab has no SCTP). Default all three. */
  readonly protocols?: readonly Protocol[];
  /** Include a pod's probes to itself (the oracle calls them undefined by default). Default true. */
  readonly loopback?: boolean;
}

export const DEFAULT_SAMPLE_SIZE = 256;
const OUTSIDE_PORT = 80;

/** Options from a scenario's `TrafficSpec`. */
export function probeOptionsOf(traffic: TrafficSpec, seed = 0): ProbeMatrixOptions {
  return {
    mode: traffic.mode,
    ...(traffic.maxProbes === undefined ? {} : { maxProbes: traffic.maxProbes }),
    viaServices: traffic.viaServices,
    seed,
  };
}

/** The probes of `cluster` (addresses from `realized`), in a stable order. */
export function probeMatrix<B>(
  cluster: ClusterOf<B>,
  realized: Realized,
  options: ProbeMatrixOptions = {},
): Probe[] {
  const protocols = new Set(options.protocols ?? PROTOCOLS);
  const loopback = options.loopback ?? true;
  const probes: Probe[] = [];
  for (const src of cluster.pods) {
    const from = keyOf(src);
    if (realized.podIPs[from] === undefined) continue;
    for (const dst of cluster.pods) {
      const to = keyOf(dst);
      const host = realized.podIPs[to]?.[0];
      if (host === undefined || (!loopback && to === from)) continue;
      for (const c of dst.containers) {
        for (const p of c.ports) {
          if (!protocols.has(p.protocol)) continue;
          probes.push({
            from,
            to: { kind: 'pod', pod: to },
            host,
            port: p.containerPort,
            protocol: p.protocol,
          });
        }
      }
    }
    if (options.viaServices) {
      for (const svc of cluster.services) {
        const host = realized.serviceIPs[keyOf(svc)];
        if (host === undefined) continue;
        for (const p of svc.ports) {
          if (!protocols.has(p.protocol)) continue;
          probes.push({
            from,
            to: { kind: 'service', service: keyOf(svc), port: p.port },
            host,
            port: p.port,
            protocol: p.protocol,
          });
        }
      }
    }
    if (options.outside) {
      const host = formatIPv4(parseCidr(realized.outsideNetwork).base + 1);
      for (const protocol of ['TCP', 'UDP'] as const) {
        if (protocols.has(protocol))
          probes.push({ from, to: { kind: 'outside' }, host, port: OUTSIDE_PORT, protocol });
      }
    }
  }
  if (options.mode !== 'sample') return probes;
  const size = options.maxProbes ?? DEFAULT_SAMPLE_SIZE;
  if (probes.length <= size) return probes;
  const random = mulberry32(options.seed ?? 0);
  const index = probes.map((_, i) => i);
  for (let i = index.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [index[i], index[j]] = [index[j]!, index[i]!];
  }
  return index
    .slice(0, size)
    .sort((a, b) => a - b)
    .map((i) => probes[i]!);
}
