/**
 * The REST storage behind every resource, as staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go
 * and the handlers in staging/src/k8s.io/apiserver/pkg/endpoints/handlers/ run it:
 * - create (create.go, rest/create.go BeforeCreate): decode (schema.ts), namespace from the URL, name or
 *   generateName, namespace lifecycle admission (plugin/pkg/admission/namespace/lifecycle: 404 for a missing
 *   namespace, 403 NamespaceTerminating while it is being deleted), defaults, validation (422), then 409
 *   AlreadyExists, Service ClusterIP allocation (pkg/registry/core/service/ipallocator), dryRun;
 * - update and patch (update.go, patch.go, rest/update.go BeforeUpdate): system fields kept, status kept on
 *   the main resource and only status taken on /status (each kind's PrepareForUpdate), generation bumped on
 *   spec changes, resourceVersion precondition (409 Conflict "the object has been modified"), validation;
 * - delete (delete.go, rest/delete.go BeforeDelete, store.go Delete): preconditions (uid, resourceVersion:
 *   409), graceful deletion of pods (pkg/registry/core/pod/strategy.go CheckGracefulDelete: the grace period
 *   from the request, else the pod's terminationGracePeriodSeconds; 0 for unscheduled or finished pods;
 *   deletionTimestamp = now + grace), finalizers (an object with finalizers stays with a deletionTimestamp
 *   until they are gone; namespaces carry `kubernetes` in spec.finalizers), propagationPolicy (Foreground
 *   adds the `foregroundDeletion` finalizer, Orphan the `orphan` one; the garbage collector in
 *   controllers.ts acts on them), immortal namespaces (403).
 */
import { randomInt } from 'node:crypto';
import { familyName, serviceFamiliesOn } from '../../spec/ipFamily.ts';
import { type IPFamilyPolicy, NAMESPACE_NAME_LABEL, type ServiceIPFamily } from '../../spec/model.ts';
import { cidrContains, cidrSize, hostOf, parseCidr, parseIPv4 } from '../lab/ipv4.ts';
import { SERVICE_CIDR } from '../lab/labTarget.ts';
import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  forbidden,
  invalid,
  notFound,
  successStatus,
} from './apiErrors.ts';
import { apiTime, applyDefaults, GENERATION_KINDS, generatedName, stampCreate } from './defaulting.ts';
import { type FieldError, invalidValue, notSupported, required } from './fieldErrors.ts';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  type Json,
  type PatchType,
} from './patch.ts';
import { apiVersionOf, groupResourceText, type ResourceInfo, resourceOfKind } from './resources.ts';
import { decodeAs } from './schema.ts';
import {
  checkFieldLabels,
  fieldsMatch,
  labelsMatch,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors.ts';
import type { ApiObject, ObjectStore } from './store.ts';
import { nameProblems, validateCreate, validateUpdate } from './validation.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  readonly dryRun?: boolean;
  /** Unknown fields: Strict fails the request (400), Warn (the default) warns, Ignore drops them silently. */
  readonly fieldValidation?: FieldValidation;
}

export interface WriteResult {
  readonly object: ApiObject;
  readonly warnings: readonly string[];
}

export interface DeleteOptions {
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: string;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly dryRun?: boolean;
}

export interface DeleteResult {
  readonly code: number;
  readonly body: unknown;
}

export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
}

