// Hostile strings in every string field of a results document (and in every key of its maps), fed to
// each renderer: the output must have exactly the structure it has for harmless strings. Nothing
// injected: no element or attribute in the HTML or the JUnit XML, no line or HTML in the Markdown
// summary, no second workflow command in the annotations, no control character or `##[` command in
// the terminal. Numbers get the same test with extreme values the schema allows.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ResultsDocument } from '../spec/results.ts';
import { parseResultsText } from '../spec/resultsFile.ts';
import { renderAnnotations, renderGithubSummary } from './github.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderTerminal } from './terminal.ts';

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));
/** Every kind of finding and both area sections; and a document `podnet run` wrote (with a scenario). */
const BASES = [here('./fixtures/full.json'), here('../spec/fixtures/run-leak.json')].map(
  (file) => JSON.parse(readFileSync(file, 'utf8')) as unknown,
);

type Path = readonly (string | number)[];
type Json = Record<string | number, unknown>;

const read = (value: unknown): ResultsDocument | undefined => {
  try {
    return parseResultsText(JSON.stringify(value), 'doc.json');
  } catch {
    return undefined;
  }
};

function leaves(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (typeof value !== 'object' || value === null) {
    out.push(at);
    return out;
  }
  for (const [key, child] of Object.entries(value)) {
    leaves(child, [...at, Array.isArray(value) ? Number(key) : key], out);
  }
  return out;
}

function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, part) => (node as Json)[part], value);
}

function setAt(value: unknown, path: Path, leaf: unknown): unknown {
  const copy = structuredClone(value);
  const parent = getAt(copy, path.slice(0, -1)) as Json;
  parent[path[path.length - 1] as string | number] = leaf;
  return copy;
}

/** The maps whose keys are data (endpoints, options): their keys are renamed too. */
const isDataMap = (path: Path): boolean =>
  ['counts', 'expectedShares', 'options'].includes(String(path.at(-1)));

interface Shape {
  /** String leaves the schema lets be any string (not enums, timestamps or names of things). */
  readonly strings: Path[];
  /** Number leaves, each with the extreme values the schema accepts there. */
  readonly numbers: [Path, number[]][];
}

/** Which leaves are free text and which values numbers may take, found by asking the reader. */
function shapeOf(base: unknown): Shape {
  const strings: Path[] = [];
  const numbers: [Path, number[]][] = [];
  for (const path of leaves(base)) {
    const old = getAt(base, path);
    if (typeof old === 'string' && read(setAt(base, path, `${old}\u0000</x>`)) !== undefined)
      strings.push(path);
    if (typeof old === 'number') {
      const ok = [0, 1, 0.5, 5e-324, 2 ** 53 - 1, 1e300].filter(
        (n) => read(setAt(base, path, n)) !== undefined,
      );
      numbers.push([path, ok]);
    }
  }
  return { strings, numbers };
}

/** `base` with every free string, and every key of a data map, replaced by `text(i)` for the i-th distinct string. */
function withStrings(base: unknown, shape: Shape, text: (i: number) => string): unknown {
  const index = new Map<string, number>();
  const of = (s: string): string => {
    if (!index.has(s)) index.set(s, index.size);
    return text(index.get(s) as number);
  };
  const doc = structuredClone(base);
  for (const path of shape.strings) {
    const parent = getAt(doc, path.slice(0, -1)) as Json;
    parent[path[path.length - 1] as string | number] = of(getAt(base, path) as string);
  }
  const rename = (node: unknown, at: Path): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    if (Array.isArray(node)) return node.map((child, i) => rename(child, [...at, i]));
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [isDataMap(at) ? of(k) : k, rename(v, [...at, k])]),
    );
  };
  return rename(doc, []);
}

// ---- structure of each output ------------------------------------------------------------------------

const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea']);

/**
 * The tags and attribute names of HTML or XML, read as a browser's tokenizer reads them (WHATWG
 * "Tokenization": `<` + letter opens a tag, quoted and unquoted attribute values, comments, raw text in
 * script/style/title until `</name`). Injected markup shows up as extra or different tokens.
 */
