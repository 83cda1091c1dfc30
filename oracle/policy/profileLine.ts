/** The semantic profile on one line, printed with every prediction so no choice is silent. */
import type { SemanticProfile } from '../../spec/profile.ts';

export function profileLine(profile: SemanticProfile): string {
  const s = profile.support;
  return (
    `profile: ipBlockMatchesPodIPs=${profile.ipBlockMatchesPodIPs} loopback=${profile.loopback} ` +
    `hostNetwork=${profile.hostNetwork} serviceTraffic=${profile.serviceTraffic} ` +
    `support: sctp=${s.sctp} endPort=${s.endPort} namedPorts=${s.namedPorts} ipv6=${s.ipv6}`
  );
}
