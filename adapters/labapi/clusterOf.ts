/**
 * The API's objects as the lab's `Cluster` (spec/model.ts), read by the same manifest decoders as
 * `podnet predict -f` (spec/manifests), so the lab enforces exactly what the API holds:
 * - pods that are scheduled and not being deleted (a Terminating pod's containers are stopped, as the
 *   kubelet stops them), each with its readiness (the Ready condition) for the service proxy's endpoints;
 * - every namespace with its labels (kubernetes.io/metadata.name included), every NetworkPolicy;
 * - Services that have a ClusterIP (headless and ExternalName Services program nothing in kube-proxy).
 * Nodes are left to the lab (it built them; `nodes: []` keeps its topology).
 */
import type { PodnetInputError } from '../../spec/errors.ts';
import { decodeNamespace } from '../../spec/manifests/decodeNamespace.ts';
import { decodeNetworkPolicy } from '../../spec/manifests/decodeNetworkPolicy.ts';
import { decodePod } from '../../spec/manifests/decodePod.ts';
import { Decoder } from '../../spec/manifests/decoder.ts';
import { decodeService } from '../../spec/manifests/decodeService.ts';
import type { Cluster, Namespace, NetworkPolicy, Pod, Service } from '../../spec/model.ts';
import type { ApiObject } from './store.ts';

type Obj = Record<string, unknown>;

function decoderFor(kind: string, apiVersion: string, o: ApiObject): Decoder {
  return new Decoder(
    { apiVersion, kind, value: o, file: 'lab API', lineOf: () => undefined },
    [] as PodnetInputError[],
  );
}

function podModel(o: ApiObject): Pod | undefined {
  return decodePod(decoderFor('Pod', 'v1', o));
}

/** Whether the pod's containers run in the lab: bound to a node, not being deleted, not finished. */
export function podRuns(o: ApiObject): boolean {
  const spec = (o.spec ?? {}) as Obj;
  const phase = ((o.status ?? {}) as Obj).phase;
  return (
    typeof spec.nodeName === 'string' &&
    spec.nodeName !== '' &&
    o.metadata.deletionTimestamp === undefined &&
    phase !== 'Succeeded' &&
    phase !== 'Failed'
  );
}

export interface ClusterObjects {
  readonly namespaces: readonly ApiObject[];
  readonly pods: readonly ApiObject[];
  readonly services: readonly ApiObject[];
  readonly policies: readonly ApiObject[];
}

export function clusterOf(objects: ClusterObjects): Cluster {
  const namespaces: Namespace[] = objects.namespaces.flatMap(
    (o) => decodeNamespace(decoderFor('Namespace', 'v1', o)) ?? [],
  );
  const pods: Pod[] = objects.pods.filter(podRuns).flatMap((o) => podModel(o) ?? []);
  const services: Service[] = objects.services
    .filter((o) => {
      const ip = ((o.spec ?? {}) as Obj).clusterIP;
      return typeof ip === 'string' && ip !== '' && ip !== 'None';
    })
    .flatMap((o) => decodeService(decoderFor('Service', 'v1', o)) ?? []);
  const policies: NetworkPolicy[] = objects.policies.flatMap(
    (o) => decodeNetworkPolicy(decoderFor('NetworkPolicy', 'networking.k8s.io/v1', o)) ?? [],
  );
  return { nodes: [], namespaces, pods, services, policies };
}
