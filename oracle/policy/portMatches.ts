/**
 * Whether one NetworkPolicyPort entry matches a probe's (port, protocol) (docs/research/netpol.md §7 rules
 * 19–23): the protocol must be equal (TCP by default, SCTP never taken for TCP); no port means every port of
 * the protocol; endPort makes an inclusive range; a named port resolves on the destination pod's container
 * ports by name AND protocol, and never matches an address outside the pods. When the profile says the target
 * lacks endPort or named-port support, a match that rests on that feature is `unknown`: the target may do
 * anything with it.
 */
import type { NetworkPolicyPort, Protocol } from '../../spec/model.ts';
import type { SemanticProfile } from '../../spec/profile.ts';
import type { Endpoint } from './endpoint.ts';

export type PortMatch = 'yes' | 'no' | 'unknown';

/** Whether `entry` matches `port`/`protocol` towards `destination`. */
export function portMatches(
  entry: NetworkPolicyPort,
  port: number,
  protocol: Protocol,
  destination: Endpoint,
  profile: SemanticProfile,
): PortMatch {
  if (entry.protocol !== protocol) return 'no';
  if (entry.port === undefined) return 'yes';
  if (typeof entry.port === 'number') {
    if (entry.endPort !== undefined) {
      if (port < entry.port || port > entry.endPort) return 'no';
      return profile.support.endPort ? 'yes' : 'unknown';
    }
    return port === entry.port ? 'yes' : 'no';
  }
  if (destination.kind !== 'pod') return 'no';
  const name = entry.port;
  const resolved = destination.pod.containers.some((c) =>
    c.ports.some((p) => p.name === name && p.protocol === protocol && p.containerPort === port),
  );
  if (!resolved) return 'no';
  return profile.support.namedPorts ? 'yes' : 'unknown';
}

/** A port entry in plain words: `port 80/TCP`, `ports 53-80/UDP`, `named port serve-80-tcp/TCP`, `every TCP port`. */
export function describePort(entry: NetworkPolicyPort): string {
  if (entry.port === undefined) return `every ${entry.protocol} port`;
  if (typeof entry.port === 'string') return `named port ${entry.port}/${entry.protocol}`;
  if (entry.endPort !== undefined) return `ports ${entry.port}-${entry.endPort}/${entry.protocol}`;
  return `port ${entry.port}/${entry.protocol}`;
}
