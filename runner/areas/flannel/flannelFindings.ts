/**
 * Findings of a failing flannel scenario: one per (rule, kind), each listing every node, object and
 * expected vs observed value it covers, with the scenario as YAML and a command that re-runs the search.
 */
import type { LeaseViolation, NodeStateDifference } from '../../../spec/flannelExpectation.ts';
import type { Finding, FlannelDetail } from '../../../spec/results.ts';
import { ruleInfo } from '../../../spec/rules.ts';
import type { FindingKind } from '../../../spec/verdict.ts';
import type { ManualProbe } from '../../targets/index.ts';
import type { DataplaneJudgement } from './dataplane.ts';
import { isDataplaneFailure } from './dataplane.ts';
import type { FlannelScenario } from './flannelScenario.ts';
import { describeFlannelScenario, FLANNEL_NAMESPACE, flannelScenarioYaml } from './flannelScenario.ts';

/** Findings are listed in this order: the causes (leases) first, then what users feel (traffic). */
const RULE_ORDER = [
  'FL-LEASE-DISJOINT',
  'FL-LEASE-VALID',
  'FL-DATAPLANE',
  'FL-FDB',
  'FL-NEIGH',
  'FL-ROUTE-VXLAN',
  'FL-ROUTE-HOSTGW',
  'FL-ROUTE-UDP',
  'FL-MTU',
  'FL-LINK',
  'FL-SUBNET-ENV',
  'FL-ANNOTATION',
];

/** The rule a backend's routes follow. */
export function routeRule(backend: string): string {
  return backend === 'host-gw' ? 'FL-ROUTE-HOSTGW' : backend === 'udp' ? 'FL-ROUTE-UDP' : 'FL-ROUTE-VXLAN';
}

/** The rule a node-state difference breaks. */
export function ruleOfDifference(d: NodeStateDifference, backend: string): string {
  switch (d.object) {
    case 'route':
      return routeRule(backend);
    case 'neigh':
      return 'FL-NEIGH';
    case 'fdb':
      return 'FL-FDB';
    case 'mtu':
      return 'FL-MTU';
    case 'link':
      return 'FL-LINK';
    case 'subnet.env':
      return d.key === 'FLANNEL_MTU' ? 'FL-MTU' : 'FL-SUBNET-ENV';
    case 'lease':
      return 'FL-SUBNET-ENV';
    case 'annotation':
      return 'FL-ANNOTATION';
  }
}

function ruleOfLeaseViolation(v: LeaseViolation): string {
  return v.rule === 'lease-disjoint' ? 'FL-LEASE-DISJOINT' : 'FL-LEASE-VALID';
}

interface Group {
  readonly rule: string;
  readonly kind: FindingKind;
  readonly details: FlannelDetail[];
  readonly probes: DataplaneJudgement[];
}

export interface FlannelFindingContext {
  readonly scenario: FlannelScenario;
  readonly backend: string;
  /** The flannel release the scenario was judged against. */
  readonly flannelVersion: string;
  readonly leases: Readonly<Record<string, string>>;
  /** A dual-stack target's IPv6 leases (node → CIDR). */
  readonly ipv6Leases?: Readonly<Record<string, string>>;
  readonly differences: readonly NodeStateDifference[];
  readonly leaseViolations: readonly LeaseViolation[];
  readonly dataplane: readonly DataplaneJudgement[];
  readonly seed: number;
  readonly path: string;
  readonly numShrinks: number;
  readonly faults: readonly string[];
  readonly probeCommand: (probe: ManualProbe) => string;
  readonly nextId: () => string;
}

/** Whether a checked scenario failed (any difference, lease violation or failing probe). */
export function flannelFailed(
  differences: readonly NodeStateDifference[],
  leaseViolations: readonly LeaseViolation[],
  dataplane: readonly DataplaneJudgement[],
): boolean {
  return differences.length > 0 || leaseViolations.length > 0 || dataplane.some(isDataplaneFailure);
}

