/**
 * The EndpointSlice and Endpoints controllers of kube-controller-manager, for Services with a selector
 * (pkg/controller/endpointslice/reconciler.go, staging/src/k8s.io/endpointslice/utils.go,
 * pkg/controller/endpoint/endpoints_controller.go):
 * - one EndpointSlice per set of resolved ports (a named targetPort resolves per pod), named
 *   `<service>-<random>`, labelled `kubernetes.io/service-name` and
 *   `endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io`, owned by the Service;
 *   each endpoint is a matching pod with an IP: its address, nodeName, targetRef and conditions (ready,
 *   serving, terminating);
 * - one Endpoints object named after the Service, ready pods under `addresses`, others under
 *   `notReadyAddresses`, terminating pods left out; labelled `endpointslice.kubernetes.io/skip-mirror`;
 * - both go when the Service goes (slices through their owner reference, as the garbage collector does).
 */

import type { Registry } from './registry.ts';
import { resourceOfKind } from './resources.ts';
import { labelsMatch } from './selectors.ts';
import type { ApiObject } from './store.ts';

type Obj = Record<string, unknown>;

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
const MANAGED_BY = 'endpointslice-controller.k8s.io';

function objects(v: unknown): Obj[] {
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Obj[]) : [];
}

function podReady(pod: ApiObject): boolean {
  return objects(((pod.status ?? {}) as Obj).conditions).some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );
}

