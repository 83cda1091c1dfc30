/**
 * The Backend object of net-conf.json: its type (`parseBackendType`, pkg/subnet/config.go) and the options
 * each modelled backend reads with its defaults (pkg/backend/vxlan/vxlan.go `parseVXLANConfig`,
 * pkg/backend/udp/udp_amd64.go, pkg/backend/hostgw/hostgw.go).
 */
import {
  FLANNEL_BACKEND_TYPES,
  type FlannelBackendConfig,
  type FlannelBackendName,
} from '../../spec/flannelExpectation.ts';
import {
  decodeBool,
  decodeInteger,
  goFieldEntries,
  goJsonKind,
  isJsonObject,
  type JsonValue,
} from './goJson.ts';

/**
 * The kernel's VXLAN port when flannel passes 0 (docs/research/flannel.md §5.1,
 * Documentation/troubleshooting.md).
 */
const VXLAN_KERNEL_DEFAULT_PORT = 8472;
/** pkg/backend/vxlan/vxlan.go `defaultVNI`. */
const VXLAN_DEFAULT_VNI = 1;
/** pkg/backend/udp/udp_amd64.go `defaultPort`. */
const UDP_DEFAULT_PORT = 8285;

export type BackendResult =
  | { ok: true; backend: FlannelBackendConfig; defaulted: boolean }
  | { ok: false; error: string };

/** `parseBackendType`: absent Backend → "udp"; otherwise Backend.Type ("" when missing). */
function backendTypeOf(backend: JsonValue | undefined): { type: string } | { error: string } {
  if (backend === undefined) return { type: 'udp' };
  const prefix = 'error decoding Backend property of config: ';
  if (backend === null) return { type: '' };
  if (!isJsonObject(backend)) {
    return {
      error: `${prefix}json: cannot unmarshal ${goJsonKind(backend)} into Go value of type struct { Type string }`,
    };
  }
  let type = '';
  for (const { value } of goFieldEntries(backend, ['Type'])) {
    if (value === null) continue;
    if (typeof value !== 'string') {
      return {
        error: `${prefix}json: cannot unmarshal ${goJsonKind(value)} into Go struct field .Type of type string`,
      };
    }
    type = value;
  }
  return { type };
}

/** Resolves the backend: its name as `backend.NewManager().GetBackend` looks it up, then its options. */
export function parseBackend(backend: JsonValue | undefined): BackendResult {
  const typed = backendTypeOf(backend);
  if ('error' in typed) return { ok: false, error: typed.error };
  // pkg/backend/manager.go lower-cases the name before the lookup, so "VXLAN" works.
  const name = typed.type.toLowerCase();
  if (!(FLANNEL_BACKEND_TYPES as readonly string[]).includes(name)) {
    return { ok: false, error: `unknown backend type: ${name}` };
  }
  const defaulted = backend === undefined;
  const options = isJsonObject(backend ?? null) ? (backend as { [key: string]: JsonValue }) : {};
  switch (name as FlannelBackendName) {
    case 'vxlan':
      return vxlanOptions(options);
    case 'udp':
      return udpOptions(options, defaulted);
    case 'host-gw':
      return { ok: true, backend: { type: 'host-gw' }, defaulted };
    default:
      return {
        ok: true,
        backend: { type: name as Exclude<FlannelBackendName, 'vxlan' | 'host-gw' | 'udp'> },
        defaulted,
      };
  }
}

function vxlanOptions(options: { [key: string]: JsonValue }): BackendResult {
  const cfg = { vni: VXLAN_DEFAULT_VNI, port: 0, mtu: 0, gbp: false, learning: false, directRouting: false };
  const ints = { VNI: 'vni', Port: 'port', MTU: 'mtu' } as const;
  const bools = { GBP: 'gbp', Learning: 'learning', DirectRouting: 'directRouting' } as const;
  let firstError: string | undefined;
  for (const { field, value } of goFieldEntries(options, [...Object.keys(ints), ...Object.keys(bools)])) {
    if (field in ints) {
      const r = decodeInteger('', field, value, 'int');
      if (r.error) firstError ??= r.error;
      else if (r.value !== undefined) cfg[ints[field as keyof typeof ints]] = r.value;
    } else {
      const r = decodeBool('', field, value);
      if (r.error) firstError ??= r.error;
      else if (r.value !== undefined) cfg[bools[field as keyof typeof bools]] = r.value;
    }
  }
  if (firstError) return { ok: false, error: `error decoding VXLAN backend config: ${firstError}` };
  return {
    ok: true,
    defaulted: false,
    backend: {
      type: 'vxlan',
      ...cfg,
      effectivePort: cfg.port === 0 ? VXLAN_KERNEL_DEFAULT_PORT : cfg.port,
    },
  };
}

function udpOptions(options: { [key: string]: JsonValue }, defaulted: boolean): BackendResult {
  let port = UDP_DEFAULT_PORT;
  for (const { field, value } of goFieldEntries(options, ['Port'])) {
    const r = decodeInteger('', field, value, 'int');
    if (r.error) return { ok: false, error: `error decoding UDP backend config: ${r.error}` };
    if (r.value !== undefined) port = r.value;
  }
  return { ok: true, backend: { type: 'udp', port }, defaulted };
}
