// Go's encoding/json as flannel's ParseConfig meets it (Go src/encoding/json/scanner.go for the syntax
// errors, decode.go literalStore for numbers and custom unmarshalers).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeInteger, type GoJsonValue, goFieldEntries, parseGoJson, rawTrimmed } from './goJson.ts';

function value(text: string): GoJsonValue {
  const r = parseGoJson(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function syntaxError(text: string): string {
  const r = parseGoJson(text);
  if (r.ok) throw new Error(`expected a syntax error for ${text}`);
  return r.error;
}

describe('parseGoJson: what JSON.parse hides', () => {
  test('numbers keep their literal: 24.0 stays "24.0" (decode.go literalStore hands the literal to strconv)', () => {
    expect(value('24.0')).toEqual({ kind: 'number', raw: '24.0' });
    expect(value('2.4e1')).toEqual({ kind: 'number', raw: '2.4e1' });
  });

  test('duplicate keys are all kept in document order (Go decodes each one; the last wins)', () => {
    const v = value('{"Network": "a", "SubnetLen": 1, "network": "b"}');
    if (v.kind !== 'object') throw new Error('not an object');
    expect(goFieldEntries(v, ['Network']).map((e) => [e.key, rawTrimmed(e.value)])).toEqual([
      ['Network', 'a'],
      ['network', 'b'],
    ]);
  });

  test('a custom UnmarshalJSON sees the raw bytes: escapes stay, quotes trimmed (pkg/ip/ipnet.go bytes.Trim)', () => {
    expect(rawTrimmed(value('"10.244.0.0\\/16"'))).toBe('10.244.0.0\\/16');
    expect(rawTrimmed(value('{ "a": 1 }'))).toBe('{ "a": 1 }');
    expect(rawTrimmed(value('null'))).toBe('null');
  });

  test('string values are unescaped for plain string fields', () => {
    expect(value('"v\\u0078lan\\n"')).toMatchObject({ kind: 'string', value: 'vxlan\n' });
  });
});

describe("parseGoJson: syntax errors in Go's scanner wording (scanner.go)", () => {
  test.each([
    ['', 'unexpected end of JSON input'],
    ['{"Network": ', 'unexpected end of JSON input'],
    ['{"Network" 1}', "invalid character '1' after object key"],
    ['{"a": 1 "b": 2}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['{1: 2}', "invalid character '1' looking for beginning of object key string"],
    ['{"a": 1,}', "invalid character '}' looking for beginning of object key string"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{} x', "invalid character 'x' after top-level value"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['01', "invalid character '1' after top-level value"],
    ['tru', 'unexpected end of JSON input'],
    ['trUe', "invalid character 'U' in literal true (expecting 'u')"],
    ['"a\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
  ])('%j → %s', (text, message) => {
    expect(syntaxError(text)).toBe(message);
  });

  test('10,000 levels of nesting are fine, one more "exceeded max depth" (scanner.go maxNestingDepth)', () => {
    expect(parseGoJson(`${'['.repeat(10_000)}${']'.repeat(10_000)}`).ok).toBe(true);
    expect(syntaxError(`${'['.repeat(10_001)}${']'.repeat(10_001)}`)).toBe(
      "invalid character '[' exceeded max depth",
    );
  });

  test('property: on valid JSON it agrees with JSON.parse about validity and string values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        const r = parseGoJson(text);
        return r.ok && (typeof v !== 'string' || (r.value.kind === 'string' && r.value.value === v));
      }),
      { numRuns: 300, seed: 22 },
    );
  });
});

describe('decodeInteger: strconv.ParseInt / ParseUint of the literal (decode.go literalStore)', () => {
  const n = (raw: string): GoJsonValue => ({ kind: 'number', raw });
  test('whole literals in range decode; 24.0, 2.4e1 and a uint -0 are type errors naming the literal', () => {
    expect(decodeInteger('Config', 'SubnetLen', n('24'), 'uint')).toEqual({ value: 24 });
    expect(decodeInteger('Config', 'SubnetLen', n('24.0'), 'uint').error).toBe(
      'json: cannot unmarshal number 24.0 into Go struct field Config.SubnetLen of type uint',
    );
    expect(decodeInteger('Config', 'SubnetLen', n('2.4e1'), 'uint').error).toMatch(/number 2.4e1/);
    expect(decodeInteger('Config', 'SubnetLen', n('-0'), 'uint').error).toMatch(/number -0/);
    expect(decodeInteger('', 'MTU', n('-0'), 'int')).toEqual({ value: 0 });
    expect(decodeInteger('', 'MTU', n('-51'), 'int')).toEqual({ value: -51 });
    expect(decodeInteger('', 'VNI', n('9223372036854775808'), 'int').error).toMatch(
      /number 9223372036854775808/,
    );
  });
});
