/**
 * The parts of Go's encoding/json that decide how flannel reads net-conf.json: object keys match struct
 * fields case-insensitively (an exact match wins, otherwise a case fold), later keys overwrite earlier
 * ones, unknown keys are ignored, and a wrongly typed value gives an `UnmarshalTypeError` message.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type JsonObject = { [key: string]: JsonValue };

/** Go's simple case fold for field names (ASCII, plus the two non-ASCII letters Go folds onto ASCII). */
function foldFieldName(name: string): string {
  return name
    .replace(/\u017f/g, 's')
    .replace(/\u212a/g, 'k')
    .toLowerCase();
}

/** The JSON kind word Go puts in `cannot unmarshal <kind> into …`. */
export function goJsonKind(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The object's entries that decode into `fields`, in document order, each tagged with the Go field it
 * lands in. Decoding them in order gives Go's "last one wins".
 */
export function goFieldEntries(
  object: JsonObject,
  fields: readonly string[],
): { field: string; key: string; value: JsonValue }[] {
  const byFold = new Map(fields.map((f) => [foldFieldName(f), f]));
  const out: { field: string; key: string; value: JsonValue }[] = [];
  for (const [key, value] of Object.entries(object)) {
    const field = fields.includes(key) ? key : byFold.get(foldFieldName(key));
    if (field !== undefined) out.push({ field, key, value });
  }
  return out;
}

/** The raw bytes a custom `UnmarshalJSON` sees, after flannel's `bytes.Trim(j, "\"")`. */
export function rawTrimmed(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Go's UnmarshalTypeError text for a struct field. */
export function typeError(structName: string, field: string, value: JsonValue, goType: string): string {
  const kind = goJsonKind(value);
  const shown = kind === 'number' ? `number ${JSON.stringify(value)}` : kind;
  return `json: cannot unmarshal ${shown} into Go struct field ${structName}.${field} of type ${goType}`;
}

/** Decodes a Go `bool` field: null leaves the default, anything but a boolean is a type error. */
export function decodeBool(
  structName: string,
  field: string,
  value: JsonValue,
): { value?: boolean; error?: string } {
  if (value === null) return {};
  if (typeof value === 'boolean') return { value };
  return { error: typeError(structName, field, value, 'bool').replace(/number \S+/, 'number') };
}

/** Decodes a Go integer field (`int` or `uint`): a whole number in range, else a type error. */
export function decodeInteger(
  structName: string,
  field: string,
  value: JsonValue,
  goType: 'int' | 'uint',
): { value?: number; error?: string } {
  if (value === null) return {};
  if (typeof value !== 'number') return { error: typeError(structName, field, value, goType) };
  const ok =
    Number.isInteger(value) && (goType === 'int' ? Math.abs(value) < 2 ** 63 : value >= 0 && value < 2 ** 64);
  return ok ? { value } : { error: typeError(structName, field, value, goType) };
}
