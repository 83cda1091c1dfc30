/**
 * JSON as Go's encoding/json reads it for flannel, which JSON.parse cannot show: every key of an object in
 * document order, duplicates included (Go decodes each one, so the last wins, and an error in an earlier
 * one still counts); each number as its literal (`24.0` is not a uint to Go's strconv.ParseUint); each
 * value's raw text (a custom `UnmarshalJSON` such as ip.IP4Net's receives the bytes, escapes and all).
 * Syntax errors carry Go's scanner wording (src/encoding/json/scanner.go). Object keys match struct
 * fields case-insensitively (an exact match wins, otherwise a case fold); unknown keys are ignored.
 */

export type GoJsonValue =
  | { readonly kind: 'null'; readonly raw: string }
  | { readonly kind: 'bool'; readonly value: boolean; readonly raw: string }
  | { readonly kind: 'number'; readonly raw: string }
  | { readonly kind: 'string'; readonly value: string; readonly raw: string }
  | { readonly kind: 'array'; readonly items: readonly GoJsonValue[]; readonly raw: string }
  | { readonly kind: 'object'; readonly entries: readonly GoJsonEntry[]; readonly raw: string };

interface GoJsonEntry {
  readonly key: string;
  readonly value: GoJsonValue;
}

export type GoJsonObject = Extract<GoJsonValue, { kind: 'object' }>;

/** encoding/json's maxNestingDepth (scanner.go). */
const MAX_DEPTH = 10_000;

class GoSyntaxError extends Error {}

