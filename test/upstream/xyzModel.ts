/**
 * The upstream e2e netpol model (kubernetes test/e2e/network/netpol/model.go, docs/research/netpol.md §2.1):
 * namespaces x, y, z carrying only the default `kubernetes.io/metadata.name` label; pods a, b, c labelled
 * `pod=<name>`, one container per (port, protocol) with ports 80/81 × TCP/UDP/SCTP named `serve-<port>-<proto>`.
 * Pod IPs sit in a fake pod CIDR 10.244.0.0/16: `x/a` is 10.244.1.10, `y/b` 10.244.2.11, and so on.
 */
import type {
  Cluster,
  Container,
  IPBlock,
  LabelSelector,
  Labels,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
  Pod,
  PolicyType,
  Protocol,
} from '../../spec/model.ts';
import { NAMESPACE_NAME_LABEL, PROTOCOLS } from '../../spec/model.ts';

const NAMESPACES = ['x', 'y', 'z'] as const;
const POD_NAMES = ['a', 'b', 'c'] as const;
const MODEL_PORTS = [80, 81] as const;

export function podIP(namespace: string, pod: string): string {
  return `10.244.${NAMESPACES.indexOf(namespace as 'x') + 1}.${10 + POD_NAMES.indexOf(pod as 'a')}`;
}

function containers(): Container[] {
  return MODEL_PORTS.flatMap((port) =>
    PROTOCOLS.map((protocol) => ({
      name: `cont-${port}-${protocol.toLowerCase()}`,
      ports: [{ name: `serve-${port}-${protocol.toLowerCase()}`, containerPort: port, protocol }],
    })),
  );
}

export interface ModelChanges {
  /** Extra labels per namespace (`y: { ns2: 'updated' }`). */
  readonly namespaceLabels?: Readonly<Record<string, Labels>>;
  /** Extra labels per pod key (`'x/b': { pod2: 'updated' }`). */
  readonly podLabels?: Readonly<Record<string, Labels>>;
}

/** The 3 × 3 model with `policies`, after `changes` (label updates of multi-step cases). */
export function xyzCluster(policies: readonly NetworkPolicy[] = [], changes: ModelChanges = {}): Cluster {
  const pods: Pod[] = NAMESPACES.flatMap((namespace) =>
    POD_NAMES.map((name) => ({
      namespace,
      name,
      labels: { pod: name, ...(changes.podLabels?.[`${namespace}/${name}`] ?? {}) },
      nodeName: 'node-1',
      hostNetwork: false,
      containers: containers(),
      ips: [podIP(namespace, name)],
      ready: true,
    })),
  );
  return {
    nodes: [{ name: 'node-1', labels: {}, segment: 0 }],
    namespaces: NAMESPACES.map((name) => ({
      name,
      labels: { [NAMESPACE_NAME_LABEL]: name, ...(changes.namespaceLabels?.[name] ?? {}) },
    })),
    pods,
    services: [],
    policies,
  };
}

// Builders in the spirit of upstream policies.go, with API defaulting applied.

export interface PolicyBody {
  readonly ingress?: readonly NetworkPolicyRule[];
  readonly egress?: readonly NetworkPolicyRule[];
  readonly policyTypes?: readonly PolicyType[];
}

/** A policy in `namespace` (default x); policyTypes default as the API server does (§7 rule 5). */
export function policy(
  name: string,
  podSelector: LabelSelector,
  body: PolicyBody,
  namespace = 'x',
): NetworkPolicy {
  const policyTypes: PolicyType[] = body.policyTypes
    ? [...body.policyTypes]
    : body.egress !== undefined
      ? ['Ingress', 'Egress']
      : ['Ingress'];
  return {
    namespace,
    name,
    podSelector,
    policyTypes,
    ...(body.ingress !== undefined ? { ingress: body.ingress } : {}),
    ...(body.egress !== undefined ? { egress: body.egress } : {}),
  };
}

export const ALL: LabelSelector = {};
export const labels = (matchLabels: Labels): LabelSelector => ({ matchLabels });
export const nsName = (name: string): LabelSelector => labels({ [NAMESPACE_NAME_LABEL]: name });

export function rule(
  peers?: readonly NetworkPolicyPeer[],
  ports?: readonly NetworkPolicyPort[],
): NetworkPolicyRule {
  return { ...(peers ? { peers } : {}), ...(ports ? { ports } : {}) };
}

export function port(value: number | string, protocol: Protocol = 'TCP'): NetworkPolicyPort {
  return { protocol, port: value };
}

export function ipBlock(cidr: string, except?: readonly string[]): NetworkPolicyPeer {
  const block: IPBlock = { cidr, ...(except ? { except } : {}) };
  return { ipBlock: block };
}
