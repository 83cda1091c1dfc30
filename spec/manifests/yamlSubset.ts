/**
 * A fast reader for the block YAML that kubectl and hand-written manifests use: block mappings and
 * sequences (a sequence may sit at its key's indentation, as kubectl writes `items:`), plain, single- and
 * double-quoted scalars, on one line or folded over several (go-yaml wraps long strings so),
 * literal block scalars `|` and `|-` as mapping values (kubectl's last-applied-configuration), `{}` and
 * `[]`, comments, blank lines and `---` separators.
 *
 * Anything else (anchors, aliases, tags, flow collections, folded scalars `>`, escaped line breaks, tabs, CR,
 * directives, odd indentation, duplicate keys, keys that are not plain strings, deep nesting, any syntax
 * error) makes it answer `'unsupported'`, and the caller reads the file with the `yaml` package instead,
 * so what users get (values, errors, lines) never differs. Scalars resolve as that path does: yaml's
 * YAML 1.1 schema without timestamps and sexagesimal numbers (parse.ts), whose tests are copied here.
 */
import type { FieldPath } from './manifestObject.ts';

/** One document of the stream: its root value (null when empty) and lines found on demand. */
export interface YamlSubsetDocument {
  readonly value: unknown;
  /** 1-based line of a field (or of its nearest present ancestor); the root's line for `[]`. */
  readonly lineOf: (path: FieldPath) => number | undefined;
}

/** Thrown inside the reader when the text leaves the subset; never escapes {@link readYamlSubset}. */
class Unsupported extends Error {}

/** Deepest nesting the fast path reads; deeper input goes to the yaml package (and its depth error). */
const MAX_DEPTH = 64;
/** YAML's bound on an implicit key. */
const MAX_KEY_LENGTH = 1024;
/** Characters the fast path never reads: tabs, CR, other controls, the BOM and Unicode line breaks. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const ODD_CHARACTER = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
/** Plain keys the fast path reads: Kubernetes field names, label and annotation keys. */
const PLAIN_KEY = /^[A-Za-z0-9_.$/][A-Za-z0-9_.$/@+=~-]*$/;

const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;
const PIPE = 0x7c;

/** Reads every document of `text`, or says the text needs the full YAML parser. */
export function readYamlSubset(text: string): YamlSubsetDocument[] | 'unsupported' {
  if (ODD_CHARACTER.test(text)) return 'unsupported';
  try {
    const reader = new SubsetReader(text, undefined);
    const docs: YamlSubsetDocument[] = [];
    for (;;) {
      const start = { offset: reader.pos, line: reader.lineNo };
      const value = reader.document();
      let positions: Positions | undefined;
      let root: unknown;
      let rootLine: number | undefined;
      const lineOf = (path: FieldPath): number | undefined => {
        if (positions === undefined) {
          positions = new WeakMap();
          const again = new SubsetReader(text, positions, start);
          root = again.document();
          rootLine = again.rootLine;
        }
        return lineOfPath(root, rootLine, positions, path);
      };
      docs.push({ value, lineOf });
      if (!reader.nextDocument()) return docs;
    }
  } catch (error) {
    if (error instanceof Unsupported) return 'unsupported';
    throw error;
  }
}

/** Lines of keys (mappings) and items (sequences), kept only when lines are asked for. */
type Positions = WeakMap<object, Map<string, number> | number[]>;

function lineOfPath(
  root: unknown,
  rootLine: number | undefined,
  positions: Positions,
  path: FieldPath,
): number | undefined {
  let node = root;
  let line = rootLine;
  for (const part of path) {
    if (node === null || typeof node !== 'object') break;
    const lines = positions.get(node);
    const at = Array.isArray(node)
      ? typeof part === 'number' && Array.isArray(lines)
        ? lines[part]
        : undefined
      : typeof part === 'string' && lines instanceof Map
        ? lines.get(part)
        : undefined;
    if (at === undefined) break;
    line = at;
    node = (node as Record<string | number, unknown>)[part];
  }
  return line;
}

