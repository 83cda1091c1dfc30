/**
 * A small declarative schema for JSON documents podnet reads back (results.json, the scenario of a
 * finding). A schema is written once as a value; its TypeScript type is derived from it (`Infer`), and
 * files that keep hand-written interfaces assert at compile time that the two are the same (`Same`).
 *
 * Reading a value walks the schema, never the data: the work is linear in what the schema names, so a
 * deeply nested or huge value where a string is expected costs one step. A value that does not fit
 * throws `SchemaMismatch` with the JSON path of the first bad field and what was expected there.
 * The value returned is a fresh copy holding only what the schema names, so nothing unchecked reaches
 * the code that uses it. Maps (`record`) are created without a prototype, so a key such as
 * `constructor` is data, never a method of Object.
 */
import { quoteValue } from './quote.ts';
/** Where a value sits in a document: `['findings', 0, 'truthTable', 3, 'expected']`. */
export type JsonPath = readonly (string | number)[];

/** The JSON type of a value, as schemas test it before reading. */
export type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

/** A value did not fit its schema. */
export class SchemaMismatch extends Error {
  constructor(
    readonly path: JsonPath,
    readonly problem: string,
  ) {
    super(`${jsonPathText(path)}: ${problem}`);
    this.name = 'SchemaMismatch';
  }
}

export interface Schema<T> {
  /** What a valid value is, in words: `an integer from 0 to 65535`. */
  readonly expected: string;
  /** JSON types this schema can accept (undefined: any). Unions pick their member by it. */
  readonly accepts?: readonly JsonType[];
  /** The checked copy of `value`, or a `SchemaMismatch` at the first bad field under `path`. */
  readonly read: (value: unknown, path: JsonPath) => T;
}

/** The type a schema reads. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** True when A and B are the same type (not merely assignable either way). */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * Compiles only when `T` is `true`: `export type Checked = Expect<Same<Infer<typeof S>, Doc>>`. Exported so that
 * `tsc` keeps it; its JSDoc tag compileTimeCheck tells knip that nothing imports it by design.
 */
export type Expect<T extends true> = T;

/**
 * `findings[0].truthTable[3].expected`; `(root)` for the document itself. Keys that are not plain
 * identifiers are quoted and cut like values (`options["a b"]`), so a path never carries a raw control
 * character or a megabyte-long key.
 */
