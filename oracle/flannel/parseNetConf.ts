/**
 * net-conf.json read exactly as a given flannel release reads it, in flanneld's order: `ParseConfig`
 * (pkg/subnet/config.go) with Go's encoding/json rules; for the etcd subnet manager `CheckNetworkConfig`
 * (the kube manager never runs it, docs/research/flannel.md §1.2); main.go's `ipmatch.GetIPFamily`; the
 * backend lookup and its `RegisterNetwork` (options, then the device); and for the kube manager the
 * network checks of `AcquireLease` (pkg/subnet/kube/kube.go), which fail on every node alike. What changed
 * between releases is asked of `flannelBehaviour` (flannelVersion.ts).
 */
import type { EffectiveNetConf, FlannelSubnetManager } from '../../spec/flannelExpectation.ts';
import { backendTypeOf, parseBackend } from './backendConfig.ts';
import { vxlanMtuRefusal } from './backendMtu.ts';
import { checkNetworkConfig, type DecodedNetConf } from './checkNetworkConfig.ts';
import {
  DEFAULT_FLANNEL_VERSION,
  type FlannelBehaviour,
  flannelBehaviour,
  isNewerThanKnown,
  parseFlannelVersion,
} from './flannelVersion.ts';
import {
  decodeBool,
  decodeInteger,
  type GoJsonValue,
  goFieldEntries,
  goJsonKind,
  parseGoJson,
  rawTrimmed,
  typeError,
} from './goJson.ts';
import { formatCidr, type GoCidr, parseGoCidr, parseGoIP } from './goNet.ts';

export type ParseNetConfResult = { ok: true; config: EffectiveNetConf } | { ok: false; error: string };

export interface ParseNetConfOptions {
  /** Which subnet manager reads the file (default `kube`, as the shipped kube-flannel.yml runs). */
  readonly subnetManager?: FlannelSubnetManager;
  /**
   * The flannel release to read it as, `vX.Y.Z` (default DEFAULT_FLANNEL_VERSION); one that
   * `parseFlannelVersion` refuses throws.
   */
  readonly flannelVersion?: string;
}

/** The note every config without `Backend` carries (docs/research/flannel.md §1.1). */
export const BACKEND_DEFAULT_NOTE =
  'Backend is absent: flannel\'s code (pkg/subnet/config.go parseBackendType) uses "udp", although its docs (Documentation/configuration.md) say the default is vxlan';

const ETCD_ONLY_FIELDS = [
  'SubnetLen',
  'SubnetMin',
  'SubnetMax',
  'IPv6SubnetLen',
  'IPv6SubnetMin',
  'IPv6SubnetMax',
];