export interface ListResult {
  readonly items: ApiObject[];
  readonly resourceVersion: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

/** Namespaces the API server never lets anyone delete (pkg/registry/core/namespace: immortal namespaces). */
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

/** Kinds whose storage returns the deleted object rather than a Status (genericregistry.Store ReturnDeletedObject). */
const RETURNS_DELETED_OBJECT = new Set(['Pod', 'Service', 'Namespace']);

/** Kinds with a status subresource: the main resource never changes status, /status changes only status. */
const STATUS_KINDS = new Set(['Pod', 'Service', 'Namespace', 'Node']);

type Obj = Record<string, unknown>;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function resourceKey(r: ResourceInfo): string {
  return groupResourceText(r);
}

/** Field values a field selector can read (pkg/registry/core/pod/strategy.go ToSelectableFields, …). */
export function selectableField(o: ApiObject, field: string): string | undefined {
  const meta = o.metadata;
  const spec = (o.spec ?? {}) as Obj;
  const status = (o.status ?? {}) as Obj;
  switch (field) {
    case 'metadata.name':
      return meta.name;
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'spec.nodeName':
      return (spec.nodeName as string | undefined) ?? '';
    case 'spec.restartPolicy':
      return (spec.restartPolicy as string | undefined) ?? '';
    case 'spec.schedulerName':
      return (spec.schedulerName as string | undefined) ?? '';
    case 'spec.serviceAccountName':
      return (spec.serviceAccountName as string | undefined) ?? '';
    case 'spec.hostNetwork':
      return String(spec.hostNetwork === true);
    case 'status.phase':
      return (status.phase as string | undefined) ?? '';
    case 'status.podIP':
      return (status.podIP as string | undefined) ?? '';
    case 'status.podIPs':
      return (
        ((Array.isArray(status.podIPs) ? (status.podIPs as Obj[])[0]?.ip : undefined) as
          | string
          | undefined) ?? ''
      );
    case 'status.nominatedNodeName':
      return (status.nominatedNodeName as string | undefined) ?? '';
    case 'spec.clusterIP':
      return (spec.clusterIP as string | undefined) ?? '';
    case 'spec.type':
      return (spec.type as string | undefined) ?? '';
    case 'spec.unschedulable':
      return String(spec.unschedulable === true);
  }
  return undefined;
}

/** Everything that changes the store goes through here; controllers use `mutate` for their own writes. */
export class Registry {
  constructor(readonly store: ObjectStore) {}

  private key(r: ResourceInfo): string {
    return resourceKey(r);
  }

  get(r: ResourceInfo, namespace: string | undefined, name: string): ApiObject {
    const o = this.store.get(this.key(r), r.namespaced ? namespace : undefined, name);
    if (!o) throw notFound(r, name);
    return o;
  }

  find(r: ResourceInfo, namespace: string | undefined, name: string): ApiObject | undefined {
    return this.store.get(this.key(r), r.namespaced ? namespace : undefined, name);
  }

  /**
   * Filtered, paged list. `limit`/`continue` page as the API server's chunked lists do (API conventions,
   * "List chunking" in api-concepts.md): every page is read at the first page's revision, the continue token
   * is storage/continue.go's (`{"v":"meta.k8s.io/v1","rv":N,"start":"<key after the last>"}`, base64url),
   * `remainingItemCount` is set only without selectors, and a token older than the store's history is 410
   * Expired with a token to finish the list at the current revision (etcd3/errors.go).
   */
  list(r: ResourceInfo, namespace: string | undefined, options: ListOptions = {}): ListResult {
    const labels = parseLabelSelector(options.labelSelector ?? '');
    const fields = parseFieldSelector(options.fieldSelector ?? '');
    checkFieldLabels(fields, r.fieldLabels);
    const now = this.store.currentRevision();
    const token = options.continue ? decodeContinue(options.continue) : undefined;
    const revision = token === undefined || token.rv === -1 ? now : token.rv;
    const listed = this.store.listAt(this.key(r), r.namespaced ? namespace : undefined, revision);
    if (listed === 'expired') throw expired(INCONSISTENT_CONTINUE, encodeContinue(token?.start ?? '', -1));
    const start = token?.start ?? '';
    const items = listed
      .filter((o) => keyOf(o) >= start)
      .filter((o) => labelsMatch(labels, (o.metadata.labels ?? {}) as Record<string, string>))
      .filter((o) => fieldsMatch(fields, (f) => selectableField(o, f)));
    const rv = String(revision);
    if (options.limit !== undefined && options.limit > 0 && items.length > options.limit) {
      const page = items.slice(0, options.limit);
      const selected = options.labelSelector || options.fieldSelector;
      return {
        items: page,
        resourceVersion: rv,
        continue: encodeContinue(`${keyOf(page[page.length - 1] as ApiObject)}\u0000`, revision),
        ...(selected ? {} : { remainingItemCount: items.length - page.length }),
      };
    }
    return { items, resourceVersion: rv };
  }

