/**
 * API defaulting, as the API server applies it before anyone reads an object. Each rule names its source.
 */
import {
  DEFAULT_AFFINITY_TIMEOUT_SECONDS,
  type Labels,
  NAMESPACE_NAME_LABEL,
  type Namespace,
  type PolicyType,
  type Protocol,
  type SessionAffinity,
} from '../model.ts';

/** metadata.namespace absent ⇒ `default` (kubectl and the API server use the request's namespace, `default` by default). */
export const DEFAULT_NAMESPACE = 'default';

/**
 * Protocol absent ⇒ TCP, for container ports, NetworkPolicy ports and Service ports
 * (pkg/apis/core/v1/defaults.go SetDefaults_ContainerPort / SetDefaults_Service;
 * pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicyPort).
 */
export function defaultProtocol(protocol: Protocol | undefined): Protocol {
  return protocol ?? 'TCP';
}

/**
 * policyTypes empty or absent ⇒ `[Ingress]`, plus `Egress` iff the policy has at least one egress rule
 * (pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicy: `if len(obj.Spec.Egress) != 0`).
 * So `egress: []` does not add Egress; an egress-only or deny-egress policy must list `Egress` itself.
 */
export function defaultPolicyTypes(
  policyTypes: readonly PolicyType[] | undefined,
  egress: readonly unknown[] | undefined,
): readonly PolicyType[] {
  if (policyTypes && policyTypes.length > 0) return policyTypes;
  return egress && egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/**
 * Every namespace carries `kubernetes.io/metadata.name: <name>`, set (and overwritten) by the API server
 * since Kubernetes 1.21 (pkg/apis/core/v1/defaults.go SetDefaults_Namespace; KEP-2161).
 */
export function namespaceLabels(name: string, labels: Labels | undefined): Labels {
  return { ...(labels ?? {}), [NAMESPACE_NAME_LABEL]: name };
}

/**
 * A namespace that pods, Services or policies name but no manifest declares. kubectl would refuse
 * to create objects in it; podnet creates it implicitly with only the default label, so that a
 * `kubectl get pods,networkpolicies -A` dump without namespaces can still be read.
 */
export function implicitNamespace(name: string): Namespace {
  return { name, labels: namespaceLabels(name, undefined) };
}

/**
 * Service targetPort absent (or 0 / "") ⇒ the Service port (pkg/apis/core/v1/defaults.go SetDefaults_Service).
 */
export function defaultTargetPort(port: number, targetPort: number | string | undefined): number | string {
  return targetPort === undefined || targetPort === 0 || targetPort === '' ? port : targetPort;
}

/** Service sessionAffinity absent ⇒ `None` (pkg/apis/core/v1/defaults.go SetDefaults_Service). */
export function defaultSessionAffinity(affinity: SessionAffinity | undefined): SessionAffinity {
  return affinity ?? 'None';
}

/**
 * sessionAffinityConfig.clientIP.timeoutSeconds absent ⇒ 10800 s (3 hours), for ClientIP affinity
 * (pkg/apis/core/v1/defaults.go SetDefaults_Service, `DefaultClientIPServiceAffinitySeconds`).
 */
export function defaultAffinityTimeout(timeoutSeconds: number | undefined): number {
  return timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS;
}
