/**
 * Request bodies in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`), which kubectl's
 * typed clients send for `kubectl create namespace|configmap|service …` and `kubectl expose`
 * (staging/src/k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go): the 4-byte prefix `k8s\0`,
 * then a runtime.Unknown (typeMeta, raw, contentEncoding, contentType) whose `raw` is the object.
 *
 * Only the messages of the kinds those commands create are decoded, with the field numbers of their
 * generated.proto files (k8s.io/api core/v1: Namespace, NamespaceSpec, ConfigMap, Service, ServiceSpec,
 * ServicePort, SessionAffinityConfig, ClientIPConfig; k8s.io/apimachinery meta/v1: ObjectMeta, Time,
 * OwnerReference; util/intstr: IntOrString; runtime: Unknown, TypeMeta). Fields that are Go pointers keep a
 * zero value that was sent (gogo writes them only when set); other zero values are left out, as the JSON
 * encoding's omitempty would. Any other kind, or a field number not listed, is refused (415) rather than
 * guessed: such a client can send JSON.
 */
import { ApiError } from './apiErrors.ts';

type Kind =
  | 'string'
  | 'int'
  | 'bool'
  | 'bytes'
  | 'message'
  | 'map-string'
  | 'map-bytes'
  | 'time'
  | 'intOrString';

interface Field {
  readonly name: string;
  readonly kind: Kind;
  readonly repeated?: boolean;
  /** A Go pointer: a zero value on the wire is kept. */
  readonly ptr?: boolean;
  readonly message?: string;
}

const S = (name: string, extra: Partial<Field> = {}): Field => ({ name, kind: 'string', ...extra });
const I = (name: string, extra: Partial<Field> = {}): Field => ({ name, kind: 'int', ...extra });
const B = (name: string, extra: Partial<Field> = {}): Field => ({ name, kind: 'bool', ...extra });
const M = (name: string, message: string, extra: Partial<Field> = {}): Field => ({
  name,
  kind: 'message',
  message,
  ...extra,
});

/** Field number → field, per message. */
const MESSAGES: Readonly<Record<string, Readonly<Record<number, Field>>>> = {
  ObjectMeta: {
    1: S('name'),
    2: S('generateName'),
    3: S('namespace'),
    4: S('selfLink'),
    5: S('uid'),
    6: S('resourceVersion'),
    7: I('generation'),
    8: { name: 'creationTimestamp', kind: 'time' },
    9: { name: 'deletionTimestamp', kind: 'time', ptr: true },
    10: I('deletionGracePeriodSeconds', { ptr: true }),
    11: { name: 'labels', kind: 'map-string' },
    12: { name: 'annotations', kind: 'map-string' },
    13: M('ownerReferences', 'OwnerReference', { repeated: true }),
    14: S('finalizers', { repeated: true }),
  },
  OwnerReference: {
    1: S('kind'),
    3: S('name'),
    4: S('uid'),
    5: S('apiVersion'),
    6: B('controller', { ptr: true }),
    7: B('blockOwnerDeletion', { ptr: true }),
  },
  Namespace: {
    1: M('metadata', 'ObjectMeta'),
    2: M('spec', 'NamespaceSpec'),
    3: M('status', 'NamespaceStatus'),
  },
  NamespaceSpec: { 1: S('finalizers', { repeated: true }) },
  NamespaceStatus: { 1: S('phase') },
  ConfigMap: {
    1: M('metadata', 'ObjectMeta'),
    2: { name: 'data', kind: 'map-string' },
    3: { name: 'binaryData', kind: 'map-bytes' },
    4: B('immutable', { ptr: true }),
  },
  Service: { 1: M('metadata', 'ObjectMeta'), 2: M('spec', 'ServiceSpec'), 3: M('status', 'ServiceStatus') },
  ServiceSpec: {
    1: M('ports', 'ServicePort', { repeated: true }),
    2: { name: 'selector', kind: 'map-string' },
    3: S('clusterIP'),
    4: S('type'),
    5: S('externalIPs', { repeated: true }),
    7: S('sessionAffinity'),
    8: S('loadBalancerIP'),
    9: S('loadBalancerSourceRanges', { repeated: true }),
    10: S('externalName'),
    11: S('externalTrafficPolicy'),
    12: I('healthCheckNodePort'),
    13: B('publishNotReadyAddresses'),
    14: M('sessionAffinityConfig', 'SessionAffinityConfig', { ptr: true }),
    17: S('ipFamilyPolicy', { ptr: true }),
    18: S('clusterIPs', { repeated: true }),
    19: S('ipFamilies', { repeated: true }),
    20: B('allocateLoadBalancerNodePorts', { ptr: true }),
    21: S('loadBalancerClass', { ptr: true }),
    22: S('internalTrafficPolicy', { ptr: true }),
    23: S('trafficDistribution', { ptr: true }),
  },
  ServicePort: {
    1: S('name'),
    2: S('protocol'),
    3: I('port', { ptr: true }),
    4: { name: 'targetPort', kind: 'intOrString' },
    5: I('nodePort'),
    6: S('appProtocol', { ptr: true }),
  },
  SessionAffinityConfig: { 1: M('clientIP', 'ClientIPConfig', { ptr: true }) },
  ClientIPConfig: { 1: I('timeoutSeconds', { ptr: true }) },
  ServiceStatus: { 1: M('loadBalancer', 'LoadBalancerStatus') },
  LoadBalancerStatus: {},
};

/** The kinds whose protobuf this server decodes, with their top message. */
const KINDS: Readonly<Record<string, string>> = {
  Namespace: 'Namespace',
  ConfigMap: 'ConfigMap',
  Service: 'Service',
};

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

