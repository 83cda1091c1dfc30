// The fast readers (yamlSubset.ts for block YAML, jsonManifest.ts for JSON) against the yaml package path
// they stand in for: same objects, values, lines and errors, or a fall back to the yaml package.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { PodnetInputError } from '../errors.ts';
import { readJsonManifest } from './jsonManifest.ts';
import type { FieldPath, ManifestObject } from './manifestObject.ts';
import { parseManifestsCollecting, parseManifestsWithYamlPackage } from './parse.ts';
import { readYamlSubset, resolvePlain } from './yamlSubset.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Every path to a node of `value`, with a missing key and a missing index below each container. */
function pathsOf(value: unknown, limit = 3000): FieldPath[] {
  const out: FieldPath[] = [[]];
  const walk = (node: unknown, path: FieldPath): void => {
    if (out.length >= limit || node === null || typeof node !== 'object') return;
    out.push([...path, 'no-such-key'], [...path, 99]);
    const entries: [string | number, unknown][] = Array.isArray(node)
      ? node.map((v, i) => [i, v])
      : Object.entries(node);
    for (const [k, v] of entries) {
      out.push([...path, k]);
      walk(v, [...path, k]);
    }
  };
  walk(value, []);
  return out;
}

/** What a user gets from a reading: the objects with every line an error could name, and the messages. */
function outcome(read: (text: string, file: string, errors: PodnetInputError[]) => ManifestObject[]) {
  return (text: string, file = 'in.yaml') => {
    const errors: PodnetInputError[] = [];
    const objects = read(text, file, errors).map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      file: o.file,
      value: o.value,
      line: o.line,
      lines: pathsOf(o.value).map((p) => [p.join('.'), o.lineOf(p)]),
    }));
    return { objects, errors: errors.map((e) => [e.code, e.message]) };
  };
}
const fast = outcome(parseManifestsCollecting);
const slow = outcome(parseManifestsWithYamlPackage);

function manifestFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && ['.yaml', '.yml', '.json'].includes(extname(e.name)))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

describe('fast readers equal the yaml package on the repository files', () => {
  const files = [
    ...manifestFiles(join(ROOT, 'examples')),
    ...manifestFiles(join(ROOT, 'spec', 'manifests', 'fixtures')),
  ];

  test.each(files.map((f) => [f.slice(ROOT.length + 1), f]))('%s', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    expect(fast(text, file)).toEqual(slow(text, file));
  });

  test('the kubectl dump and every example manifest take the fast path (none falls back)', () => {
    // Outside the subset: a GitHub workflow's `run: |` block scalars, and pods.yaml's one-line flow
    // mappings (`labels: { role: db }`), which the yaml package reads.
    // The kubectl fixture was edited by hand: one `args: [...]` flow sequence (kubectl writes block style).
    const fallsBack = [
      'examples/ci/podnet-kind.yml',
      'examples/seed-policy/pods.yaml',
      'spec/manifests/fixtures/kubectl-get-all.yaml',
    ];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const read = file.endsWith('.json') ? readJsonManifest(text) : readYamlSubset(text);
      if (fallsBack.some((f) => file.endsWith(f))) expect(read, file).toBe('unsupported');
      else expect(read, file).not.toBe('unsupported');
    }
  });
});