class SubsetReader {
  /** Offset of the current line's first character. */
  pos = 0;
  /** 1-based number of the current line. */
  lineNo = 1;
  /** Offset of the current line's `\n` (or the text's end). */
  private lineEnd = 0;
  /** Spaces before the current line's content. */
  private indent = 0;
  /** The cursor is on a `---` line (the document ended) or past the text. */
  private atDocumentEnd = false;
  private depth = 0;
  /** Line of the last document's root node. */
  rootLine: number | undefined;

  constructor(
    private readonly text: string,
    private readonly positions: Positions | undefined,
    start: { readonly offset: number; readonly line: number } = { offset: 0, line: 1 },
  ) {
    this.pos = start.offset;
    this.lineNo = start.line;
    this.loadLine();
  }

  /** Reads one document from the cursor; leaves the cursor on the `---` that ends it, or at the end. */
  document(): unknown {
    // A stream may open with `---`: no document before it (an empty one would be skipped anyway).
    this.toContent();
    if (this.atDocumentEnd) {
      this.rootLine = undefined;
      return null;
    }
    this.rootLine = this.lineNo;
    const value = this.block(this.indent);
    if (!this.atDocumentEnd) throw new Unsupported();
    return value;
  }

  /** Steps over the `---` line the cursor is on; false at the end of the text. */
  nextDocument(): boolean {
    if (this.pos >= this.text.length) return false;
    this.nextLine();
    return true;
  }

  private loadLine(): void {
    const { text } = this;
    const end = text.indexOf('\n', this.pos);
    this.lineEnd = end === -1 ? text.length : end;
    let i = this.pos;
    while (i < this.lineEnd && text.charCodeAt(i) === SPACE) i++;
    this.indent = i - this.pos;
  }

  private nextLine(): void {
    this.pos = this.lineEnd + 1;
    this.lineNo++;
    this.loadLine();
  }

  /** Moves to the next line with content (skipping blank and comment lines); notes a document's end. */
  private toContent(): void {
    const { text } = this;
    for (;;) {
      if (this.pos >= text.length) {
        this.pos = text.length;
        this.atDocumentEnd = true;
        return;
      }
      const first = this.pos + this.indent;
      if (first === this.lineEnd || text.charCodeAt(first) === HASH) {
        this.nextLine();
        continue;
      }
      this.atDocumentEnd = false;
      if (this.indent === 0) {
        if (text.startsWith('---', first)) {
          if (!isBlankOrComment(text, first + 3, this.lineEnd)) throw new Unsupported();
          this.atDocumentEnd = true;
        } else if (text.startsWith('...', first) || text.charCodeAt(first) === 0x25 /* % */) {
          throw new Unsupported();
        }
      }
      return;
    }
  }

  /** A block node starting a line at column `col`: a sequence or a mapping. */
  private block(col: number): unknown {
    const at = this.pos + col;
    if (isSequenceEntry(this.text, at, this.lineEnd)) return this.sequence(col);
    if (this.key(at) !== undefined) return this.mapping(col);
    throw new Unsupported();
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new Unsupported();
  }

  /** A block mapping whose keys sit at column `col`; its first key is on the current line. */
  private mapping(col: number): Record<string, unknown> {
    this.enter();
    const map: Record<string, unknown> = {};
    const lines = this.positions ? new Map<string, number>() : undefined;
    if (lines) this.positions?.set(map, lines);
    for (;;) {
      const key = this.key(this.pos + col);
      if (key === undefined) throw new Unsupported();
      if (Object.hasOwn(map, key.name) || key.name === '__proto__') throw new Unsupported();
      lines?.set(key.name, this.lineNo);
      const valueAt = skipSpaces(this.text, key.end, this.lineEnd);
      let value: unknown;
      // `key:` or `key: # comment`: the value is on the next lines, or null.
      if (valueAt === this.lineEnd || this.text.charCodeAt(valueAt) === HASH) {
        this.nextLine();
        this.toContent();
        if (!this.atDocumentEnd && this.indent > col) value = this.block(this.indent);
        else if (
          !this.atDocumentEnd &&
          this.indent === col &&
          isSequenceEntry(this.text, this.pos + col, this.lineEnd)
        )
          value = this.sequence(col);
        else value = null;
      } else if (this.text.charCodeAt(valueAt) === PIPE) {
        value = this.literalBlock(valueAt, col);
        this.toContent();
      } else {
        value = this.inlineScalar(valueAt, col);
      }
      map[key.name] = value;
      if (this.atDocumentEnd || this.indent < col) break;
      if (this.indent > col) throw new Unsupported();
    }
    this.depth--;
    return map;
  }

