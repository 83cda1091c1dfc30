/**
 * Validation of incoming objects as the API server's ValidateXxx functions do it, reporting field errors.
 *
 * Two layers:
 * 1. podnet's own manifest decoders (spec/manifests/decode*.ts, which follow
 *    pkg/apis/core/validation/validation.go and pkg/apis/networking/validation/validation.go) run on every
 *    Namespace, Pod, Service, NetworkPolicy and Node; their failures are re-typed as apimachinery's field
 *    errors (Required, Invalid, NotSupported, Duplicate, Forbidden) at the same field path;
 * 2. the rules of those validation.go files that podnet's reader does not need (container image required,
 *    restartPolicy/dnsPolicy/imagePullPolicy enums, probe handlers, volume mounts naming a volume, Service
 *    type, duplicate Service ports, ConfigMap keys, EndpointSlice address types), and update rules
 *    (ValidateObjectMetaUpdate: immutable name, namespace, uid, creationTimestamp; ValidatePodUpdate: pod
 *    spec immutable but for images, activeDeadlineSeconds and added tolerations; ValidateService: ClusterIP
 *    immutable once set).
 */
import type { PodnetInputError } from '../../spec/errors.ts';
import { decodeLabels } from '../../spec/manifests/decodeMetadata.ts';
import { decodeNamespace } from '../../spec/manifests/decodeNamespace.ts';
import { decodeNetworkPolicy } from '../../spec/manifests/decodeNetworkPolicy.ts';
import { decodeNode } from '../../spec/manifests/decodeNode.ts';
import { decodePod } from '../../spec/manifests/decodePod.ts';
import { Decoder } from '../../spec/manifests/decoder.ts';
import { decodeService } from '../../spec/manifests/decodeService.ts';
import type { FieldPath, ManifestObject } from '../../spec/manifests/manifestObject.ts';
import {
  dns1035LabelProblems,
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  portNameProblems,
  portNumberProblems,
  qualifiedNameProblems,
} from '../../spec/manifests/names.ts';
import {
  duplicate,
  type FieldError,
  forbiddenField,
  invalidValue,
  notSupported,
  pathText,
  required,
} from './fieldErrors.ts';
import type { ResourceInfo } from './resources.ts';
import type { ApiObject } from './store.ts';

interface Failure {
  readonly path: FieldPath;
  readonly code: string;
  readonly problem: string;
}

/** A Decoder that also keeps each failure's path and code, so it can be re-typed as a field error. */
class RecordingDecoder extends Decoder {
  readonly failures: Failure[] = [];
  override fail(path: FieldPath, code: string, problem: string, hint?: string): void {
    this.failures.push({ path, code, problem });
    super.fail(path, code, problem, hint);
  }
}

const VALID_VALUES: Readonly<Record<string, readonly string[]>> = {
  protocol: ['SCTP', 'TCP', 'UDP'],
  policyTypes: ['Egress', 'Ingress'],
  sessionAffinity: ['ClientIP', 'None'],
};

function valueAt(o: unknown, path: FieldPath): unknown {
  let node = o;
  for (const p of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[p];
  }
  return node;
}

/** Strips podnet's wording of the bad value (`invalid name "X": `, `"X" is not …`, `70000 `) from a problem. */
function detailOf(problem: string, value: unknown): string {
  let d = problem.replace(/^invalid [a-z ]+ "[^"]*": /, '');
  const shown = typeof value === 'string' ? `"${value}"` : value !== undefined ? String(value) : undefined;
  if (shown !== undefined && d.startsWith(`${shown} `)) d = d.slice(shown.length + 1);
  return d;
}

