/**
 * The lab's service proxy, pure part: ClusterIP Services → kube-proxy-style iptables chains for one node
 * (kubernetes `pkg/proxy/iptables/proxier.go`, see docs/research/lb.md §2), with PODNET- names:
 *   nat PODNET-SERVICES  (from PREROUTING and OUTPUT): ClusterIP:port → PODNET-SVC-*
 *   nat PODNET-SVC-*     : `! -s clusterCIDR` → mark for masquerade; ClientIP affinity `recent --rcheck`
 *                          per endpoint; then the balancing rules (`statistic`)
 *   nat PODNET-SEP-*     : hairpin `-s <endpoint>` → mark; `recent --set` (affinity); DNAT
 *   nat PODNET-POSTROUTING: masquerade marked packets
 *   filter PODNET-SVC-REJECT (from FORWARD and OUTPUT, ctstate NEW): REJECT for ports without endpoints
 * Modes: `random` (rule i of n: `--probability 1/(n−i)`, so each endpoint gets 1/n, docs/research/lb.md §2.3)
 * and `round-robin` (rule i: `--mode nth --every n−i --packet 0`: any n consecutive new connections reach
 * each endpoint exactly once, standing in for ipvs rr).
 */
import type { ServicePort } from '../../../spec/model.ts';
import { endpointChain, MARK_MASQ_CHAIN, MASQ_MARK, serviceChain } from './names.ts';
import type { Chain } from './ruleset.ts';
import { comment } from './ruleset.ts';
import { serviceSelectorMatches } from './selectors.ts';
import type { NetfilterPod, NodeNetfilterView } from './types.ts';

export interface Endpoint {
  readonly ip: string;
  readonly port: number;
  readonly pod: string;
}

export interface CompiledServices {
  /** PODNET-SVC-*, PODNET-SEP-* and PODNET-MARK-MASQ (nat). */
  readonly chains: readonly Chain[];
  /** Rules of nat PODNET-SERVICES. */
  readonly services: readonly (readonly string[])[];
  /** Rules of filter PODNET-SVC-REJECT. */
  readonly rejects: readonly (readonly string[])[];
}

type ViewService = NodeNetfilterView['services'][number];

/** The target port of `port` on `pod`: a number as is, a name resolved on the pod (name and protocol). */
function targetPortOn(pod: NetfilterPod, port: ServicePort): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  return pod.ports.find((p) => p.name === port.targetPort && p.protocol === port.protocol)?.containerPort;
}

/**
 * Ready endpoints of one Service port, as the EndpointSlice controller and kube-proxy see them:
 * ready pods of the Service's namespace matching its selector whose target port resolves; one per
 * `IP:port`, sorted by that string (kube-proxy's `byEndpoint` order).
 */