  /** A block sequence whose `-` sit at column `col`; its first entry is on the current line. */
  private sequence(col: number): unknown[] {
    this.enter();
    const list: unknown[] = [];
    const lines: number[] | undefined = this.positions ? [] : undefined;
    if (lines) this.positions?.set(list, lines);
    const { text } = this;
    for (;;) {
      lines?.push(this.lineNo);
      const at = skipSpaces(text, this.pos + col + 1, this.lineEnd);
      // `-` alone (its item on the next lines) and `- - x` (a sequence in a sequence) are left to yaml.
      if (at === this.pos + col + 1 || at === this.lineEnd || text.charCodeAt(at) === HASH)
        throw new Unsupported();
      if (isSequenceEntry(text, at, this.lineEnd)) throw new Unsupported();
      if (this.key(at) !== undefined) {
        list.push(this.mapping(at - this.pos));
      } else {
        list.push(this.inlineScalar(at, col));
      }
      if (this.atDocumentEnd || this.indent < col) break;
      if (this.indent > col) throw new Unsupported();
      if (!isSequenceEntry(text, this.pos + col, this.lineEnd)) break;
    }
    this.depth--;
    return list;
  }

  /**
   * A literal block scalar `|` or `|-` (kubectl writes last-applied-configuration so) as a mapping value
   * whose keys sit at `parentCol`; leaves the cursor on the first line after it. Indentation indicators,
   * `|+`, folded `>`, an empty scalar, lines of spaces longer than the indentation and a last line without
   * a line break are left to yaml.
   */
  private literalBlock(at: number, parentCol: number): string {
    const { text } = this;
    const strip = text.charCodeAt(at + 1) === DASH;
    if (at + (strip ? 2 : 1) !== this.lineEnd) throw new Unsupported();
    const lines: string[] = [];
    let indent = -1;
    for (;;) {
      this.nextLine();
      if (this.pos >= text.length) break;
      const blank = this.pos + this.indent === this.lineEnd;
      if (blank) {
        if (indent === -1 ? this.indent > parentCol : this.indent > indent) throw new Unsupported();
        lines.push('');
        continue;
      }
      if (indent === -1) {
        if (this.indent <= parentCol) throw new Unsupported();
        indent = this.indent;
      } else if (this.indent < indent) break;
      if (this.lineEnd === text.length) throw new Unsupported();
      lines.push(text.slice(this.pos + indent, this.lineEnd));
    }
    if (indent === -1) throw new Unsupported();
    while (lines[lines.length - 1] === '') lines.pop();
    const body = lines.join('\n');
    return strip ? body : `${body}\n`;
  }