function fieldErrorOf(f: Failure, raw: unknown): FieldError | undefined {
  const last = f.path[f.path.length - 1];
  const value = valueAt(raw, f.path);
  const field = pathText(f.path);
  switch (f.code) {
    case 'PODNET_FIELD_TYPE':
    case 'PODNET_UNKNOWN_FIELD':
      return undefined; // decoding reported these already (schema.ts)
    case 'PODNET_FIELD_REQUIRED':
      return required(field);
    case 'PODNET_DUPLICATE_NAME':
      return duplicate(field, value);
    case 'PODNET_DUPLICATE_OBJECT':
      return undefined;
    case 'PODNET_INVALID_LABEL': {
      // In a selector's matchExpressions the error sits at `key` or `values[i]`; in a label map,
      // ValidateLabels reports it at the map's own path with the key or the value as the bad value.
      const inMap = last !== 'key' && typeof last === 'string';
      if (!inMap) return invalidValue(field, value, detailOf(f.problem, value));
      const bad = /^invalid label key/.test(f.problem) ? last : value;
      return invalidValue(pathText(f.path.slice(0, -1)), bad, detailOf(f.problem, bad));
    }
  }
  if (/^unsupported (value|protocol)/.test(f.problem)) {
    const name = [...f.path].reverse().find((p) => typeof p === 'string') as string;
    return notSupported(field, value, VALID_VALUES[name] ?? []);
  }
  if (/may not (be specified|specify both)/.test(f.problem)) return forbiddenField(field, f.problem);
  if (/^must (be specified|specify)/.test(f.problem)) return required(field, f.problem);
  return invalidValue(field, value, detailOf(f.problem, value));
}

function manifestOf(resource: ResourceInfo, o: ApiObject): ManifestObject {
  return {
    apiVersion: resource.group === '' ? resource.version : `${resource.group}/${resource.version}`,
    kind: resource.kind,
    value: o,
    file: 'request',
    lineOf: () => undefined,
  };
}

/** Runs podnet's decoder for the kind (if it has one) and returns its failures as field errors. */
function decoderErrors(resource: ResourceInfo, o: ApiObject): FieldError[] {
  const d = new RecordingDecoder(manifestOf(resource, o), [] as PodnetInputError[]);
  switch (resource.kind) {
    case 'Namespace':
      decodeNamespace(d);
      break;
    case 'Pod':
      decodePod(d);
      break;
    case 'Service':
      decodeService(d);
      break;
    case 'NetworkPolicy':
      decodeNetworkPolicy(d);
      break;
    case 'Node':
      decodeNode(d);
      break;
    default: {
      const name = o.metadata.name;
      for (const p of dns1123SubdomainProblems(name))
        d.fail(['metadata', 'name'], 'PODNET_INVALID_NAME', `invalid name "${name}": ${p}`);
      decodeLabels(d, ['metadata', 'labels']);
    }
  }
  return d.failures.flatMap((f) => fieldErrorOf(f, o) ?? []);
}

type Obj = Record<string, unknown>;

function objects(v: unknown): Obj[] {
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Obj[]) : [];
}

function metadataErrors(o: ApiObject): FieldError[] {
  const errors: FieldError[] = [];
  const annotations = (o.metadata.annotations ?? {}) as Record<string, unknown>;
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const p of qualifiedNameProblems(k)) errors.push(invalidValue('metadata.annotations', k, p));
    size += k.length + String(v).length;
  }
  // ValidateAnnotationsSize: 256 KiB.
  if (size > 256 * 1024)
    errors.push({
      type: 'FieldValueTooLong',
      field: 'metadata.annotations',
      detail: 'must have at most 262144 bytes',
    });
  return errors;
}

function probeErrors(probe: unknown, path: string): FieldError[] {
  if (probe === undefined) return [];
  const p = probe as Obj;
  const errors: FieldError[] = [];
  const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => p[h] !== undefined);
  if (handlers.length === 0) errors.push(required(path, 'must specify a handler type'));
  else if (handlers.length > 1)
    errors.push(forbiddenField(`${path}.${handlers[1]}`, 'may not specify more than 1 handler type'));
  for (const f of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ]) {
    const v = p[f];
    if (typeof v === 'number' && v < 0)
      errors.push(invalidValue(`${path}.${f}`, v, 'must be greater than or equal to 0'));
  }
  for (const h of ['httpGet', 'tcpSocket']) {
    const port = (p[h] as Obj | undefined)?.port;
    if (p[h] === undefined) continue;
    if (port === undefined) errors.push(required(`${path}.${h}.port`));
    else if (typeof port === 'number')
      for (const m of portNumberProblems(port)) errors.push(invalidValue(`${path}.${h}.port`, port, m));
    else if (typeof port === 'string')
      for (const m of portNameProblems(port)) errors.push(invalidValue(`${path}.${h}.port`, port, m));
  }
  const exec = p.exec as Obj | undefined;
  if (exec !== undefined && (!Array.isArray(exec.command) || exec.command.length === 0))
    errors.push(required(`${path}.exec.command`));
  return errors;
}