/** The container port a Service port targets on a pod (a number, or a named port of the pod). */
function targetPort(pod: ApiObject, port: Obj): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  for (const c of objects(((pod.spec ?? {}) as Obj).containers)) {
    for (const p of objects(c.ports)) {
      if (p.name === target && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'))
        return Number(p.containerPort);
    }
  }
  return undefined;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function reconcileEndpoints(registry: Registry): void {
  const services = registry.store.list('services');
  const pods = registry.store.list('pods');
  const slicesR = resourceOfKind('EndpointSlice');
  const endpointsR = resourceOfKind('Endpoints');
  const allSlices = registry.store.list('endpointslices.discovery.k8s.io');
  const wantedEndpoints = new Set<string>();
  for (const svc of services) {
    const spec = (svc.spec ?? {}) as Obj;
    const ns = svc.metadata.namespace as string;
    const selector = spec.selector as Record<string, string> | undefined;
    if (svc.metadata.deletionTimestamp !== undefined) continue;
    if (!selector || spec.type === 'ExternalName') continue;
    wantedEndpoints.add(`${ns}/${svc.metadata.name}`);
    const reqs = Object.entries(selector).map(([key, v]) => ({ key, op: '=' as const, values: [v] }));
    const members = pods.filter(
      (p) =>
        p.metadata.namespace === ns &&
        labelsMatch(reqs, (p.metadata.labels ?? {}) as Record<string, string>) &&
        typeof ((p.status ?? {}) as Obj).podIP === 'string' &&
        !['Succeeded', 'Failed'].includes(String(((p.status ?? {}) as Obj).phase)),
    );
    const ports = objects(spec.ports);
    // Slices: grouped by the ports each pod resolves.
    const groups = new Map<string, { ports: Obj[]; endpoints: Obj[] }>();
    for (const pod of members) {
      const resolved = ports.map((p) => ({
        name: p.name ?? '',
        port: targetPort(pod, p),
        protocol: p.protocol ?? 'TCP',
      }));
      const slicePorts = resolved.filter((p) => p.port !== undefined);
      const key = JSON.stringify(slicePorts);
      const terminating = pod.metadata.deletionTimestamp !== undefined;
      const ready = podReady(pod);
      const status = (pod.status ?? {}) as Obj;
      const group = groups.get(key) ?? { ports: slicePorts as Obj[], endpoints: [] as Obj[] };
      group.endpoints.push({
        addresses: [status.podIP],
        conditions: { ready: ready && !terminating, serving: ready, terminating },
        nodeName: ((pod.spec ?? {}) as Obj).nodeName,
        targetRef: { kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid },
      });
      groups.set(key, group);
    }
    const owned = allSlices.filter(
      (s) =>
        s.metadata.namespace === ns &&
        ((s.metadata.labels ?? {}) as Record<string, string>)[SERVICE_NAME_LABEL] === svc.metadata.name &&
        ((s.metadata.labels ?? {}) as Record<string, string>)[MANAGED_BY_LABEL] === MANAGED_BY,
    );
    if (groups.size === 0) {
      // A Service with no endpoints still gets one (empty) slice with its ports.
      groups.set('', {
        ports: ports
          .map((p) => ({
            name: p.name ?? '',
            port: typeof p.targetPort === 'number' ? p.targetPort : undefined,
            protocol: p.protocol ?? 'TCP',
          }))
          .filter((p) => p.port !== undefined),
        endpoints: [],
      });
    }
    const labels = {
      ...((svc.metadata.labels ?? {}) as Record<string, string>),
      [SERVICE_NAME_LABEL]: svc.metadata.name,
      [MANAGED_BY_LABEL]: MANAGED_BY,
    };
    const owner = [
      {
        apiVersion: 'v1',
        kind: 'Service',
        name: svc.metadata.name,
        uid: svc.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
    const unused = [...owned];
    for (const group of groups.values()) {
      const match = unused.findIndex((s) => same(s.ports ?? [], group.ports));
      const existing = match >= 0 ? unused.splice(match, 1)[0] : unused.shift();
      const body = { addressType: 'IPv4', endpoints: group.endpoints, ports: group.ports };
      if (existing) {
        registry.mutate(slicesR, ns, existing.metadata.name, (s) => {
          s.metadata.labels = labels;
          s.metadata.ownerReferences = owner;
          s.addressType = body.addressType;
          s.endpoints = body.endpoints;
          s.ports = body.ports;
        });
      } else {
        registry.createInternal(slicesR, {
          metadata: {
            generateName: `${svc.metadata.name}-`,
            name: '',
            namespace: ns,
            labels,
            ownerReferences: owner,
          },
          ...body,
        });
      }
    }
    for (const s of unused) registry.forget(slicesR, ns, s.metadata.name);

    // Endpoints.
    const subsets = new Map<string, { addresses: Obj[]; notReadyAddresses: Obj[]; ports: Obj[] }>();
    for (const pod of members) {
      if (pod.metadata.deletionTimestamp !== undefined) continue;
      const resolved = ports
        .map((p) => ({
          ...(p.name ? { name: p.name } : {}),
          port: targetPort(pod, p),
          protocol: p.protocol ?? 'TCP',
        }))
        .filter((p) => p.port !== undefined);
      const key = JSON.stringify(resolved);
      const subset = subsets.get(key) ?? { addresses: [], notReadyAddresses: [], ports: resolved };
      const status = (pod.status ?? {}) as Obj;
      const address = {
        ip: status.podIP,
        nodeName: ((pod.spec ?? {}) as Obj).nodeName,
        targetRef: { kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid },
      };
      (podReady(pod) ? subset.addresses : subset.notReadyAddresses).push(address);
      subsets.set(key, subset);
    }
    const epSubsets = [...subsets.values()].map((s) => ({
      ...(s.addresses.length > 0 ? { addresses: s.addresses } : {}),
      ...(s.notReadyAddresses.length > 0 ? { notReadyAddresses: s.notReadyAddresses } : {}),
      ports: s.ports,
    }));
    const epLabels = {
      ...((svc.metadata.labels ?? {}) as Record<string, string>),
      'endpointslice.kubernetes.io/skip-mirror': 'true',
    };
    const existingEp = registry.find(endpointsR, ns, svc.metadata.name);
    if (existingEp) {
      registry.mutate(endpointsR, ns, svc.metadata.name, (e) => {
        e.metadata.labels = epLabels;
        if (epSubsets.length > 0) e.subsets = epSubsets;
        else delete e.subsets;
      });
    } else {
      registry.createInternal(endpointsR, {
        metadata: { name: svc.metadata.name, namespace: ns, labels: epLabels },
        ...(epSubsets.length > 0 ? { subsets: epSubsets } : {}),
      });
    }
  }
  // Garbage: slices whose owning Service is gone, Endpoints of Services that are gone.
  const serviceUids = new Set(services.map((s) => s.metadata.uid));
  for (const s of allSlices) {
    const owners = objects(s.metadata.ownerReferences);
    if (owners.some((o) => o.kind === 'Service') && !owners.some((o) => serviceUids.has(o.uid as string)))
      registry.forget(slicesR, s.metadata.namespace, s.metadata.name);
  }
  for (const e of registry.store.list('endpoints')) {
    const managed =
      ((e.metadata.labels ?? {}) as Record<string, string>)['endpointslice.kubernetes.io/skip-mirror'] ===
      'true';
    if (managed && !wantedEndpoints.has(`${e.metadata.namespace}/${e.metadata.name}`))
      registry.forget(endpointsR, e.metadata.namespace, e.metadata.name);
  }
}