export function jsonPathText(path: JsonPath): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${quoteValue(part, SHOWN_MAX)}]`;
  }
  return out;
}

/** The JSON type of a parsed value. */
export function jsonTypeOf(value: unknown): JsonType | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return 'object';
    default:
      return 'other';
  }
}

/** Longest value echoed in a message, in characters. */
const SHOWN_MAX = 60;

/**
 * A value as an error message shows it: short, on one line, control characters visible (`\u001b`),
 * never a dump of a list or an object (which may be nested 100,000 levels deep).
 */
export function showValue(value: unknown): string {
  switch (jsonTypeOf(value)) {
    case 'null':
      return 'null';
    case 'array':
      return `a list of ${(value as unknown[]).length}`;
    case 'object':
      return 'an object';
    case 'boolean':
      return String(value);
    case 'number': {
      const n = value as number;
      // JSON.parse reads a number too large for a double (1e999) as Infinity.
      return Number.isFinite(n) ? String(n) : `${n} (a number too large for JSON, such as 1e999)`;
    }
    case 'string':
      return quoteValue(value as string, SHOWN_MAX);
    default:
      return typeof value;
  }
}

function mismatch(path: JsonPath, expected: string, value: unknown): SchemaMismatch {
  return new SchemaMismatch(path, `must be ${expected}, got ${showValue(value)}`);
}

function typed<T>(
  expected: string,
  accepts: readonly JsonType[],
  read: (value: unknown, path: JsonPath) => T,
): Schema<T> {
  return {
    expected,
    accepts,
    read: (value, path) => {
      const type = jsonTypeOf(value);
      if (type === 'other' || !accepts.includes(type)) throw mismatch(path, expected, value);
      return read(value, path);
    },
  };
}

export interface StringOptions {
  /** Words for messages (default `a string`). */
  readonly expected?: string;
  /** A further rule: returns the problem, or undefined when the string is fine. */
  readonly check?: (text: string) => string | undefined;
}

/** A string, optionally with a rule of its own. */
export function string(options: StringOptions = {}): Schema<string> {
  const expected = options.expected ?? 'a string';
  return typed(expected, ['string'], (value, path) => {
    const text = value as string;
    const problem = options.check?.(text);
    if (problem !== undefined) throw new SchemaMismatch(path, `${problem}, got ${showValue(text)}`);
    return text;
  });
}

/** An integer in `min..max` (both inclusive); Infinity and NaN-like values are refused. */
export function integer(min: number, max: number, words?: string): Schema<number> {
  const expected = words ?? `an integer from ${min} to ${max}`;
  return typed(expected, ['number'], (value, path) => {
    const n = value as number;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw mismatch(path, expected, n);
    return n;
  });
}

/** A finite number, optionally bounded (inclusive); Infinity (JSON's 1e999) is refused. */
export function finite(bounds: { readonly min?: number; readonly max?: number } = {}): Schema<number> {
  const { min, max } = bounds;
  const expected =
    min !== undefined && max !== undefined
      ? `a finite number from ${min} to ${max}`
      : min !== undefined
        ? `a finite number of at least ${min}`
        : max !== undefined
          ? `a finite number of at most ${max}`
          : 'a finite number';
  return typed(expected, ['number'], (value, path) => {
    const n = value as number;
    if (!Number.isFinite(n) || (min !== undefined && n < min) || (max !== undefined && n > max)) {
      throw mismatch(path, expected, n);
    }
    return n;
  });
}

/** true or false. */
export const boolean: Schema<boolean> = typed('true or false', ['boolean'], (value) => value as boolean);

/** Exactly this value. */
export function literal<const T extends string | number | boolean>(expectedValue: T): Schema<T> {
  const expected = JSON.stringify(expectedValue);
  const type = jsonTypeOf(expectedValue) as JsonType;
  return typed(expected, [type], (value, path) => {
    if (value !== expectedValue) throw mismatch(path, expected, value);
    return expectedValue;
  });
}

/** One of these strings. */
export function oneOf<const T extends string>(values: readonly T[]): Schema<T> {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return typed(expected, ['string'], (value, path) => {
    if (!(values as readonly string[]).includes(value as string)) throw mismatch(path, expected, value);
    return value as T;
  });
}

export interface ArrayOptions {
  /** Fewest items (default 0). */
  readonly minItems?: number;
  /** Most items (default: no bound but the file size cap). */
  readonly maxItems?: number;
  /** Items must differ (compared as JSON primitives). */
  readonly unique?: boolean;
}

/** A list of items of one schema. */
export function array<T>(item: Schema<T>, options: ArrayOptions = {}): Schema<readonly T[]> {
  const expected = `a list of ${item.expected}`;
  return typed(expected, ['array'], (value, path) => {
    const list = value as unknown[];
    if (options.maxItems !== undefined && list.length > options.maxItems) {
      throw new SchemaMismatch(path, `must hold at most ${options.maxItems} items, got ${list.length}`);
    }
    if (options.minItems !== undefined && list.length < options.minItems) {
      throw new SchemaMismatch(path, `must hold at least ${options.minItems} items, got ${list.length}`);
    }
    const out = list.map((element, i) => item.read(element, [...path, i]));
    if (options.unique) {
      const seen = new Set<unknown>();
      out.forEach((element, i) => {
        if (seen.has(element)) throw new SchemaMismatch([...path, i], `repeats ${showValue(element)}`);
        seen.add(element);
      });
    }
    return out;
  });
}

/** A map from strings to values of one schema (labels, counts per endpoint, options). */
export function record<T>(
  valueSchema: Schema<T>,
  options: { readonly key?: Schema<string> } = {},
): Schema<Readonly<Record<string, T>>> {
  const expected = `an object whose values are ${valueSchema.expected}`;
  return typed(expected, ['object'], (value, path) => {
    const out: Record<string, T> = Object.create(null);
    for (const [key, element] of Object.entries(value as Record<string, unknown>)) {
      const at = [...path, key];
      options.key?.read(key, at);
      out[key] = valueSchema.read(element, at);
    }
    return out;
  });
}

/** Marks a field of `object` as optional: absent is fine, `null` is not. */
export interface Optional<T> {
  readonly optional: Schema<T>;
}

/** An optional field of an object. */
export function optional<T>(schema: Schema<T>): Optional<T> {
  return { optional: schema };
}

type Field = Schema<unknown> | Optional<unknown>;
export type Shape = { readonly [key: string]: Field };

type FieldValue<F> = F extends Optional<infer T> ? T : F extends Schema<infer T> ? T : never;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends Optional<unknown> ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends Optional<unknown> ? K : never }[keyof S];
type Flat<T> = { [K in keyof T]: T[K] };

/** The type an object schema with this shape reads. */
export type ObjectOf<S extends Shape> = Flat<
  { readonly [K in RequiredKeys<S>]: FieldValue<S[K]> } & {
    readonly [K in OptionalKeys<S>]?: FieldValue<S[K]>;
  }
>;

export interface ObjectOptions {
  /**
   * Keys the shape does not name: `strip` leaves them out of the value read (a newer podnet may add
   * optional fields without a new schemaVersion), `refuse` makes them an error (where an unknown field
   * would change what the value means, such as a scenario replayed on the lab).
   */
  readonly unknownKeys: 'strip' | 'refuse';
  /** Words for messages (default `an object`). */
  readonly expected?: string;
}

/** An object with named fields. */
export function object<const S extends Shape>(shape: S, options: ObjectOptions): Schema<ObjectOf<S>> {
  const expected = options.expected ?? 'an object';
  const keys = Object.keys(shape);
  return typed(expected, ['object'], (value, path) => {
    const input = value as Record<string, unknown>;
    if (options.unknownKeys === 'refuse') {
      for (const key of Object.keys(input)) {
        if (!Object.hasOwn(shape, key)) {
          throw new SchemaMismatch(
            [...path, key],
            `unknown field ${quoteValue(key, SHOWN_MAX)}; fields here: ${keys.join(', ') || 'none'}`,
          );
        }
      }
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const field = shape[key] as Field;
      const present = Object.hasOwn(input, key);
      if ('optional' in field) {
        if (present) out[key] = field.optional.read(input[key], [...path, key]);
      } else if (present) {
        out[key] = field.read(input[key], [...path, key]);
      } else {
        throw new SchemaMismatch([...path, key], `is missing: must be ${field.expected}`);
      }
    }
    return out as ObjectOf<S>;
  });
}

/** A value whose schema depends on the value itself (unions of objects, told apart by a field). */
export function choose<T>(
  expected: string,
  accepts: readonly JsonType[],
  pick: (value: unknown, path: JsonPath) => Schema<T>,
): Schema<T> {
  return typed(expected, accepts, (value, path) => pick(value, path).read(value, path));
}

/** One of several schemas, picked by the JSON type of the value (each type at most once). */
export function anyOf<const M extends readonly Schema<unknown>[]>(...members: M): Schema<Infer<M[number]>> {
  const expected = members.map((m) => m.expected).join(', or ');
  const accepts = members.flatMap((m) => m.accepts ?? []);
  return choose(expected, accepts, (value, path) => {
    const type = jsonTypeOf(value);
    const member = members.find((m) => (m.accepts ?? []).includes(type as JsonType));
    if (member === undefined) throw mismatch(path, expected, value);
    return member as Schema<Infer<M[number]>>;
  });
}

/**
 * Objects told apart by a string field (`kind`, `ref`): each member's schema is an object schema
 * without that field; the value read carries it again.
 */
export function tagged<const K extends string, const M extends { readonly [tag: string]: Shape }>(
  tag: K,
  members: M,
  options: ObjectOptions,
): Schema<{ [T in keyof M & string]: Flat<{ readonly [P in K]: T } & ObjectOf<M[T]>> }[keyof M & string]> {
  const tags = Object.keys(members);
  const expected = `${options.expected ?? 'an object'} with ${tag} ${tags.map((t) => JSON.stringify(t)).join(', ')}`;
  const schemas = new Map(
    tags.map((t) => [t, object({ [tag]: literal(t), ...members[t] } as Shape, options)] as const),
  );
  return choose(expected, ['object'], (value, path) => {
    const name = (value as Record<string, unknown>)[tag];
    const schema = typeof name === 'string' && Object.hasOwn(members, name) ? schemas.get(name) : undefined;
    if (schema === undefined) {
      const at = [...path, tag];
      throw Object.hasOwn(value as object, tag)
        ? mismatch(at, `one of ${tags.map((t) => JSON.stringify(t)).join(', ')}`, name)
        : new SchemaMismatch(
            at,
            `is missing: must be one of ${tags.map((t) => JSON.stringify(t)).join(', ')}`,
          );
    }
    // The member type is exactly what `object` built from this member's shape plus the tag reads.
    return schema as Schema<never>;
  });
}

/** The schema's value, or null (JSON writes Infinity and NaN as null). */
export function nullable<T>(schema: Schema<T>, meaning: string): Schema<T | null> {
  const expected = `${schema.expected}, or null (${meaning})`;
  return choose(expected, [...(schema.accepts ?? []), 'null'], (value) =>
    value === null ? (constant(null) as Schema<T | null>) : schema,
  );
}

function constant<T>(value: T): Schema<T> {
  return { expected: JSON.stringify(value), read: () => value };
}

/** Anything at all, kept as is (a field whose shape another reader checks where it is used). */
export const anything: Schema<unknown> = { expected: 'any JSON value', read: (value) => value };
