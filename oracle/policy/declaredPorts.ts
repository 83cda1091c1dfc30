/** The (containerPort, protocol) pairs a pod declares: the columns of its truth-table cells. */
import type { Pod, Protocol } from '../../spec/model.ts';
import { PROTOCOLS } from '../../spec/model.ts';

export interface PortProtocol {
  readonly port: number;
  readonly protocol: Protocol;
}

/** By port, then protocol in `PROTOCOLS` order. */
export function comparePortProtocol(a: PortProtocol, b: PortProtocol): number {
  return a.port - b.port || PROTOCOLS.indexOf(a.protocol) - PROTOCOLS.indexOf(b.protocol);
}

/** The distinct (containerPort, protocol) pairs a pod declares, by port then protocol. */
export function declaredPorts(pod: Pod): PortProtocol[] {
  const seen = new Map<string, PortProtocol>();
  for (const c of pod.containers)
    for (const p of c.ports)
      seen.set(`${p.containerPort}/${p.protocol}`, { port: p.containerPort, protocol: p.protocol });
  return [...seen.values()].sort(comparePortProtocol);
}
