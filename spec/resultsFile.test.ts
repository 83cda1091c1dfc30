import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PodnetInputError } from './errors.ts';
import type { ResultsDocument } from './results.ts';
import { MAX_RESULTS_NESTING, nestingDepth, parseResultsText, readResultsFile } from './resultsFile.ts';
import { checkResultsDocument } from './resultsSchema.ts';

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));
/** Written by `podnet run --seed 1 --budget 20s --lab-fault ignore-except` (no finding) and `--seed 3 --lab-fault egress-ignored` (one leak). */
const RUN_CLEAN = here('./fixtures/run-clean.json');
const RUN_LEAK = here('./fixtures/run-leak.json');
/** The reports' fixture with every kind of finding the runner writes, and both area sections. */
const FULL = here('../reports/fixtures/full.json');
/** The reports' fixture whose every string is hostile (markup, control and bidi characters). */
const HOSTILE = here('../reports/fixtures/hostile.json');

const full = JSON.parse(readFileSync(FULL, 'utf8')) as ResultsDocument;
/** Where the fixture keeps a flannel finding and an LB finding, and one endpoint the LB finding counts. */
const FL = full.findings.findIndex((f) => f.flannel !== undefined);
const LB = full.findings.findIndex((f) => f.lb !== undefined);
const EP = Object.keys(full.findings[LB]?.lb?.counts ?? {})[0] ?? '';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-results-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function inputErrorOf(run: () => unknown): PodnetInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof PodnetInputError) return error;
    throw error;
  }
  throw new Error('expected a PodnetInputError');
}

const parse = (text: string): ResultsDocument => parseResultsText(text, 'r.json');
const errorOf = (text: string): PodnetInputError => inputErrorOf(() => parse(text));

/** A copy of `doc` with `change` applied to the value at `path` (the parent's key is replaced or deleted). */
function mutate(
  doc: unknown,
  path: readonly (string | number)[],
  change: (old: unknown) => unknown,
): unknown {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  const next = change(node[last]);
  if (next === DELETE) delete node[last];
  else node[last] = next;
  return copy;
}
const DELETE = Symbol('delete');