/** Go's quoteChar: the offending character as the scanner names it. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const escaped = JSON.stringify(c).slice(1, -1);
  return `'${escaped}'`;
}

function invalid(c: string | undefined, context: string): GoSyntaxError {
  return new GoSyntaxError(
    c === undefined ? 'unexpected end of JSON input' : `invalid character ${quoteChar(c)} ${context}`,
  );
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

interface Frame {
  readonly kind: 'array' | 'object';
  readonly start: number;
  readonly items: GoJsonValue[];
  readonly entries: GoJsonEntry[];
  key?: string;
}

/** Parses `text` as Go's json.Unmarshal would see it, or returns Go's syntax error text. */
export function parseGoJson(text: string): { ok: true; value: GoJsonValue } | { ok: false; error: string } {
  try {
    return { ok: true, value: new Scanner(text).document() };
  } catch (error) {
    if (error instanceof GoSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

/** An iterative scanner (no recursion, so 10,000 levels cannot overflow the stack). */
class Scanner {
  private i = 0;
  constructor(private readonly text: string) {}

  document(): GoJsonValue {
    const stack: Frame[] = [];
    let value = this.valueStart(stack);
    for (;;) {
      if (value) {
        const top = stack.at(-1);
        if (!top) {
          this.skipSpace();
          if (this.i < this.text.length) throw invalid(this.text[this.i], 'after top-level value');
          return value;
        }
        if (top.kind === 'array') top.items.push(value);
        else top.entries.push({ key: top.key as string, value });
        value = this.afterElement(stack, top);
        continue;
      }
      value = this.valueStart(stack);
    }
  }

  /** Reads a scalar, or opens a container (returning undefined), or closes an empty one. */
  private valueStart(stack: Frame[]): GoJsonValue | undefined {
    this.skipSpace();
    const c = this.text[this.i];
    const start = this.i;
    if (c === '{' || c === '[') {
      if (stack.length + 1 > MAX_DEPTH) throw invalid(c, 'exceeded max depth');
      this.i++;
      const frame: Frame = { kind: c === '{' ? 'object' : 'array', start, items: [], entries: [] };
      stack.push(frame);
      this.skipSpace();
      const next = this.text[this.i];
      if (frame.kind === 'object') {
        if (next === '}') return this.close(stack);
        frame.key = this.objectKey();
        return undefined;
      }
      if (next === ']') return this.close(stack);
      return undefined;
    }
    if (c === '"') {
      const value = this.string();
      return { kind: 'string', value, raw: this.text.slice(start, this.i) };
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      this.number();
      return { kind: 'number', raw: this.text.slice(start, this.i) };
    }
    if (c === 't' || c === 'f' || c === 'n') {
      const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
      this.literal(word);
      const raw = this.text.slice(start, this.i);
      return word === 'null' ? { kind: 'null', raw } : { kind: 'bool', value: word === 'true', raw };
    }
    throw invalid(c, 'looking for beginning of value');
  }

  /** After an element of `top`: `,` for the next one, or the closing bracket (which may finish a value). */
  private afterElement(stack: Frame[], top: Frame): GoJsonValue | undefined {
    this.skipSpace();
    const c = this.text[this.i];
    if (c === ',') {
      this.i++;
      if (top.kind === 'object') {
        this.skipSpace();
        top.key = this.objectKey();
      }
      return undefined;
    }
    if ((top.kind === 'array' && c === ']') || (top.kind === 'object' && c === '}')) return this.close(stack);
    throw invalid(c, top.kind === 'array' ? 'after array element' : 'after object key:value pair');
  }

  private close(stack: Frame[]): GoJsonValue {
    const frame = stack.pop() as Frame;
    this.i++;
    const raw = this.text.slice(frame.start, this.i);
    return frame.kind === 'array'
      ? { kind: 'array', items: frame.items, raw }
      : { kind: 'object', entries: frame.entries, raw };
  }

  /** `"key"` then `:`. */
  private objectKey(): string {
    if (this.text[this.i] !== '"')
      throw invalid(this.text[this.i], 'looking for beginning of object key string');
    const key = this.string();
    this.skipSpace();
    if (this.text[this.i] !== ':') throw invalid(this.text[this.i], 'after object key');
    this.i++;
    return key;
  }

  private skipSpace(): void {
    while (this.i < this.text.length && WHITESPACE.has(this.text[this.i] as string)) this.i++;
  }

  private string(): string {
    this.i++;
    let out = '';
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined) throw invalid(undefined, '');
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c < ' ') throw invalid(c, 'in string literal');
      if (c !== '\\') {
        out += c;
        this.i++;
        continue;
      }
      const e = this.text[this.i + 1];
      if (e === undefined) throw invalid(undefined, '');
      if (e === 'u') {
        for (let k = 2; k < 6; k++) {
          const h = this.text[this.i + k];
          if (h === undefined) throw invalid(undefined, '');
          if (!/[0-9a-fA-F]/.test(h)) throw invalid(h, 'in \\u hexadecimal character escape');
        }
        out += String.fromCharCode(Number.parseInt(this.text.slice(this.i + 2, this.i + 6), 16));
        this.i += 6;
        continue;
      }
      const decoded = ESCAPES[e];
      if (decoded === undefined) throw invalid(e, 'in string escape code');
      out += decoded;
      this.i += 2;
    }
  }

  private digits(context: string): void {
    const c = this.text[this.i];
    if (c === undefined || c < '0' || c > '9') throw invalid(c, context);
    while (
      this.i < this.text.length &&
      (this.text[this.i] as string) >= '0' &&
      (this.text[this.i] as string) <= '9'
    )
      this.i++;
  }

  private number(): void {
    if (this.text[this.i] === '-') this.i++;
    if (this.text[this.i] === '0') this.i++;
    else this.digits('in numeric literal');
    if (this.text[this.i] === '.') {
      this.i++;
      this.digits('after decimal point in numeric literal');
    }
    if (this.text[this.i] === 'e' || this.text[this.i] === 'E') {
      this.i++;
      if (this.text[this.i] === '+' || this.text[this.i] === '-') this.i++;
      this.digits('in exponent of numeric literal');
    }
  }

  private literal(word: string): void {
    for (let k = 1; k < word.length; k++) {
      const c = this.text[this.i + k];
      if (c === undefined) throw invalid(undefined, '');
      if (c !== word[k]) throw invalid(c, `in literal ${word} (expecting ${quoteChar(word[k] as string)})`);
    }
    this.i += word.length;
  }
}

