/**
 * Reads fields of one raw object with type checks, collecting every problem as a PodnetInputError that
 * names the file, line, object and field path. Decoders of each kind are built on it.
 */

import { PodnetInputError } from '../errors.ts';
import { quoteValue } from '../quote.ts';
import { type FieldPath, fieldPathText, type ManifestObject, objectLabel } from './manifestObject.ts';

export class Decoder {
  constructor(
    readonly source: ManifestObject,
    readonly errors: PodnetInputError[],
  ) {}

  /** Records one problem at `path`. */
  fail(path: FieldPath, code: string, problem: string, hint?: string): void {
    const line = this.source.lineOf(path);
    this.errors.push(
      new PodnetInputError(
        code,
        problem,
        {
          file: this.source.file,
          ...(line !== undefined ? { line } : {}),
          object: objectLabel(this.source),
          ...(path.length > 0 ? { field: fieldPathText(path) } : {}),
        },
        hint,
      ),
    );
  }

  /** The raw value at `path`, undefined when absent or null (the API treats null as absent). */
  get(path: FieldPath): unknown {
    let node: unknown = this.source.value;
    for (const part of path) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string | number, unknown>)[part];
    }
    return node === null ? undefined : node;
  }

  has(path: FieldPath): boolean {
    return this.get(path) !== undefined;
  }

  string(path: FieldPath, required = false): string | undefined {
    const v = this.get(path);
    if (v === undefined) {
      if (required) this.fail(path, 'PODNET_FIELD_REQUIRED', 'required value is missing');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.fail(path, 'PODNET_FIELD_TYPE', `must be a string, got ${describe(v)}`, quoteHint(v));
      return undefined;
    }
    return v;
  }

  integer(path: FieldPath, required = false): number | undefined {
    const v = this.get(path);
    if (v === undefined) {
      if (required) this.fail(path, 'PODNET_FIELD_REQUIRED', 'required value is missing');
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.fail(
        path,
        'PODNET_FIELD_TYPE',
        `must be an integer, got ${describe(v)}`,
        'write a number without quotes',
      );
      return undefined;
    }
    return v;
  }

  boolean(path: FieldPath): boolean | undefined {
    const v = this.get(path);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') {
      this.fail(path, 'PODNET_FIELD_TYPE', `must be true or false, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /** A number or a string (Kubernetes IntOrString). */
  intOrString(path: FieldPath): number | string | undefined {
    const v = this.get(path);
    if (v === undefined) return undefined;
    if (typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))) return v;
    this.fail(path, 'PODNET_FIELD_TYPE', `must be an integer or a string, got ${describe(v)}`);
    return undefined;
  }

  object(path: FieldPath, required = false): Readonly<Record<string, unknown>> | undefined {
    const v = this.get(path);
    if (v === undefined) {
      if (required) this.fail(path, 'PODNET_FIELD_REQUIRED', 'required value is missing');
      return undefined;
    }
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.fail(path, 'PODNET_FIELD_TYPE', `must be a mapping, got ${describe(v)}`);
      return undefined;
    }
    return v as Record<string, unknown>;
  }

  list(path: FieldPath): readonly unknown[] | undefined {
    const v = this.get(path);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) {
      this.fail(
        path,
        'PODNET_FIELD_TYPE',
        `must be a list, got ${describe(v)}`,
        'write it as a YAML list (`- item`)',
      );
      return undefined;
    }
    return v;
  }

  /** A map of strings to strings (labels, selectors); reports non-string values. */
  stringMap(path: FieldPath): Readonly<Record<string, string>> | undefined {
    const m = this.object(path);
    if (m === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m)) {
      // JSON null into a Go string leaves "": `app:` with nothing after it is the empty label value.
      if (v === null) {
        out[k] = '';
        continue;
      }
      if (typeof v !== 'string') {
        this.fail([...path, k], 'PODNET_FIELD_TYPE', `must be a string, got ${describe(v)}`, quoteHint(v));
        continue;
      }
      out[k] = v;
    }
    return out;
  }

  /** Reports keys of the mapping at `path` that the API does not know (kubectl `--validate=strict`). */
  knownKeys(path: FieldPath, keys: readonly string[]): void {
    const m = this.get(path);
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return;
    for (const k of Object.keys(m)) {
      if (!keys.includes(k)) {
        this.fail(
          [...path, k],
          'PODNET_UNKNOWN_FIELD',
          `unknown field ${quoteValue(k)}`,
          `valid fields here: ${keys.join(', ')} (field names are case-sensitive)`,
        );
      }
    }
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return `a timestamp (${v.toISOString()})`;
  if (typeof v === 'object') return 'a mapping';
  // quoteValue, not JSON.stringify: Infinity and NaN (YAML .inf, JSON 1e999) must show as themselves.
  return `${typeof v} ${quoteValue(v)}`;
}

function quoteHint(v: unknown): string | undefined {
  if (typeof v === 'boolean' || typeof v === 'number') {
    return 'quote the value: kubectl reads YAML 1.1, where unquoted yes/no/on/off/true/false are booleans and digits are numbers';
  }
  return undefined;
}
