/**
 * net-conf.json read exactly as flannel reads it: `ParseConfig` (pkg/subnet/config.go) with Go's
 * encoding/json rules, then, for the etcd subnet manager only, `CheckNetworkConfig`. The kube subnet
 * manager never runs CheckNetworkConfig (docs/research/flannel.md §1.2): its leases are the nodes' podCIDRs,
 * and its only network check is that Network contains each podCIDR (pkg/subnet/kube/kube.go `AcquireLease`).
 */
import type { EffectiveNetConf, FlannelSubnetManager } from '../../spec/flannelExpectation.ts';
import { nestsDeeperThan } from '../../spec/nesting.ts';
import { parseBackend } from './backendConfig.ts';
import { checkNetworkConfig, type DecodedNetConf } from './checkNetworkConfig.ts';
import {
  decodeBool,
  decodeInteger,
  goFieldEntries,
  goJsonKind,
  isJsonObject,
  type JsonValue,
  rawTrimmed,
  typeError,
} from './goJson.ts';
import { formatCidr, parseGoCidr, parseGoIP } from './goNet.ts';

export type ParseNetConfResult = { ok: true; config: EffectiveNetConf } | { ok: false; error: string };

export interface ParseNetConfOptions {
  /** Which subnet manager reads the file (default `kube`, as the shipped kube-flannel.yml runs). */
  readonly subnetManager?: FlannelSubnetManager;
}

/** The note every config without `Backend` carries (docs/research/flannel.md §1.1). */
export const BACKEND_DEFAULT_NOTE =
  'Backend is absent: flannel\'s code (pkg/subnet/config.go parseBackendType) uses "udp", although its docs (Documentation/configuration.md) say the default is vxlan';

const FIELDS = [
  'EnableIPv4',
  'EnableIPv6',
  'EnableNFTables',
  'Network',
  'IPv6Network',
  'Networks',
  'IPv6Networks',
  'SubnetMin',
  'SubnetMax',
  'IPv6SubnetMin',
  'IPv6SubnetMax',
  'SubnetLen',
  'IPv6SubnetLen',
  'Backend',
] as const;

const ETCD_ONLY_FIELDS = [
  'SubnetLen',
  'SubnetMin',
  'SubnetMax',
  'IPv6SubnetLen',
  'IPv6SubnetMin',
  'IPv6SubnetMax',
];

/** Parses net-conf.json text into the effective config, or flannel's error. */
/** encoding/json's maxNestingDepth (Go src/encoding/json/scanner.go). */
const GO_JSON_MAX_DEPTH = 10_000;

