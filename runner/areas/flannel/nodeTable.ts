/**
 * A node's table for the report: one row per object flannel should have programmed (expected vs what the
 * node holds), plus a row for every difference the comparison found that no expected object covers
 * (stale or unexpected entries). Rows the comparison flagged carry `differs`.
 */

import {
  addressKey,
  describeExpectedRoute,
  describeRoute,
} from '../../../oracle/flannel/compareNodeState.ts';
import type { ExpectedNodeState, NodeStateDifference } from '../../../spec/flannelExpectation.ts';
import type { NodeNetworkState } from '../../../spec/nodeState.ts';
import type { FlannelDetail } from '../../../spec/results.ts';

export type FlannelRow = FlannelDetail & { readonly differs: boolean };

export interface NodeTable {
  readonly node: string;
  readonly rows: readonly FlannelRow[];
}

const ABSENT = 'absent';

interface Candidate {
  readonly object: string;
  readonly key: string;
  readonly expected: string;
  readonly observed: string;
  /** Which differences this row shows. */
  readonly covers: (d: NodeStateDifference) => boolean;
}

/** The table of one node. `observed` undefined: the node could not be read. */
export function nodeTable(
  expected: ExpectedNodeState,
  observed: NodeNetworkState | undefined,
  differences: readonly NodeStateDifference[],
  extraRows: readonly FlannelRow[] = [],
): NodeTable {
  const node = expected.node;
  const mine = differences.filter((d) => d.node === node);
  const candidates: Candidate[] = [
    ...subnetEnvRows(expected, observed),
    ...linkRows(expected, observed),
    ...routeRows(expected, observed),
    ...neighbourRows(expected, observed),
    ...fdbRows(expected, observed),
    ...annotationRows(expected, observed),
  ];
  const rows: FlannelRow[] = candidates.map((c) => ({
    node,
    object: c.object,
    key: c.key,
    expected: c.expected,
    observed: c.observed,
    differs: mine.some(c.covers),
  }));
  for (const d of mine) {
    if (candidates.some((c) => c.covers(d))) continue;
    rows.push({
      node,
      object: d.object,
      key: d.key,
      ...(d.expected !== undefined ? { expected: d.expected } : {}),
      ...(d.observed !== undefined ? { observed: d.observed } : {}),
      differs: true,
    });
  }
  return { node, rows: [...rows, ...extraRows.filter((r) => r.node === node)] };
}

/** Every subnet.env key (and the lease it carries). */
function subnetEnvRows(expected: ExpectedNodeState, observed: NodeNetworkState | undefined): Candidate[] {
  const candidates: Candidate[] = [];
  const env = observed?.subnetEnv;
  for (const [key, value] of Object.entries(expected.subnetEnv)) {
    candidates.push({
      object: 'subnet.env',
      key,
      expected: value,
      observed: env === undefined ? 'no subnet.env' : (env[key] ?? ABSENT),
      covers: (d) =>
        (d.object === 'subnet.env' && (d.key === key || d.key === '/run/flannel/subnet.env')) ||
        (d.object === 'lease' && d.key === key),
    });
  }
  return candidates;
}

/** flannel's links with their settings and state, their MTUs, and their addresses. */
function linkRows(expected: ExpectedNodeState, observed: NodeNetworkState | undefined): Candidate[] {
  const candidates: Candidate[] = [];
  const links = new Map((observed?.links ?? []).map((l) => [l.name, l]));
  for (const link of expected.links) {
    const seen = links.get(link.name);
    const v = link.vxlan;
    candidates.push({
      object: 'link',
      key: link.name,
      expected: [
        link.kind,
        v ? `id ${v.id} dstport ${v.port}` : undefined,
        v?.local ? `local ${v.local}` : undefined,
        v?.dev ? `dev ${v.dev}` : undefined,
        v ? (v.learning ? 'learning' : 'nolearning') : undefined,
        link.mac ? `mac ${link.mac}` : undefined,
        link.required ? 'UP' : 'UP (once a pod exists)',
      ]
        .filter(Boolean)
        .join(' '),
      observed: seen
        ? [
            seen.kind,
            seen.vxlan ? `id ${seen.vxlan.id} dstport ${seen.vxlan.port}` : undefined,
            seen.vxlan?.local ? `local ${seen.vxlan.local}` : undefined,
            seen.vxlan?.dev ? `dev ${seen.vxlan.dev}` : undefined,
            seen.vxlan ? (seen.vxlan.learning ? 'learning' : 'nolearning') : undefined,
            v || link.mac ? (seen.mac ? `mac ${seen.mac}` : undefined) : undefined,
            seen.up ? 'UP' : 'DOWN',
          ]
            .filter(Boolean)
            .join(' ')
        : ABSENT,
      covers: (d) =>
        d.object === 'link' &&
        (d.key === link.name ||
          (d.key.startsWith(`${link.name} `) &&
            !d.key.startsWith(addressKey(link.name, 'inet')) &&
            !d.key.startsWith(addressKey(link.name, 'inet6')))),
    });
    if (link.mtu !== undefined) {
      candidates.push({
        object: 'mtu',
        key: link.name,
        expected: String(link.mtu),
        observed: seen ? String(seen.mtu) : ABSENT,
        covers: (d) => d.object === 'mtu' && d.key === link.name,
      });
    }
  }
  for (const address of expected.addresses) {
    const family = address.local.includes(':') ? 'inet6' : 'inet';
    const onDev = (observed?.addresses ?? []).filter((a) => a.dev === address.dev && a.family === family);
    const key = addressKey(address.dev, family);
    candidates.push({
      object: 'link',
      key,
      expected: `${address.local}/${address.prefixLength}`,
      observed: onDev.map((a) => `${a.local}/${a.prefixLength}`).join(', ') || ABSENT,
      covers: (d) => d.object === 'link' && d.key.startsWith(key),
    });
  }
  return candidates;
}

