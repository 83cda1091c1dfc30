import type { ObjectKey, Pod, Protocol, Service, ServicePort } from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import type { ProxyMode } from '../../spec/target.ts';
import type { EligibleEndpoints, EndpointConditions, LbEndpoint } from './eligibleEndpoints.ts';
import { eligibleEndpoints } from './eligibleEndpoints.ts';

/**
 * Who opens the connections: a pod (its node decides, docs/research/lb.md §1.4) or a raw source on a node.
 */
interface LbClient {
  /** `ns/pod`, when the client is a pod. */
  readonly pod?: ObjectKey;
  /** The source address the node's rules see (the pod IP; the node IP for hostNetwork pods). */
  readonly ip?: string;
  /** The node whose rules make the decision: the client pod's node. */
  readonly node?: string;
}

/** How new connections from one client through one node spread over the eligible endpoints. */
type NewConnectionPrediction =
  /**
   * No endpoint at all: the connection is rejected (REJECT, the client sees "connection refused";
   * docs/research/lb.md §2.6).
   */
  | { readonly kind: 'reject' }
  /**
   * iptables / nftables random: each new connection an independent uniform draw (docs/research/lb.md §2.3,
   * §4.3).
   */
  | { readonly kind: 'uniform'; readonly shares: Readonly<Record<ObjectKey, number>> }
  /**
   * ipvs rr as the lab plays it: one pointer per node and Service port, so the node's new connections
   * cycle through every endpoint once per `period`, in an order and phase the API does not fix
   * (docs/research/lb.md §3.3).
   */
  | { readonly kind: 'cycle'; readonly period: number; readonly members: readonly ObjectKey[] };

/** ClientIP affinity (docs/research/lb.md §1.3, §2.4): what must stay constant, and for how long. */
interface AffinityPrediction {
  readonly timeoutSeconds: number;
  /**
   * The sticky key: client IP, deciding node and Service port (not the Service as a whole: #103000;
   * not across nodes: docs/research/lb.md §1.4). Connections sharing it within the timeout hit one endpoint.
   */
  readonly key: string;
  /** The first connection (and each one after an expiry) follows `newConnections`. */
  readonly firstConnection: 'uniform' | 'cycle';
}

export interface ServicePortPrediction {
  readonly service: ObjectKey;
  readonly port: number;
  readonly protocol: Protocol;
  readonly portName?: string;
  readonly mode: ProxyMode;
  /** The node whose rules decide (client's node), when known. */
  readonly node?: string;
  readonly client?: LbClient;
  readonly eligible: EligibleEndpoints;
  readonly newConnections: NewConnectionPrediction;
  readonly affinity?: AffinityPrediction;
  /** Plain-words reasons, for reports. */
  readonly explanation: readonly string[];
}

export interface PredictInput {
  readonly service: Service;
  /** The Service port, by its `port` number or by name. */
  readonly port: number | string;
  readonly pods: readonly Pod[];
  readonly mode: ProxyMode;
  readonly client?: LbClient;
  /** Serving/terminating conditions for pods being deleted (the model has only `ready`). */
  readonly conditions?: ReadonlyMap<ObjectKey, EndpointConditions>;
}

/** Finds a Service port by number or name; throws RangeError when the Service has no such port. */
export function findServicePort(service: Service, port: number | string): ServicePort {
  const found = service.ports.find((p) => (typeof port === 'number' ? p.port === port : p.name === port));
  if (!found) throw new RangeError(`Service ${keyOf(service)} has no port ${String(port)}`);
  return found;
}

/** The client as the node's rules see it, filled from the pod list when only the pod is named. */
function resolveClient(client: LbClient | undefined, pods: readonly Pod[]): LbClient | undefined {
  if (!client?.pod) return client;
  const pod = pods.find((p) => keyOf(p) === client.pod);
  if (!pod) return client;
  const node = client.node ?? pod.nodeName;
  const ip = client.ip ?? pod.ips[0];
  return { pod: client.pod, ...(node !== undefined ? { node } : {}), ...(ip !== undefined ? { ip } : {}) };
}

