/**
 * Compares a node's observed state with what flannel should have programmed (expectedNodeState). Only
 * flannel's objects are judged: routes, neighbours and FDB entries inside the cluster Network or on
 * flannel's devices, flannel's links and their addresses, subnet.env and flannel's annotations. Pod veths,
 * the underlay and kernel routes outside Network are not flannel's and are ignored. Entries flannel would
 * not have programmed (stale routes of deleted nodes, issue #2554) are reported as unexpected. Entries for
 * a lease several peers announce (`sharedLeases`) are not judged: which peer they point at depends on the
 * order of flannel's lease events. A dual-stack expectation's IPv6 entries (its `ipv6` side) are judged the
 * same way, inside IPv6Network.
 */
import type {
  ExpectedNodeState,
  ExpectedRoute,
  NodeStateDifference,
  NodeStateObject,
} from '../../spec/flannelExpectation.ts';
import type { NodeNetworkState, RouteState } from '../../spec/nodeState.ts';
import { cidrContains, formatCidr, type GoCidr, parseGoCidr, parseGoIP } from './goNet.ts';

export interface CompareOptions {
  /** Objects not to judge (e.g. `annotation` for a target that does not keep them). */
  readonly ignore?: readonly NodeStateObject[];
}

const ABSENT = 'absent';
const PRESENT = 'present';

/** Every difference between expected and observed for one node. */
export function compareNodeState(
  expected: ExpectedNodeState,
  observed: NodeNetworkState,
  options: CompareOptions = {},
): NodeStateDifference[] {
  const diffs: NodeStateDifference[] = [];
  const ignore = new Set(options.ignore ?? []);
  const network = cidrOf(expected.network);
  const network6 = expected.ipv6 ? cidrOf(expected.ipv6.network) : undefined;
  const sharedRoutes = new Set(expected.sharedLeases.map((l) => l.lease));
  const sharedNeighbours = new Set(expected.sharedLeases.map((l) => l.lease.split('/')[0] as string));
  const sharedDsts = new Set(expected.sharedLeases.flatMap((l) => l.publicIPs));
  const unjudged = (object: NodeStateObject, key: string): boolean =>
    (object === 'route' && sharedRoutes.has(key)) ||
    (object === 'neigh' && sharedNeighbours.has(key.split(' ')[0] as string)) ||
    (object === 'fdb' && sharedDsts.has(key.split(' dst ')[1] ?? ''));
  const c: Comparison = {
    expected,
    observed,
    add: (object, key, exp, obs) => {
      if (ignore.has(object) || unjudged(object, key)) return;
      diffs.push({ node: expected.node, object, key, expected: exp, observed: obs });
    },
    inNetwork: (dst) => {
      const cidr = cidrOf(dst);
      if (cidr === undefined) return false;
      const net = cidr.family === 6 ? network6 : network;
      return net !== undefined && net.family === cidr.family && cidrContains(net, cidr);
    },
    // With Network 0.0.0.0/0 every route lies inside it: only those on flannel's devices are surely flannel's.
    wholeSpace: network?.prefixLength === 0,
    linkByName: new Map(observed.links.map((l) => [l.name, l])),
    // flannel's own devices (not the bridge): only entries on them are flannel's.
    flannelDevices: new Set(expected.links.filter((l) => l.kind !== 'bridge').map((l) => l.name)),
  };
  compareLease(c);
  compareLinks(c);
  compareRoutes(c);
  compareNeighbours(c);
  compareFdb(c);
  compareAnnotations(c);
  return diffs;
}

/** What every part of the comparison shares. */
interface Comparison {
  readonly expected: ExpectedNodeState;
  readonly observed: NodeNetworkState;
  readonly add: (
    object: NodeStateObject,
    key: string,
    exp: string | undefined,
    obs: string | undefined,
  ) => void;
  /** Whether a destination lies inside the cluster Network. */
  readonly inNetwork: (dst: string) => boolean;
  /** Whether the Network is 0.0.0.0/0 (flannel v0.20.x, v0.25.0–v0.27.x run with an empty Network). */
  readonly wholeSpace: boolean;
  readonly linkByName: ReadonlyMap<string, NodeNetworkState['links'][number]>;
  readonly flannelDevices: ReadonlySet<string>;
}