  /** Decodes a request body as the kind: unknown fields and type errors per fieldValidation. */
  decode(
    r: ResourceInfo,
    raw: unknown,
    fieldValidation: FieldValidation,
  ): { object: ApiObject; warnings: string[] } {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw badRequest(
        `${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: json: cannot unmarshal ${Array.isArray(raw) ? 'array' : typeof raw} into Go value of type struct`,
      );
    const body = raw as Obj;
    if (body.apiVersion !== undefined && body.apiVersion !== apiVersionOf(r))
      throw badRequest(
        `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersionOf(r)})`,
      );
    if (body.kind !== undefined && body.kind !== r.kind)
      throw badRequest(
        `the kind in the data (${String(body.kind)}) does not match the expected kind (${r.kind})`,
      );
    const { value, problems } = decodeAs(body, r.model);
    if (problems.typeErrors.length > 0)
      throw badRequest(
        `${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: ${problems.typeErrors[0]}`,
      );
    const warnings: string[] = [];
    if (problems.unknownFields.length > 0) {
      const texts = problems.unknownFields.map((f) => `unknown field "${f}"`);
      if (fieldValidation === 'Strict') throw badRequest(`strict decoding error: ${texts.join(', ')}`);
      if (fieldValidation === 'Warn') warnings.push(...texts);
    }
    const object = value as ApiObject;
    object.apiVersion = apiVersionOf(r);
    object.kind = r.kind;
    if (typeof object.metadata !== 'object' || object.metadata === null) object.metadata = { name: '' };
    if (object.metadata.name === undefined) object.metadata.name = '';
    return { object, warnings };
  }

  /** Namespace lifecycle admission for a write of a namespaced object. */
  private admitNamespace(r: ResourceInfo, namespace: string, name: string): void {
    if (!r.namespaced) return;
    const ns = this.store.get('namespaces', undefined, namespace);
    if (!ns) throw notFound(resourceOfKind('Namespace'), namespace);
    if (ns.metadata.deletionTimestamp !== undefined || ((ns.status ?? {}) as Obj).phase === 'Terminating') {
      const message = `unable to create new content in namespace ${namespace} because it is being terminated`;
      throw forbidden(r, name, message, [
        { reason: 'NamespaceTerminating', message, field: 'metadata.namespace' },
      ]);
    }
  }

  create(
    r: ResourceInfo,
    namespace: string | undefined,
    raw: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    const { object, warnings } = this.decode(r, raw, options.fieldValidation ?? 'Warn');
    const meta = object.metadata;
    if (r.namespaced) {
      const ns = namespace ?? 'default';
      if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== ns)
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      meta.namespace = ns;
    } else delete meta.namespace;
    if (
      (meta.name === '' || meta.name === undefined) &&
      typeof meta.generateName === 'string' &&
      meta.generateName !== ''
    )
      meta.name = generatedName(meta.generateName);
    if (meta.name === '')
      throw invalid(r, '', [required('metadata.name', 'name or generateName is required')]);
    this.admitNamespace(r, meta.namespace ?? '', meta.name);
    stampCreate(object, GENERATION_KINDS.has(r.kind));
    applyDefaults(r.kind, object);
    if (!STATUS_KINDS.has(r.kind) && r.kind !== 'Pod') delete (object as Obj).status;
    const errors = validateCreate(r, object);
    if (errors.length > 0) throw invalid(r, meta.name, errors);
    if (this.store.get(this.key(r), meta.namespace, meta.name)) throw alreadyExists(r, meta.name);
    if (r.kind === 'Service') this.allocateServiceAddresses(r, object);
    if (options.dryRun) return { object, warnings };
    return { object: this.store.create(this.key(r), object), warnings };
  }

