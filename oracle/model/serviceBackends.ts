/**
 * A probe to a Service is judged at the backend kube-proxy chose after DNAT: NetworkPolicy applies to the
 * pod that answers, not to the ClusterIP (docs/research/netpol.md; the NetworkPolicy concept page). The backends
 * are the Service port's eligible endpoints, the one rule the LB oracle uses too (`oracle/lb`).
 */
import type { Cluster, ObjectKey, Protocol, Service } from '../../spec/model.ts';
import type { Verdict } from '../../spec/verdict.ts';
import { eligibleEndpoints } from '../lb/index.ts';

export interface Backend {
  readonly pod: ObjectKey;
  readonly port: number;
}

/** The endpoints of `svc`'s `port`/`protocol` a connection may reach (empty: the Service rejects). */
export function serviceBackends(cluster: Cluster, svc: Service, port: number, protocol: Protocol): Backend[] {
  const sp = svc.ports.find((p) => p.port === port && p.protocol === protocol);
  if (!sp) return [];
  return eligibleEndpoints(svc, sp, cluster.pods).endpoints.map((e) => ({ pod: e.pod, port: e.port }));
}

/**
 * The verdict for a Service probe whose backend is not known: deny without backends (the Service rejects),
 * allow or deny when every backend agrees, undefined when they differ or one is undefined.
 */
export function serviceVerdict(backendVerdicts: readonly Verdict[]): Verdict {
  if (backendVerdicts.length === 0) return 'deny';
  if (backendVerdicts.includes('undefined')) return 'undefined';
  if (backendVerdicts.every((v) => v === 'allow')) return 'allow';
  if (backendVerdicts.every((v) => v === 'deny')) return 'deny';
  return 'undefined';
}
