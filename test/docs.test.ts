// Citations resolve from a fresh clone (docs/README.md "Citations"): every `docs/…` path and every `§n.m` that
// code, tests and docs cite names a file under docs/ and a heading in it; docs/rules.md lists the catalogue.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { RULES } from '../spec/rules.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SELF = relative(ROOT, import.meta.filename);
const SCANNED = /\.(ts|mts|js|mjs|md|c|py|ya?ml)$/;
// dist/ (and dist.* while a build runs) is the build: its comments are copies of the sources', cut from context.
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'podnet-results', 'dist']);
const skipped = (name: string) => SKIPPED_DIRS.has(name) || name.startsWith('dist.');

/** The research files' names before they moved into docs/ (code outside docs/ may still use them). */
const LEGACY_NAMES: readonly (readonly [string, string])[] = [
  ['netpol-anchors(?:\\.md)?', 'docs/research/netpol.md'],
  ['lb\\.md', 'docs/research/lb.md'],
  ['flannel\\.md', 'docs/research/flannel.md'],
  ['ts-ecosystem\\.md', 'docs/research/typescript.md'],
  ['DESIGN\\.md', 'docs/design.md'],
];

/**
 * Files that may still cite the research by its old names: they are being reshaped on another branch (issue 16),
 * whose change moves their citations to docs/ paths. Drop entries as they land.
 */

const DOC_PATH = '(?<![\\w/.-])(docs/[\\w./-]*[\\w-]\\.md)';
const LEGACY = `(?<![\\w/.-])(?:\\.\\./)*(?:shared/)?(?:research/)?(${LEGACY_NAMES.map(([n]) => n).join('|')})(?![\\w-])`;
const MD_LINK = '\\]\\((?!https?:|mailto:|#)([^)\\s#]+\\.md)(?:#[^)\\s]*)?\\)';
const NUMBER = '\\d+(?:\\.\\d+)?';
const RULE_LIST = '\\d+(?:\\s*[–-]\\s*\\d+)?(?:\\s*,\\s*\\d+(?:\\s*[–-]\\s*\\d+)?)*';
const SECTION = `§\\s*(${NUMBER})(?:\\s*[–-]\\s*§?\\s*(${NUMBER}))?(?:\\s+rules?\\s+(${RULE_LIST})|\\s+#(\\d+)\\b)?`;
/** A § that belongs to another standard, not to our docs. */
const EXTERNAL_BEFORE = /(?:RFC\s*\d+|YAML\s+[\d.]+)\s*$/i;

type Token =
  | { kind: 'doc'; doc: string; legacy: boolean; start: number; end: number }
  | { kind: 'section'; sections: string[]; start: number; end: number; text: string };

function tokens(file: string, text: string): Token[] {
  const isMd = file.endsWith('.md');
  const inDocs = file.startsWith('docs/');
  // A pattern that does not apply keeps its capture group (`(?!)()`), so group numbers stay put.
  const parts = [DOC_PATH, inDocs ? '(?!)()' : LEGACY, isMd ? MD_LINK : '(?!)()', SECTION];
  const re = new RegExp(parts.map((p) => `(?:${p})`).join('|'), 'g');
  const out: Token[] = [];
  for (const m of text.matchAll(re)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[1] !== undefined) out.push({ kind: 'doc', doc: m[1], legacy: false, start, end });
    else if (m[2] !== undefined) {
      const target = LEGACY_NAMES.find(([n]) => new RegExp(`^(?:${n})$`).test(m[2]!))?.[1] ?? m[2];
      out.push({ kind: 'doc', doc: target, legacy: true, start, end });
    } else if (m[3] !== undefined) {
      const doc = relative(ROOT, resolve(ROOT, dirname(file), m[3]));
      out.push({ kind: 'doc', doc, legacy: false, start, end });
    } else {
      out.push({ kind: 'section', sections: sectionsOf(m[4]!, m[5], m[6], m[7]), start, end, text: m[0] });
    }
  }
  return out;
}