  /** ClusterIP from the lab's Service range (ipallocator), and node ports for NodePort/LoadBalancer. */
  private allocateServiceAddresses(r: ResourceInfo, svc: ApiObject): void {
    const spec = (svc.spec ?? {}) as Obj;
    if (spec.type === 'ExternalName') return;
    // alloc.go initIPFamilyFields on this single-stack IPv4 cluster (a headless Service without selector is
    // its special case, left as it comes).
    const selectorless = Object.keys((spec.selector ?? {}) as Obj).length === 0;
    if (!(spec.clusterIP === 'None' && selectorless)) {
      const families = serviceFamiliesOn(
        {
          ...(typeof spec.ipFamilyPolicy === 'string'
            ? { ipFamilyPolicy: spec.ipFamilyPolicy as IPFamilyPolicy }
            : {}),
          ...(Array.isArray(spec.ipFamilies) ? { ipFamilies: spec.ipFamilies as ServiceIPFamily[] } : {}),
        },
        [4],
      );
      if ('problems' in families)
        throw invalid(
          r,
          svc.metadata.name,
          families.problems.map((p) =>
            invalidValue(`spec.${p.field}${p.index !== undefined ? `[${p.index}]` : ''}`, p.value, p.message),
          ),
        );
      spec.ipFamilies = families.families.map(familyName);
    }
    const range = parseCidr(SERVICE_CIDR);
    const size = cidrSize(range);
    const used = new Set(
      this.store
        .list('services')
        .map((s) => ((s.spec ?? {}) as Obj).clusterIP)
        .filter((ip): ip is string => typeof ip === 'string'),
    );
    const requested = spec.clusterIP as string | undefined;
    if (requested === 'None') {
      spec.clusterIPs = ['None'];
    } else if (requested !== undefined && requested !== '') {
      let n: number | undefined;
      try {
        n = parseIPv4(requested);
      } catch {
        n = undefined;
      }
      const errors: FieldError[] = [];
      if (n === undefined)
        errors.push(
          invalidValue(
            'spec.clusterIPs[0]',
            requested,
            'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
          ),
        );
      // ipallocator hands out neither the network address nor the broadcast address.
      else if (!cidrContains(range, n) || n - range.base === 0 || n - range.base === size - 1)
        errors.push(
          invalidValue(
            'spec.clusterIPs',
            [requested],
            `failed to allocate IP ${requested}: provided IP is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`,
          ),
        );
      else if (used.has(requested))
        errors.push(
          invalidValue(
            'spec.clusterIPs',
            [requested],
            `failed to allocate IP ${requested}: provided IP is already allocated`,
          ),
        );
      if (errors.length > 0) throw invalid(r, svc.metadata.name, errors);
      spec.clusterIPs = [requested];
    } else {
      // .0 is the network, .1 the `kubernetes` Service's address by convention, the last is broadcast.
      let ip: string;
      do ip = hostOf(range, 2 + randomInt(size - 3));
      while (used.has(ip));
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      const usedPorts = new Set(
        this.store
          .list('services')
          .flatMap((s) =>
            ((((s.spec ?? {}) as Obj).ports as Obj[] | undefined) ?? []).map((p) => p.nodePort),
          ),
      );
      for (const p of (spec.ports ?? []) as Obj[]) {
        if (p.nodePort !== undefined) continue;
        let port: number;
        do port = 30000 + randomInt(2768);
        while (usedPorts.has(port));
        usedPorts.add(port);
        p.nodePort = port;
      }
    }
  }

  update(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    raw: unknown,
    options: WriteOptions = {},
    subresource?: string,
  ): WriteResult {
    const { object, warnings } = this.decode(r, raw, options.fieldValidation ?? 'Warn');
    if (object.metadata.name !== '' && object.metadata.name !== name)
      throw badRequest(
        `the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`,
      );
    if (r.namespaced && object.metadata.namespace && object.metadata.namespace !== namespace)
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    const old = this.get(r, namespace, name);
    const rv = object.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion)
      throw conflict(
        r,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    return this.commitUpdate(r, old, object, options, warnings, subresource);
  }

  patch(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    options: WriteOptions = {},
    subresource?: string,
  ): WriteResult {
    const old = this.get(r, namespace, name);
    let patched: Json;
    const current = old as unknown as Json;
    if (type === 'application/json-patch+json') patched = applyJsonPatch(current, patch);
    else if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
      throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
    else if (type === 'application/merge-patch+json') patched = applyMergePatch(current, patch as Json);
    else patched = applyStrategicMergePatch(current, patch as Json, r.model);
    const { object, warnings } = this.decode(r, patched, options.fieldValidation ?? 'Warn');
    if (object.metadata.name !== name)
      throw badRequest(
        `the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`,
      );
    const rv = object.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion)
      throw conflict(
        r,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    return this.commitUpdate(r, old, object, options, warnings, subresource);
  }