test('the kubectl dump written as kubectl writes it (block style only) takes the fast path, same result', () => {
  const file = join(ROOT, 'spec', 'manifests', 'fixtures', 'kubectl-get-all.yaml');
  const flow = 'args: ["netexec", "--http-port=8080"]';
  const original = readFileSync(file, 'utf8');
  expect(original).toContain(flow);
  const indent = /( *)args: \[/.exec(original)?.[1] ?? '';
  const text = original.replace(flow, `args:\n${indent}- netexec\n${indent}- --http-port=8080`);
  expect(readYamlSubset(text)).not.toBe('unsupported');
  const read = fast(text, file);
  expect(read.objects.length).toBeGreaterThan(8);
  expect(read).toEqual(slow(text, file));
});

// The scalars whose typing differs between YAML 1.1, YAML 1.2 and JSON, and the odd corners of yaml's
// 1.1 tags (schema/yaml-1.1/*.js): `e5` is NaN there, `0_` an octal NaN, `.` a float NaN.
const TRICKY_SCALARS = [
  ...['', '~', 'null', 'Null', 'NULL', 'nULL', 'yes', 'Yes', 'YES', 'y', 'Y', 'n', 'N', 'no', 'on'],
  ...['off', 'OFF', 'true', 'False', 'tRUE', '0', '-0', '+0', '00', '012', '08', '0o17', '0b101', '0x1F'],
  ...['-0x1f', '+0b1', '1_000', '0_', '1e3', '1E-2', 'e5', '.5', '5.', '.', '-.inf', '.NaN', '.nan', '+.Inf'],
  ...['1.50', '2026-11-20', '1:30', '<<', '-', '-a', ':a', '?a', 'a#b', 'a: b', 'a:', 'http://x:80/y'],
  ...['10.0.0.0/8', 'x,y', 'x[1]', "it's", 'say "hi"', 'back\\slash', 'tab\there', 'ünïcödé', '#c'],
  ...['a long line of words', 'words then\na break', 'x y: z', 'p q #r', 'k -l', 'u\n- v', 'w\n#x'],
  ...['two\nlines\n', 'no\nfinal break', '{"json":1}\n', 'a\n\nb\n', 'x\n\n\n', ' lead\nx\n', '# not\n'],
  ...[' lead', 'trail ', 'a  b', '*x', '&x', '!x', '%x', '@x', '`x', '|', '>', '{a}', '[a]', '{}', '[]'],
];

const KEYS = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      ...['name', 'namespace', 'labels', 'spec', 'app.kubernetes.io/name', 'kubernetes.io/metadata.name'],
      ...['a-b', 'x_y', '$patch', 'app', 'ports', 'matchLabels'],
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ...['yes', '80', '~', 'null', '<<', 'a b', '-x', 'a:b', '__proto__', 'e5', '', 'x#y', 'x #y'],
    ),
  },
);

type Tree = null | boolean | number | string | Tree[] | { [key: string]: Tree };

const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...TRICKY_SCALARS),
    fc.stringMatching(/^[a-z][a-z0-9.-]{0,8}$/),
    fc.integer({ min: -70000, max: 70000 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.dictionary(KEYS, tie('tree'), { maxKeys: 4 }),
  ),
})).tree;