/**
 * Environment variable names (validateEnv with RelaxedEnvironmentVariableValidation, on by default since
 * 1.32: any printable ASCII but `=`).
 */
function envErrors(env: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  objects(env).forEach((e, i) => {
    const name = e.name;
    if (typeof name !== 'string' || name === '') errors.push(required(`${path}[${i}].name`));
    else if (!/^[\x20-\x3c\x3e-\x7e]+$/.test(name))
      errors.push(
        invalidValue(
          `${path}[${i}].name`,
          name,
          "a valid environment variable name must consist only of printable ASCII characters other than '='",
        ),
      );
  });
  return errors;
}

/** resource.Quantity's syntax (apimachinery pkg/api/resource/quantity.go ParseQuantity). */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;

/** The value of a quantity in base units, for comparing a request with its limit. */
function quantityValue(q: string): number {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(.*)$/.exec(q);
  if (!m) return Number.NaN;
  const suffix: Record<string, number> = {
    '': 1,
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
  };
  const s = m[2] as string;
  const factor = /^[eE]/.test(s) ? 10 ** Number(s.slice(1)) : suffix[s];
  return factor === undefined ? Number.NaN : Number(m[1]) * factor;
}

/** Requests and limits (ValidateResourceRequirements): quantities, non-negative, request ≤ limit. */
function resourceErrors(resources: unknown, path: string): FieldError[] {
  if (typeof resources !== 'object' || resources === null) return [];
  const r = resources as Obj;
  const errors: FieldError[] = [];
  for (const kind of ['limits', 'requests'] as const) {
    for (const [name, q] of Object.entries((r[kind] ?? {}) as Record<string, unknown>)) {
      const text = String(q);
      if (!QUANTITY.test(text))
        errors.push(
          invalidValue(
            `${path}.${kind}[${name}]`,
            text,
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
          ),
        );
      else if (quantityValue(text) < 0)
        errors.push(invalidValue(`${path}.${kind}[${name}]`, text, 'must be greater than or equal to 0'));
    }
  }
  const limits = (r.limits ?? {}) as Record<string, unknown>;
  for (const [name, q] of Object.entries((r.requests ?? {}) as Record<string, unknown>)) {
    const limit = limits[name];
    if (limit === undefined || !QUANTITY.test(String(q)) || !QUANTITY.test(String(limit))) continue;
    if (quantityValue(String(q)) > quantityValue(String(limit)))
      errors.push(
        invalidValue(
          `${path}.requests`,
          String(q),
          `must be less than or equal to ${name} limit of ${String(limit)}`,
        ),
      );
  }
  return errors;
}