function unsupported(why: string): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `the lab API decodes ${PROTOBUF} only for ${Object.keys(KINDS).join(', ')} objects (${why}); send application/json`,
    reason: 'UnsupportedMediaType',
    code: 415,
  });
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw unsupported('truncated varint');
      const b = this.buf[this.pos++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw unsupported('varint too long');
    }
  }
  bytes(): Uint8Array {
    const n = Number(this.varint());
    if (this.pos + n > this.buf.length) throw unsupported('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 2) this.bytes();
    else if (wire === 1) this.pos += 8;
    else if (wire === 5) this.pos += 4;
    else throw unsupported(`wire type ${wire}`);
  }
}

function toInt(v: bigint): number {
  // int32/int64 are two's complement in a 64-bit varint.
  return Number(BigInt.asIntN(64, v));
}

const decoder = new TextDecoder();

/** Decodes the raw fields of one message into `{ number: [(wire, value)] }`. */
function fieldsOf(buf: Uint8Array): Map<number, { wire: number; value: bigint | Uint8Array }[]> {
  const r = new Reader(buf);
  const out = new Map<number, { wire: number; value: bigint | Uint8Array }[]>();
  while (!r.done()) {
    const tag = Number(r.varint());
    const number = tag >>> 3;
    const wire = tag & 7;
    let value: bigint | Uint8Array;
    if (wire === 0) value = r.varint();
    else if (wire === 2) value = r.bytes();
    else {
      r.skip(wire);
      continue;
    }
    const list = out.get(number) ?? [];
    list.push({ wire, value });
    out.set(number, list);
  }
  return out;
}

function mapEntry(buf: Uint8Array, bytes: boolean): [string, string] {
  const f = fieldsOf(buf);
  const key = f.get(1)?.[0]?.value;
  const value = f.get(2)?.[0]?.value;
  const k = key instanceof Uint8Array ? decoder.decode(key) : '';
  const v =
    value instanceof Uint8Array
      ? bytes
        ? Buffer.from(value).toString('base64')
        : decoder.decode(value)
      : '';
  return [k, v];
}

function decodeMessage(buf: Uint8Array, message: string): Record<string, unknown> {
  const schema = MESSAGES[message];
  if (!schema) throw unsupported(`message ${message}`);
  const out: Record<string, unknown> = {};
  for (const [number, values] of fieldsOf(buf)) {
    const field = schema[number];
    if (!field) throw unsupported(`field ${number} of ${message}`);
    const decoded = values.map(({ value }) => decodeValue(field, value));
    if (field.kind === 'map-string' || field.kind === 'map-bytes') {
      const map = Object.fromEntries(decoded as [string, string][]);
      if (Object.keys(map).length > 0) out[field.name] = map;
      continue;
    }
    if (field.repeated) {
      if (decoded.length > 0) out[field.name] = decoded;
      continue;
    }
    const v = decoded[decoded.length - 1];
    const zero = v === '' || v === 0 || v === false || v === undefined;
    if (!zero || field.ptr || field.kind === 'message') out[field.name] = v;
  }
  return out;
}

function decodeValue(field: Field, value: bigint | Uint8Array): unknown {
  switch (field.kind) {
    case 'string':
      return value instanceof Uint8Array ? decoder.decode(value) : '';
    case 'bytes':
      return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : '';
    case 'int':
      return typeof value === 'bigint' ? toInt(value) : 0;
    case 'bool':
      return typeof value === 'bigint' ? value !== 0n : false;
    case 'map-string':
    case 'map-bytes':
      return mapEntry(value as Uint8Array, field.kind === 'map-bytes');
    case 'time': {
      const f = fieldsOf(value as Uint8Array);
      const seconds = f.get(1)?.[0]?.value;
      const s = typeof seconds === 'bigint' ? toInt(seconds) : 0;
      return s === 0 ? undefined : new Date(s * 1000).toISOString().replace('.000Z', 'Z');
    }
    case 'intOrString': {
      const f = fieldsOf(value as Uint8Array);
      const type = f.get(1)?.[0]?.value;
      if (typeof type === 'bigint' && type === 1n) {
        const s = f.get(3)?.[0]?.value;
        return s instanceof Uint8Array ? decoder.decode(s) : '';
      }
      const n = f.get(2)?.[0]?.value;
      return typeof n === 'bigint' ? toInt(n) : 0;
    }
    case 'message':
      return decodeMessage(value as Uint8Array, field.message as string);
  }
}

/** Decodes a protobuf request body into the object's JSON form (with apiVersion and kind). */
export function decodeProtobufBody(body: Uint8Array): Record<string, unknown> {
  if (body.length < 4 || body[0] !== 0x6b || body[1] !== 0x38 || body[2] !== 0x73 || body[3] !== 0)
    throw unsupported('the body does not start with the k8s protobuf prefix');
  const unknown = fieldsOf(body.subarray(4));
  const typeMeta = unknown.get(1)?.[0]?.value;
  const raw = unknown.get(2)?.[0]?.value;
  if (!(typeMeta instanceof Uint8Array) || !(raw instanceof Uint8Array))
    throw unsupported('no typeMeta or raw');
  const tm = fieldsOf(typeMeta);
  const apiVersion = tm.get(1)?.[0]?.value;
  const kind = tm.get(2)?.[0]?.value;
  const kindText = kind instanceof Uint8Array ? decoder.decode(kind) : '';
  const message = KINDS[kindText];
  if (!message) throw unsupported(`kind "${kindText}"`);
  const encoding = unknown.get(3)?.[0]?.value;
  if (encoding instanceof Uint8Array && encoding.length > 0) throw unsupported('a content encoding');
  return {
    apiVersion: apiVersion instanceof Uint8Array ? decoder.decode(apiVersion) : 'v1',
    kind: kindText,
    ...decodeMessage(raw, message),
  };
}