/** The lease (FLANNEL_SUBNET) and every subnet.env key. */
function compareLease({ expected, observed, add }: Comparison): void {
  const env = observed.subnetEnv;
  if (env === undefined) {
    add('subnet.env', '/run/flannel/subnet.env', PRESENT, ABSENT);
    return;
  }
  const leaseKeys: [string, string | undefined][] = [
    ['FLANNEL_SUBNET', expected.lease],
    ['FLANNEL_IPV6_SUBNET', expected.ipv6?.lease],
  ];
  const mismatched = new Set<string>();
  for (const [key, lease] of leaseKeys) {
    const observedSubnet = env[key];
    const observedLease = observedSubnet ? leaseOfGateway(observedSubnet) : undefined;
    if (lease !== undefined && observedLease !== undefined && observedLease !== lease) {
      mismatched.add(key);
      add('lease', key, lease, observedLease);
    }
  }
  for (const [key, value] of Object.entries(expected.subnetEnv)) {
    if (mismatched.has(key)) continue;
    if (env[key] !== value) add('subnet.env', key, value, env[key] ?? ABSENT);
  }
}

/** flannel's links, their MTUs, vxlan settings and addresses (its own the only one inside Network). */
function compareLinks({ expected, observed, add, inNetwork, linkByName, flannelDevices }: Comparison): void {
  for (const link of expected.links) {
    const seen = linkByName.get(link.name);
    if (!seen) {
      if (link.required) add('link', link.name, PRESENT, ABSENT);
      continue;
    }
    if (seen.kind !== link.kind) add('link', `${link.name} kind`, link.kind, seen.kind);
    if (link.mtu !== undefined && seen.mtu !== link.mtu)
      add('mtu', link.name, String(link.mtu), String(seen.mtu));
    if (!seen.up) add('link', `${link.name} state`, 'UP', 'DOWN');
    if (link.mac !== undefined && seen.mac?.toLowerCase() !== link.mac.toLowerCase()) {
      add('link', `${link.name} mac`, link.mac, seen.mac ?? ABSENT);
    }
    if (link.vxlan) {
      const v = seen.vxlan;
      const field = (name: string, exp: string | undefined, obs: string | undefined) => {
        if (exp !== undefined && exp !== obs) add('link', `${link.name} vxlan ${name}`, exp, obs ?? ABSENT);
      };
      field('id', String(link.vxlan.id), v ? String(v.id) : undefined);
      field('dstport', String(link.vxlan.port), v ? String(v.port) : undefined);
      field('local', link.vxlan.local, v?.local);
      field(
        'learning',
        link.vxlan.learning ? 'learning' : 'nolearning',
        v ? (v.learning ? 'learning' : 'nolearning') : undefined,
      );
      field('dev', link.vxlan.dev, v?.dev);
    }
  }
  for (const address of expected.addresses) {
    if (!address.required && !linkByName.has(address.dev)) continue;
    const family = address.local.includes(':') ? 'inet6' : 'inet';
    const onDev = observed.addresses.filter((a) => a.dev === address.dev && a.family === family);
    const want = `${address.local}/${address.prefixLength}`;
    if (!onDev.some((a) => a.local === address.local && a.prefixLength === address.prefixLength)) {
      const shown = onDev.map((a) => `${a.local}/${a.prefixLength}`).join(', ');
      add('link', addressKey(address.dev, family), want, shown || ABSENT);
    }
    // flannel keeps its address the only one inside Network on its devices (ip.EnsureV4AddressOnLink,
    // ip.EnsureV6AddressOnLink for IPv6Network).
    if (flannelDevices.has(address.dev)) {
      for (const a of onDev) {
        const here = `${a.local}/${a.prefixLength}`;
        if (here !== want && inNetwork(`${a.local}/${family === 'inet' ? 32 : 128}`))
          add('link', `${addressKey(address.dev, family)} ${here}`, ABSENT, here);
      }
    }
  }
}

