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
import type { FlannelBehaviour } from './flannelVersion.ts';
import {
  decodeBool,
  decodeInteger,
  decodeString,
  type GoJsonObject,
  type GoJsonValue,
  goFieldEntries,
  goJsonKind,
} from './goJson.ts';

/**
 * The kernel's VXLAN port when flannel passes 0 (docs/research/flannel.md §5.1,
 * Documentation/troubleshooting.md).
 */
const VXLAN_KERNEL_DEFAULT_PORT = 8472;
/** pkg/backend/vxlan/vxlan.go `defaultVNI`. */
const VXLAN_DEFAULT_VNI = 1;
/** `VXLANConfig`'s json tags (pkg/backend/vxlan/vxlan.go): the names Go's type errors use from v0.27.4. */
const VXLAN_CONFIG_TAGS: Readonly<Record<string, string>> = {
  VNI: 'vni',
  Port: 'port',
  MTU: 'mtu',
  GBP: 'gbp',
  Learning: 'learning',
  DirectRouting: 'directRouting',
};
/** pkg/backend/udp/udp_amd64.go `defaultPort`. */
const UDP_DEFAULT_PORT = 8285;

export type BackendResult =
  | { ok: true; backend: FlannelBackendConfig; defaulted: boolean }
  | { ok: false; error: string };

/** `parseBackendType`: absent Backend → "udp"; otherwise Backend.Type ("" when missing). */
export function backendTypeOf(backend: GoJsonValue | undefined): { type: string } | { error: string } {
  if (backend === undefined) return { type: 'udp' };
  const prefix = 'error decoding Backend property of config: ';
  if (backend.kind === 'null') return { type: '' };
  if (backend.kind !== 'object') {
    return {
      error: `${prefix}json: cannot unmarshal ${goJsonKind(backend)} into Go value of type struct { Type string }`,
    };
  }
  let type = '';
  let firstError: string | undefined;
  for (const { value } of goFieldEntries(backend, ['Type'])) {
    const r = decodeString('', 'Type', value);
    if (r.error) firstError ??= r.error;
    else if (r.value !== undefined) type = r.value;
  }
  return firstError ? { error: `${prefix}${firstError}` } : { type };
}

/**
 * Resolves the backend: its name as `backend.NewManager().GetBackend` looks it up, then its options as
 * the backend's `RegisterNetwork` decodes them.
 */
export function parseBackend(
  type: string,
  backend: GoJsonValue | undefined,
  behaviour: FlannelBehaviour,
): BackendResult {
  // pkg/backend/manager.go lower-cases the name before the lookup, so "VXLAN" works.
  const name = type.toLowerCase();
  if (!(FLANNEL_BACKEND_TYPES as readonly string[]).includes(name)) {
    return { ok: false, error: `unknown backend type: ${name}` };
  }
  const defaulted = backend === undefined;
  const options: GoJsonObject =
    backend?.kind === 'object' ? backend : { kind: 'object', entries: [], raw: '{}' };
  switch (name as FlannelBackendName) {
    case 'vxlan':
      return vxlanOptions(options, behaviour);
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

/**
 * vxlan's options: an anonymous struct until v0.27.4 (type errors name `.VNI`), then the json-tagged
 * `VXLANConfig` (`VXLANConfig.vni`); `MTU` only from v0.21.3 (before, an unknown key).
 */
function vxlanOptions(options: GoJsonObject, behaviour: FlannelBehaviour): BackendResult {
  const cfg: {
    vni: number;
    port: number;
    mtu?: number;
    gbp: boolean;
    learning: boolean;
    directRouting: boolean;
  } = {
    vni: VXLAN_DEFAULT_VNI,
    port: 0,
    gbp: false,
    learning: false,
    directRouting: false,
  };
  const ints: Record<string, 'vni' | 'port' | 'mtu'> = behaviour.vxlanMtuOption
    ? { VNI: 'vni', Port: 'port', MTU: 'mtu' }
    : { VNI: 'vni', Port: 'port' };
  const bools = { GBP: 'gbp', Learning: 'learning', DirectRouting: 'directRouting' } as const;
  const structName = behaviour.vxlanConfigStruct ? 'VXLANConfig' : '';
  const goName = (field: string) =>
    behaviour.vxlanConfigStruct ? (VXLAN_CONFIG_TAGS[field] ?? field) : field;
  let firstError: string | undefined;
  for (const { field, value } of goFieldEntries(options, [...Object.keys(ints), ...Object.keys(bools)])) {
    const into = ints[field];
    if (into) {
      const r = decodeInteger(structName, goName(field), value, 'int');
      if (r.error) firstError ??= r.error;
      else if (r.value !== undefined) cfg[into] = r.value;
    } else {
      const r = decodeBool(structName, goName(field), value);
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
      vni: cfg.vni,
      port: cfg.port,
      ...(cfg.mtu !== undefined ? { mtu: cfg.mtu } : {}),
      gbp: cfg.gbp,
      learning: cfg.learning,
      directRouting: cfg.directRouting,
      effectivePort: cfg.port === 0 ? VXLAN_KERNEL_DEFAULT_PORT : cfg.port,
    },
  };
}

function udpOptions(options: GoJsonObject, defaulted: boolean): BackendResult {
  let port = UDP_DEFAULT_PORT;
  let firstError: string | undefined;
  for (const { field, value } of goFieldEntries(options, ['Port'])) {
    const r = decodeInteger('', field, value, 'int');
    if (r.error) firstError ??= r.error;
    else if (r.value !== undefined) port = r.value;
  }
  if (firstError) return { ok: false, error: `error decoding UDP backend config: ${firstError}` };
  return { ok: true, backend: { type: 'udp', port }, defaulted };
}