  private commitUpdate(
    r: ResourceInfo,
    old: ApiObject,
    next: ApiObject,
    options: WriteOptions,
    warnings: string[],
    subresource: string | undefined,
  ): WriteResult {
    let object: ApiObject;
    if (subresource === 'status') {
      // Status strategies: everything but status comes from the stored object.
      object = { ...structuredClone(old), status: next.status };
    } else if (subresource === 'finalize') {
      const spec = { ...((old.spec ?? {}) as Obj), finalizers: ((next.spec ?? {}) as Obj).finalizers ?? [] };
      object = { ...structuredClone(old), spec };
    } else {
      object = next;
      if (STATUS_KINDS.has(r.kind)) {
        if (old.status !== undefined) object.status = structuredClone(old.status);
        else delete (object as Obj).status;
      }
      if (r.kind === 'Namespace') object.spec = structuredClone(old.spec);
    }
    const meta = object.metadata;
    const oldMeta = old.metadata;
    // System fields (rest.FillObjectMetaSystemFields / BeforeUpdate): kept from the stored object.
    for (const f of [
      'uid',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
    ] as const) {
      if (oldMeta[f] !== undefined) meta[f] = oldMeta[f];
      else delete meta[f];
    }
    meta.name = oldMeta.name;
    if (r.namespaced && oldMeta.namespace !== undefined) meta.namespace = oldMeta.namespace;
    if (oldMeta.resourceVersion !== undefined) meta.resourceVersion = oldMeta.resourceVersion;
    if (r.kind === 'Namespace') {
      meta.labels = { ...((meta.labels ?? {}) as Record<string, string>), [NAMESPACE_NAME_LABEL]: meta.name };
    }
    if (subresource === undefined) {
      const beforeDefaults = structuredClone(object);
      applyDefaults(r.kind, object);
      // Defaulting a Pod resets its status (PrepareForCreate semantics); an update keeps the stored one.
      if (STATUS_KINDS.has(r.kind)) object.status = beforeDefaults.status;
      if (r.kind === 'Namespace') object.spec = beforeDefaults.spec;
      if (!STATUS_KINDS.has(r.kind)) delete (object as Obj).status;
    }
    if (GENERATION_KINDS.has(r.kind) && subresource === undefined && !same(object.spec, old.spec))
      meta.generation = Number(oldMeta.generation ?? 1) + 1;
    const errors = subresource === undefined ? validateUpdate(r, object, old) : [];
    if (errors.length > 0) throw invalid(r, meta.name, errors);
    if (options.dryRun) return { object, warnings };
    if (same(object, old)) return { object: old, warnings };
    if (
      meta.deletionTimestamp !== undefined &&
      this.finalizersOf(r, object).length === 0 &&
      r.kind !== 'Pod'
    ) {
      const gone = this.store.delete(this.key(r), meta.namespace, meta.name);
      return { object: gone ?? object, warnings };
    }
    return { object: this.store.update(this.key(r), object), warnings };
  }

  private finalizersOf(r: ResourceInfo, o: ApiObject): string[] {
    const meta = Array.isArray(o.metadata.finalizers) ? (o.metadata.finalizers as string[]) : [];
    const spec =
      r.kind === 'Namespace' && Array.isArray(((o.spec ?? {}) as Obj).finalizers)
        ? (((o.spec ?? {}) as Obj).finalizers as string[])
        : [];
    return [...meta, ...spec];
  }