export function endpointsOf(
  service: ViewService,
  port: ServicePort,
  pods: readonly NetfilterPod[],
): Endpoint[] {
  const seen = new Map<string, Endpoint>();
  for (const pod of pods) {
    if (pod.namespace !== service.namespace || !pod.ready || pod.ip === '') continue;
    if (!serviceSelectorMatches(service.selector, pod.labels)) continue;
    const number = targetPortOn(pod, port);
    if (number === undefined) continue;
    const id = `${pod.ip}:${number}`;
    if (!seen.has(id)) seen.set(id, { ip: pod.ip, port: number, pod: pod.key });
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}

/**
 * Slots of the balancing rules: one per endpoint, in endpoint order. Fault `lb-skew` gives the first
 * endpoint a second slot, so it gets 2/(n+1) of new connections instead of 1/n.
 */
export function balanceSlots(count: number, skew: boolean): number[] {
  const slots = Array.from({ length: count }, (_, i) => i);
  return skew && count > 1 ? [0, ...slots] : slots;
}

/** `%0.10f` of 1/k, as kube-proxy prints its probabilities. */
export function probability(k: number): string {
  return (1 / k).toFixed(10);
}

/** Address text of one family in a rule: a host prefix, a DNAT target, the REJECT answer. */
interface FamilyText {
  readonly host: string;
  readonly target: (ip: string, port: number) => string;
  readonly reject: string;
}

const FAMILY_TEXT: Readonly<Record<4 | 6, FamilyText>> = {
  4: { host: '/32', target: (ip, port) => `${ip}:${port}`, reject: 'icmp-port-unreachable' },
  // ip6tables: DNAT's address in brackets before a port (ip6tables-extensions(8) DNAT), ICMPv6's unreachable.
  6: { host: '/128', target: (ip, port) => `[${ip}]:${port}`, reject: 'icmp6-port-unreachable' },
};

/**
 * Compiles the view's Services into this node's proxy rules, for one family: the view's addresses are that
 * family's (compileNode6 hands the IPv6 view, whose Services carry their IPv6 ClusterIP), as kube-proxy runs
 * one proxier per family on a dual-stack node (`pkg/proxy/iptables/proxier.go` NewDualStackProxier).
 */
export function compileServices(view: NodeNetfilterView, family: 4 | 6 = 4): CompiledServices {
  const out: { chains: Chain[]; services: string[][]; rejects: string[][] } = {
    chains: [{ table: 'nat', name: MARK_MASQ_CHAIN, rules: [['-j', 'MARK', '--or-mark', MASQ_MARK]] }],
    services: [],
    rejects: [],
  };
  const sorted = [...view.services].sort((a, b) =>
    `${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1,
  );
  for (const service of sorted) {
    for (const port of service.ports) compileServicePort(view, service, port, FAMILY_TEXT[family], out);
  }
  return out;
}

/** One Service port: a REJECT without endpoints, else its service chain and one chain per endpoint. */
function compileServicePort(
  view: NodeNetfilterView,
  service: ViewService,
  port: ViewService['ports'][number],
  text: FamilyText,
  out: { chains: Chain[]; services: string[][]; rejects: string[][] },
): void {
  const portName = `${service.namespace}/${service.name}${port.name ? `:${port.name}` : ''}`;
  const p = port.protocol.toLowerCase();
  const destination = [
    '-d',
    `${service.clusterIP}${text.host}`,
    '-p',
    p,
    '-m',
    p,
    '--dport',
    String(port.port),
  ];
  const endpoints = endpointsOf(service, port, view.pods);
  if (endpoints.length === 0) {
    out.rejects.push([
      ...comment(`${portName} has no endpoints`),
      ...destination,
      '-j',
      'REJECT',
      '--reject-with',
      text.reject,
    ]);
    return;
  }
  // The port number joins the hash so even unnamed sibling ports (invalid in the API) never share a chain.
  const portKey = `${portName}/${port.port}`;
  const svcChain = serviceChain(portKey, port.protocol);
  out.services.push([...comment(`${portName} cluster IP`), ...destination, '-j', svcChain]);
  const affinity = service.sessionAffinity === 'ClientIP' && !view.faults.includes('affinity-ignored');
  const sepNames = endpoints.map((e) => endpointChain(portKey, port.protocol, `${e.ip}:${e.port}`));
  const svcRules: string[][] = [
    // Off-cluster sources (the node itself, hostNetwork pods) are masqueraded, as kube-proxy does.
    [
      ...comment(`${portName} cluster IP`),
      ...destination,
      '!',
      '-s',
      view.clusterCIDR,
      '-j',
      MARK_MASQ_CHAIN,
    ],
    ...(affinity ? affinityRules(portName, endpoints, sepNames, service.affinityTimeoutSeconds) : []),
    ...balanceRules(view, portName, endpoints, sepNames),
  ];
  out.chains.push({ table: 'nat', name: svcChain, rules: svcRules });
  endpoints.forEach((e, i) => {
    out.chains.push(endpointChainOf(e, sepNames[i] ?? '', portName, p, affinity, text));
  });
}

/** ClientIP affinity: a client seen on an endpoint within the timeout goes back to it (`recent`). */
function affinityRules(
  portName: string,
  endpoints: readonly Endpoint[],
  sepNames: readonly string[],
  timeoutSeconds: number,
): string[][] {
  return sepNames.map((sep, i) => [
    ...comment(`${portName} -> ${endpoints[i]?.ip}:${endpoints[i]?.port}`),
    '-m',
    'recent',
    '--name',
    sep,
    '--rcheck',
    '--seconds',
    String(timeoutSeconds),
    '--reap',
    '--rsource',
    '-j',
    sep,
  ]);
}

/**
 * The balancing jumps: with n left, random mode jumps with probability 1/n, round-robin mode every nth
 * packet; the last one always jumps. The `lb-skew` fault repeats the first endpoint's slot.
 */
function balanceRules(
  view: NodeNetfilterView,
  portName: string,
  endpoints: readonly Endpoint[],
  sepNames: readonly string[],
): string[][] {
  const slots = balanceSlots(endpoints.length, view.faults.includes('lb-skew'));
  return slots.map((endpointIndex, i) => {
    const sep = sepNames[endpointIndex] ?? '';
    const e = endpoints[endpointIndex];
    const note = comment(`${portName} -> ${e?.ip}:${e?.port}`);
    const remaining = slots.length - i;
    if (remaining === 1) return [...note, '-j', sep];
    if (view.proxyMode === 'round-robin')
      return [
        ...note,
        '-m',
        'statistic',
        '--mode',
        'nth',
        '--every',
        String(remaining),
        '--packet',
        '0',
        '-j',
        sep,
      ];
    return [
      ...note,
      '-m',
      'statistic',
      '--mode',
      'random',
      '--probability',
      probability(remaining),
      '-j',
      sep,
    ];
  });
}

/** One endpoint's chain: hairpin masquerade, then DNAT to the pod (recording the client under affinity). */
function endpointChainOf(
  e: Endpoint,
  sep: string,
  portName: string,
  p: string,
  affinity: boolean,
  text: FamilyText,
): Chain {
  const note = comment(`${portName} -> ${e.pod}`);
  return {
    table: 'nat',
    name: sep,
    rules: [
      // Hairpin: a pod reaching itself through the Service is masqueraded so replies return via the node.
      [...note, '-s', `${e.ip}${text.host}`, '-j', MARK_MASQ_CHAIN],
      [
        ...note,
        '-p',
        p,
        ...(affinity ? ['-m', 'recent', '--name', sep, '--set', '--rsource'] : []),
        '-m',
        p,
        '-j',
        'DNAT',
        '--to-destination',
        text.target(e.ip, e.port),
      ],
    ],
  };
}