function podErrors(o: ApiObject): FieldError[] {
  const spec = (o.spec ?? {}) as Obj;
  const errors: FieldError[] = [];
  const volumes = new Set<string>();
  objects(spec.volumes).forEach((v, i) => {
    const name = v.name;
    if (typeof name !== 'string' || name === '') errors.push(required(`spec.volumes[${i}].name`));
    else {
      for (const p of dns1123LabelProblems(name))
        errors.push(invalidValue(`spec.volumes[${i}].name`, name, p));
      if (volumes.has(name)) errors.push(duplicate(`spec.volumes[${i}].name`, name));
      volumes.add(name);
    }
    const sources = Object.keys(v).filter((k) => k !== 'name');
    if (sources.length === 0) errors.push(required(`spec.volumes[${i}]`, 'must specify a volume type'));
    else if (sources.length > 1)
      errors.push(
        forbiddenField(`spec.volumes[${i}].${sources[1]}`, 'may not specify more than 1 volume type'),
      );
    const hostPath = v.hostPath as Obj | undefined;
    if (hostPath && (typeof hostPath.path !== 'string' || hostPath.path === ''))
      errors.push(required(`spec.volumes[${i}].hostPath.path`));
  });
  const enums: [string, readonly string[]][] = [
    ['restartPolicy', ['Always', 'OnFailure', 'Never']],
    ['dnsPolicy', ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']],
  ];
  for (const [f, values] of enums) {
    if (spec[f] !== undefined && !values.includes(spec[f] as string))
      errors.push(notSupported(`spec.${f}`, spec[f], values));
  }
  const grace = spec.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && grace < 0)
    errors.push(
      invalidValue('spec.terminationGracePeriodSeconds', grace, 'must be greater than or equal to 0'),
    );
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '')
    for (const p of dns1123SubdomainProblems(spec.nodeName))
      errors.push(invalidValue('spec.nodeName', spec.nodeName, p));
  for (const list of ['initContainers', 'containers'] as const) {
    objects(spec[list]).forEach((c, i) => {
      const path = `spec.${list}[${i}]`;
      if (typeof c.image !== 'string' || c.image.trim() === '') errors.push(required(`${path}.image`));
      errors.push(...envErrors(c.env, `${path}.env`), ...resourceErrors(c.resources, `${path}.resources`));
      const pull = c.imagePullPolicy;
      if (pull !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(pull as string))
        errors.push(notSupported(`${path}.imagePullPolicy`, pull, ['Always', 'IfNotPresent', 'Never']));
      objects(c.ports).forEach((p, j) => {
        if (p.hostPort !== undefined && typeof p.hostPort === 'number' && p.hostPort !== 0)
          for (const m of portNumberProblems(p.hostPort))
            errors.push(invalidValue(`${path}.ports[${j}].hostPort`, p.hostPort, m));
        // validateContainerPorts with hostNetwork: hostPort must equal containerPort.
        if (spec.hostNetwork === true && p.hostPort !== undefined && p.hostPort !== p.containerPort)
          errors.push(
            invalidValue(
              `${path}.ports[${j}].hostPort`,
              p.hostPort,
              'must match `containerPort` when `hostNetwork` is true',
            ),
          );
      });
      objects(c.volumeMounts).forEach((m, j) => {
        if (typeof m.name !== 'string' || m.name === '')
          errors.push(required(`${path}.volumeMounts[${j}].name`));
        else if (!volumes.has(m.name))
          errors.push({
            type: 'FieldValueNotFound',
            field: `${path}.volumeMounts[${j}].name`,
            badValue: m.name,
          });
        if (typeof m.mountPath !== 'string' || m.mountPath === '')
          errors.push(required(`${path}.volumeMounts[${j}].mountPath`));
      });
      if (list === 'containers') {
        errors.push(...probeErrors(c.readinessProbe, `${path}.readinessProbe`));
        errors.push(...probeErrors(c.livenessProbe, `${path}.livenessProbe`));
        errors.push(...probeErrors(c.startupProbe, `${path}.startupProbe`));
        const rp = c.readinessProbe as Obj | undefined;
        if (rp && typeof rp.successThreshold === 'number' && rp.successThreshold < 1)
          errors.push(
            invalidValue(
              `${path}.readinessProbe.successThreshold`,
              rp.successThreshold,
              'must be greater than or equal to 1',
            ),
          );
      }
    });
  }
  return errors;
}

function serviceErrors(o: ApiObject): FieldError[] {
  const spec = (o.spec ?? {}) as Obj;
  const errors: FieldError[] = [];
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (spec.type !== undefined && !types.includes(spec.type as string))
    errors.push(notSupported('spec.type', spec.type, types));
  const seen = new Set<string>();
  objects(spec.ports).forEach((p, i) => {
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (seen.has(key))
      errors.push(duplicate(`spec.ports[${i}]`, { port: p.port, protocol: p.protocol ?? 'TCP' }));
    seen.add(key);
  });
  return errors;
}

function configMapErrors(o: ApiObject): FieldError[] {
  const errors: FieldError[] = [];
  let size = 0;
  const keys = new Set<string>();
  for (const field of ['data', 'binaryData']) {
    const m = (o[field] ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(m)) {
      // IsConfigMapKey.
      if (k.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(k))
        errors.push(
          invalidValue(
            field,
            k,
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
          ),
        );
      if (keys.has(k)) errors.push(duplicate(field, k));
      keys.add(k);
      size += String(v).length;
    }
  }
  if (size > 1024 * 1024)
    errors.push({ type: 'FieldValueTooLong', field: '', detail: 'must have at most 1048576 bytes' });
  return errors;
}

