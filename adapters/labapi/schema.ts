/**
 * Decoding an incoming object as the API server does before validation: unknown fields are found (and
 * dropped), and a value of the wrong JSON type fails the request with 400, as Go's json decoding into the
 * typed struct does (staging/src/k8s.io/apimachinery/pkg/runtime/serializer/json: strict decoding reports
 * `unknown field "spec.foo"`; a type mismatch is `json: cannot unmarshal string into Go struct field …`).
 *
 * The schema is the API's own: the OpenAPI-generated model classes of @kubernetes/client-node (their
 * `getAttributeTypeMap()` lists every field, its JSON name and type), so every field of the real types is
 * known, with no hand-written copy of them.
 */
import * as k8s from '@kubernetes/client-node';
import { pathText } from './fieldErrors.ts';

interface Attribute {
  readonly name: string;
  readonly baseName: string;
  readonly type: string;
  readonly format: string;
}

const attributeCache = new Map<string, ReadonlyMap<string, Attribute> | undefined>();

/** The fields of a model type by JSON name, or undefined for a primitive or unknown type. */
export function modelFields(type: string): ReadonlyMap<string, Attribute> | undefined {
  if (attributeCache.has(type)) return attributeCache.get(type);
  const cls = (k8s as unknown as Record<string, unknown>)[type];
  const get =
    typeof cls === 'function'
      ? (cls as { getAttributeTypeMap?: () => readonly Attribute[] }).getAttributeTypeMap
      : undefined;
  const fields =
    typeof get === 'function' ? new Map(get.call(cls).map((a) => [a.baseName, a] as const)) : undefined;
  attributeCache.set(type, fields);
  return fields;
}

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;
/** Fields whose values are resource.Quantity, which decodes from a JSON string or number. */
const QUANTITY_MAPS = new Set(['limits', 'requests', 'capacity', 'allocatable', 'overhead']);

export interface DecodeProblems {
  /** Paths of fields the type does not have (`spec.containers[0].foo`). */
  readonly unknownFields: readonly string[];
  /** Go json type errors, worded as encoding/json words them. */
  readonly typeErrors: readonly string[];
}

/**
 * Returns a copy of `value` as the typed struct would hold it: unknown fields and nulls dropped.
 * `problems` collects what strict decoding would report.
 */
export function decodeAs(value: unknown, model: string): { value: unknown; problems: DecodeProblems } {
  const unknownFields: string[] = [];
  const typeErrors: string[] = [];
  const out = walk(value, model, '', [], [], { unknownFields, typeErrors }, model);
  return { value: out, problems: { unknownFields, typeErrors } };
}

function jsonTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function goTypeOf(type: string, format: string): string {
  if (type === 'number') return format === 'int64' ? 'int64' : format === 'int32' ? 'int32' : 'float64';
  if (type === 'boolean') return 'bool';
  if (type === 'Date') return 'Time';
  if (ARRAY.test(type)) return `[]${goTypeOf((ARRAY.exec(type) as RegExpExecArray)[1] as string, format)}`;
  if (MAP.test(type))
    return `map[string]${goTypeOf((MAP.exec(type) as RegExpExecArray)[1] as string, format)}`;
  return type.replace(/^(V1|CoreV1|DiscoveryV1)/, '');
}

function walk(
  value: unknown,
  type: string,
  format: string,
  path: (string | number)[],
  goPath: string[],
  problems: { unknownFields: string[]; typeErrors: string[] },
  owner: string,
  fieldName = '',
): unknown {
  if (value === null || value === undefined) return undefined;
  const mismatch = (): undefined => {
    problems.typeErrors.push(
      `json: cannot unmarshal ${jsonTypeName(value)} into Go struct field ${goTypeOf(owner, '')}.${goPath.join('.')} of type ${goTypeOf(type, format)}`,
    );
    return undefined;
  };
  const array = ARRAY.exec(type);
  if (array) {
    if (!Array.isArray(value)) return mismatch();
    return value
      .map((v, i) => walk(v, array[1] as string, format, [...path, i], goPath, problems, owner, fieldName))
      .filter((v) => v !== undefined);
  }
  const map = MAP.exec(type);
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) return mismatch();
    const inner = map[1] as string;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      // A null map value decodes to the zero value: "" for a string.
      if (v === null) {
        out[k] = inner === 'string' ? '' : undefined;
        continue;
      }
      if (inner === 'string' && QUANTITY_MAPS.has(fieldName) && typeof v === 'number') {
        out[k] = String(v);
        continue;
      }
      out[k] = walk(v, inner, format, [...path, k], goPath, problems, owner, fieldName);
    }
    return out;
  }
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      if (fieldName === 'sizeLimit' && typeof value === 'number') return String(value);
      return mismatch();
    case 'number':
      if (typeof value !== 'number') return mismatch();
      if ((format === 'int32' || format === 'int64') && !Number.isInteger(value)) return mismatch();
      return value;
    case 'boolean':
      return typeof value === 'boolean' ? value : mismatch();
    case 'Date':
      return typeof value === 'string' ? value : mismatch();
    case 'IntOrString':
      return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))
        ? value
        : mismatch();
    case 'any':
    case 'object':
      return value;
  }
  const fields = modelFields(type);
  if (!fields) return value;
  if (typeof value !== 'object' || Array.isArray(value)) return mismatch();
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const a = fields.get(key);
    if (!a) {
      problems.unknownFields.push(pathText([...path, key]));
      continue;
    }
    const decoded = walk(v, a.type, a.format, [...path, key], [...goPath, key], problems, type, key);
    if (decoded !== undefined) out[key] = decoded;
  }
  return out;
}