  /** The key starting at `at` with the offset after its `:`, or undefined when the line holds no key. */
  private key(at: number): { readonly name: string; readonly end: number } | undefined {
    const { text, lineEnd } = this;
    const c = text.charCodeAt(at);
    if (c === DQUOTE || c === SQUOTE) {
      const quoted = quotedPart(c, text, at + 1, lineEnd);
      // A quote that does not close on its line is a multi-line scalar, never a key.
      if (quoted.close === -1 || text.charCodeAt(quoted.close + 1) !== COLON) return undefined;
      const after = quoted.close + 2;
      if (after !== lineEnd && text.charCodeAt(after) !== SPACE) throw new Unsupported();
      if (quoted.close - at > MAX_KEY_LENGTH) throw new Unsupported();
      return { name: quoted.value, end: after };
    }
    // Searched within the line only: a search to the next colon of the text would make reading quadratic.
    let colon = -1;
    for (let i = at; i < lineEnd; i++) {
      if (text.charCodeAt(i) === COLON && (i + 1 === lineEnd || text.charCodeAt(i + 1) === SPACE)) {
        colon = i;
        break;
      }
    }
    if (colon === -1) return undefined;
    const name = text.slice(at, colon);
    // Keys outside the plain set (spaces, comments, flow characters, `<<`, …) and keys that resolve to
    // anything but a string (`80`, `yes`, `null`) go to the yaml package, which knows what they mean.
    if (name.length > MAX_KEY_LENGTH || !PLAIN_KEY.test(name) || resolvePlain(name) !== name)
      throw new Unsupported();
    return { name, end: colon + 1 };
  }

  /**
   * A scalar, `{}` or `[]` from `at` (a comment may follow) of a node whose parent sits at `parentCol`; a
   * plain scalar may go on over more indented lines (go-yaml folds long strings so). Leaves the cursor on
   * the next line with content.
   */
  private inlineScalar(at: number, parentCol: number): unknown {
    const { text, lineEnd } = this;
    const c = text.charCodeAt(at);
    let value: unknown;
    if (c === DQUOTE || c === SQUOTE) {
      const quoted = quotedPart(c, text, at + 1, lineEnd);
      if (quoted.close === -1) return this.quotedRest(c, at + 1, parentCol);
      endsTheLine(text, quoted.close + 1, lineEnd);
      value = quoted.value;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (text.charCodeAt(at + 1) !== close) throw new Unsupported();
      endsTheLine(text, at + 2, lineEnd);
      value = c === 0x7b ? {} : [];
    } else {
      if (!plainMayStart(text, at, lineEnd)) throw new Unsupported();
      const first = plainLine(text, at, lineEnd);
      // A comment ends a plain scalar: no line may continue it.
      return resolvePlain(
        first.commented ? this.afterLine(first.source) : this.plainRest(first.source, parentCol),
      );
    }
    this.nextLine();
    this.toContent();
    return value;
  }

  /**
   * A quoted scalar that goes on over more indented lines, from `from` (after its opening quote), folded
   * as YAML folds flow scalars: a line break between text is a space, n empty lines are n line breaks,
   * spaces around a break go. Leaves the cursor on the next line with content.
   */
  private quotedRest(quote: number, from: number, parentCol: number): string {
    const { text } = this;
    let folded = this.quotedLine(quote, from);
    if (folded === '') throw new Unsupported();
    let emptyLines = 0;
    for (;;) {
      this.nextLine();
      if (this.pos >= text.length) throw new Unsupported();
      const at = this.pos + this.indent;
      if (at === this.lineEnd) {
        emptyLines++;
        continue;
      }
      if (this.indent <= parentCol) throw new Unsupported();
      folded += emptyLines > 0 ? '\n'.repeat(emptyLines) : ' ';
      emptyLines = 0;
      const part = quotedPart(quote, text, at, this.lineEnd);
      if (part.close !== -1) {
        endsTheLine(text, part.close + 1, this.lineEnd);
        return this.afterLine(folded + part.value);
      }
      folded += this.quotedLine(quote, at);
    }
  }

  /** A quoted scalar's text from `from` to the end of the line, less the spaces before the break. */
  private quotedLine(quote: number, from: number): string {
    const { text } = this;
    let end = this.lineEnd;
    while (end > from && text.charCodeAt(end - 1) === SPACE) end--;
    // `\ ` before the break: an escaped space, or a space after a backslash? Left to yaml.
    if (quote === DQUOTE && end < this.lineEnd && text.charCodeAt(end - 1) === BACKSLASH)
      throw new Unsupported();
    return quotedPart(quote, text, from, end).value;
  }