/** Parses net-conf.json text into the effective config, or flannel's error. */
export function parseNetConf(text: string, options: ParseNetConfOptions = {}): ParseNetConfResult {
  const manager = options.subnetManager ?? 'kube';
  const version = parseFlannelVersion(options.flannelVersion ?? DEFAULT_FLANNEL_VERSION);
  if (!version.ok) throw new Error(version.error);
  const behaviour = flannelBehaviour(version.version);
  const json = parseGoJson(text);
  // Go's json.SyntaxError, as flanneld prints it after "error parsing subnet config: ".
  if (!json.ok) return { ok: false, error: `invalid JSON: ${json.error}` };
  const decoded = decode(json.value, behaviour);
  if ('error' in decoded) return { ok: false, error: decoded.error };
  const typed = backendTypeOf(decoded.backend);
  if ('error' in typed) return { ok: false, error: typed.error };

  // The etcd manager's GetNetworkConfig runs CheckNetworkConfig before flanneld looks at anything else.
  const checked = manager === 'etcd' ? checkNetworkConfig(decoded) : {};
  if ('error' in checked) return { ok: false, error: checked.error };
  // main.go: ipmatch.GetIPFamily(EnableIPv4, EnableIPv6), fatal.
  if (!decoded.enableIPv4 && !decoded.enableIPv6) {
    return {
      ok: false,
      error:
        'none defined stack (EnableIPv4 and EnableIPv6 are both false: pkg/ipmatch/match.go GetIPFamily)',
    };
  }
  const backend = parseBackend(typed.type, decoded.backend, behaviour);
  if (!backend.ok) return backend;
  if (backend.backend.type === 'vxlan') {
    const refused = vxlanMtuRefusal(backend.backend.mtu);
    if (refused) return { ok: false, error: refused };
  }

  const notes: string[] = [];
  let unmodelled: string | undefined;
  let network = decoded.network;
  if (isNewerThanKnown(behaviour.version)) {
    notes.push(
      `flannel ${behaviour.version} is newer than ${DEFAULT_FLANNEL_VERSION}, the newest release podnet has read: it is read as ${DEFAULT_FLANNEL_VERSION} reads it`,
    );
  }
  if (backend.defaulted) notes.push(BACKEND_DEFAULT_NOTE);
  for (const [field, written] of decoded.writtenNets) {
    const used = field === 'Network' ? decoded.network : decoded.ipv6Network;
    if (!used || written === formatCidr(used)) continue;
    const hostBits = written.split('/')[0] !== formatCidr(used).split('/')[0];
    notes.push(
      hostBits
        ? `${field} "${written}" has host bits set: flannel silently uses ${formatCidr(used)} (pkg/ip/ipnet.go)`
        : `${field} "${written}" is read as ${formatCidr(used)} (net.ParseCIDR allows leading zeros in the length)`,
    );
  }
  notes.push(...versionNotes(decoded, backend.backend, behaviour));
  if (decoded.networks.length > 0 && !behaviour.networkLookup) {
    unmodelled = `flannel ${behaviour.version} uses Networks[0] (${decoded.networks[0]}) in place of Network for the lease check, the device address and the NAT rules (subnet/config.go GetFlannelNetwork), which podnet does not model`;
    notes.push(unmodelled);
  }
  if (!decoded.enableIPv4) {
    unmodelled ??=
      'EnableIPv4 is false: flannel programs no IPv4 device, route or subnet.env key, and podnet predicts IPv4 node state only';
    notes.push(
      decoded.network
        ? `EnableIPv4 is false: flannel makes no flannel.N, route or FLANNEL_NETWORK/FLANNEL_SUBNET for Network ${formatCidr(decoded.network)}${
            behaviour.networksRemoved && !isEmptyNet(decoded.network)
              ? ', but its traffic manager still installs the IPv4 forward rules (and with --ip-masq masquerade rules) for it: main.go passes Network whatever EnableIPv4 says'
              : ''
          }`
        : 'EnableIPv4 is false: IPv6 only',
    );
  }

  if (manager === 'kube') {
    const ignored = ETCD_ONLY_FIELDS.filter((f) => decoded.present.has(f));
    if (ignored.length > 0) {
      notes.push(
        `${ignored.join(', ')} ignored: the kube subnet manager takes each node's podCIDR (kube-controller-manager --node-cidr-mask-size: 24 for IPv4, 64 for IPv6 by default) and never runs CheckNetworkConfig`,
      );
    }
    const networksInUse = decoded.networks.length > 0 && !behaviour.networkLookup;
    if (decoded.enableIPv4 && !networksInUse && isEmptyNet(decoded.network)) {
      const lease = emptyNetworkLease(decoded.network, behaviour);
      if ('error' in lease) return { ok: false, error: lease.error };
      network = { family: 4, ip: 0n, prefixLength: 0 };
      notes.push(lease.note);
      if (backend.backend.type === 'udp') {
        // udp_network_amd64.go adds `Network dev flannel0` and ignores EEXIST: beside the host's default route.
        unmodelled ??=
          "udp with Network 0.0.0.0/0: flannel's one route would be a second default route, which the kernel refuses unless the host has none (flannel ignores EEXIST), so podnet does not predict it";
      }
    }
    if (decoded.enableIPv6 && isEmptyNet(decoded.ipv6Network)) {
      const lease = emptyIPv6NetworkLease(decoded.ipv6Network, behaviour);
      if ('error' in lease) return { ok: false, error: lease.error };
      notes.push(lease.note);
    }
    if (decoded.enableIPv6 && !['vxlan', 'host-gw', 'wireguard'].includes(backend.backend.type)) {
      notes.push(
        `backend ${backend.backend.type} is IPv4-only in kube mode: flannel forces EnableIPv6=false on its lease (pkg/subnet/kube/kube.go)`,
      );
    }
  }

  return {
    ok: true,
    config: {
      subnetManager: manager,
      flannelVersion: behaviour.version,
      enableIPv4: decoded.enableIPv4,
      enableIPv6: decoded.enableIPv6,
      enableNFTables: decoded.enableNFTables,
      ...(network ? { network: formatCidr(network) } : {}),
      ...(decoded.ipv6Network ? { ipv6Network: formatCidr(decoded.ipv6Network) } : {}),
      backend: backend.backend,
      backendDefaulted: backend.defaulted,
      ...checked,
      notes,
      ...(unmodelled ? { unmodelled } : {}),
    },
  };
}

