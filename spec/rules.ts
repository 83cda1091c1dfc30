/**
 * The rule catalogue: every check podnet makes has a stable id (used in findings, JUnit test names and
 * reports) and a one-line statement with its source.
 */
import type { Area } from './results.ts';

export interface RuleInfo {
  readonly id: string;
  readonly area: Area;
  readonly statement: string;
  readonly source: string;
}

export const RULES = [
  {
    id: 'NP-INGRESS-ISOLATION',
    area: 'policy',
    statement:
      'a pod selected by a policy with Ingress in policyTypes accepts only what some ingress rule allows',
    source: 'networking/v1 types.go NetworkPolicySpec; docs/research/netpol.md §7 rules 1-2',
  },
  {
    id: 'NP-EGRESS-ISOLATION',
    area: 'policy',
    statement:
      'a pod selected by a policy with Egress in policyTypes sends only what some egress rule allows',
    source: 'networking/v1 types.go NetworkPolicySpec; docs/research/netpol.md §7 rules 1-2',
  },
  {
    id: 'NP-ALLOW',
    area: 'policy',
    statement: 'traffic that both the egress side and the ingress side allow gets through',
    source: 'Kubernetes docs "Network Policies"; docs/research/netpol.md §7 rule 3',
  },
  {
    id: 'NP-STEP',
    area: 'policy',
    statement: 'after a policy, pod label or namespace label change, traffic follows the new state',
    source: 'upstream e2e cases 19-21, 23, 30; ovn-kubernetes#1782',
  },
  {
    id: 'MODEL-UNIQUE-IP',
    area: 'model',
    statement: 'every pod has its own IP, and a connection to it reaches that pod',
    source: 'Kubernetes network model (seed notes, 网络模型)',
  },
  {
    id: 'MODEL-IP-IN-LEASE',
    area: 'model',
    statement: "every pod IP lies inside its node's pod subnet lease",
    source: 'flannel CNI host-local IPAM over the node lease (docs/research/flannel.md §7)',
  },
  {
    id: 'MODEL-NO-NAT',
    area: 'model',
    statement: "pod-to-pod traffic is not NATed: the destination sees the source pod's own IP",
    source: 'Kubernetes network model (seed notes, 网络模型); flannel FLANNEL-POSTRTG RETURN rules',
  },
  {
    id: 'MODEL-NODE-TO-POD',
    area: 'model',
    statement: "a pod's own node can always reach it",
    source: 'networking/v1 types.go ("traffic from the pod\'s local node"); Kubernetes network model',
  },
  {
    id: 'MODEL-MASQUERADE',
    area: 'model',
    statement: "pod-to-outside traffic is masqueraded to the node's IP",
    source: 'flannel --ip-masq FLANNEL-POSTRTG MASQUERADE (docs/research/flannel.md §6)',
  },
  {
    id: 'FL-ROUTE-VXLAN',
    area: 'flannel',
    statement:
      'with vxlan, each node routes every peer lease via the peer lease .0 on flannel.<VNI> onlink (DirectRouting on one L2 segment: via the peer public IP)',
    source: 'flannel pkg/backend/vxlan/vxlan_network.go handleSubnetEvents; docs/research/flannel.md §5.1',
  },
  {
    id: 'FL-ROUTE-HOSTGW',
    area: 'flannel',
    statement:
      'with host-gw, each node routes every L2-adjacent peer lease via the peer public IP on the external interface, and has no route to non-adjacent peers',
    source:
      'flannel pkg/backend/hostgw/hostgw.go, pkg/backend/route_network.go; Documentation/backends.md; docs/research/flannel.md §5.2',
  },
  {
    id: 'FL-ROUTE-UDP',
    area: 'flannel',
    statement: 'with udp, each node routes the whole Network to flannel0 and nothing per peer',
    source: 'flannel pkg/backend/udp/udp_network_amd64.go; docs/research/flannel.md §5.3',
  },
  {
    id: 'FL-NEIGH',
    area: 'flannel',
    statement:
      "with vxlan, each node holds a PERMANENT neighbour entry from every peer lease .0 to the peer's announced VtepMAC",
    source: 'flannel pkg/backend/vxlan/vxlan_network.go AddARP; docs/research/flannel.md §5.1',
  },
  {
    id: 'FL-FDB',
    area: 'flannel',
    statement:
      "with vxlan, each node holds a permanent FDB entry from every peer's VtepMAC to the peer public IP",
    source:
      'flannel pkg/backend/vxlan/vxlan_network.go AddFDB; docs/research/flannel.md §5.1, §9 (missing FDB after restart)',
  },
  {
    id: 'FL-MTU',
    area: 'flannel',
    statement:
      'the tunnel device and FLANNEL_MTU leave room for the encapsulation: vxlan M−50, udp ext−28, host-gw ext',
    source:
      'flannel pkg/backend/vxlan/vxlan.go (MTU: devAttrs.MTU - 50), udp encapOverhead; docs/research/flannel.md §5.8, §9 (#841, #1775)',
  },
  {
    id: 'FL-LINK',
    area: 'flannel',
    statement:
      "flannel's device exists and is up with its kind, VNI, port, local address, MAC and the lease .0/32 address",
    source:
      'flannel pkg/backend/vxlan/device.go, pkg/ip EnsureV4AddressOnLink, udp TUN flannel0; docs/research/flannel.md §5.1, §5.3',
  },
  {
    id: 'FL-SUBNET-ENV',
    area: 'flannel',
    statement: "subnet.env holds the node's lease gateway, the Network, FLANNEL_MTU and FLANNEL_IPMASQ",
    source: 'flannel pkg/subnet/subnet.go WriteSubnetFile; docs/research/flannel.md §3.2',
  },
  {
    id: 'FL-ANNOTATION',
    area: 'flannel',
    statement:
      'each node announces backend-type, backend-data (VNI and its VtepMAC), kube-subnet-manager and public-ip',
    source: 'flannel pkg/subnet/kube/annotations.go, kube.go AcquireLease; docs/research/flannel.md §3.1',
  },
  {
    id: 'FL-LEASE-DISJOINT',
    area: 'flannel',
    statement:
      'no two nodes hold overlapping subnet leases, of either family (with EnableIPv6, no two IPv6 leases overlap)',
    source:
      'kube-controller-manager RangeAllocator; flannel pkg/subnet/etcd/local_manager.go allocateSubnet; docs/research/flannel.md §2.4, §9 (#805)',
  },
  {
    id: 'FL-LEASE-VALID',
    area: 'flannel',
    statement:
      'every lease is an aligned CIDR of the node mask length inside Network; with EnableIPv6 so is each IPv6 lease, of the IPv6 node mask inside IPv6Network',
    source:
      'flannel pkg/subnet/kube/kube.go AcquireLease, pkg/subnet/etcd/local_manager.go isIPv6SubnetConfigCompat; docs/research/flannel.md §2.4',
  },
  {
    id: 'FL-DATAPLANE',
    area: 'flannel',
    statement:
      "a pod reaches a pod on another node when flannel's backend gives a path (host-gw: only L2-adjacent nodes), and the right pod answers",
    source:
      'Kubernetes network model (seed notes, 网络模型); flannel Documentation/backends.md; docs/research/flannel.md §5, §10',
  },
  {
    id: 'LB-UNIFORM',
    area: 'lb',
    statement:
      'in random mode (iptables statistic, nftables numgen) each new connection to a Service port picks one of its eligible endpoints (ready, targetPort resolved) uniformly, and only those',
    source:
      'kube-proxy pkg/proxy/iptables/proxier.go writeServiceToEndpointRules (probability 1/(n-i)); pkg/proxy/topology.go CategorizeEndpoints; docs/research/lb.md §2.3, §5.2, §7.2',
  },
  {
    id: 'LB-RR-CYCLE',
    area: 'lb',
    statement:
      'in round-robin mode (ipvs rr) consecutive new connections through one node cycle through every eligible endpoint once per period',
    source:
      'Linux net/netfilter/ipvs/ip_vs_rr.c; kube-proxy pkg/proxy/ipvs (scheduler rr); docs/research/lb.md §3.3, §7.5',
  },
  {
    id: 'LB-AFFINITY',
    area: 'lb',
    statement:
      'with sessionAffinity ClientIP, new connections from one client IP through one node to one Service port stay on one endpoint while less than timeoutSeconds pass between them',
    source:
      'core/v1 types.go ServiceSpec.sessionAffinity, ClientIPConfig.timeoutSeconds; kube-proxy iptables `recent` rules; upstream e2e execAffinityTestForNonLBService; docs/research/lb.md §2.4, §7.6',
  },
  {
    id: 'LB-NO-ENDPOINT-REJECT',
    area: 'lb',
    statement:
      'a new connection to a Service port with no eligible endpoint is rejected (connection refused)',
    source:
      'kube-proxy pkg/proxy/iptables/proxier.go (KUBE-SVC no-endpoints REJECT); upstream e2e "should be rejected when no endpoints exist"; docs/research/lb.md §2.6',
  },
  {
    id: 'LB-ELIGIBLE',
    area: 'lb',
    statement:
      'NetworkPolicy applies after DNAT: a client admitted on only some endpoints connects exactly when the balancer picks an admitted one (rate admitted/eligible), and only admitted backends answer',
    source:
      'networking/v1 NetworkPolicy (policy applies to pod traffic after Service translation); docs/design.md "Semantic profile"; docs/research/lb.md §5.2',
  },
] as const satisfies readonly RuleInfo[];

export function ruleInfo(id: string): RuleInfo | undefined {
  return (RULES as readonly RuleInfo[]).find((r) => r.id === id);
}