  private afterLine<T>(value: T): T {
    this.nextLine();
    this.toContent();
    return value;
  }

  /**
   * The lines that continue a plain scalar (more indented than its parent, not a comment), folded as YAML
   * folds them: one line break is a space, n empty lines are n line breaks.
   */
  private plainRest(first: string, parentCol: number): string {
    const { text } = this;
    let folded = first;
    let emptyLines = 0;
    for (;;) {
      this.nextLine();
      if (this.pos >= text.length) break;
      const at = this.pos + this.indent;
      if (at === this.lineEnd) {
        emptyLines++;
        continue;
      }
      if (this.indent <= parentCol || text.charCodeAt(at) === HASH) break;
      const line = plainLine(text, at, this.lineEnd);
      // Indicators at the start of a continuation and comments after it are left to yaml.
      if (line.commented || !plainMayStart(text, at, this.lineEnd) || isSequenceEntry(text, at, this.lineEnd))
        throw new Unsupported();
      folded += emptyLines > 0 ? '\n'.repeat(emptyLines) : ' ';
      folded += line.source;
      emptyLines = 0;
    }
    this.toContent();
    return folded;
  }
}

/** The text of one line of a plain scalar: up to a ` #` comment, without trailing spaces. */
function plainLine(text: string, at: number, lineEnd: number): { source: string; commented: boolean } {
  let end = lineEnd;
  for (let i = at + 1; i < lineEnd; i++) {
    if (text.charCodeAt(i) === HASH && text.charCodeAt(i - 1) === SPACE) {
      end = i;
      break;
    }
  }
  const commented = end !== lineEnd;
  while (end > at && text.charCodeAt(end - 1) === SPACE) end--;
  const source = text.slice(at, end);
  // `a: b: c` and `a: b:` are errors in YAML: let the yaml package say so.
  if (source.includes(': ') || source.charCodeAt(source.length - 1) === COLON) throw new Unsupported();
  return { source, commented };
}

function skipSpaces(text: string, at: number, end: number): number {
  let i = at;
  while (i < end && text.charCodeAt(i) === SPACE) i++;
  return i;
}

function isBlankOrComment(text: string, at: number, end: number): boolean {
  if (at === end) return true;
  if (text.charCodeAt(at) !== SPACE) return false;
  const i = skipSpaces(text, at, end);
  return i === end || text.charCodeAt(i) === HASH;
}

/** After a quoted scalar or `{}`: only spaces, then the end of the line or a ` #` comment. */
function endsTheLine(text: string, at: number, end: number): void {
  if (!isBlankOrComment(text, at, end)) throw new Unsupported();
}

function isSequenceEntry(text: string, at: number, end: number): boolean {
  return text.charCodeAt(at) === DASH && (at + 1 === end || text.charCodeAt(at + 1) === SPACE);
}

/** Whether a plain scalar may start at `at` (no indicator: anchors, tags, flow, block scalars, …). */
function plainMayStart(text: string, at: number, end: number): boolean {
  const c = text.charCodeAt(at);
  if ('[]{},#&*!|>\'"%@`'.includes(text.charAt(at))) return false;
  if (c === DASH || c === 0x3f /* ? */ || c === COLON)
    return at + 1 < end && text.charCodeAt(at + 1) !== SPACE;
  return true;
}

/** Single-quoted text from `from` to its closing quote (`close`), or to `end` (`close` -1); `''` is a quote. */
function singleQuotedPart(text: string, from: number, end: number): { value: string; close: number } {
  let i = from;
  let value = '';
  for (;;) {
    const close = text.indexOf("'", i);
    if (close === -1 || close >= end) return { value: value + text.slice(i, end), close: -1 };
    value += text.slice(i, close);
    if (close + 1 < end && text.charCodeAt(close + 1) === SQUOTE) {
      value += "'";
      i = close + 2;
      continue;
    }
    return { value, close };
  }
}