  delete(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): DeleteResult {
    const policies = ['Foreground', 'Background', 'Orphan'];
    if (options.propagationPolicy !== undefined && !policies.includes(options.propagationPolicy))
      throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [
        notSupported('propagationPolicy', options.propagationPolicy, policies),
      ]);
    if (options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0)
      throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [
        invalidValue('gracePeriodSeconds', options.gracePeriodSeconds, 'must be greater than or equal to 0'),
      ]);
    const existing = this.get(r, namespace, name);
    const meta = existing.metadata;
    const pre = options.preconditions;
    if (pre?.uid !== undefined && pre.uid !== meta.uid)
      throw conflict(
        r,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(meta.uid)}`,
      );
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== meta.resourceVersion)
      throw conflict(
        r,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${String(meta.resourceVersion)}`,
      );
    if (r.kind === 'Namespace' && IMMORTAL_NAMESPACES.has(name))
      throw forbidden(r, name, 'this namespace may not be deleted');
    if (options.dryRun) return { code: 200, body: existing };
    const updated = structuredClone(existing);
    const um = updated.metadata;
    let pending = false;
    if (r.kind === 'Pod') {
      const spec = (existing.spec ?? {}) as Obj;
      const phase = ((existing.status ?? {}) as Obj).phase;
      let grace =
        options.gracePeriodSeconds ?? (spec.terminationGracePeriodSeconds as number | undefined) ?? 30;
      if (!spec.nodeName || phase === 'Failed' || phase === 'Succeeded') grace = 0;
      if (grace > 0) {
        const deadline = Date.now() + grace * 1000;
        const current = um.deletionTimestamp
          ? Date.parse(String(um.deletionTimestamp))
          : Number.POSITIVE_INFINITY;
        // A second delete may only shorten the grace period (rest/delete.go BeforeDelete).
        if (deadline < current) {
          um.deletionTimestamp = apiTime(deadline);
          um.deletionGracePeriodSeconds = grace;
        }
        pending = true;
      }
    } else if (r.kind === 'Namespace') {
      if (um.deletionTimestamp === undefined) um.deletionTimestamp = apiTime();
      um.deletionGracePeriodSeconds = 0;
      updated.status = { ...((updated.status ?? {}) as Obj), phase: 'Terminating' };
      pending = true;
    }
    const finalizers = Array.isArray(um.finalizers) ? [...(um.finalizers as string[])] : [];
    if (options.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion'))
      finalizers.push('foregroundDeletion');
    if (options.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    if (finalizers.length > 0) {
      um.finalizers = finalizers;
      if (um.deletionTimestamp === undefined) {
        um.deletionTimestamp = apiTime();
        um.deletionGracePeriodSeconds = 0;
      }
      pending = true;
    }
    if (pending) {
      const stored = same(updated, existing) ? existing : this.store.update(this.key(r), updated);
      return { code: 200, body: stored };
    }
    const gone = this.store.delete(this.key(r), meta.namespace, name) ?? existing;
    return {
      code: 200,
      body: RETURNS_DELETED_OBJECT.has(r.kind) ? gone : successStatus(r, name, String(meta.uid ?? '')),
    };
  }

  /** Removes an object now, whatever its grace period (the kubelet's final delete, the GC's). */
  forget(r: ResourceInfo, namespace: string | undefined, name: string): void {
    this.store.delete(this.key(r), r.namespaced ? namespace : undefined, name);
  }

  /** Changes an object in place (controllers' status writes); returns the stored object, or undefined if gone. */
  mutate(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    change: (o: ApiObject) => void,
  ): ApiObject | undefined {
    const o = this.find(r, namespace, name);
    if (!o) return undefined;
    const next = structuredClone(o);
    change(next);
    if (same(next, o)) return o;
    return this.store.update(this.key(r), next);
  }

  /** Writes an object as a controller would create it (no admission; validation still applies). */
  createInternal(r: ResourceInfo, object: ApiObject): ApiObject {
    const o = structuredClone(object);
    o.apiVersion = apiVersionOf(r);
    o.kind = r.kind;
    if (!o.metadata.name && typeof o.metadata.generateName === 'string')
      o.metadata.name = generatedName(o.metadata.generateName);
    stampCreate(o, GENERATION_KINDS.has(r.kind));
    applyDefaults(r.kind, o);
    const errors = validateCreate(r, o);
    if (errors.length > 0) throw invalid(r, o.metadata.name, errors);
    if (this.store.get(this.key(r), o.metadata.namespace, o.metadata.name))
      throw alreadyExists(r, o.metadata.name);
    return this.store.create(this.key(r), o);
  }

  /** Whether `name` is a valid object name of the resource's kind. */
  validName(r: ResourceInfo, name: string): boolean {
    return nameProblems(r.kind, name).length === 0;
  }
}

/** etcd3/errors.go inconsistentContinue: the message of a 410 for a continue token older than the history. */
const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** storage/continue.go EncodeContinue: base64url (no padding) JSON of the version, revision and next key. */
function encodeContinue(start: string, rv: number): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

/** storage/continue.go DecodeContinue, with its messages; a bad token is 400 BadRequest. */
function decodeContinue(value: string): { rv: number; start: string } {
  let token: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as typeof token;
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data');
  }
  if (token.v !== 'meta.k8s.io/v1')
    throw badRequest(
      `continue key is not valid: server does not recognize this encoded version ${String(token.v)}`,
    );
  if (typeof token.rv !== 'number' || !Number.isInteger(token.rv) || token.rv === 0)
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  if (typeof token.start !== 'string' || token.start === '')
    throw badRequest('continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
  return { rv: token.rv, start: token.start };
}

function keyOf(o: ApiObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}