/** Routes in the main table: expected ones present, absent ones absent, none else inside Network. */
function compareRoutes({ expected, observed, add, inNetwork, wholeSpace, flannelDevices }: Comparison): void {
  const mainRoutes = observed.routes.filter((r) => r.table === undefined || r.table === 'main');
  const routesByDst = new Map<string, RouteState[]>();
  for (const r of mainRoutes) {
    const key = normalisedDst(r.dst);
    routesByDst.set(key, [...(routesByDst.get(key) ?? []), r]);
  }
  const expectedDsts = new Set<string>();
  for (const route of expected.routes) {
    const key = normalisedDst(route.dst);
    expectedDsts.add(key);
    const candidates = (routesByDst.get(key) ?? []).filter((r) => r.type === undefined);
    if (candidates.length === 0) {
      add('route', key, describeExpectedRoute(route), ABSENT);
    } else if (!candidates.some((r) => routeMatches(route, r))) {
      add('route', key, describeExpectedRoute(route), candidates.map(describeRoute).join(' | '));
    }
  }
  const absentDsts = new Set(expected.absentRoutes.map((a) => normalisedDst(a.dst)));
  for (const dst of absentDsts) {
    const present = routesByDst.get(dst);
    if (present && present.length > 0) add('route', dst, ABSENT, present.map(describeRoute).join(' | '));
  }
  const ownLeases = new Set(
    [expected.lease, ...(expected.ipv6 ? [expected.ipv6.lease] : [])].map(normalisedDst),
  );
  // The kernel gives an IPv6 address its prefix route even at /128 (addrconf_prefix_route): flannel-v6.N's
  // own `<lease6>/128` is the kernel's, not a route flannel wrote.
  const prefixRoutes = new Set(
    expected.addresses
      .filter((a) => a.local.includes(':') && flannelDevices.has(a.dev))
      .map((a) => `${normalisedDst(`${a.local}/${a.prefixLength}`)} ${a.dev}`),
  );
  for (const [dst, all] of routesByDst) {
    if (expectedDsts.has(dst) || absentDsts.has(dst) || ownLeases.has(dst)) continue;
    if (!inNetwork(dst)) continue;
    const routes = all.filter((r) => !prefixRoutes.has(`${dst} ${r.dev}`));
    const judged = wholeSpace
      ? routes.filter((r) => r.dev !== undefined && flannelDevices.has(r.dev))
      : routes;
    if (judged.length > 0) add('route', dst, ABSENT, judged.map(describeRoute).join(' | '));
  }
}

/** Permanent neighbours on flannel's devices. */
function compareNeighbours({ expected, observed, add, flannelDevices }: Comparison): void {
  const expectedNeigh = new Set(expected.neighbours.map((n) => `${n.dst} ${n.dev}`));
  for (const n of expected.neighbours) {
    const seen = observed.neighbours.find((o) => o.dst === n.dst && o.dev === n.dev);
    const key = `${n.dst} dev ${n.dev}`;
    const want = `${n.lladdr ?? '(peer VtepMAC)'} PERMANENT`;
    if (!seen) {
      add('neigh', key, want, ABSENT);
      continue;
    }
    const macWrong = n.lladdr !== undefined && seen.lladdr?.toLowerCase() !== n.lladdr.toLowerCase();
    if (macWrong || !seen.permanent) {
      add('neigh', key, want, `${seen.lladdr ?? 'no lladdr'}${seen.permanent ? ' PERMANENT' : ''}`);
    }
  }
  for (const o of observed.neighbours) {
    if (!flannelDevices.has(o.dev) || !o.permanent || expectedNeigh.has(`${o.dst} ${o.dev}`)) continue;
    add('neigh', `${o.dst} dev ${o.dev}`, ABSENT, `${o.lladdr ?? 'no lladdr'} PERMANENT`);
  }
}

/** Permanent FDB entries on flannel's devices (learned ones are the kernel's). */
function compareFdb({ expected, observed, add, flannelDevices }: Comparison): void {
  const matchedFdb = new Set<number>();
  for (const f of expected.fdb) {
    const key = `${f.dev} dst ${f.dst}`;
    const want = `${f.mac ?? '(peer VtepMAC)'} dst ${f.dst} permanent`;
    const index = observed.fdb.findIndex(
      (o) =>
        o.dev === f.dev &&
        o.dst === f.dst &&
        (f.mac === undefined || o.mac.toLowerCase() === f.mac.toLowerCase()) &&
        !matchedFdb.has(observed.fdb.indexOf(o)),
    );
    if (index >= 0) {
      matchedFdb.add(index);
      if (!observed.fdb[index]!.permanent) add('fdb', key, want, `${observed.fdb[index]!.mac} dst ${f.dst}`);
      continue;
    }
    const sameDst = observed.fdb.filter((o) => o.dev === f.dev && o.dst === f.dst);
    add(
      'fdb',
      key,
      want,
      sameDst.length > 0 ? sameDst.map((o) => `${o.mac} dst ${o.dst}`).join(' | ') : ABSENT,
    );
    for (const o of sameDst) matchedFdb.add(observed.fdb.indexOf(o));
  }
  observed.fdb.forEach((o, i) => {
    // Learned (non-permanent) entries appear with Learning: true; only permanent ones are flannel's.
    if (!flannelDevices.has(o.dev) || o.dst === undefined || !o.permanent || matchedFdb.has(i)) return;
    add('fdb', `${o.dev} dst ${o.dst}`, ABSENT, `${o.mac} dst ${o.dst}`);
  });
}

