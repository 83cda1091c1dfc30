import { describe, expect, test } from 'vitest';
import { quoteValue } from './quote.ts';
import {
  anyOf,
  array,
  boolean,
  finite,
  integer,
  jsonPathText,
  literal,
  nullable,
  object,
  oneOf,
  optional,
  record,
  type Schema,
  SchemaMismatch,
  showValue,
  string,
  tagged,
} from './schema.ts';

function mismatchOf(schema: Schema<unknown>, value: unknown): SchemaMismatch {
  try {
    schema.read(value, ['doc']);
  } catch (error) {
    if (error instanceof SchemaMismatch) return error;
    throw error;
  }
  throw new Error('expected a SchemaMismatch');
}

describe('schema', () => {
  test('numbers: integers in range, finite only (JSON.parse reads 1e999 as Infinity)', () => {
    const port = integer(1, 65535);
    expect(port.read(80, [])).toBe(80);
    expect(mismatchOf(port, 0).problem).toBe('must be an integer from 1 to 65535, got 0');
    expect(mismatchOf(port, 1.5).problem).toContain('got 1.5');
    expect(mismatchOf(port, '80').problem).toContain('got "80"');
    expect(mismatchOf(finite(), JSON.parse('1e999')).problem).toBe(
      'must be a finite number, got Infinity (a number too large for JSON, such as 1e999)',
    );
    expect(mismatchOf(finite({ min: 0, max: 1 }), -0.5).problem).toContain('from 0 to 1');
    expect(nullable(finite(), 'infinite').read(null, [])).toBeNull();
  });

  test('objects: the path of the first bad field, missing fields, unknown keys stripped or refused', () => {
    const inner = object({ x: integer(0, 9), y: optional(string()) }, { unknownKeys: 'strip' });
    const outer = object({ list: array(inner) }, { unknownKeys: 'refuse' });
    const e = mismatchOf(outer, { list: [{ x: 1 }, { x: 'no' }] });
    expect(jsonPathText(e.path)).toBe('doc.list[1].x');
    expect(jsonPathText(mismatchOf(outer, { list: [{}] }).path)).toBe('doc.list[0].x');
    expect(mismatchOf(outer, { list: [{}] }).problem).toBe('is missing: must be an integer from 0 to 9');
    expect(outer.read({ list: [{ x: 1, extra: { deep: true } }] }, [])).toEqual({ list: [{ x: 1 }] });
    const refused = mismatchOf(outer, { list: [], more: 1 });
    expect(jsonPathText(refused.path)).toBe('doc.more');
    expect(refused.problem).toBe('unknown field "more"; fields here: list');
    // null is not "absent": an optional field that is present must have its type.
    expect(jsonPathText(mismatchOf(inner, { x: 1, y: null }).path)).toBe('doc.y');
  });

  test('records are made without a prototype: `constructor` and `__proto__` are data', () => {
    const counts = record(integer(0, 10));
    const read = counts.read(JSON.parse('{"constructor": 1, "__proto__": 2}'), []);
    expect(Object.getPrototypeOf(read)).toBeNull();
    expect(Object.keys(read)).toEqual(['constructor', '__proto__']);
    expect(read.toString).toBeUndefined();
    expect(jsonPathText(mismatchOf(counts, { 'a b': -1 }).path)).toBe('doc["a b"]');
  });

  test('unions pick their member by JSON type; tagged objects by their tag', () => {
    const value = anyOf(string(), finite(), boolean, array(string()));
    expect(value.read(['a'], [])).toEqual(['a']);
    expect(mismatchOf(value, null).problem).toMatch(
      /^must be a string, or a finite number, or true or false/,
    );
    const ref = tagged('ref', { pod: { pod: string() }, outside: {} }, { unknownKeys: 'refuse' });
    expect(ref.read({ ref: 'outside' }, [])).toEqual({ ref: 'outside' });
    expect(ref.read({ ref: 'pod', pod: 'x/a' }, [])).toEqual({ ref: 'pod', pod: 'x/a' });
    expect(jsonPathText(mismatchOf(ref, { ref: 'pod' }).path)).toBe('doc.pod');
    expect(mismatchOf(ref, { ref: 'other' }).problem).toBe('must be one of "pod", "outside", got "other"');
    expect(mismatchOf(ref, {}).problem).toBe('is missing: must be one of "pod", "outside"');
    expect(mismatchOf(oneOf(['a', 'b']), 'c').problem).toBe('must be one of "a", "b", got "c"');
    expect(literal(1).read(1, [])).toBe(1);
  });

  test('lists: bounds and uniqueness', () => {
    expect(mismatchOf(array(string(), { maxItems: 2 }), ['a', 'b', 'c']).problem).toBe(
      'must hold at most 2 items, got 3',
    );
    expect(mismatchOf(array(string(), { minItems: 1 }), []).problem).toBe(
      'must hold at least 1 items, got 0',
    );
    expect(jsonPathText(mismatchOf(array(string(), { unique: true }), ['a', 'b', 'a']).path)).toBe('doc[2]');
  });

  test('values in messages are short, on one line, with control characters and `##[` made visible', () => {
    expect(showValue('x'.repeat(1000))).toBe(`"${'x'.repeat(60)}…" (1000 characters)`);
    expect(showValue('a\u001b[31m\nb\u009b\u202e')).toBe('"a\\u001b[31m\\nb\\u009b\\u202e"');
    expect(quoteValue('##[add-mask]x')).toBe('"#\\u0023[add-mask]x"');
    expect(showValue([[[[1]]]])).toBe('a list of 1');
    expect(showValue({ a: 1 })).toBe('an object');
    expect(jsonPathText(['options', `k${'\u001b'.repeat(100)}`])).toMatch(
      /^options\["k(\\u001b){59}…" \(101 characters\)\]$/,
    );
    expect(jsonPathText([])).toBe('(root)');
  });

  test('the walk follows the schema, not the data: a deep value where a string belongs costs one step', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const e = mismatchOf(object({ name: string() }, { unknownKeys: 'strip' }), { name: deep });
    expect(e.problem).toBe('must be a string, got a list of 1');
  });
});
