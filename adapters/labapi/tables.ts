/**
 * Server-side printing: `kubectl get` asks for `application/json;as=Table;v=v1;g=meta.k8s.io` and prints
 * the rows the server computes. Columns and cells follow pkg/printers/internalversion/printers.go
 * (printPod: READY `ready/total`, STATUS from phase, waiting/terminated reasons and `Terminating`,
 * RESTARTS, AGE, and with priority 1 (`-o wide`) IP, NODE, NOMINATED NODE, READINESS GATES; printNode,
 * printNamespace, printService, printNetworkPolicy, printEndpointSlice, printEndpoints, printConfigMap);
 * ages as staging/src/k8s.io/apimachinery/pkg/util/duration HumanDuration writes them. Each row carries the
 * object as `includeObject` asks (None, Metadata (the default): PartialObjectMetadata, Object).
 */
import type { ResourceInfo } from './resources.ts';
import type { ApiObject } from './store.ts';

type Obj = Record<string, unknown>;

interface ColumnDefinition {
  readonly name: string;
  readonly type: string;
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

function col(
  name: string,
  description: string,
  priority = 0,
  type = 'string',
  format = '',
): ColumnDefinition {
  return { name, type, format, description, priority };
}

const NAME = col('Name', 'Name must be unique within a namespace.', 0, 'string', 'name');
const AGE = col(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);

const COLUMNS: Readonly<Record<string, readonly ColumnDefinition[]>> = {
  Pod: [
    NAME,
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE,
    col('IP', 'podIP address allocated to the pod.', 1),
    col('Node', 'NodeName indicates in which node this pod is scheduled.', 1),
    col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.', 1),
    col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
  ],
  Node: [
    NAME,
    col('Status', 'The status of the node'),
    col('Roles', 'The roles of the node'),
    AGE,
    col('Version', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'List of addresses reachable to the node.', 1),
    col('External-IP', 'List of addresses reachable to the node.', 1),
    col(
      'OS-Image',
      'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      1,
    ),
    col(
      'Kernel-Version',
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      1,
    ),
    col(
      'Container-Runtime',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      1,
    ),
  ],
  Namespace: [NAME, col('Status', 'The status of the namespace'), AGE],
  Service: [
    NAME,
    col('Type', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col(
      'External-IP',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
    ),
    col('Port(s)', 'The list of ports that are exposed by this service.'),
    AGE,
    col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', 1),
  ],
  NetworkPolicy: [
    NAME,
    col('Pod-Selector', 'Selects the pods to which this NetworkPolicy object applies.'),
    AGE,
  ],
  EndpointSlice: [
    NAME,
    col('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
    col('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    col('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
    AGE,
  ],
  Endpoints: [NAME, col('Endpoints', 'The set of all endpoints is the union of all subsets.'), AGE],
  ConfigMap: [NAME, col('Data', 'Data contains the configuration data.', 0, 'integer'), AGE],
};

/** duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    const y = Math.floor(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function age(o: ApiObject, now: number): string {
  const t = o.metadata.creationTimestamp;
  return typeof t === 'string' ? humanDuration(now - Date.parse(t)) : '<unknown>';
}

function objects(v: unknown): Obj[] {
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Obj[]) : [];
}

function podCells(pod: ApiObject, now: number): unknown[] {
  const spec = (pod.spec ?? {}) as Obj;
  const status = (pod.status ?? {}) as Obj;
  const total = objects(spec.containers).length;
  let reason = String(status.reason || status.phase || '');
  let ready = 0;
  let restarts = 0;
  let hasRunning = false;
  const statuses = objects(status.containerStatuses);
  for (let i = statuses.length - 1; i >= 0; i--) {
    const c = statuses[i] as Obj;
    restarts += Number(c.restartCount ?? 0);
    const state = (c.state ?? {}) as Obj;
    const waiting = state.waiting as Obj | undefined;
    const terminated = state.terminated as Obj | undefined;
    if (waiting?.reason) reason = String(waiting.reason);
    else if (terminated?.reason) reason = String(terminated.reason);
    else if (terminated)
      reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
    else if (c.ready === true && state.running !== undefined) {
      hasRunning = true;
      ready++;
    }
  }
  if (reason === 'Completed' && hasRunning) {
    const readyCondition = objects(status.conditions).some((c) => c.type === 'Ready' && c.status === 'True');
    reason = readyCondition ? 'Running' : 'NotReady';
  }
  const phase = status.phase;
  if (pod.metadata.deletionTimestamp !== undefined && phase !== 'Succeeded' && phase !== 'Failed')
    reason = 'Terminating';
  const gates = objects(spec.readinessGates);
  const gateText =
    gates.length === 0
      ? '<none>'
      : `${gates.filter((g) => objects(status.conditions).some((c) => c.type === g.conditionType && c.status === 'True')).length}/${gates.length}`;
  return [
    pod.metadata.name,
    `${ready}/${total}`,
    reason,
    String(restarts),
    age(pod, now),
    (status.podIP as string | undefined) || '<none>',
    (spec.nodeName as string | undefined) || '<none>',
    (status.nominatedNodeName as string | undefined) || '<none>',
    gateText,
  ];
}

function nodeCells(node: ApiObject, now: number): unknown[] {
  const status = (node.status ?? {}) as Obj;
  const spec = (node.spec ?? {}) as Obj;
  const conditions = objects(status.conditions);
  const states: string[] = [];
  const ready = conditions.find((c) => c.type === 'Ready');
  states.push(ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown');
  if (spec.unschedulable === true) states.push('SchedulingDisabled');
  const labels = (node.metadata.labels ?? {}) as Record<string, string>;
  const roles = Object.keys(labels)
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .concat(labels['kubernetes.io/role'] ? [labels['kubernetes.io/role']] : [])
    .sort();
  const addresses = objects(status.addresses);
  const info = (status.nodeInfo ?? {}) as Obj;
  return [
    node.metadata.name,
    states.join(','),
    roles.length > 0 ? roles.join(',') : '<none>',
    age(node, now),
    info.kubeletVersion ?? '',
    addresses.find((a) => a.type === 'InternalIP')?.address ?? '<none>',
    addresses.find((a) => a.type === 'ExternalIP')?.address ?? '<none>',
    info.osImage ?? '<unknown>',
    info.kernelVersion ?? '<unknown>',
    info.containerRuntimeVersion ?? '<unknown>',
  ];
}

/** metav1.FormatLabelSelector. */
function formatLabelSelector(s: Obj | undefined): string {
  if (!s) return '<none>';
  const parts: string[] = [];
  for (const [k, v] of Object.entries((s.matchLabels ?? {}) as Record<string, string>))
    parts.push(`${k}=${v}`);
  for (const e of objects(s.matchExpressions)) {
    const values = Array.isArray(e.values) ? (e.values as string[]) : [];
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values.join(',')})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values.join(',')})`);
        break;
      case 'Exists':
        parts.push(String(e.key));
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
    }
  }
  return parts.length === 0 ? '<none>' : parts.join(',');
}

function serviceCells(svc: ApiObject, now: number): unknown[] {
  const spec = (svc.spec ?? {}) as Obj;
  const ports = objects(spec.ports)
    .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`))
    .join(',');
  const externalIPs =
    Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0 ? spec.externalIPs.join(',') : '';
  const type = String(spec.type ?? 'ClusterIP');
  const external =
    externalIPs ||
    (type === 'LoadBalancer'
      ? '<pending>'
      : type === 'ExternalName'
        ? String(spec.externalName ?? '')
        : '<none>');
  const selector = Object.entries((spec.selector ?? {}) as Record<string, string>)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return [
    svc.metadata.name,
    type,
    (spec.clusterIP as string | undefined) || '<none>',
    external,
    ports || '<none>',
    age(svc, now),
    selector || '<none>',
  ];
}