export function buildFlannelFindings(ctx: FlannelFindingContext): Finding[] {
  const groups = new Map<string, Group>();
  const group = (rule: string, kind: FindingKind): Group => {
    const key = `${rule}|${kind}`;
    let g = groups.get(key);
    if (!g) {
      g = { rule, kind, details: [], probes: [] };
      groups.set(key, g);
    }
    return g;
  };
  for (const v of ctx.leaseViolations) {
    const g = group(ruleOfLeaseViolation(v), 'mismatch');
    for (const node of v.nodes) {
      g.details.push({
        node,
        object: 'lease',
        key:
          (v.family === 6 ? ctx.ipv6Leases : ctx.leases)?.[node] ??
          `(no ${v.family === 6 ? 'IPv6 ' : ''}lease)`,
        expected: v.rule === 'lease-disjoint' ? 'a lease no other node holds' : v.rule,
        observed: v.message,
      });
    }
  }
  for (const j of ctx.dataplane) {
    if (!isDataplaneFailure(j)) continue;
    const g = group('FL-DATAPLANE', j.verdict === 'block' ? 'block' : 'mismatch');
    g.probes.push(j);
    g.details.push({
      node: j.probe.fromNode,
      object: 'dataplane',
      key: `${j.probe.request.from} → ${j.probe.toPod} (${j.probe.toNode}) ${j.probe.request.port}/${j.probe.request.protocol}${j.probe.family === 6 ? ' IPv6' : ''}`,
      expected: j.expectedText,
      observed: j.observedText,
    });
  }
  for (const d of ctx.differences) {
    group(ruleOfDifference(d, ctx.backend), 'mismatch').details.push({
      node: d.node,
      object: d.object,
      key: d.key,
      ...(d.expected !== undefined ? { expected: d.expected } : {}),
      ...(d.observed !== undefined ? { observed: d.observed } : {}),
    });
  }

  const ordered = [...groups.values()].sort(
    (a, b) => rank(a.rule) - rank(b.rule) || (a.kind === 'block' ? -1 : b.kind === 'block' ? 1 : 0),
  );
  const description = describeFlannelScenario(ctx.scenario);
  const yaml = flannelScenarioYaml(ctx.scenario, [
    `podnet flannel counterexample (seed ${ctx.seed}, path ${ctx.path})`,
    description,
  ]);
  // The same seed regenerates the same scenarios, so the search finds and shrinks the same failure again.
  const rerun = [
    `npx podnet run --areas flannel --seed ${ctx.seed}`,
    ...ctx.faults.map((f) => `--lab-fault ${f}`),
  ].join(' ');
  const pods = ctx.scenario.nodes.reduce((n, node) => n + node.pods, 0);
  return ordered.map((g) => {
    const first = g.details[0] as FlannelDetail;
    const info = ruleInfo(g.rule);
    const more = g.details.length > 1 ? ` (+${g.details.length - 1} more)` : '';
    const worst = g.probes[0];
    return {
      id: ctx.nextId(),
      area: 'flannel',
      rule: g.rule,
      ...(info ? { ruleTitle: info.statement } : {}),
      kind: g.kind,
      title: `${first.node}: ${first.object} ${first.key}: expected ${first.expected ?? '?'}, observed ${first.observed ?? '?'}${more}`,
      seed: ctx.seed,
      path: ctx.path,
      expected: first.expected ?? info?.statement ?? g.rule,
      observed: first.observed ?? 'absent',
      explanation: [
        `scenario: ${description}`,
        `judged as flannel ${ctx.flannelVersion} does it`,
        ...(info ? [`${info.statement} (${info.source})`] : []),
        ...(worst?.probe.reason
          ? [`${worst.probe.fromNode} → ${worst.probe.toNode}: ${worst.probe.reason}`]
          : []),
      ],
      scenarioYaml: yaml,
      scenario: ctx.scenario,
      flannel: g.details,
      ...(worst
        ? {
            probe: {
              from: worst.probe.request.from,
              to: worst.probe.toPod,
              host: worst.probe.request.host,
              port: worst.probe.request.port,
              protocol: worst.probe.request.protocol,
              command: ctx.probeCommand(worst.probe.request),
            },
          }
        : {}),
      shrink: { steps: ctx.numShrinks, pods, policies: 0, changes: 0 },
      replayCommand: rerun,
      namespaces: [FLANNEL_NAMESPACE],
    } satisfies Finding;
  });
}

function rank(rule: string): number {
  const i = RULE_ORDER.indexOf(rule);
  return i < 0 ? RULE_ORDER.length : i;
}
