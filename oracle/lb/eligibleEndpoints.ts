import type { ObjectKey, Pod, Service, ServicePort } from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import { resolveTargetPort } from './resolveTargetPort.ts';

/** One endpoint of a Service port: the pod that answers and the port it answers on. */
export interface LbEndpoint {
  readonly pod: ObjectKey;
  readonly port: number;
  readonly node?: string;
  readonly ip?: string;
}

/** EndpointSlice conditions the model cannot express (a pod being deleted): supplied by the caller. */
export interface EndpointConditions {
  readonly serving: boolean;
  readonly terminating: boolean;
}

export interface EligibleEndpoints {
  /** Sorted by pod key, so every caller sees one order. */
  readonly endpoints: readonly LbEndpoint[];
  /**
   * `ready`: the ready endpoints; `serving-terminating`: none was ready, so kube-proxy fell back to serving
   * and terminating ones (docs/research/lb.md §1.2); `none`: nothing to send to, new connections are
   * rejected.
   */
  readonly source: 'ready' | 'serving-terminating' | 'none';
  /** Pods the selector matched but that are not endpoints of this port, with the reason. */
  readonly excluded: readonly ExcludedPod[];
}

/** A selected pod that is not an endpoint: why, as a kind and in words. */
interface ExcludedPod {
  readonly pod: ObjectKey;
  readonly why: 'no-port' | 'terminating' | 'not-ready';
  readonly reason: string;
}

/** Whether the Service's equality selector matches the pod (same namespace, every key equal). */
export function selectsPod(service: Service, pod: Pod): boolean {
  const selector = service.selector;
  // An empty selector is stored as nil (maps round-trip through protobuf), and a nil selector gets no
  // managed endpoints: the EndpointSlice controller skips `service.Spec.Selector == nil`. [derived]
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  if (pod.namespace !== service.namespace) return false;
  return Object.entries(selector).every(([k, v]) => pod.labels[k] === v);
}

/**
 * The endpoints kube-proxy load-balances one Service port over (docs/research/lb.md §1.1–1.2,
 * `CategorizeEndpoints` for cluster traffic): selected pods with a resolvable targetPort that are ready; if
 * none is, those that are serving and terminating. The model's `Pod.ready` is the Ready condition;
 * `conditions` may add serving/terminating for pods being deleted. Topology hints and traffic policies are
 * not in the model.
 */
export function eligibleEndpoints(
  service: Service,
  servicePort: ServicePort,
  pods: readonly Pod[],
  conditions: ReadonlyMap<ObjectKey, EndpointConditions> = new Map(),
): EligibleEndpoints {
  const ready: LbEndpoint[] = [];
  const fallback: LbEndpoint[] = [];
  const excluded: ExcludedPod[] = [];
  for (const pod of pods) {
    if (!selectsPod(service, pod)) continue;
    const key = keyOf(pod);
    const port = resolveTargetPort(pod, servicePort);
    if (port === undefined) {
      excluded.push({
        pod: key,
        why: 'no-port',
        reason: `no container port named ${String(servicePort.targetPort)}/${servicePort.protocol}`,
      });
      continue;
    }
    const endpoint: LbEndpoint = {
      pod: key,
      port,
      ...(pod.nodeName !== undefined ? { node: pod.nodeName } : {}),
      ...(pod.ips[0] !== undefined ? { ip: pod.ips[0] } : {}),
    };
    const c = conditions.get(key);
    if (pod.ready && c?.terminating !== true) ready.push(endpoint);
    else if (c?.serving === true && c.terminating) {
      fallback.push(endpoint);
      excluded.push({
        pod: key,
        why: 'terminating',
        reason: 'terminating (used only when no endpoint is ready)',
      });
    } else excluded.push({ pod: key, why: 'not-ready', reason: 'not ready' });
  }
  const byPod = (a: LbEndpoint, b: LbEndpoint) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0);
  if (ready.length > 0) return { endpoints: ready.sort(byPod), source: 'ready', excluded };
  if (fallback.length > 0) {
    const kept = new Set(fallback.map((e) => e.pod));
    return {
      endpoints: fallback.sort(byPod),
      source: 'serving-terminating',
      excluded: excluded.filter((x) => !kept.has(x.pod)),
    };
  }
  return { endpoints: [], source: 'none', excluded };
}