/** `§7.3–7.6` → 7.3 … 7.6; `§2-§4` → 2, 3, 4; `§7 rules 8–11, 14` → 7.8 … 7.11, 7.14; `§9 #5` → 9.5. */
function sectionsOf(
  first: string,
  last: string | undefined,
  rules: string | undefined,
  item: string | undefined,
) {
  if (rules !== undefined) {
    return rules.split(',').flatMap((part) => {
      const [a, b] = part.split(/[–-]/).map((s) => Number(s.trim()));
      return range(a!, b ?? a!).map((n) => `${first}.${n}`);
    });
  }
  if (item !== undefined) return [`${first}.${item}`];
  if (last === undefined) return [first];
  const [major, minor] = first.split('.');
  if (minor === undefined && !last.includes('.')) return range(Number(major), Number(last)).map(String);
  if (minor !== undefined && !last.includes('.'))
    return range(Number(minor), Number(last)).map((n) => `${major}.${n}`);
  const [lastMajor, lastMinor] = last.split('.');
  if (minor !== undefined && lastMajor === major)
    return range(Number(minor), Number(lastMinor)).map((n) => `${major}.${n}`);
  return [first, last];
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to && out.length < 100; n++) out.push(n);
  return out;
}

interface Headings {
  readonly numbers: ReadonlySet<string>;
  readonly names: ReadonlySet<string>;
  readonly text: string;
}

const headingCache = new Map<string, Headings | undefined>();