function endpointSliceCells(slice: ApiObject, now: number): unknown[] {
  const ports = objects(slice.ports);
  const portText =
    ports.length === 0
      ? '<unset>'
      : ports.map((p) => (p.port === undefined ? '<unset>' : String(p.port))).join(',');
  const addresses = objects(slice.endpoints).flatMap((e) =>
    Array.isArray(e.addresses) ? (e.addresses as string[]) : [],
  );
  const shown = addresses.slice(0, 3).join(',');
  const endpoints =
    addresses.length === 0
      ? '<unset>'
      : addresses.length > 3
        ? `${shown} + ${addresses.length - 3} more...`
        : shown;
  return [slice.metadata.name, slice.addressType ?? '', portText, endpoints, age(slice, now)];
}

function endpointsCells(ep: ApiObject, now: number): unknown[] {
  const list: string[] = [];
  for (const s of objects(ep.subsets)) {
    const ports = objects(s.ports);
    for (const a of objects(s.addresses)) {
      if (ports.length === 0) list.push(String(a.ip));
      for (const p of ports) list.push(`${a.ip}:${p.port}`);
    }
  }
  const shown = list.slice(0, 3).join(',');
  const text =
    list.length === 0 ? '<none>' : list.length > 3 ? `${shown} + ${list.length - 3} more...` : shown;
  return [ep.metadata.name, text, age(ep, now)];
}

function cellsOf(kind: string, o: ApiObject, now: number): unknown[] {
  switch (kind) {
    case 'Pod':
      return podCells(o, now);
    case 'Node':
      return nodeCells(o, now);
    case 'Namespace':
      return [o.metadata.name, ((o.status ?? {}) as Obj).phase ?? '', age(o, now)];
    case 'Service':
      return serviceCells(o, now);
    case 'NetworkPolicy':
      return [
        o.metadata.name,
        formatLabelSelector(((o.spec ?? {}) as Obj).podSelector as Obj | undefined),
        age(o, now),
      ];
    case 'EndpointSlice':
      return endpointSliceCells(o, now);
    case 'Endpoints':
      return endpointsCells(o, now);
    case 'ConfigMap':
      return [
        o.metadata.name,
        Object.keys((o.data ?? {}) as Obj).length + Object.keys((o.binaryData ?? {}) as Obj).length,
        age(o, now),
      ];
    default:
      return [o.metadata.name, age(o, now)];
  }
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** The Table for `objects` (one object for a get, a list's items for a list). */
export function toTable(
  resource: ResourceInfo,
  items: readonly ApiObject[],
  listMeta: Record<string, unknown>,
  includeObject: IncludeObject,
  now: number = Date.now(),
): Record<string, unknown> {
  const columns = COLUMNS[resource.kind] ?? [NAME, AGE];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns,
    rows: items.map((o) => ({
      cells: cellsOf(resource.kind, o, now),
      ...(includeObject === 'None'
        ? {}
        : {
            object:
              includeObject === 'Object'
                ? o
                : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
          }),
    })),
  };
}
