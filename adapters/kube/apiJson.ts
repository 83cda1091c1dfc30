/**
 * client-node's typed models ↔ the API's JSON, walked with the models' own OpenAPI attribute maps
 * (`V1Pod.getAttributeTypeMap()`): a TypeScript name (`_from`) becomes its JSON name (`from`), Dates
 * become RFC 3339 strings. client-node 1.4 serializes for its typed request methods but does not export
 * its ObjectSerializer, and `podnet predict --from-cluster` needs plain API JSON for spec/manifests.
 */
import * as k8s from '@kubernetes/client-node';

export interface Attribute {
  readonly name: string;
  readonly baseName: string;
  readonly type: string;
  readonly format: string;
}

/** The attribute map of a model type (`V1Pod`), or undefined for a primitive or unknown type. */
export function modelAttributes(type: string): readonly Attribute[] | undefined {
  const cls = (k8s as unknown as Record<string, unknown>)[type];
  if (typeof cls !== 'function') return undefined;
  const get = (cls as { getAttributeTypeMap?: () => readonly Attribute[] }).getAttributeTypeMap;
  return typeof get === 'function' ? get.call(cls) : undefined;
}

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

/** A typed model value as the API's JSON. */
export function toApiJson(value: unknown, type: string): unknown {
  if (value === undefined || value === null) return value;
  const array = ARRAY.exec(type);
  if (array) return Array.isArray(value) ? value.map((v) => toApiJson(v, array[1] as string)) : value;
  const map = MAP.exec(type);
  if (map) {
    if (typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toApiJson(v, map[1] as string)]));
  }
  if (value instanceof Date) return value.toISOString();
  const attributes = modelAttributes(type);
  if (!attributes || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  for (const a of attributes) {
    if (record[a.name] !== undefined) out[a.baseName] = toApiJson(record[a.name], a.type);
  }
  return out;
}

/** The API's JSON as a typed model value, the inverse of {@link toApiJson}: `from` becomes `_from`. */
export function fromApiJson(value: unknown, type: string): unknown {
  if (value === undefined || value === null) return value;
  const array = ARRAY.exec(type);
  if (array) return Array.isArray(value) ? value.map((v) => fromApiJson(v, array[1] as string)) : value;
  const map = MAP.exec(type);
  if (map) {
    if (typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromApiJson(v, map[1] as string)]));
  }
  if (type === 'Date' && typeof value === 'string') return new Date(value);
  const attributes = modelAttributes(type);
  if (!attributes || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  for (const a of attributes) {
    if (record[a.baseName] !== undefined) out[a.name] = fromApiJson(record[a.baseName], a.type);
  }
  return out;
}