/** Go's simple case fold for field names (ASCII, plus the two non-ASCII letters Go folds onto ASCII). */
function foldFieldName(name: string): string {
  return name
    .replace(/\u017f/g, 's')
    .replace(/\u212a/g, 'k')
    .toLowerCase();
}

/** The JSON kind word Go puts in `cannot unmarshal <kind> into …`. */
export function goJsonKind(value: GoJsonValue): string {
  return value.kind;
}

/**
 * The object's entries that decode into `fields`, in document order (duplicates included), each tagged
 * with the Go field it lands in. Decoding them in order gives Go's "last one wins".
 */
export function goFieldEntries(
  object: GoJsonObject,
  fields: readonly string[],
): { field: string; key: string; value: GoJsonValue }[] {
  const byFold = new Map(fields.map((f) => [foldFieldName(f), f]));
  const out: { field: string; key: string; value: GoJsonValue }[] = [];
  for (const { key, value } of object.entries) {
    const field = fields.includes(key) ? key : byFold.get(foldFieldName(key));
    if (field !== undefined) out.push({ field, key, value });
  }
  return out;
}

/** The raw bytes a custom `UnmarshalJSON` sees, after flannel's `bytes.Trim(j, "\"")`. */
export function rawTrimmed(value: GoJsonValue): string {
  return value.raw.replace(/^"+|"+$/g, '');
}

/**
 * Go's UnmarshalTypeError text for a struct field. `structName` is the Go type's name ('' for an
 * anonymous struct), `field` the JSON name Go records (the tag name where there is one).
 */
export function typeError(structName: string, field: string, value: GoJsonValue, goType: string): string {
  // A number literal is quoted only where Go's literalStore knows the target is numeric.
  const numeric = goType === 'int' || goType === 'uint';
  const shown = value.kind === 'number' && numeric ? `number ${value.raw}` : value.kind;
  return `json: cannot unmarshal ${shown} into Go struct field ${structName}.${field} of type ${goType}`;
}

/** Decodes a Go `bool` field: null leaves the default, anything but a boolean is a type error. */
export function decodeBool(
  structName: string,
  field: string,
  value: GoJsonValue,
): { value?: boolean; error?: string } {
  if (value.kind === 'null') return {};
  if (value.kind === 'bool') return { value: value.value };
  return { error: typeError(structName, field, value, 'bool') };
}

/** Decodes a Go `string` field: null leaves the default, anything but a string is a type error. */
export function decodeString(
  structName: string,
  field: string,
  value: GoJsonValue,
): { value?: string; error?: string } {
  if (value.kind === 'null') return {};
  if (value.kind === 'string') return { value: value.value };
  return { error: typeError(structName, field, value, 'string') };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Decodes a Go integer field (`int` or `uint`) as literalStore does: strconv.ParseInt / ParseUint of the
 * literal, so `24.0`, `2.4e1` and (for uint) `-0` are type errors; null leaves the default.
 */
export function decodeInteger(
  structName: string,
  field: string,
  value: GoJsonValue,
  goType: 'int' | 'uint',
): { value?: number; error?: string } {
  if (value.kind === 'null') return {};
  const fail = { error: typeError(structName, field, value, goType) };
  if (value.kind !== 'number') return fail;
  const pattern = goType === 'int' ? /^-?[0-9]+$/ : /^[0-9]+$/;
  if (!pattern.test(value.raw)) return fail;
  const n = BigInt(value.raw);
  const inRange = goType === 'int' ? n >= INT64_MIN && n <= INT64_MAX : n <= UINT64_MAX;
  return inRange ? { value: Number(n) } : fail;
}