/**
 * What kube-proxy does with new connections from one client to one Service port, per proxy mode
 * (docs/research/lb.md §5.2): the eligible endpoints, their distribution, and stickiness under ClientIP
 * affinity.
 */
export function predictServicePort(input: PredictInput): ServicePortPrediction {
  const { service, mode } = input;
  const servicePort = findServicePort(service, input.port);
  const eligible = eligibleEndpoints(service, servicePort, input.pods, input.conditions);
  const client = resolveClient(input.client, input.pods);
  const members = eligible.endpoints.map((e: LbEndpoint) => e.pod);
  const explanation: string[] = [describeEligible(eligible)];
  let newConnections: NewConnectionPrediction;
  if (members.length === 0) {
    newConnections = { kind: 'reject' };
    explanation.push('no endpoint: kube-proxy rejects new connections (REFUSED), docs/research/lb.md §2.6');
  } else if (mode === 'random') {
    newConnections = {
      kind: 'uniform',
      shares: Object.fromEntries(members.map((m) => [m, 1 / members.length])),
    };
    explanation.push(
      `random mode: each new connection picks one of ${members.length} endpoints with probability 1/${members.length}, docs/research/lb.md §2.3`,
    );
  } else {
    newConnections = { kind: 'cycle', period: members.length, members };
    explanation.push(
      `round-robin: the deciding node cycles through all ${members.length} endpoints, order and phase unknown, docs/research/lb.md §3.3`,
    );
  }
  if (client?.pod !== undefined && members.includes(client.pod)) {
    explanation.push(
      `the client ${client.pod} is itself an endpoint: its own share goes through the hairpin (SNAT to the node), docs/research/lb.md §2.7`,
    );
  }
  const sticky = service.sessionAffinity === 'ClientIP' && newConnections.kind !== 'reject';
  const node = client?.node;
  const affinity: AffinityPrediction | undefined = sticky
    ? {
        timeoutSeconds: service.affinityTimeoutSeconds,
        key: affinityKey(node ?? '?', client?.ip ?? client?.pod ?? '?', keyOf(service), servicePort),
        firstConnection: newConnections.kind === 'cycle' ? 'cycle' : 'uniform',
      }
    : undefined;
  if (affinity) {
    explanation.push(
      `ClientIP affinity: new connections from one client IP through one node to this port stay on one endpoint while less than ${affinity.timeoutSeconds}s pass between them, docs/research/lb.md §2.4`,
    );
  }
  return {
    service: keyOf(service),
    port: servicePort.port,
    protocol: servicePort.protocol,
    ...(servicePort.name !== undefined ? { portName: servicePort.name } : {}),
    mode,
    ...(node !== undefined ? { node } : {}),
    ...(client !== undefined ? { client } : {}),
    eligible,
    newConnections,
    ...(affinity ? { affinity } : {}),
    explanation,
  };
}

/** The sticky-state key: one entry per (node, client IP, Service port), docs/research/lb.md §1.4 and §2.4. */
function affinityKey(node: string, clientIP: string, service: ObjectKey, port: ServicePort): string {
  return `${node}|${clientIP}|${service}:${port.port}/${port.protocol}`;
}

function describeEligible(e: EligibleEndpoints): string {
  const skipped = e.excluded.map((x) => `${x.pod} (${x.reason})`).join(', ');
  const tail = skipped ? `; not used: ${skipped}` : '';
  if (e.source === 'none') return `no eligible endpoint${tail}`;
  const what =
    e.source === 'ready' ? 'ready endpoints' : 'no ready endpoint, so the serving terminating ones';
  return `${what}: ${e.endpoints.map((x) => x.pod).join(', ')}${tail}`;
}