function headingsOf(doc: string, read: (doc: string) => string | undefined): Headings | undefined {
  if (headingCache.has(doc) && read === readDoc) return headingCache.get(doc);
  const text = read(doc);
  let result: Headings | undefined;
  if (text !== undefined) {
    const numbers = new Set<string>();
    const names = new Set<string>();
    let fenced = false;
    for (const line of text.split('\n')) {
      if (/^\s*```/.test(line)) fenced = !fenced;
      const h = fenced ? null : /^#{1,6}\s+(.*?)\s*$/.exec(line);
      if (!h) continue;
      const title = h[1]!;
      const numbered = /^(?:§\s*)?(\d+(?:\.\d+)*)\.?(?:\s+(.*))?$/.exec(title);
      if (numbered) {
        numbers.add(numbered[1]!);
        if (numbered[2]) names.add(numbered[2]);
      }
      names.add(title);
    }
    result = { numbers, names, text };
  }
  if (read === readDoc) headingCache.set(doc, result);
  return result;
}

function readDoc(doc: string): string | undefined {
  const path = join(ROOT, doc);
  return existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
}

/** Every citation in `text` (the file `file`, relative to the repository) that does not resolve. */
function citationProblems(
  file: string,
  text: string,
  read: (doc: string) => string | undefined = readDoc,
): string[] {
  const problems: string[] = [];
  const lineOf = (index: number): number => text.slice(0, index).split('\n').length;
  const where = (index: number): string => `${file}:${lineOf(index)}`;
  let lastDoc: Extract<Token, { kind: 'doc' }> | undefined;
  let previous: Token | undefined;
  for (const t of tokens(file, text)) {
    if (t.kind === 'doc') {
      const headings = headingsOf(t.doc, read);
      if (!headings) problems.push(`${where(t.start)}: ${t.doc} does not exist`);
      else {
        const after = text.slice(t.end, t.end + 120);
        const quoted = /^\s*"([^"\n]+)"/.exec(after);
        const word = /^\s*`?([a-z]+[A-Z]\w*)`?/.exec(after);
        if (quoted && !headings.names.has(quoted[1]!))
          problems.push(`${where(t.start)}: ${t.doc} has no heading "${quoted[1]}"`);
        else if (!quoted && word && !headings.text.includes(word[1]!))
          problems.push(`${where(t.start)}: ${t.doc} never mentions ${word[1]}`);
      }
      if (t.legacy) problems.push(`${where(t.start)}: cite ${t.doc}, not ${text.slice(t.start, t.end)}`);
      lastDoc = t;
      previous = t;
      continue;
    }
    const lineStart = text.lastIndexOf('\n', t.start - 1) + 1;
    const before = text.slice(lineStart, t.start);
    if (EXTERNAL_BEFORE.test(before)) {
      previous = t;
      continue;
    }
    const chained =
      previous !== undefined &&
      /^[\s,;:()&/]*(?:and|or)?[\s,;:()&/]*$/.test(text.slice(previous.end, t.start));
    const sameLine = lastDoc !== undefined && lastDoc.start >= lineStart;
    let doc: string | undefined;
    if ((chained || sameLine) && lastDoc) doc = lastDoc.doc;
    else if (file.startsWith('docs/')) doc = file;
    else doc = lastDoc?.doc;
    previous = t;
    if (doc === undefined) {
      problems.push(`${where(t.start)}: ${t.text} cites no document (name docs/… before it)`);
      continue;
    }
    const headings = headingsOf(doc, read);
    if (!headings) continue; // reported with the document
    for (const s of t.sections) {
      if (!headings.numbers.has(s))
        problems.push(`${where(t.start)}: ${doc} has no section ${s} (${t.text})`);
    }
  }
  return problems;
}

function scannedFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (skipped(name)) continue;
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) out.push(...scannedFiles(p));
    else if (SCANNED.test(name)) out.push(relative(ROOT, p));
  }
  return out;
}

describe('docs citations (docs/README.md "Citations")', () => {
  test('every docs/ path and § reference in the repository resolves to a file and a heading', () => {
    const problems = scannedFiles(ROOT)
      .filter((f) => f !== SELF)
      .flatMap((f) => citationProblems(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(problems).toEqual([]);
  });

  test('docs/rules.md lists exactly the rules of spec/rules.ts, each under its area', () => {
    const rows = [
      ...readFileSync(join(ROOT, 'docs/rules.md'), 'utf8').matchAll(
        /^\|\s*`([A-Z][A-Z0-9-]+)`\s*\|\s*(\w+)\s*\|/gm,
      ),
    ];
    const listed = new Map(rows.map((m) => [m[1]!, m[2]!]));
    const missing = RULES.filter((r) => listed.get(r.id) !== r.area).map((r) => `${r.id} (${r.area})`);
    const unknown = [...listed.keys()].filter((id) => !RULES.some((r) => r.id === id));
    expect({ missing, unknown }).toEqual({ missing: [], unknown: [] });
    expect(rows.length).toBe(RULES.length);
  });

  test('the check itself catches broken citations', () => {
    const docs: Record<string, string> = {
      'docs/research/lb.md':
        '# lb\n## 7. Statistics\n### 7.8 Keeping CI false alarms down\n```\n# 9.9 not a heading\n```\n',
      'docs/research/netpol.md': '## 7. Rules\n### 7.1 One\n### 7.2 Two\n',
      'docs/design.md': '## Findings\nThe `serviceTraffic` switch.\n',
    };
    const read = (doc: string): string | undefined => docs[doc];
    const check = (file: string, text: string): string[] => citationProblems(file, text, read);
    expect(check('oracle/x.ts', '// docs/research/lb.md §7.8, §7 and docs/design.md "Findings"')).toEqual([]);
    expect(check('oracle/x.ts', '// docs/research/netpol.md §7 rules 1-2\n// later: §7.2')).toEqual([]);
    expect(check('oracle/x.ts', '// docs/research/lb.md §7.9')).toEqual([
      'oracle/x.ts:1: docs/research/lb.md has no section 7.9 (§7.9)',
    ]);
    expect(check('oracle/x.ts', '// docs/research/lb.md §9.9')).toHaveLength(1);
    expect(check('oracle/x.ts', '// docs/research/netpol.md §7 rules 1-3')).toHaveLength(1);
    expect(check('oracle/x.ts', '// docs/research/gone.md §1')).toEqual([
      'oracle/x.ts:1: docs/research/gone.md does not exist',
    ]);
    expect(check('oracle/x.ts', '// docs/design.md "Layout"')).toEqual([
      'oracle/x.ts:1: docs/design.md has no heading "Layout"',
    ]);
    expect(check('oracle/x.ts', '// see §7.8')).toEqual([
      'oracle/x.ts:1: §7.8 cites no document (name docs/… before it)',
    ]);
    expect(check('oracle/x.ts', '// RFC 7348 §5; YAML 1.2 §9.1')).toEqual([]);
    expect(check('oracle/x.ts', '// lb.md §7.8')).toEqual([
      'oracle/x.ts:1: cite docs/research/lb.md, not lb.md',
    ]);
    // Old names fail everywhere, the runner included.
    expect(check('runner/x.ts', '// lb.md §7.8')).toEqual([
      'runner/x.ts:1: cite docs/research/lb.md, not lb.md',
    ]);
    expect(check('docs/research/lb.md', 'see §7.8 and [netpol](netpol.md) §7.2')).toEqual([]);
    expect(check('docs/research/lb.md', 'see §7.2')).toHaveLength(1);
  });
});
