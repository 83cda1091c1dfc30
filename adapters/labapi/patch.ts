/**
 * The three patch types the API server accepts on PATCH
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go):
 * - `application/json-patch+json`: RFC 6902 (add, remove, replace, move, copy, test), as evanphx/json-patch
 *   applies it; a failing operation is 422;
 * - `application/merge-patch+json`: RFC 7386 (objects merge, null deletes, anything else replaces);
 * - `application/strategic-merge-patch+json`: apimachinery's strategic merge patch
 *   (staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go): like a merge patch, except that lists
 *   whose Go field carries `patchStrategy:"merge"` merge by their `patchMergeKey` (containers by name, ports
 *   by containerPort, conditions by type, …) or, for lists of scalars (finalizers), by value; `$patch:
 *   replace|delete` and `$deleteFromPrimitiveList/<field>` directives are honoured, `$setElementOrder/<field>`
 *   and `$retainKeys` are accepted (order and retained keys are the same here).
 * Server-side apply (`application/apply-patch+yaml`) is not served (415), as a server with the
 * ServerSideApply feature off answers.
 */
import { ApiError, badRequest } from './apiErrors.ts';
import { modelFields } from './schema.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** The 422 the handler returns when a JSON patch operation fails (NewGenericServerResponse). */
function patchFailed(): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: {},
    code: 422,
  });
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw patchFailed();
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function container(doc: Json, parts: readonly string[]): Json {
  let node: Json = doc;
  for (const part of parts) {
    if (Array.isArray(node)) {
      const i = Number(part);
      if (!/^\d+$/.test(part) || i >= node.length) throw patchFailed();
      node = node[i] as Json;
    } else if (isObject(node)) {
      if (!Object.hasOwn(node, part)) throw patchFailed();
      node = node[part] as Json;
    } else throw patchFailed();
  }
  return node;
}

function getAt(doc: Json, pointer: string): Json {
  return container(doc, decodePointer(pointer));
}

function removeAt(doc: Json, pointer: string): Json {
  const parts = decodePointer(pointer);
  const last = parts.pop();
  if (last === undefined) throw patchFailed();
  const parent = container(doc, parts);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length) throw patchFailed();
    return parent.splice(i, 1)[0] as Json;
  }
  if (!isObject(parent) || !Object.hasOwn(parent, last)) throw patchFailed();
  const old = parent[last] as Json;
  delete parent[last];
  return old;
}

function addAt(doc: Json, pointer: string, value: Json): Json {
  const parts = decodePointer(pointer);
  const last = parts.pop();
  if (last === undefined) return value;
  const parent = container(doc, parts);
  if (Array.isArray(parent)) {
    if (last === '-') parent.push(value);
    else {
      const i = Number(last);
      if (!/^\d+$/.test(last) || i > parent.length) throw patchFailed();
      parent.splice(i, 0, value);
    }
  } else if (isObject(parent)) parent[last] = value;
  else throw patchFailed();
  return doc;
}

function replaceAt(doc: Json, pointer: string, value: Json): Json {
  const parts = decodePointer(pointer);
  const last = parts.pop();
  if (last === undefined) return value;
  const parent = container(doc, parts);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length) throw patchFailed();
    parent[i] = value;
  } else if (isObject(parent)) {
    // evanphx/json-patch: "replace operation does not apply: doc is missing key".
    if (!Object.hasOwn(parent, last)) throw patchFailed();
    parent[last] = value;
  } else throw patchFailed();
  return doc;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys(v[k])]),
    );
  return v;
}

/** RFC 6902. */
export function applyJsonPatch(doc: Json, patch: unknown): Json {
  if (!Array.isArray(patch))
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  if (patch.length > 10000)
    throw badRequest(`The allowed maximum operations in a JSON patch is 10000, got ${patch.length}`);
  let out = clone(doc);
  for (const op of patch) {
    if (!isObject(op) || typeof op.op !== 'string') throw badRequest('Unexpected kind: missing op');
    const path = typeof op.path === 'string' ? op.path : undefined;
    if (path === undefined) throw patchFailed();
    switch (op.op) {
      case 'add':
        if (!('value' in op)) throw patchFailed();
        out = addAt(out, path, clone(op.value as Json));
        break;
      case 'remove':
        removeAt(out, path);
        break;
      case 'replace':
        if (!('value' in op)) throw patchFailed();
        out = replaceAt(out, path, clone(op.value as Json));
        break;
      case 'move': {
        if (typeof op.from !== 'string') throw patchFailed();
        const v = removeAt(out, op.from);
        out = addAt(out, path, v);
        break;
      }
      case 'copy': {
        if (typeof op.from !== 'string') throw patchFailed();
        out = addAt(out, path, clone(getAt(out, op.from)));
        break;
      }
      case 'test':
        if (!deepEqual(getAt(out, path), op.value)) throw patchFailed();
        break;
      default:
        throw badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return out;
}

/** RFC 7386. */
export function applyMergePatch(doc: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(doc) ? clone(doc) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k] ?? null, v);
  }
  return out;
}

