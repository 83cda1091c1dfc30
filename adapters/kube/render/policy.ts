/**
 * A scenario NetworkPolicy as a real one, in the run's namespace. The scenario names namespaces by their
 * scenario names, but on the cluster they are `podnet-<run>-<name>` and the API server sets
 * `kubernetes.io/metadata.name` to that real name. So a namespaceSelector that selects on
 * `kubernetes.io/metadata.name` (matchLabels, or In/NotIn values) gets each value mapped to the real
 * name: `x` → `podnet-<run>-x`. Every other selector is kept as written: the scenario's own namespace
 * labels are copied onto the real namespaces, so they select the same set. ipBlocks arrive concrete.
 */
import type {
  V1LabelSelector,
  V1NetworkPolicy,
  V1NetworkPolicyEgressRule,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
  V1NetworkPolicyPort,
} from '@kubernetes/client-node';
import type {
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
} from '../../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../../spec/model.ts';
import { type RenderContext, realNamespace, withRunLabels } from './context.ts';

function selector(s: LabelSelector): V1LabelSelector {
  return {
    ...(s.matchLabels !== undefined ? { matchLabels: { ...s.matchLabels } } : {}),
    ...(s.matchExpressions !== undefined
      ? {
          matchExpressions: s.matchExpressions.map((e) => ({
            key: e.key,
            operator: e.operator,
            ...(e.values !== undefined ? { values: [...e.values] } : {}),
          })),
        }
      : {}),
  };
}

/** A namespaceSelector with every `kubernetes.io/metadata.name` value mapped to the real namespace name. */
export function rewriteNamespaceSelector(
  s: LabelSelector,
  realName: (scenarioName: string) => string,
): V1LabelSelector {
  const out = selector(s);
  const matchLabels = out.matchLabels;
  if (matchLabels !== undefined && matchLabels[NAMESPACE_NAME_LABEL] !== undefined) {
    matchLabels[NAMESPACE_NAME_LABEL] = realName(matchLabels[NAMESPACE_NAME_LABEL]);
  }
  for (const e of out.matchExpressions ?? []) {
    if (e.key === NAMESPACE_NAME_LABEL && e.values !== undefined) e.values = e.values.map(realName);
  }
  return out;
}

function port(p: NetworkPolicyPort): V1NetworkPolicyPort {
  return {
    protocol: p.protocol,
    ...(p.port !== undefined ? { port: p.port } : {}),
    ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
  };
}

export function renderPolicy(policy: NetworkPolicy, ctx: RenderContext): V1NetworkPolicy {
  const realName = (n: string) => realNamespace(ctx, n);
  const peer = (p: NetworkPolicyPeer): V1NetworkPolicyPeer => ({
    ...(p.podSelector !== undefined ? { podSelector: selector(p.podSelector) } : {}),
    ...(p.namespaceSelector !== undefined
      ? { namespaceSelector: rewriteNamespaceSelector(p.namespaceSelector, realName) }
      : {}),
    ...(p.ipBlock !== undefined
      ? {
          ipBlock: {
            cidr: p.ipBlock.cidr,
            ...(p.ipBlock.except !== undefined ? { except: [...p.ipBlock.except] } : {}),
          },
        }
      : {}),
  });
  // client-node's model calls the ingress peers `_from` (serialized as `from`).
  const ingressRule = (r: NetworkPolicyRule): V1NetworkPolicyIngressRule => ({
    ...(r.peers !== undefined ? { _from: r.peers.map(peer) } : {}),
    ...(r.ports !== undefined ? { ports: r.ports.map(port) } : {}),
  });
  const egressRule = (r: NetworkPolicyRule): V1NetworkPolicyEgressRule => ({
    ...(r.peers !== undefined ? { to: r.peers.map(peer) } : {}),
    ...(r.ports !== undefined ? { ports: r.ports.map(port) } : {}),
  });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: policy.name, namespace: realName(policy.namespace), labels: withRunLabels(ctx) },
    spec: {
      podSelector: selector(policy.podSelector),
      policyTypes: [...policy.policyTypes],
      ...(policy.ingress !== undefined ? { ingress: policy.ingress.map(ingressRule) } : {}),
      ...(policy.egress !== undefined ? { egress: policy.egress.map(egressRule) } : {}),
    },
  };
}