/** ip.IP4Net.Empty / ip.IP6Net.Empty: absent, or the all-zero /0 written out. */
function isEmptyNet(net: GoCidr | undefined): boolean {
  return !net || (net.ip === 0n && net.prefixLength === 0);
}

/** What the kube manager's AcquireLease does with an empty IPv4 Network, release by release. */
function emptyNetworkLease(
  written: GoCidr | undefined,
  behaviour: FlannelBehaviour,
): { error: string } | { note: string } {
  const what = written ? 'Network is 0.0.0.0/0' : 'Network is missing';
  if (behaviour.kubeLeaseRejectsEmptyNetwork) {
    return {
      error: `subnet "0.0.0.0/0" specified in the flannel net config doesn't contain any node's PodCIDR: ${what} (ip.IP4Net.Empty), so flannel fails to acquire a lease on every node and writes no subnet.env (pkg/subnet/kube/kube.go AcquireLease)`,
    };
  }
  if (behaviour.networkLookup && !behaviour.networksRemoved) {
    return {
      error: `could not find an ipv4 network in the flannel configuration (${what}: pkg/subnet/config.go GetFlannelNetwork fails in AcquireLease on every node)`,
    };
  }
  return {
    note: `${what}: flannel ${behaviour.version} runs with Network 0.0.0.0/0, which contains every podCIDR (pkg/subnet/kube/kube.go AcquireLease), and writes FLANNEL_NETWORK=0.0.0.0/0${
      behaviour.emptyNetworkSkipsNat
        ? '; it installs no masquerade or forward rules (pkg/trafficmngr: `!Network.Empty()`)'
        : '; its masquerade and forward rules name 0.0.0.0/0'
    }; flannel v0.28.0 and later refuse this`,
  };
}

/** The same for IPv6Network with EnableIPv6; IPv6 node state is not predicted, so a run only gets a note. */
function emptyIPv6NetworkLease(
  written: GoCidr | undefined,
  behaviour: FlannelBehaviour,
): { error: string } | { note: string } {
  if (behaviour.kubeLeaseRejectsEmptyNetwork) {
    return {
      error: `subnet "::/0" specified in the flannel net config doesn't contain any node's IPv6 PodCIDR: IPv6Network is ${written ? '::/0' : 'missing'} (ip.IP6Net.Empty), so flannel fails to acquire a lease on every node (pkg/subnet/kube/kube.go AcquireLease)`,
    };
  }
  if (written) {
    return {
      note: 'IPv6Network is ::/0: it contains every IPv6 podCIDR (pkg/subnet/kube/kube.go AcquireLease)',
    };
  }
  if (behaviour.networksRemoved) {
    return {
      error:
        'IPv6Network is missing: flanneld panics in AcquireLease on a node with an IPv6 podCIDR (ip.IP6Net.ToIPNet reads the nil address; pkg/subnet/kube/kube.go, pkg/ip/ip6net.go) [inference]',
    };
  }
  if (behaviour.networkLookup) {
    return {
      error:
        'could not find an ipv6 network in the flannel configuration (IPv6Network is missing: pkg/subnet/config.go GetFlannelIPv6Network fails in AcquireLease on every node)',
    };
  }
  return {
    error:
      'subnet "<IPv6 podCIDR>" specified in the PodCIDR, but doesn\'t exist in the flannel net config of the "<node>" node (IPv6Network is missing: pkg/subnet/kube/kube.go AcquireLease, on every node)',
  };
}

