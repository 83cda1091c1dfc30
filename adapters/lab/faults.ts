/**
 * The lab's fault catalogue: realistic bugs the lab can be started with, to prove the kit finds them.
 * Each names the area whose checks should catch it. `podnet lab faults` prints this list.
 */
import type { Area } from '../../spec/results.ts';
import type { FlannelBackendType } from '../../spec/scenario.ts';
import type { LabIpFamily } from './ipFamily.ts';

export interface FaultInfo {
  readonly name: string;
  readonly area: Area;
  readonly description: string;
  /**
   * The flannel backend the lab must run for the fault to show at all. The lab's own flannel area
   * generates backends; a lab behind its Kubernetes API runs one, so it is started with this one.
   */
  readonly backend?: FlannelBackendType;
  /** The pod network families the lab must run for the fault to show at all (IPv6 faults need a v6 side). */
  readonly ipFamily?: LabIpFamily;
}

export const FAULTS = [
  {
    name: 'ignore-except',
    area: 'policy',
    description: 'ipBlock except lists are ignored: the whole cidr is allowed',
  },
  {
    name: 'peers-ored',
    area: 'policy',
    description: 'a peer with both namespaceSelector and podSelector matches either, not both',
  },
  {
    name: 'egress-ignored',
    area: 'policy',
    description: 'egress rules and egress isolation are not enforced',
  },
  {
    name: 'named-port-first-pod',
    area: 'policy',
    description: 'a named port is resolved on the first matching pod and that number is used for all pods',
  },
  {
    name: 'protocol-ignored',
    area: 'policy',
    description: 'port rules match any protocol, so port 80/TCP also allows 80/UDP',
  },
  {
    name: 'endport-ignored',
    area: 'policy',
    description: 'endPort is ignored: a port range allows only its first port',
  },
  { name: 'stale-on-delete', area: 'policy', description: "a deleted policy's rules stay programmed" },
  {
    name: 'no-ns-name-label',
    area: 'policy',
    description: 'namespaces lack the kubernetes.io/metadata.name label when selectors are evaluated',
  },
  {
    name: 'ipv6-policy-missing',
    area: 'policy',
    description: 'the policy agent writes no ip6tables rules: IPv6 traffic passes isolated pods',
    ipFamily: 'dual',
  },
  {
    name: 'ipv6-except-ignored',
    area: 'policy',
    description: 'ipBlock except lists are ignored for IPv6 only: the whole IPv6 cidr is allowed',
    ipFamily: 'dual',
  },
  {
    name: 'node-to-pod-filtered',
    area: 'model',
    description: "the policy agent also filters the node's own connections to its pods (e.g. kubelet probes)",
  },
  {
    name: 'pod-snat',
    area: 'model',
    description:
      'pod-to-pod traffic between nodes is masqueraded to the node IP (flannel RETURN rule missing)',
  },
  {
    name: 'vxlan-fdb-missing',
    area: 'flannel',
    description: "one peer's VXLAN FDB entry is not programmed on one node",
    backend: 'vxlan',
  },
  {
    name: 'hostgw-route-missing',
    area: 'flannel',
    description: 'one host-gw route to a peer subnet is not programmed on one node',
    backend: 'host-gw',
  },
  {
    name: 'mtu-no-overhead',
    area: 'flannel',
    description: 'the VXLAN device and subnet.env MTU forget the 50-byte encapsulation overhead',
    backend: 'vxlan',
  },
  { name: 'duplicate-lease', area: 'flannel', description: 'two nodes are handed the same subnet lease' },
  {
    name: 'flannel-v6-route-missing',
    area: 'flannel',
    description: "one node does not write the IPv6 route to one peer's IPv6 lease (vxlan or host-gw)",
    ipFamily: 'dual',
  },
  {
    name: 'lb-skew',
    area: 'lb',
    description: 'the first endpoint of every Service gets twice its share of new connections',
  },
  { name: 'affinity-ignored', area: 'lb', description: 'sessionAffinity: ClientIP is not honoured' },
] as const satisfies readonly FaultInfo[];

export type FaultName = (typeof FAULTS)[number]['name'];

export function isFaultName(name: string): name is FaultName {
  return FAULTS.some((f) => f.name === name);
}

/** The backend a lab with these faults must run, if one of them needs one. */
export function backendForFaults(names: readonly string[]): FlannelBackendType | undefined {
  const infos: readonly FaultInfo[] = FAULTS;
  return infos.find((f) => names.includes(f.name) && f.backend !== undefined)?.backend;
}

/** A fault's catalogue entry. */
export function faultInfo(name: string): FaultInfo | undefined {
  const infos: readonly FaultInfo[] = FAULTS;
  return infos.find((f) => f.name === name);
}

/** The pod network families a lab with these faults must run, if one of them needs IPv6. */
export function ipFamilyForFaults(names: readonly string[]): LabIpFamily | undefined {
  const infos: readonly FaultInfo[] = FAULTS;
  return infos.find((f) => names.includes(f.name) && f.ipFamily !== undefined)?.ipFamily;
}