/** flannel's node annotations; the announced VtepMAC must be the device's own MAC. */
function compareAnnotations({ expected, observed, add, linkByName }: Comparison): void {
  const isV6Device = (name: string) => name.startsWith('flannel-v6.');
  const vxlan4 = expected.links.find((l) => l.kind === 'vxlan' && !isV6Device(l.name));
  const vxlan6 = expected.links.find((l) => l.kind === 'vxlan' && isV6Device(l.name));
  for (const [key, value] of Object.entries(expected.annotations)) {
    const seen = observed.annotations[key];
    if (seen === undefined) {
      add('annotation', key, value ?? PRESENT, ABSENT);
      continue;
    }
    // backend-v6-data carries flannel-v6.N's MAC as backend-data carries flannel.N's (vxlan.go newSubnetAttrs).
    const vxlanLink = key.endsWith('backend-v6-data')
      ? vxlan6
      : key.endsWith('backend-data')
        ? vxlan4
        : undefined;
    if (vxlanLink?.vxlan) {
      // The announced VtepMAC must be the device's own MAC (issue #1155: a rewritten MAC breaks peers).
      const deviceMac = vxlanLink.mac ?? linkByName.get(vxlanLink.name)?.mac;
      const want = { VNI: vxlanLink.vxlan.id, VtepMAC: deviceMac };
      const got = parseBackendData(seen);
      const macOk = want.VtepMAC === undefined || got?.VtepMAC?.toLowerCase() === want.VtepMAC.toLowerCase();
      if (!got || got.VNI !== want.VNI || !macOk) {
        add('annotation', key, JSON.stringify(want), seen);
      }
      continue;
    }
    if (value !== undefined && seen !== value) add('annotation', key, value, seen);
  }
}

/** `cni0 address` (IPv4) or `cni0 inet6 address`: the key of a device's address in differences and tables. */
export function addressKey(dev: string, family: 'inet' | 'inet6'): string {
  return family === 'inet' ? `${dev} address` : `${dev} inet6 address`;
}

function cidrOf(text: string): GoCidr | undefined {
  if (text === 'default') return { family: 4, ip: 0n, prefixLength: 0 };
  const p = parseGoCidr(text);
  if (p.ok) return p.cidr;
  const ip = parseGoIP(text);
  return ip ? { family: ip.family, ip: ip.value, prefixLength: ip.family === 4 ? 32 : 128 } : undefined;
}

function normalisedDst(dst: string): string {
  if (dst === 'default') return dst;
  const c = cidrOf(dst);
  return c ? formatCidr(c) : dst;
}

/** `10.244.1.1/24` (FLANNEL_SUBNET) → `10.244.1.0/24`, as ParseCIDR masks it. */
function leaseOfGateway(subnet: string): string | undefined {
  const p = parseGoCidr(subnet);
  return p.ok ? formatCidr(p.cidr) : undefined;
}

function routeMatches(want: ExpectedRoute, seen: RouteState): boolean {
  if (want.gateway !== seen.gateway) return false;
  if (want.dev !== undefined && want.dev !== seen.dev) return false;
  return want.onlink === seen.onlink;
}

/** A route as `via GW dev DEV onlink`, for differences and node tables. */
export function describeExpectedRoute(r: ExpectedRoute): string {
  return [
    r.gateway ? `via ${r.gateway}` : undefined,
    r.dev ? `dev ${r.dev}` : undefined,
    r.onlink ? 'onlink' : undefined,
  ]
    .filter(Boolean)
    .join(' ');
}

/** An observed route in the same words (its type first, e.g. `blackhole`). */
export function describeRoute(r: RouteState): string {
  return [
    r.type,
    r.gateway ? `via ${r.gateway}` : undefined,
    r.dev ? `dev ${r.dev}` : undefined,
    r.onlink ? 'onlink' : undefined,
  ]
    .filter(Boolean)
    .join(' ');
}

function parseBackendData(text: string): { VNI?: number; VtepMAC?: string } | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as Record<string, unknown>;
    return {
      ...(typeof o.VNI === 'number' ? { VNI: o.VNI } : {}),
      ...(typeof o.VtepMAC === 'string' ? { VtepMAC: o.VtepMAC } : {}),
    };
  } catch {
    return undefined;
  }
}