/** Notes on keys the chosen release reads differently from the newest one. */
function versionNotes(
  decoded: Decoded,
  backend: EffectiveNetConf['backend'],
  behaviour: FlannelBehaviour,
): string[] {
  const notes: string[] = [];
  const v = behaviour.version;
  if (decoded.mentioned.has('EnableNFTables') && !behaviour.nftables) {
    notes.push(`EnableNFTables ignored: flannel ${v} has no nftables traffic manager (it came with v0.25.0)`);
  }
  if (
    (decoded.mentioned.has('Networks') || decoded.mentioned.has('IPv6Networks')) &&
    behaviour.networksRemoved
  ) {
    notes.push('Networks / IPv6Networks ignored: flannel removed these keys in v0.25.0');
  }
  if (decoded.backendHasMtu && !behaviour.vxlanMtuOption && backend.type === 'vxlan') {
    notes.push(
      `Backend.MTU ignored: flannel ${v} does not read it (vxlan's MTU option came with v0.21.3); the kernel gives flannel.N the interface MTU − 50`,
    );
  }
  if (backend.type === 'vxlan' && backend.mtu !== undefined && backend.mtu - 50 <= 0) {
    const written = backend.mtu - 50;
    notes.push(
      `Backend.MTU ${backend.mtu} is not "unset": flannel writes FLANNEL_MTU=${written} (MTU − 50) all the same, and flannel.N gets the kernel's default, the interface MTU − 50 (netlink sends no MTU ≤ 0)${
        written < 0
          ? `; flannel's CNI plugin refuses FLANNEL_MTU=${written} (flannel-io/cni-plugin flannel.go: strconv.ParseUint), so pods on this network fail to start`
          : ''
      }`,
    );
  }
  return notes;
}

/** Config fields Go decodes in this release (struct fields of pkg/subnet/config.go `Config`). */
function configFields(behaviour: FlannelBehaviour): readonly string[] {
  return [
    'EnableIPv4',
    'EnableIPv6',
    ...(behaviour.nftables ? ['EnableNFTables'] : []),
    'Network',
    'IPv6Network',
    ...(behaviour.networksRemoved ? [] : ['Networks', 'IPv6Networks']),
    'SubnetMin',
    'SubnetMax',
    'IPv6SubnetMin',
    'IPv6SubnetMax',
    'SubnetLen',
    'IPv6SubnetLen',
    'Backend',
  ];
}

type Decoded = DecodedNetConf & {
  /** Networks entries (v0.20.0–v0.24.x decode them), as written. */
  readonly networks: readonly string[];
  /** Whether Backend holds an MTU key (for the note of releases that ignore it). */
  readonly backendHasMtu: boolean;
  /** Keys some release decodes that appear in the file, whether or not this release does. */
  readonly mentioned: ReadonlySet<string>;
};

/** Keys that are Config fields in some modelled release and unknown in others. */
const RELEASE_DEPENDENT_FIELDS = ['EnableNFTables', 'Networks', 'IPv6Networks'];

function decode(json: GoJsonValue, behaviour: FlannelBehaviour): Decoded | { error: string } {
  const out: { -readonly [K in keyof Decoded]: Decoded[K] } = {
    enableIPv4: true,
    enableIPv6: false,
    enableNFTables: false,
    subnetLen: 0,
    ipv6SubnetLen: 0,
    present: new Set<string>(),
    writtenNets: new Map<string, string>(),
    networks: [],
    backendHasMtu: false,
    mentioned: new Set<string>(),
  };
  // `null` decodes to nothing: the defaults stand.
  if (json.kind === 'null') return out;
  if (json.kind !== 'object') {
    return { error: `json: cannot unmarshal ${goJsonKind(json)} into Go value of type subnet.Config` };
  }
  out.mentioned = new Set(goFieldEntries(json, RELEASE_DEPENDENT_FIELDS).map((e) => e.field));
  const invalidIP = behaviour.lowercaseIPErrors ? 'invalid IP address format' : 'Invalid IP address format';
  // Go keeps the first type error and goes on; an error from a custom UnmarshalJSON stops decoding at once.
  let typeErr: string | undefined;
  for (const { field, value } of goFieldEntries(json, configFields(behaviour))) {
    out.present.add(field);
    switch (field) {
      case 'EnableIPv4':
      case 'EnableIPv6':
      case 'EnableNFTables': {
        const r = decodeBool('Config', field, value);
        if (r.error) typeErr ??= r.error;
        else if (r.value !== undefined) {
          if (field === 'EnableIPv4') out.enableIPv4 = r.value;
          else if (field === 'EnableIPv6') out.enableIPv6 = r.value;
          else out.enableNFTables = r.value;
        }
        break;
      }
      case 'SubnetLen':
      case 'IPv6SubnetLen': {
        const r = decodeInteger('Config', field, value, 'uint');
        if (r.error) typeErr ??= r.error;
        else if (r.value !== undefined) {
          if (field === 'SubnetLen') out.subnetLen = r.value;
          else out.ipv6SubnetLen = r.value;
        }
        break;
      }
      case 'Network':
      case 'IPv6Network': {
        const r = decodeNet(value, field === 'Network' ? 4 : 6, behaviour);
        if ('error' in r) return r;
        if (field === 'Network') out.network = r.cidr;
        else out.ipv6Network = r.cidr;
        out.writtenNets.set(field, rawTrimmed(value));
        break;
      }
      case 'Networks':
      case 'IPv6Networks': {
        // Decoded, so their errors count; v0.21.0–v0.24.x then empty them (ParseConfig).
        if (value.kind === 'null') break;
        if (value.kind !== 'array') {
          typeErr ??= typeError('Config', field, value, field === 'Networks' ? '[]ip.IP4Net' : '[]ip.IP6Net');
          break;
        }
        const nets: string[] = [];
        for (const item of value.items) {
          const r = decodeNet(item, field === 'Networks' ? 4 : 6, behaviour);
          if ('error' in r) return r;
          nets.push(formatCidr(r.cidr));
        }
        if (field === 'Networks') out.networks = nets;
        break;
      }
      case 'SubnetMin':
      case 'SubnetMax': {
        // ip.IP4.UnmarshalJSON → ParseIP4.
        const ip = parseGoIP(rawTrimmed(value));
        if (!ip) return { error: invalidIP };
        if (ip.family !== 4) {
          return {
            error: behaviour.ipv4RejectsIPv6
              ? 'invalid IPv4 address format'
              : `flanneld panics: Address is not an IPv4 address (${field} is an IPv6 address: pkg/ip/ipnet.go FromIP)`,
          };
        }
        if (field === 'SubnetMin') out.subnetMin = ip.value;
        else out.subnetMax = ip.value;
        break;
      }
      case 'IPv6SubnetMin':
      case 'IPv6SubnetMax': {
        // A pointer field: null leaves it nil (unset).
        if (value.kind === 'null') {
          if (field === 'IPv6SubnetMin') delete out.ipv6SubnetMin;
          else delete out.ipv6SubnetMax;
          break;
        }
        const ip = parseGoIP(rawTrimmed(value));
        if (!ip) return { error: invalidIP };
        // ip.FromIP6 uses To16, so an IPv4 address becomes ::ffff:a.b.c.d.
        const v = ip.family === 4 ? (0xffffn << 32n) | ip.value : ip.value;
        if (field === 'IPv6SubnetMin') out.ipv6SubnetMin = v;
        else out.ipv6SubnetMax = v;
        break;
      }
      case 'Backend':
        out.backend = value;
        out.backendHasMtu = value.kind === 'object' && goFieldEntries(value, ['MTU']).length > 0;
        break;
    }
  }
  if (typeErr) return { error: typeErr };
  return out;
}

/** ip.IP4Net / ip.IP6Net UnmarshalJSON: net.ParseCIDR of the trimmed raw bytes. */
function decodeNet(
  value: GoJsonValue,
  family: 4 | 6,
  behaviour: FlannelBehaviour,
): { cidr: GoCidr } | { error: string } {
  const parsed = parseGoCidr(rawTrimmed(value));
  if (!parsed.ok) return { error: parsed.error };
  if (parsed.cidr.family !== family) {
    if (family === 6) {
      // podnet's wording: flannel's FromIP6Net would take an IPv4 CIDR as ::ffff:a.b.c.d, which podnet does not model.
      return { error: 'invalid IPv6 CIDR format' };
    }
    return {
      error: behaviour.ipv4RejectsIPv6
        ? 'invalid IPv4 CIDR format'
        : 'flanneld panics: Address is not an IPv4 address (an IPv6 CIDR where IPv4 is expected: pkg/ip/ipnet.go FromIP)',
    };
  }
  return { cidr: parsed.cidr };
}