/** Routes flannel programs, and routes it must not (peers that are not L2-adjacent). */
function routeRows(expected: ExpectedNodeState, observed: NodeNetworkState | undefined): Candidate[] {
  const candidates: Candidate[] = [];
  const routes = (observed?.routes ?? []).filter((r) => r.table === undefined || r.table === 'main');
  const routesTo = (dst: string) =>
    routes
      .filter((r) => r.dst === dst)
      .map(describeRoute)
      .join(' | ') || ABSENT;
  for (const route of expected.routes) {
    candidates.push({
      object: 'route',
      key: route.dst,
      expected: describeExpectedRoute(route),
      observed: routesTo(route.dst),
      covers: (d) => d.object === 'route' && d.key === route.dst,
    });
  }
  for (const absent of expected.absentRoutes) {
    candidates.push({
      object: 'route',
      key: absent.dst,
      expected: `${ABSENT} (peer not L2-adjacent)`,
      observed: routesTo(absent.dst),
      covers: (d) => d.object === 'route' && d.key === absent.dst,
    });
  }
  return candidates;
}

/** Permanent neighbours on flannel's devices. */
function neighbourRows(expected: ExpectedNodeState, observed: NodeNetworkState | undefined): Candidate[] {
  const candidates: Candidate[] = [];
  for (const n of expected.neighbours) {
    const key = `${n.dst} dev ${n.dev}`;
    const seen = observed?.neighbours.find((o) => o.dst === n.dst && o.dev === n.dev);
    candidates.push({
      object: 'neigh',
      key,
      expected: `${n.lladdr ?? '(peer VtepMAC)'} PERMANENT`,
      observed: seen ? `${seen.lladdr ?? 'no lladdr'}${seen.permanent ? ' PERMANENT' : ''}` : ABSENT,
      covers: (d) => d.object === 'neigh' && d.key === key,
    });
  }
  return candidates;
}

/** Permanent FDB entries on flannel's devices. */
function fdbRows(expected: ExpectedNodeState, observed: NodeNetworkState | undefined): Candidate[] {
  const candidates: Candidate[] = [];
  for (const f of expected.fdb) {
    const key = `${f.dev} dst ${f.dst}`;
    const seen = (observed?.fdb ?? []).filter((o) => o.dev === f.dev && o.dst === f.dst);
    candidates.push({
      object: 'fdb',
      key,
      expected: `${f.mac ?? '(peer VtepMAC)'} dst ${f.dst} permanent`,
      observed:
        seen.map((o) => `${o.mac} dst ${o.dst}${o.permanent ? ' permanent' : ''}`).join(' | ') || ABSENT,
      covers: (d) => d.object === 'fdb' && d.key === key,
    });
  }
  return candidates;
}

/** flannel's node annotations. */
function annotationRows(expected: ExpectedNodeState, observed: NodeNetworkState | undefined): Candidate[] {
  const candidates: Candidate[] = [];
  for (const [key, value] of Object.entries(expected.annotations)) {
    candidates.push({
      object: 'annotation',
      key,
      expected: value ?? 'present',
      observed: observed?.annotations[key] ?? ABSENT,
      covers: (d) => d.object === 'annotation' && d.key === key,
    });
  }
  return candidates;
}