/** yaml's escapes in double-quoted scalars (compose/resolve-flow-scalar.js), but for a line break. */
const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};
const HEX_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/** Double-quoted text from `from` to its closing quote (`close`), or to `end` (`close` -1), escapes decoded. */
function doubleQuotedPart(text: string, from: number, end: number): { value: string; close: number } {
  let i = from;
  let value = '';
  for (;;) {
    let j = i;
    while (j < end) {
      const c = text.charCodeAt(j);
      if (c === DQUOTE || c === BACKSLASH) break;
      j++;
    }
    value += text.slice(i, j);
    if (j >= end) return { value, close: -1 };
    if (text.charCodeAt(j) === DQUOTE) return { value, close: j };
    // An escaped line break (`\` last on its line) is left to yaml: j + 1 is then the line's end.
    if (j + 1 >= end) throw new Unsupported();
    const escaped = text.charAt(j + 1);
    const simple = ESCAPES[escaped];
    if (simple !== undefined) {
      value += simple;
      i = j + 2;
      continue;
    }
    const length = HEX_LENGTH[escaped];
    if (length === undefined) throw new Unsupported();
    const hex = text.slice(j + 2, j + 2 + length);
    if (j + 2 + length > end || !/^[0-9a-fA-F]+$/.test(hex)) throw new Unsupported();
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff) throw new Unsupported();
    value += String.fromCodePoint(code);
    i = j + 2 + length;
  }
}

function quotedPart(
  quote: number,
  text: string,
  from: number,
  end: number,
): { value: string; close: number } {
  return quote === DQUOTE ? doubleQuotedPart(text, from, end) : singleQuotedPart(text, from, end);
}

// The implicit tags of yaml's YAML 1.1 schema in its order (schema/yaml-1.1/*.js, schema/common/null.js),
// as parse.ts configures it: no timestamps, no sexagesimal numbers; `<<` is a key-only tag, and keys are
// checked to stay strings.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const TRUE = /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const FALSE = /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
const INT_BIN = /^[-+]?0b[0-1_]+$/;
const INT_OCT = /^[-+]?0[0-7_]+$/;
const INT = /^[-+]?[0-9][0-9_]*$/;
const INT_HEX = /^[-+]?0x[0-9a-fA-F_]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/;
/** First characters after which a plain scalar can only be a string (no tag above matches). */
const ONLY_STRING_FIRST = /^[A-DG-MP-SU-XZa-dg-mp-su-xz/_@$%^&()=:;,<>?|\\]/;

/** yaml's int resolve (schema/yaml-1.1/int.js, intAsBigInt off). */
function intResolve(source: string, offset: number, radix: number): number {
  const sign = source[0];
  const skip = sign === '-' || sign === '+' ? offset + 1 : offset;
  const n = Number.parseInt(source.substring(skip).replace(/_/g, ''), radix);
  return sign === '-' ? -1 * n : n;
}

/** The value of a plain scalar as yaml resolves it with parse.ts's YAML 1.1 schema. */
export function resolvePlain(source: string): unknown {
  if (ONLY_STRING_FIRST.test(source)) return source;
  if (NULL.test(source)) return null;
  if (TRUE.test(source)) return true;
  if (FALSE.test(source)) return false;
  if (INT_BIN.test(source)) return intResolve(source, 2, 2);
  if (INT_OCT.test(source)) return intResolve(source, 1, 8);
  if (INT.test(source)) return intResolve(source, 0, 10);
  if (INT_HEX.test(source)) return intResolve(source, 2, 16);
  if (FLOAT_NAN.test(source))
    return source.slice(-3).toLowerCase() === 'nan'
      ? Number.NaN
      : source[0] === '-'
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(source)) return Number.parseFloat(source.replace(/_/g, ''));
  if (FLOAT.test(source)) return Number.parseFloat(source.replace(/_/g, ''));
  return source;
}