/** A tiny seeded generator for the renderer's choices (fast-check shrinks the seed with the tree). */
function chooser(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

/** Block YAML in the styles people and tools write: quoting, indentation, compact lists, comments. */
function renderYaml(docs: readonly Tree[], seed: number): string {
  const pick = chooser(seed);
  const step = (): number => [2, 2, 4, 3][pick(4)] ?? 2;
  // Quoted, and sometimes wrapped at spaces over more indented lines (go-yaml does past 80 columns).
  let foldIndent = 0;
  const foldQuoted = (quoted: string): string => {
    if (pick(3) !== 0) return quoted;
    const pad = `\n${' '.repeat(foldIndent + step())}`;
    return quoted.replace(/ +/g, (gap) => (pick(2) === 0 ? `${pick(4) === 0 ? '\n' : ''}${pad}` : gap));
  };
  const scalar = (v: Tree, indent: number): string => {
    foldIndent = indent;
    if (typeof v !== 'string') return v === null ? (['null', '~', '', 'null'][pick(4)] ?? '') : String(v);
    if (v.includes('\n') && pick(2) === 0) {
      const body = v.endsWith('\n') ? v.slice(0, -1) : v;
      const pad = ' '.repeat(indent + step());
      const content = body.split('\n').map((l) => (l === '' ? '' : `${pad}${l}`));
      return `${v.endsWith('\n') ? '|' : '|-'}\n${content.join('\n')}`;
    }
    switch (pick(4)) {
      case 0: {
        // Plain, folded over more indented lines as go-yaml writes long strings: a space becomes a line
        // break, a line break an empty line.
        if (pick(2) === 0) return v;
        const pad = `\n${' '.repeat(indent + step())}`;
        return v.replaceAll('\n', `\n${pad}`).replace(/ +/g, (gap) => (pick(2) === 0 ? pad : gap));
      }
      case 1:
        return foldQuoted(`'${v.replaceAll("'", "''")}'`);
      default:
        return foldQuoted(JSON.stringify(v));
    }
  };
  const key = (k: string): string => (pick(5) === 0 ? JSON.stringify(k) : pick(9) === 0 ? `'${k}'` : k);
  const comment = (): string => (pick(8) === 0 ? ' # note' : '');
  const lines: string[] = [];
  const node = (v: Tree, indent: number, prefix: string): void => {
    // `prefix` is what precedes the value on its line (`key:` or `-`).
    if (Array.isArray(v)) {
      if (v.length === 0) return void lines.push(`${prefix} []${comment()}`);
      lines.push(`${prefix}${comment()}`);
      const at = prefix.trimStart().startsWith('-') || pick(2) === 0 ? indent + step() : indent;
      for (const item of v) seqItem(item, at);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      if (entries.length === 0) return void lines.push(`${prefix} {}${comment()}`);
      lines.push(`${prefix}${comment()}`);
      mapping(entries, indent + step());
    } else {
      const text = scalar(v, indent);
      lines.push(text.startsWith('|') ? `${prefix} ${text}` : `${prefix} ${text}${comment()}`);
    }
  };
  const mapping = (entries: [string, Tree][], indent: number, firstPrefix?: string): void => {
    entries.forEach(([k, v], i) => {
      if (pick(10) === 0) lines.push(pick(2) === 0 ? '' : `${' '.repeat(pick(6))}# a comment line`);
      const lead = i === 0 && firstPrefix !== undefined ? firstPrefix : ' '.repeat(indent);
      node(v, indent, `${lead}${key(k)}:`);
    });
  };
  const seqItem = (v: Tree, indent: number): void => {
    const dash = `${' '.repeat(indent)}-${pick(6) === 0 ? '   ' : ' '}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
      mapping(Object.entries(v), dash.length, dash);
    } else if (Array.isArray(v) && v.length > 0) {
      node(v, indent, `${' '.repeat(indent)}-`);
    } else {
      node(v, indent, dash.trimEnd());
    }
  };
  const out: string[] = [];
  docs.forEach((doc, i) => {
    lines.length = 0;
    if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && Object.keys(doc).length > 0)
      mapping(Object.entries(doc), 0);
    else if (Array.isArray(doc) && doc.length > 0) for (const item of doc) seqItem(item, 0);
    else lines.push('# an empty document');
    if (i > 0 || pick(3) === 0) out.push(['---', '--- # next', '---  '][pick(3)] ?? '---');
    out.push(...lines);
  });
  return `${out.join('\n')}${pick(4) === 0 ? '' : '\n'}`;
}

/** Constructs outside the subset, spliced into a rendered text at a line. */
const FOREIGN = [
  'a: &anchor x',
  'b: *anchor',
  'c: !!str 1',
  'd: {x: 1}',
  'e: [1, 2]',
  'f: |+\n  kept\n\n',
  'f: |2\n   indicated',
  'f: |\n\n    \n  more spaces before',
  'g: >\n  folded',
  'h: plain # comment\n  continued',
  '\tbad: tab',
  'i: "escaped \\\n  line break"',
  'i: "not indented\nenough"',
  'kind: Again',
  ' odd: indentation',
  '<<: {x: 1}',
  '? complex\n: key',
  '- - nested',
  '%YAML 1.1',
  '...',
  '--- inline',
  'j: x\r',
  'k: a: b',
];

const docArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      { apiVersion: fc.constant('v1'), kind: fc.constant('ConfigMap'), metadata: treeArb, data: treeArb },
      { requiredKeys: ['kind', 'metadata'] },
    ),
  },
  { weight: 1, arbitrary: treeArb },
);

describe('fast YAML reader, generated manifests', () => {
  test('property: where the fast reader reads a text, everything a user gets equals the yaml package path', () => {
    let read = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.array(docArb as fc.Arbitrary<Tree>, { minLength: 1, maxLength: 3 }),
        fc.integer(),
        fc.oneof(
          { weight: 3, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...FOREIGN), fc.nat()) },
        ),
        (docs, seed, foreign) => {
          let text = renderYaml(docs, seed);
          if (foreign) {
            const lines = text.split('\n');
            lines.splice(foreign[1] % (lines.length + 1), 0, foreign[0]);
            text = lines.join('\n');
          }
          runs++;
          if (readYamlSubset(text) !== 'unsupported') read++;
          expect(fast(text)).toEqual(slow(text));
        },
      ),
      { numRuns: 600, seed: 1901 },
    );
    // The property must not hold only because everything falls back.
    expect(read / runs).toBeGreaterThan(0.4);
  });

  test('each construct outside the subset falls back to the yaml package', () => {
    for (const snippet of FOREIGN) {
      const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n${snippet}\n`;
      expect(readYamlSubset(text), JSON.stringify(snippet)).toBe('unsupported');
      expect(fast(text)).toEqual(slow(text));
    }
    expect(
      readYamlSubset(
        `${'a:\n'.repeat(0)}${Array.from({ length: 70 }, (_, i) => `${' '.repeat(i * 2)}k:`).join('\n')} 1\n`,
      ),
    ).toBe('unsupported');
  });

  test('property: a plain scalar types as yaml 1.1 types it (null, bool, int in 4 bases, float)', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.stringMatching(/^[-+0-9._xobeEinfaNlLuTtrYyOo~]{1,8}$/), (s) => {
        const text = `apiVersion: v1\nkind: ConfigMap\nv: ${s}\n`;
        const reference = slow(text);
        const docs = readYamlSubset(text);
        if (docs !== 'unsupported') {
          read++;
          expect((docs[0]?.value as { v?: unknown } | undefined)?.v).toEqual(reference.objects[0]?.value.v);
        }
        if (reference.errors.length === 0) expect(resolvePlain(s)).toEqual(reference.objects[0]?.value.v);
      }),
      { numRuns: 1000, seed: 1902 },
    );
    // Only `-`, `- x`, `?`, `:` and the like leave the subset.
    expect(read).toBeGreaterThan(900);
  });
});