describe('reading results.json', () => {
  test('documents written by `podnet run`, and one full of hostile strings, read back unchanged', () => {
    for (const file of [RUN_CLEAN, RUN_LEAK, HOSTILE]) {
      const doc = readResultsFile(file);
      expect(doc).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    }
    expect(readResultsFile(RUN_LEAK).findings[0]?.kind).toBe('leak');
  });

  test('text that is not JSON, with exit code 2; the parser quote of the file is made visible', () => {
    const e = errorOf('{"a":\u001b[31m}');
    expect(e.code).toBe('PODNET_BAD_RESULTS');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/^r\.json: not valid JSON: /);
    expect(e.message).toContain('\\u001b');
    expect(e.message).not.toContain('\u001b');
  });

  test('another tool`s JSON, and an unsupported schemaVersion', () => {
    expect(errorOf('{"results": []}').message).toContain('not a podnet results document');
    expect(errorOf('[1]').location.field).toBe('(root)');
    const e = errorOf(JSON.stringify({ ...full, schemaVersion: 3 }));
    expect(e.location.field).toBe('schemaVersion');
    expect(e.message).toContain('unsupported schemaVersion 3; this podnet reads versions 1 and 2');
  });

  test('version 2 carries the coverage; version 1, written before runs counted it, reads without', () => {
    const { coverage: _, ...without } = full;
    const e = errorOf(JSON.stringify(without));
    expect(e.location.field).toBe('coverage');
    expect(e.message).toContain('every results file of schemaVersion 2 has it');
    const old = readResultsFile(RUN_CLEAN);
    expect(old.schemaVersion).toBe(1);
    expect(old.coverage).toBeUndefined();
  });

  // Each row: where the bad value goes, what it is, and the start of the problem the reader names.
  const BAD: readonly [readonly (string | number)[], unknown, string][] = [
    [['findings', 0, 'truthTable', 1, 'expected'], 'maybe', 'must be one of "allow", "deny", "undefined"'],
    [['findings', 0, 'truthTable', 1, 'differs'], 'yes', 'must be true or false'],
    [['findings', 0, 'probe', 'port'], 70000, 'must be an integer from 0 to 65535, got 70000'],
    [['findings', 0, 'explanation', 1], 5, 'must be a string, got 5'],
    [['findings', 0, 'shrink', 'pods'], -1, 'must be a whole number (0 or more), got -1'],
    [['findings', 0, 'namespaces'], 'x', 'must be a list of a string'],
    [['findings', 0, 'seed'], 2 ** 32, 'must be an integer from 0 to 4294967295'],
    [['findings', 0, 'kind'], 'oops', 'must be one of "leak"'],
    [['findings', 0, 'title'], DELETE, 'is missing: must be a string'],
    [['findings', FL, 'flannel', 0, 'node'], ['n'], 'must be a string, got a list of 1'],
    [['findings', LB, 'lb', 'counts', EP], -3, 'must be a whole number (0 or more), got -3'],
    [['findings', LB, 'lb', 'expectedShares', EP], 1.5, 'must be a finite number from 0 to 1'],
    [['findings', LB, 'lb', 'pValue'], 'small', 'must be a finite number from 0 to 1'],
    [['seed'], -1, 'must be an integer from 0 to 4294967295, got -1'],
    [['seed'], 1.5, 'must be an integer from 0 to 4294967295, got 1.5'],
    [['startedAt'], 'yesterday', 'must be an ISO 8601 timestamp, got "yesterday"'],
    [['areas', 1], 'policy', 'repeats "policy"'],
    [['profile', 'loopback'], 'maybe', 'must be one of "undefined", "allow", "policy"'],
    [['profile', 'support', 'sctp'], 'no', 'must be true or false'],
    [['options', 'alpha'], { a: 1 }, 'must be a string, or a finite number'],
    [['options', 'areas', 0], 7, 'must be a string, got 7'],
    [['summary', 'byArea', 'policy', 'status'], 'great', 'must be one of "pass", "fail"'],
    [['summary', 'durationMs'], -5, 'must be a finite number of at least 0'],
    [['sections', 'flannel', 0, 'rows', 0, 'differs'], 'yes', 'must be true or false'],
    [['sections', 'lb', 0, 'port'], '80', 'must be an integer from 0 to 65535'],
    [['checks', 0, 'scenarios'], 2.5, 'must be a whole number (0 or more), got 2.5'],
    [['tool', 'version'], null, 'must be a string, got null'],
  ];
  test.each(BAD)('%j = %j: exit 2 naming the JSON path', (path, value, problem) => {
    const e = errorOf(JSON.stringify(mutate(full, path, () => value)));
    expect(e.exitCode).toBe(2);
    expect(e.location.file).toBe('r.json');
    const field = path.map((p, i) =>
      typeof p === 'number'
        ? `[${p}]`
        : i === 0
          ? p
          : /^[A-Za-z_]\w*$/.test(p)
            ? `.${p}`
            : `[${JSON.stringify(p)}]`,
    );
    expect(e.location.field).toBe(field.join(''));
    expect(e.problem).toContain(problem);
  });

  test('a number too large for a double (1e999 reads as Infinity) is a schema error, not a number', () => {
    const text = JSON.stringify(full).replace(`"probes":${full.summary.probes}`, '"probes":1e999');
    expect(text).toContain('"probes":1e999');
    const e = errorOf(text);
    expect(e.location.field).toBe('summary.probes');
    expect(e.problem).toContain('got Infinity (a number too large for JSON, such as 1e999)');
  });

  test('an infinite LB statistic is written as null and reads back as null', () => {
    const doc = parse(JSON.stringify(mutate(full, ['findings', LB, 'lb', 'statistic'], () => Infinity)));
    expect(doc.findings[LB]?.lb?.statistic).toBeNull();
  });

  test('unknown keys are left out (a newer podnet may add optional fields); unknown profile switches are refused', () => {
    const extra = mutate(
      mutate(full, ['future'], () => ({ x: 1 })),
      ['findings', 0, 'future'],
      () => [1],
    );
    const doc = parse(JSON.stringify(extra)) as unknown as Record<string, unknown>;
    expect(doc.future).toBeUndefined();
    expect((doc.findings as Record<string, unknown>[])[0]?.future).toBeUndefined();
    const e = errorOf(JSON.stringify(mutate(full, ['profile', 'strictEgress'], () => true)));
    expect(e.location.field).toBe('profile.strictEgress');
    expect(e.problem).toContain('unknown field "strictEgress"');
  });

  test('100,000 levels of nesting are exit 2 naming the file, not a RangeError', () => {
    const deep = `{"schemaVersion":1,"tool":{"name":"podnet"},"findings":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const e = errorOf(deep);
    expect(e.location.file).toBe('r.json');
    expect(e.problem).toContain(`nested more than ${MAX_RESULTS_NESTING} levels deep`);
    expect(nestingDepth('{"a":"[[[[{{{{","b":[{"c":"\\"]"}]}')).toBe(3);
  });

  test('files that are not regular files are refused by the input reader (exit 2)', async () => {
    expect(inputErrorOf(() => readResultsFile(dir)).message).toContain('is a directory, not a results file');
    expect(inputErrorOf(() => readResultsFile('/dev/zero')).message).toContain('character device');
    expect(inputErrorOf(() => readResultsFile(join(dir, 'missing.json'))).code).toBe('PODNET_FILE_NOT_FOUND');
  });
});

/** Only a document or a PodnetInputError: never another error, never a stack trace or a raw control character. */
function expectDocumentOrInputError(read: () => ResultsDocument): void {
  let doc: ResultsDocument;
  try {
    doc = read();
  } catch (error) {
    expect(error).toBeInstanceOf(PodnetInputError);
    const message = (error as PodnetInputError).message;
    expect(message).not.toMatch(/\n\s+at /);
    expect(message.replaceAll('\n', '')).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
    expect(message.length).toBeLessThan(2000);
    return;
  }
  // What the reader returns checks again to itself: nothing unchecked slipped through.
  expect(checkResultsDocument(doc, 'again')).toEqual(doc);
}

/** Every path to a value in `value` (objects and lists), the root excluded. */
function pathsOf(
  value: unknown,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return out;
  for (const [key, child] of Object.entries(value)) {
    const path = [...at, Array.isArray(value) ? Number(key) : key];
    out.push(path);
    pathsOf(child, path, out);
  }
  return out;
}

const HOSTILE_STRINGS = [
  '',
  '\u0000',
  '\u001b[2J',
  '</script>',
  '::error::x',
  '##[add-mask]x',
  '\ud800',
  'x'.repeat(5000),
];

/** A change to one value of a document: drop it, change its type, a huge or NaN-like number, deep nesting, control characters. */
const changeArb: fc.Arbitrary<(old: unknown) => unknown> = fc.oneof(
  fc.constant(() => DELETE),
  fc.jsonValue({ maxDepth: 3 }).map((v) => () => v),
  fc.constantFrom(1e308, -1e308, 5e-324, -0, 2 ** 53 + 1, -1, 0.5, 2 ** 32).map((n) => () => n),
  fc.constantFrom(...HOSTILE_STRINGS).map((s) => () => s),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999').map((s) => () => s),
  fc.integer({ min: 1, max: 200 }).map((depth) => (old: unknown) => {
    let v = old;
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  }),
  fc
    .string({ unit: 'binary', maxLength: 20 })
    .map((s) => (old: unknown) => (typeof old === 'string' ? `${old}${s}` : s)),
);

describe('fuzzing the results reader (fast-check, fixed seed)', () => {
  test('random bytes in a file: a document or exit 2', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        const file = join(dir, `bytes-${n++}.json`);
        await writeFile(file, bytes);
        expectDocumentOrInputError(() => readResultsFile(file));
        await rm(file);
      }),
      { numRuns: 200, seed: 1414 },
    );
  });

  test('random JSON values: exit 2', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expectDocumentOrInputError(() => parse(JSON.stringify(value)));
      }),
      { numRuns: 500, seed: 1415 },
    );
  });

  test('mutations of a valid document (one value dropped, retyped, huge, nested, with control characters)', () => {
    const paths = pathsOf(full);
    fc.assert(
      fc.property(fc.constantFrom(...paths), changeArb, (path, change) => {
        const text = JSON.stringify(mutate(full, path, change)) ?? 'null';
        expectDocumentOrInputError(() => parse(text.replaceAll('"1e999"', '1e999')));
      }),
      { numRuns: 1000, seed: 1416 },
    );
  });

  test('mutations as text: a number spelled 1e999 or NaN, a cut file, a byte changed', () => {
    const text = JSON.stringify(full);
    fc.assert(
      fc.property(
        fc.nat({ max: text.length - 1 }),
        fc.constantFrom('1e999', 'NaN', '', '\u0000', '[', '{"a":'),
        (at, insert) => {
          expectDocumentOrInputError(() => parse(text.slice(0, at) + insert + text.slice(at)));
          expectDocumentOrInputError(() => parse(text.slice(0, at)));
        },
      ),
      { numRuns: 300, seed: 1417 },
    );
  });
});