function markup(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  const isSpace = (c: string | undefined): boolean => c !== undefined && /[\t\n\f\r ]/.test(c);
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    const next = text[lt + 1] ?? '';
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      out.push('<!--');
      i = end < 0 ? n : end + 3;
    } else if (next === '!' || next === '?' || (next === '/' && !/[A-Za-z]/.test(text[lt + 2] ?? ''))) {
      const end = text.indexOf('>', lt);
      out.push(`<${next}`);
      i = end < 0 ? n : end + 1;
    } else if (/[A-Za-z]/.test(next) || (next === '/' && /[A-Za-z]/.test(text[lt + 2] ?? ''))) {
      const closing = next === '/';
      let j = lt + (closing ? 2 : 1);
      let name = '';
      while (j < n && !isSpace(text[j]) && text[j] !== '/' && text[j] !== '>') name += text[j++];
      name = name.toLowerCase();
      const attributes: string[] = [];
      while (j < n && text[j] !== '>') {
        if (isSpace(text[j]) || text[j] === '/') {
          j++;
          continue;
        }
        let attribute = '';
        while (
          j < n &&
          !isSpace(text[j]) &&
          text[j] !== '/' &&
          text[j] !== '>' &&
          (text[j] !== '=' || attribute === '')
        )
          attribute += text[j++];
        attributes.push(attribute.toLowerCase());
        while (isSpace(text[j])) j++;
        if (text[j] !== '=') continue;
        j++;
        while (isSpace(text[j])) j++;
        const quote = text[j];
        if (quote === '"' || quote === "'") {
          const end = text.indexOf(quote, j + 1);
          j = end < 0 ? n : end + 1;
        } else {
          while (j < n && !isSpace(text[j]) && text[j] !== '>') j++;
        }
      }
      out.push(`${closing ? '</' : '<'}${name}${attributes.map((a) => ` ${a}`).join('')}>`);
      i = j + 1;
      if (!closing && RAW_TEXT.has(name)) {
        const end = text.toLowerCase().indexOf(`</${name}`, i);
        const content = text.slice(i, end < 0 ? n : end);
        // The script data escape states begin with `<!--`; a `<script` inside would nest: neither may appear.
        if (name === 'script' && /<!--|<script/i.test(content)) out.push('<!-- in script -->');
        i = end < 0 ? n : end;
      }
    } else {
      i = lt + 1;
    }
  }
  return out;
}

