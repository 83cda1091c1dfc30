/**
 * JSON manifests (`kubectl get -o json`, a `.json` file) read with JSON.parse instead of the yaml package.
 * Lines are found only when an error asks for one, by scanning the text along the field's path.
 *
 * A text JSON.parse refuses, one with a duplicate key (JSON.parse keeps the last, the yaml path refuses
 * it) or one nested too deep answers `'unsupported'`: the caller reads it with the yaml package, whose
 * messages and lines users see today.
 */
import { MAX_NESTING_DEPTH } from '../nesting.ts';
import type { FieldPath } from './manifestObject.ts';

export interface JsonManifest {
  readonly value: unknown;
  /** 1-based line of a field (or of its nearest present ancestor); `[]` is the document's line. */
  readonly lineOf: (path: FieldPath) => number | undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether `text` (from `file`) is meant as JSON: it opens with `{` or `[`, or the file says `.json`. */
export function looksLikeJson(text: string, file: string): boolean {
  return /^\s*[[{]/.test(text) || file.toLowerCase().endsWith('.json');
}

/** The document of a JSON text, or `'unsupported'` when the yaml package must read it. */
export function readJsonManifest(text: string): JsonManifest | 'unsupported' {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'unsupported';
  }
  const shape = membersAndDepth(value);
  if (shape.tooDeep || shape.members !== colonsOutsideStrings(text)) return 'unsupported';
  const scanner = new JsonLines(text);
  return { value, lineOf: (path) => scanner.lineOf(path) };
}

/** Members of every object in `value`, and whether it nests deeper than manifests may. */
function membersAndDepth(value: unknown): { members: number; tooDeep: boolean } {
  let members = 0;
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_NESTING_DEPTH) return { members, tooDeep: true };
    const children = Array.isArray(node) ? node : Object.values(node);
    if (!Array.isArray(node)) members += children.length;
    for (const child of children)
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: depth + 1 });
  }
  return { members, tooDeep: false };
}

/** Colons outside strings: in valid JSON, one per object member, so fewer members parsed means a repeated key. */
function colonsOutsideStrings(text: string): number {
  let colons = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i);
    else {
      if (c === 0x3a) colons++;
      i++;
    }
  }
  return colons;
}

/** Offset just after the string that starts at `at` (a `"`). */
function stringEnd(text: string, at: number): number {
  let i = at + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote === -1) return text.length;
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** Lines of fields in a JSON text that JSON.parse accepted, as the yaml path counts them. */
class JsonLines {
  private newlines: number[] | undefined;
  private readonly itemStarts = new Map<number, number[]>();

  constructor(private readonly text: string) {}

  /** The key's line for a member, the value's line for an item, the document's for `[]`. */
  lineOf(path: FieldPath): number | undefined {
    let at = this.skipSpace(0);
    let line = this.lineAt(at);
    for (const part of path) {
      const c = this.text.charCodeAt(at);
      if (c === 0x7b /* { */ && typeof part === 'string') {
        const member = this.member(at, part);
        if (member === undefined) break;
        line = this.lineAt(member.key);
        at = member.value;
      } else if (c === 0x5b /* [ */ && typeof part === 'number') {
        const item = this.items(at)[part];
        if (item === undefined) break;
        line = this.lineAt(item);
        at = item;
      } else break;
    }
    return line;
  }

  private member(open: number, name: string): { key: number; value: number } | undefined {
    const { text } = this;
    let i = this.skipSpace(open + 1);
    while (text.charCodeAt(i) === QUOTE) {
      const keyEnd = stringEnd(text, i);
      const raw = text.slice(i + 1, keyEnd - 1);
      const key = raw.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : raw;
      const value = this.skipSpace(this.skipSpace(keyEnd) + 1);
      if (key === name) return { key: i, value };
      i = this.skipSpace(this.valueEnd(value));
      if (text.charCodeAt(i) !== 0x2c /* , */) break;
      i = this.skipSpace(i + 1);
    }
    return undefined;
  }

  /** Where each item of the array opening at `open` starts (found once per array). */
  private items(open: number): number[] {
    const known = this.itemStarts.get(open);
    if (known) return known;
    const starts: number[] = [];
    const { text } = this;
    let i = this.skipSpace(open + 1);
    if (text.charCodeAt(i) !== 0x5d /* ] */) {
      for (;;) {
        starts.push(i);
        i = this.skipSpace(this.valueEnd(i));
        if (text.charCodeAt(i) !== 0x2c /* , */) break;
        i = this.skipSpace(i + 1);
      }
    }
    this.itemStarts.set(open, starts);
    return starts;
  }

  /** Offset just after the value starting at `at`. */
  private valueEnd(at: number): number {
    const { text } = this;
    const c = text.charCodeAt(at);
    if (c === QUOTE) return stringEnd(text, at);
    if (c !== 0x7b && c !== 0x5b) {
      let i = at;
      while (i < text.length && !/[\s,\]}]/.test(text.charAt(i))) i++;
      return i;
    }
    let depth = 0;
    let i = at;
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (d === QUOTE) {
        i = stringEnd(text, i);
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }

  private skipSpace(at: number): number {
    const { text } = this;
    let i = at;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
      i++;
    }
  }

  /** 1-based line of an offset; the line starts are found once, when a line is first asked for. */
  private lineAt(offset: number): number {
    if (this.newlines === undefined) {
      this.newlines = [];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1))
        this.newlines.push(i);
    }
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.newlines[mid] as number) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }
}
