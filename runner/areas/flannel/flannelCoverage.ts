/**
 * What decided one flannel scenario's verdicts, for coverage (docs/rules.md "Coverage"): each node-state rule
 * by the expected entries that were compared on a node whose state was read (routes and routes that must be
 * absent, neighbours, FDB entries, flannel's devices, one MTU and one subnet.env per node, annotations), the
 * lease rules by the leases checked, FL-DATAPLANE by the cross-node probes judged (allow where a path
 * exists, deny where host-gw has none). Features: the backend, DirectRouting on and across segments, a
 * topology on two segments, host-gw across them, and where the MTU came from.
 */

import type { FlannelFeature } from '../../../spec/coverageFeatures.ts';
import type { EffectiveNetConf, ExpectedPeer } from '../../../spec/flannelExpectation.ts';
import type { UnsupportedFeature } from '../../../spec/results.ts';
import type { ScenarioCoverage } from '../../coverage.ts';
import type { FlannelScenarioOutcome } from './checkFlannelScenario.ts';
import { routeRule } from './flannelFindings.ts';

/** Adds what decided `outcome`'s verdicts to `into`. */
export function recordFlannelCoverage(outcome: FlannelScenarioOutcome, into: ScenarioCoverage): void {
  const { judgement } = outcome;
  const backend = judgement.config.backend;
  const read = new Set(outcome.states.map((s) => s.node));
  const compared = judgement.expected.filter((e) => read.has(e.node));
  const sum = (count: (e: (typeof compared)[number]) => number) => compared.reduce((n, e) => n + count(e), 0);
  const observed: [string, number][] = [
    [routeRule(backend.type), sum((e) => e.routes.length + e.absentRoutes.length)],
    ['FL-NEIGH', sum((e) => e.neighbours.length)],
    ['FL-FDB', sum((e) => e.fdb.length)],
    ['FL-LINK', sum((e) => e.links.filter((l) => l.required).length)],
    ['FL-MTU', compared.length],
    ['FL-SUBNET-ENV', sum((e) => (Object.keys(e.subnetEnv).length > 0 ? 1 : 0))],
    ['FL-ANNOTATION', sum((e) => Object.keys(e.annotations).length)],
  ];
  // The IPv6 leases are checked only with EnableIPv6 on a dual-stack target (checkLeases).
  const ipv6Leases = judgement.config.enableIPv6 ? outcome.realized.ipv6?.nodeSubnets : undefined;
  const leaseCounts = [outcome.realized.nodeSubnets, ipv6Leases ?? {}].map((l) => Object.keys(l).length);
  observed.push(
    ['FL-LEASE-VALID', leaseCounts.reduce((a, b) => a + b, 0)],
    ['FL-LEASE-DISJOINT', leaseCounts.filter((n) => n >= 2).reduce((a, b) => a + b, 0)],
  );
  for (const [rule, n] of observed) if (n > 0) into.rule('flannel', rule, undefined, n);

  const peerOf = (from: string, to: string, family: 4 | 6): ExpectedPeer | undefined => {
    const self = judgement.expected.find((e) => e.node === from);
    return (family === 6 ? self?.ipv6?.peers : self?.peers)?.find((p) => p.node === to);
  };
  const segmentOf = new Map(judgement.nodes.map((n) => [n.name, n.segment]));
  const byFeature = new Map<FlannelFeature, number>();
  const count = (feature: FlannelFeature, n = 1) => byFeature.set(feature, (byFeature.get(feature) ?? 0) + n);
  const judged = outcome.dataplane.filter((j) => j.verdict !== 'undefined' && j.verdict !== 'inconclusive');
  for (const j of judged) {
    const { fromNode, toNode, expected, family } = j.probe;
    into.rule('flannel', 'FL-DATAPLANE', expected === 'reachable' ? 'allow' : 'deny');
    count(BACKEND_FEATURE[backend.type] ?? 'backend vxlan');
    if (judgement.config.backendDefaulted) count('Backend absent');
    const ipv6Feature = IPV6_FEATURE[backend.type];
    if (family === 6 && ipv6Feature) count(ipv6Feature);
    const path = peerOf(fromNode, toNode, family)?.path;
    if (path === 'vxlan-direct') count('DirectRouting');
    if (path === 'vxlan' && backend.type === 'vxlan' && backend.directRouting)
      count('DirectRouting across segments');
    if (path === 'none') count('host-gw across segments');
    if (segmentOf.get(fromNode) !== segmentOf.get(toNode)) count('two segments');
  }
  // The scenario's own features count for it even where no probe was judged.
  for (const f of scenarioFeatures(
    judgement.config,
    judgement.nodes.map((n) => n.segment),
    compared.some((e) => e.ipv6 !== undefined),
  ))
    if (!byFeature.has(f)) byFeature.set(f, 0);
  for (const [feature, n] of byFeature) into.feature('flannel', feature, n);
  into.feature('flannel', mtuFeature(judgement.config), compared.length);
}