/** What a terminal, a log or a text view acts on or hides: control characters, separators, bidi controls. */
const INVISIBLE = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** Markdown outside fenced code: how each line starts, and every HTML tag; fences by their lines. */
function markdown(text: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (fence !== undefined) {
      if (line === fence) {
        out.push('fence');
        fence = undefined;
      }
      continue;
    }
    const open = /^(`{3,}|~{3,})/.exec(line);
    if (open) {
      fence = open[1];
      out.push('fence');
      continue;
    }
    const start = /^(#{1,6} |\|[^|]*|- |> |\d+\. |\s*$|[*_=+]{3,})/.exec(line)?.[1]?.slice(0, 3) ?? 'text';
    out.push(start, ...markup(line), ...(INVISIBLE.test(line) ? ['control'] : []));
  }
  return out;
}

/** Workflow commands as the runner parses each line (actions/runner ActionCommand.TryParseV2 and TryParse). */
function commands(lines: readonly string[]): string[] {
  return lines.flatMap((line) =>
    line.split(/\r\n|\r|\n/).map((one) => {
      const trimmed = one.trimStart();
      if (trimmed.startsWith('::')) {
        const end = trimmed.indexOf('::', 2);
        const info = trimmed.slice(2, end < 0 ? undefined : end);
        const [name, ...properties] = info.split(' ');
        const keys = properties
          .join(' ')
          .split(',')
          .map((p) => p.split('=')[0]);
        return `v2 ${name} ${keys.join(',')}${INVISIBLE.test(one) ? ' control' : ''}`;
      }
      return one.includes('##[') ? 'v1' : INVISIBLE.test(one) ? 'control' : 'text';
    }),
  );
}

/** Terminal text: its line count, and whatever a terminal or a CI log would act on. */
function terminal(text: string): string[] {
  const lines = text.split('\n');
  return [
    `${lines.length} lines`,
    ...lines.filter((l) => INVISIBLE.test(l)).map(() => 'control'),
    ...commands(lines).filter((c) => c !== 'text'),
  ];
}

const ANSI_COLOR = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');

/**
 * Each output's structure as a sorted list of tokens: the order of findings, testcases or table columns
 * follows the strings (they are sorted), so only what is there is compared, not where.
 */
function structures(doc: ResultsDocument): Record<string, string[]> {
  const sorted = (tokens: string[]): string[] => tokens.sort();
  return {
    html: sorted(markup(renderHtml(doc))),
    junit: sorted(markup(renderJunit(doc))),
    summary: sorted(markdown(renderGithubSummary(doc))),
    annotations: sorted(commands(renderAnnotations(doc))),
    terminal: terminal(renderTerminal(doc)),
    terminalColor: terminal(renderTerminal(doc, { color: true }).replace(ANSI_COLOR, '')),
  };
}

// ---- the properties --------------------------------------------------------------------------------

const PAYLOADS = [
  '<script>alert(1)</script>',
  '</script><!--<script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  ']]><!ENTITY x SYSTEM "file:///etc/passwd">',
  '\n::error title=pwned::injected\n',
  '\r::set-output name=conforms::true',
  '::add-mask::x',
  '%0A::error::x',
  '##[set-output name=conforms;]true',
  '\u001b]0;title\u0007\u001b[2J\u001b[31m',
  '\u202eevil\u2066',
  '\u2028\u2029\u0085',
  '| --- |\n# heading\n```\n<details open>',
  '[x](javascript:alert(1)) ![i](http://x/i.png)',
  '\u0000\ud800\uffff',
  '&lt;script&gt; &amp;',
  '-->',
];

const hostileText = fc.oneof(
  fc.constantFrom(...PAYLOADS),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
  fc.array(fc.constantFrom(...PAYLOADS), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('')),
);

describe.each(BASES.map((base, i) => [i === 0 ? 'full fixture' : 'document from podnet run', base] as const))(
  'hostile values in the %s',
  (_, base) => {
    const shape = shapeOf(base);
    const benign = read(withStrings(base, shape, (i) => `v${i}`)) as ResultsDocument;
    const expected = structures(benign);

    test('the reader lets free text through, so every renderer meets it', () => {
      expect(shape.strings.length).toBeGreaterThan(20);
      expect(benign).toBeDefined();
    });

    test('property: any string in any free field or map key leaves every output`s structure unchanged', () => {
      fc.assert(
        fc.property(fc.array(hostileText, { minLength: 1, maxLength: 12 }), (texts) => {
          // Index last keeps the mapping one-to-one, so sets and groupings stay as with harmless strings.
          const doc = read(withStrings(base, shape, (i) => `${texts[i % texts.length]}${i}`));
          expect(doc).toBeDefined();
          expect(structures(doc as ResultsDocument)).toEqual(expected);
        }),
        { numRuns: 100, seed: 4242 },
      );
    });

    test('property: extreme numbers the schema accepts leave every output`s structure unchanged', () => {
      const original = structures(read(base) as ResultsDocument);
      // Coverage counts decide what is shown (a rule never exercised is listed first, marked, and skipped in
      // JUnit): they are not free numbers, and keep their values here.
      const choices = shape.numbers.filter(([path, ok]) => ok.length > 0 && path[0] !== 'coverage');
      fc.assert(
        fc.property(fc.array(fc.nat(), { minLength: choices.length, maxLength: choices.length }), (picks) => {
          const doc = structuredClone(base);
          choices.forEach(([path, ok], i) => {
            const parent = getAt(doc, path.slice(0, -1)) as Json;
            parent[path[path.length - 1] as string | number] = ok[(picks[i] ?? 0) % ok.length];
          });
          const read1 = read(doc);
          expect(read1).toBeDefined();
          expect(structures(read1 as ResultsDocument)).toEqual(original);
        }),
        { numRuns: 20, seed: 4243 },
      );
    });
  },
);

test('property: whatever the reader accepts, every renderer renders (one value of a document changed)', () => {
  const base = BASES[0];
  const paths = leaves(base).flatMap((path) => path.map((_, i) => path.slice(0, i + 1)));
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom<unknown>('', 'x', -1, 0, 1.5, 2 ** 53, null, {}, [], [[]], 1e300),
  );
  fc.assert(
    fc.property(fc.constantFrom(...paths), value, (path, leaf) => {
      const doc = read(setAt(base, path, leaf));
      if (doc === undefined) return;
      renderHtml(doc);
      renderJunit(doc);
      renderGithubSummary(doc);
      renderAnnotations(doc);
      renderTerminal(doc, { color: true });
    }),
    { numRuns: 300, seed: 4244 },
  );
});

test('the structure checks see an injection when there is one', () => {
  expect(markup('<p title="a" onclick=x>t</p>')).toEqual(['<p title onclick>', '</p>']);
  expect(markup('<p title="a"b">')).toEqual(['<p title b">']);
  expect(markup('<script>x</script ><img src=x>')).toEqual(['<script>', '</script>', '<img src>']);
  expect(markup('<script><!--<script></script>')).toContain('<!-- in script -->');
  expect(markdown('a\n<b>x</b>\n```\n<i>\n```')).toEqual(['text', 'text', '<b>', '</b>', 'fence', 'fence']);
  expect(commands(['::error title=a,file=b::x', 'ok ##[add-mask]x', ' ::warning::y'])).toEqual([
    'v2 error title,file',
    'v1',
    'v2 warning ',
  ]);
  expect(terminal('a\u001b[2Jb\n')).toEqual(['2 lines', 'control', 'control']);
});