/**
 * Lists that merge in a strategic merge patch: `<model>.<json field>` → the merge key, or `''` for a list
 * of scalars merged by value. From the `patchStrategy:"merge"` struct tags of staging/src/k8s.io/api
 * core/v1/types.go and meta/v1/types.go; every other list is replaced whole.
 */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  'V1ObjectMeta.finalizers': '',
  'V1ObjectMeta.ownerReferences': 'uid',
  'V1PodSpec.volumes': 'name',
  'V1PodSpec.initContainers': 'name',
  'V1PodSpec.containers': 'name',
  'V1PodSpec.ephemeralContainers': 'name',
  'V1PodSpec.imagePullSecrets': 'name',
  'V1PodSpec.hostAliases': 'ip',
  'V1PodSpec.topologySpreadConstraints': 'topologyKey',
  'V1PodSpec.resourceClaims': 'name',
  'V1PodSpec.schedulingGates': 'name',
  'V1Container.ports': 'containerPort',
  'V1Container.env': 'name',
  'V1Container.volumeMounts': 'mountPath',
  'V1Container.volumeDevices': 'devicePath',
  'V1PodStatus.conditions': 'type',
  'V1PodStatus.podIPs': 'ip',
  'V1PodStatus.hostIPs': 'ip',
  'V1ServiceSpec.ports': 'port',
  'V1ServiceStatus.conditions': 'type',
  'V1NodeSpec.podCIDRs': '',
  'V1NodeStatus.conditions': 'type',
  'V1NodeStatus.addresses': 'type',
  'V1NamespaceStatus.conditions': 'type',
};

const ARRAY_OF = /^Array<(.+)>$/;

function fieldType(model: string | undefined, field: string): string | undefined {
  return model ? modelFields(model)?.get(field)?.type : undefined;
}

/** Strategic merge patch of `doc` by `patch`, with the struct tags of `model` (`V1Pod`). */
export function applyStrategicMergePatch(doc: Json, patch: Json, model: string): Json {
  if (!isObject(patch)) throw badRequest('unable to find api field in struct for the patch');
  return mergeMap(isObject(doc) ? doc : {}, patch, model);
}

function mergeMap(doc: JsonObject, patch: JsonObject, model: string | undefined): Json {
  const directive = patch.$patch;
  if (directive === 'replace') {
    const { $patch: _, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (directive === 'delete') return null;
  const out: JsonObject = clone(doc);
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(v)) {
        out[field] = current.filter((x) => !v.some((d) => deepEqual(d, x)));
      }
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const type = fieldType(model, k);
    const mergeKey = model ? MERGE_KEYS[`${model}.${k}`] : undefined;
    if (Array.isArray(v) && mergeKey !== undefined) {
      const item = type ? (ARRAY_OF.exec(type)?.[1] ?? undefined) : undefined;
      out[k] = mergeList(Array.isArray(out[k]) ? (out[k] as Json[]) : [], v, mergeKey, item);
    } else if (isObject(v)) {
      const merged = mergeMap(isObject(out[k]) ? (out[k] as JsonObject) : {}, v, nestedModel(type));
      if (merged === null) delete out[k];
      else out[k] = merged;
    } else out[k] = stripDirectives(v);
  }
  return out;
}

function nestedModel(type: string | undefined): string | undefined {
  if (!type) return undefined;
  return modelFields(type) ? type : undefined;
}

function mergeList(current: Json[], patch: Json[], key: string, itemModel: string | undefined): Json[] {
  if (key === '') {
    const out = [...current];
    for (const v of patch) if (!out.some((x) => deepEqual(x, v))) out.push(v);
    return out;
  }
  const out = [...current];
  for (const p of patch) {
    if (!isObject(p)) continue;
    if (p.$patch === 'replace') return patch.filter((x) => !(isObject(x) && x.$patch === 'replace'));
    const id = p[key];
    const i = out.findIndex((x) => isObject(x) && deepEqual(x[key], id));
    if (p.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) {
      const merged = mergeMap(out[i] as JsonObject, p, nestedModel(itemModel));
      if (merged === null) out.splice(i, 1);
      else out[i] = merged;
    } else out.push(stripDirectives(p));
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}