const BACKEND_FEATURE: Readonly<Record<string, FlannelFeature>> = {
  vxlan: 'backend vxlan',
  'host-gw': 'backend host-gw',
  udp: 'backend udp',
};

/** The IPv6 side of a backend, counted when a node's judged state holds it (EnableIPv6 on a dual-stack target). */
const IPV6_FEATURE: Readonly<Record<string, FlannelFeature>> = {
  vxlan: 'IPv6 vxlan (flannel-v6)',
  'host-gw': 'IPv6 host-gw routes',
};

function scenarioFeatures(
  config: EffectiveNetConf,
  segments: readonly number[],
  ipv6Judged: boolean,
): FlannelFeature[] {
  const out: FlannelFeature[] = [];
  const backend = BACKEND_FEATURE[config.backend.type];
  if (backend) out.push(backend);
  if (config.backendDefaulted) out.push('Backend absent');
  if (new Set(segments).size > 1) out.push('two segments');
  const ipv6 = IPV6_FEATURE[config.backend.type];
  if (ipv6Judged && ipv6) out.push(ipv6);
  return out;
}

/** The IPv6 features as unsupported, for `reason`. */
export function ipv6FeaturesUnsupported(reason: string): UnsupportedFeature[] {
  return Object.values(IPV6_FEATURE).map((feature) => ({ area: 'flannel', feature, reason }));
}

function mtuFeature(config: EffectiveNetConf): FlannelFeature {
  return config.backend.type === 'vxlan' && config.backend.mtu !== undefined
    ? 'MTU from Backend.MTU'
    : 'MTU from the interface';
}

/**
 * On a cluster, the features its flannel's net-conf rules out (podnet reads it and never changes it):
 * the other backends, DirectRouting unless it is on, host-gw across segments unless it runs host-gw, an
 * explicit Backend.MTU unless set, the IPv6 features unless EnableIPv6 (and then the other backend's);
 * with EnableIPv6, its own backend's IPv6 feature too, since podnet does not read a cluster's IPv6 side.
 */
export function clusterFlannelUnsupported(config: EffectiveNetConf, source: string): UnsupportedFeature[] {
  const reason = `the cluster's flannel runs ${describe(config)} (${source}); podnet never changes it`;
  const type = config.backend.type;
  const directRouting = config.backend.type === 'vxlan' && config.backend.directRouting;
  const ruledOut: FlannelFeature[] = [
    ...Object.entries(BACKEND_FEATURE)
      .filter(([t]) => t !== type)
      .map(([, f]) => f),
    ...(config.backendDefaulted ? [] : (['Backend absent'] as const)),
    ...(directRouting ? [] : (['DirectRouting', 'DirectRouting across segments'] as const)),
    ...(type === 'host-gw' ? [] : (['host-gw across segments'] as const)),
    ...(mtuFeature(config) === 'MTU from Backend.MTU'
      ? (['MTU from the interface'] as const)
      : (['MTU from Backend.MTU'] as const)),
    ...Object.entries(IPV6_FEATURE)
      .filter(([t]) => !config.enableIPv6 || t !== type)
      .map(([, f]) => f),
  ];
  const unsupported: UnsupportedFeature[] = ruledOut.map((feature) => ({ area: 'flannel', feature, reason }));
  const ownIPv6 = IPV6_FEATURE[type];
  // The kube target reports no IPv6 side (Realized.ipv6), so a dual-stack cluster's is not judged.
  if (config.enableIPv6 && ownIPv6) {
    unsupported.push({
      area: 'flannel',
      feature: ownIPv6,
      reason:
        "podnet judges a cluster's IPv4 side only: the kube target reports no IPv6 leases or public-ipv6",
    });
  }
  return unsupported;
}

function describe(config: EffectiveNetConf): string {
  const b = config.backend;
  return b.type === 'vxlan'
    ? `vxlan${b.directRouting ? ' with DirectRouting' : ''}${b.mtu !== undefined ? ` MTU ${b.mtu}` : ''}`
    : b.type;
}
