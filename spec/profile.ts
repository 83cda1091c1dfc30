/**
 * Semantic profile: behaviour the Kubernetes API leaves to implementations, as named switches.
 * Every result prints the profile it was judged under; nothing here is a silent choice.
 */

export interface SemanticProfile {
  /** Whether an ipBlock matches traffic to or from pod IPs (upstream e2e: yes; Cilium: no). */
  readonly ipBlockMatchesPodIPs: boolean;
  /** Pod to itself: `undefined` (not judged), `allow` (never blocked), or `policy` (judged like any pair). */
  readonly loopback: 'undefined' | 'allow' | 'policy';
  /** A hostNetwork pod on either end: `undefined` (not judged), or `policy` (judged like a pod-network pod). */
  readonly hostNetwork: 'undefined' | 'policy';
  /** Service traffic is judged against the backend chosen after DNAT. */
  readonly serviceTraffic: 'after-dnat';
  /** What the target claims to support; an unsupported feature makes its verdicts `undefined`. */
  readonly support: {
    readonly sctp: boolean;
    readonly endPort: boolean;
    readonly namedPorts: boolean;
    readonly ipv6: boolean;
  };
}

export const DEFAULT_PROFILE: SemanticProfile = {
  ipBlockMatchesPodIPs: true,
  loopback: 'undefined',
  hostNetwork: 'undefined',
  serviceTraffic: 'after-dnat',
  support: { sctp: true, endPort: true, namedPorts: true, ipv6: true },
};