function endpointSliceErrors(o: ApiObject): FieldError[] {
  const errors: FieldError[] = [];
  const types = ['FQDN', 'IPv4', 'IPv6'];
  if (o.addressType === undefined) errors.push(required('addressType'));
  else if (!types.includes(o.addressType as string))
    errors.push(notSupported('addressType', o.addressType, types));
  objects(o.endpoints).forEach((e, i) => {
    const addresses = Array.isArray(e.addresses) ? e.addresses : [];
    if (addresses.length === 0)
      errors.push(required(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
    else if (addresses.length > 100)
      errors.push({
        type: 'FieldValueTooMany',
        field: `endpoints[${i}].addresses`,
        badValue: addresses.length,
        detail: 'must have at most 100 items',
      });
  });
  return errors;
}

function nameErrors(resource: ResourceInfo, o: ApiObject): FieldError[] {
  // Kinds without a podnet decoder still need their name rule.
  if (['Namespace', 'Pod', 'Service', 'NetworkPolicy', 'Node'].includes(resource.kind)) return [];
  const name = o.metadata.name;
  if (typeof name !== 'string' || name === '')
    return [required('metadata.name', 'name or generateName is required')];
  return [];
}

/** Everything wrong with a new object, as the API server would list it (empty when valid). */
export function validateCreate(resource: ResourceInfo, o: ApiObject): FieldError[] {
  const errors = [...nameErrors(resource, o), ...decoderErrors(resource, o), ...metadataErrors(o)];
  switch (resource.kind) {
    case 'Pod':
      errors.push(...podErrors(o));
      break;
    case 'Service':
      errors.push(...serviceErrors(o));
      break;
    case 'ConfigMap':
      errors.push(...configMapErrors(o));
      break;
    case 'EndpointSlice':
      errors.push(...endpointSliceErrors(o));
      break;
  }
  return errors;
}

function immutable(field: string, value: unknown): FieldError {
  return invalidValue(field, value, 'field is immutable');
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The pod spec with the fields ValidatePodUpdate lets change reset to the old ones. */
function mutablePodSpec(newSpec: Obj, oldSpec: Obj): Obj {
  const out = structuredClone(newSpec);
  for (const list of ['containers', 'initContainers'] as const) {
    const oldList = objects(oldSpec[list]);
    objects(out[list]).forEach((c, i) => {
      const old = oldList[i];
      if (old) c.image = old.image;
    });
  }
  out.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  const oldTolerations = objects(oldSpec.tolerations);
  const newTolerations = objects(out.tolerations);
  if (oldTolerations.every((t) => newTolerations.some((n) => same(n, t))))
    out.tolerations = oldSpec.tolerations;
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/** Everything wrong with an update of `old` to `next` (both whole objects; validateCreate runs too). */
export function validateUpdate(resource: ResourceInfo, next: ApiObject, old: ApiObject): FieldError[] {
  const errors = validateCreate(resource, next);
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp'] as const) {
    if (next.metadata[f] !== undefined && !same(next.metadata[f], old.metadata[f]))
      errors.push(immutable(`metadata.${f}`, next.metadata[f]));
  }
  if (resource.kind === 'Pod') {
    const newSpec = (next.spec ?? {}) as Obj;
    const oldSpec = (old.spec ?? {}) as Obj;
    if (!same(mutablePodSpec(newSpec, oldSpec), oldSpec)) {
      errors.push(
        forbiddenField(
          'spec',
          'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
        ),
      );
    }
  }
  if (resource.kind === 'Service') {
    const ip = (next.spec as Obj | undefined)?.clusterIP;
    const oldIP = (old.spec as Obj | undefined)?.clusterIP;
    if (ip !== undefined && ip !== '' && ip !== oldIP) errors.push(immutable('spec.clusterIPs[0]', ip));
  }
  return errors;
}

/** Name rule of a kind, for `generateName` results and path names. */
export function nameProblems(kind: string, name: string): string[] {
  if (kind === 'Namespace') return dns1123LabelProblems(name);
  if (kind === 'Service') return dns1035LabelProblems(name);
  return dns1123SubdomainProblems(name);
}