test('plain and quoted scalars folded over lines (go-yaml wraps long strings at 80 columns) read on the fast path', () => {
  const text = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: a',
    '  annotations:',
    '    note: a long note that go-yaml',
    '      folds at eighty columns',
    '',
    '      with a paragraph break',
    'spec:',
    '  containers:',
    '  - command:',
    '    - /bin/sh',
    '    - set -e; echo one',
    '      two',
    '    name: c',
    '    args:',
    '    - "a quoted string \\u00e9 that',
    '      wraps"',
    "    - 'single and",
    '',
    "      wrapped'",
    '',
  ].join('\n');
  const docs = readYamlSubset(text);
  expect(docs).not.toBe('unsupported');
  const value = (docs as { value: Record<string, unknown> }[])[0]?.value;
  expect(value?.metadata).toMatchObject({
    annotations: { note: 'a long note that go-yaml folds at eighty columns\nwith a paragraph break' },
  });
  expect((value?.spec as { containers: { args: string[] }[] } | undefined)?.containers[0]?.args).toEqual([
    'a quoted string \u00e9 that wraps',
    'single and\nwrapped',
  ]);
  expect(fast(text)).toEqual(slow(text));
});

describe('JSON read with JSON.parse', () => {
  const listArb = fc.array(
    fc.record({
      apiVersion: fc.constant('v1'),
      kind: fc.constantFrom('Namespace', 'ConfigMap'),
      metadata: fc.record({ name: fc.stringMatching(/^[a-z]{1,6}$/) }),
      data: fc.jsonValue({ maxDepth: 3 }),
    }),
    { maxLength: 4 },
  );

  test('property: a kubectl -o json List reads as the yaml package reads it, lines included', () => {
    fc.assert(
      fc.property(listArb, fc.constantFrom(0, 2, 4), (items, indent) => {
        const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, indent);
        expect(readJsonManifest(text)).not.toBe('unsupported');
        expect(fast(text, 'l.json')).toEqual(slow(text, 'l.json'));
      }),
      { numRuns: 300, seed: 1903 },
    );
  });

  test('a repeated key, bad JSON and deep nesting fall back, with the yaml path messages', () => {
    const cases = [
      '{"apiVersion": "v1", "kind": "Namespace", "kind": "Pod", "metadata": {"name": "a"}}',
      '{"apiVersion": "v1",\n "kind": "Namespace"\n "metadata": {}}',
      `{"apiVersion": "v1", "kind": "ConfigMap", "data": ${'['.repeat(300)}${']'.repeat(300)}}`,
    ];
    for (const text of cases) {
      expect(readJsonManifest(text)).toBe('unsupported');
      expect(fast(text, 'x.json')).toEqual(slow(text, 'x.json'));
      expect(fast(text, 'x.json').errors.length).toBe(1);
    }
  });

  test('a key with escapes and a string holding `":` find their lines', () => {
    const text =
      '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "a"},\n  "data": {\n    "x\\"y": "a\\":{",\n    "z": 1\n  }\n}\n';
    const [o] = parseManifestsCollecting(text, 'c.json', []);
    expect(o?.lineOf(['data', 'x"y'])).toBe(6);
    expect(o?.lineOf(['data', 'z'])).toBe(7);
    expect(fast(text, 'c.json')).toEqual(slow(text, 'c.json'));
  });
});