export function parseNetConf(text: string, options: ParseNetConfOptions = {}): ParseNetConfResult {
  const manager = options.subnetManager ?? 'kube';
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch (error) {
    // Go's json.SyntaxError wording differs ("invalid character … looking for …"); the position is what helps.
    return { ok: false, error: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  // Go's encoding/json refuses nesting past 10000 levels (scanner.go maxNestingDepth: "exceeded max
  // depth"), so flannel's json.Unmarshal of such a net-conf fails even where the nesting is in an unused key.
  if (nestsDeeperThan(json, GO_JSON_MAX_DEPTH)) {
    return {
      ok: false,
      error: `invalid JSON: nested more than ${GO_JSON_MAX_DEPTH} levels (exceeded max depth)`,
    };
  }
  const decoded = decode(json);
  if ('error' in decoded) return { ok: false, error: decoded.error };
  const backend = parseBackend(decoded.backend);
  if (!backend.ok) return backend;

  const notes: string[] = [];
  if (backend.defaulted) notes.push(BACKEND_DEFAULT_NOTE);
  for (const [field, written] of decoded.writtenNets) {
    const used = field === 'Network' ? decoded.network : decoded.ipv6Network;
    if (used && written !== formatCidr(used)) {
      notes.push(
        `${field} "${written}" has host bits set: flannel silently uses ${formatCidr(used)} (pkg/ip/ipnet.go)`,
      );
    }
  }
  const base = {
    subnetManager: manager,
    enableIPv4: decoded.enableIPv4,
    enableIPv6: decoded.enableIPv6,
    enableNFTables: decoded.enableNFTables,
    ...(decoded.network ? { network: formatCidr(decoded.network) } : {}),
    ...(decoded.ipv6Network ? { ipv6Network: formatCidr(decoded.ipv6Network) } : {}),
    backend: backend.backend,
    backendDefaulted: backend.defaulted,
  };

  if (manager === 'kube') {
    const ignored = ETCD_ONLY_FIELDS.filter((f) => decoded.present.has(f));
    if (ignored.length > 0) {
      notes.push(
        `${ignored.join(', ')} ignored: the kube subnet manager takes each node's podCIDR (kube-controller-manager --node-cidr-mask-size, default 24) and never runs CheckNetworkConfig`,
      );
    }
    // pkg/subnet/kube/kube.go AcquireLease: an empty Network contains no podCIDR, so every node fails there.
    if (decoded.enableIPv4 && !decoded.network) {
      return {
        ok: false,
        error:
          'subnet "0.0.0.0/0" specified in the flannel net config doesn\'t contain any PodCIDR: Network is missing, so flannel fails to acquire a lease on every node (pkg/subnet/kube/kube.go)',
      };
    }
    if (decoded.enableIPv6 && !decoded.ipv6Network) {
      return {
        ok: false,
        error:
          'subnet "::/0" specified in the flannel net config doesn\'t contain any IPv6 PodCIDR: IPv6Network is missing, so flannel fails to acquire a lease on every node (pkg/subnet/kube/kube.go)',
      };
    }
    if (decoded.enableIPv6 && !['vxlan', 'host-gw', 'wireguard'].includes(backend.backend.type)) {
      notes.push(
        `backend ${backend.backend.type} is IPv4-only in kube mode: flannel forces EnableIPv6=false on its lease (pkg/subnet/kube/kube.go)`,
      );
    }
    return { ok: true, config: { ...base, notes } };
  }

  const checked = checkNetworkConfig(decoded);
  if ('error' in checked) return { ok: false, error: checked.error };
  return { ok: true, config: { ...base, ...checked, notes } };
}

function decode(json: JsonValue): DecodedNetConf | { error: string } {
  const out: {
    -readonly [K in keyof DecodedNetConf]: DecodedNetConf[K];
  } = {
    enableIPv4: true,
    enableIPv6: false,
    enableNFTables: false,
    subnetLen: 0,
    ipv6SubnetLen: 0,
    present: new Set<string>(),
    writtenNets: new Map<string, string>(),
  };
  // `null` decodes to nothing: the defaults stand.
  if (json === null) return out;
  if (!isJsonObject(json)) {
    return { error: `json: cannot unmarshal ${goJsonKind(json)} into Go value of type subnet.Config` };
  }
  // Go keeps the first type error and goes on; an error from a custom UnmarshalJSON stops decoding at once.
  let typeErr: string | undefined;
  for (const { field, value } of goFieldEntries(json, FIELDS)) {
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
        const r = decodeNet(value, field === 'Network' ? 4 : 6);
        if ('error' in r) return r;
        if (field === 'Network') out.network = r.cidr;
        else out.ipv6Network = r.cidr;
        out.writtenNets.set(field, rawTrimmed(value));
        break;
      }
      case 'Networks':
      case 'IPv6Networks': {
        // Decoded (so their errors count) and then reset to empty by ParseConfig.
        if (value === null) break;
        if (!Array.isArray(value)) {
          typeErr ??= typeError('Config', field, value, field === 'Networks' ? '[]ip.IP4Net' : '[]ip.IP6Net');
          break;
        }
        for (const item of value) {
          const r = decodeNet(item, field === 'Networks' ? 4 : 6);
          if ('error' in r) return r;
        }
        break;
      }
      case 'SubnetMin':
      case 'SubnetMax': {
        // ip.IP4.UnmarshalJSON → ParseIP4; an IPv6 address makes FromIP panic in flannel.
        const ip = parseGoIP(rawTrimmed(value));
        if (!ip) return { error: 'Invalid IP address format' };
        if (ip.family !== 4) return { error: 'Address is not an IPv4 address' };
        if (field === 'SubnetMin') out.subnetMin = ip.value;
        else out.subnetMax = ip.value;
        break;
      }
      case 'IPv6SubnetMin':
      case 'IPv6SubnetMax': {
        // A pointer field: null leaves it nil (unset).
        if (value === null) {
          if (field === 'IPv6SubnetMin') delete out.ipv6SubnetMin;
          else delete out.ipv6SubnetMax;
          break;
        }
        const ip = parseGoIP(rawTrimmed(value));
        if (!ip) return { error: 'Invalid IP address format' };
        // ip.FromIP6 uses To16, so an IPv4 address becomes ::ffff:a.b.c.d.
        const v = ip.family === 4 ? (0xffffn << 32n) | ip.value : ip.value;
        if (field === 'IPv6SubnetMin') out.ipv6SubnetMin = v;
        else out.ipv6SubnetMax = v;
        break;
      }
      case 'Backend':
        out.backend = value;
        break;
    }
  }
  if (typeErr) return { error: typeErr };
  return out;
}

function decodeNet(
  value: JsonValue,
  family: 4 | 6,
): { cidr: NonNullable<DecodedNetConf['network']> } | { error: string } {
  const parsed = parseGoCidr(rawTrimmed(value));
  if (!parsed.ok) return { error: parsed.error };
  if (parsed.cidr.family !== family) {
    // docs/research/flannel.md §1.1 quotes the IPv4 message; the IPv6 one is podnet's wording.
    return { error: family === 4 ? 'invalid IPv4 CIDR format' : 'invalid IPv6 CIDR format' };
  }
  return { cidr: parsed.cidr };
}
