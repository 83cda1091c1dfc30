import { describe, expect, test } from 'vitest';
import { esc, escTerminal, escXml, jsonForScript, stripInvalidXml } from './escape.ts';

const HOSTILE = `<script>alert(1)</script>"'&]]>\u0000\u0001\u001b[31m\u2028\u2029`;

describe('esc', () => {
  test('escapes the five HTML metacharacters and replaces control characters', () => {
    expect(esc(HOSTILE)).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;]]&gt;\uFFFD\uFFFD\uFFFD[31m\u2028\u2029',
    );
  });
  test('stringifies numbers and undefined', () => {
    expect(esc(42)).toBe('42');
    expect(esc(undefined)).toBe('');
  });
});

describe('escXml', () => {
  test('XML 1.0 forbids C0 controls, lone surrogates and U+FFFE; they become U+FFFD', () => {
    expect(stripInvalidXml('a\u0000b\u0008c\u000bd\uFFFEe\uD800f')).toBe(
      'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf',
    );
    expect(stripInvalidXml('tab\tlf\ncr\r😀')).toBe('tab\tlf\ncr\r😀');
  });
  test('`]]>` cannot survive, and attribute whitespace is kept as references', () => {
    expect(escXml(']]>')).toBe(']]&gt;');
    expect(escXml('a\tb\nc', { attribute: true })).toBe('a&#9;b&#10;c');
  });
});

describe('jsonForScript', () => {
  test('no raw <, >, &, U+2028 or U+2029 survives, and the JSON still parses to the same value', () => {
    const value = { s: `</script><!--${HOSTILE}` };
    const out = jsonForScript(value);
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(out)).toEqual(value);
  });
});

describe('escTerminal', () => {
  test('control characters (ESC sequences included) are shown, not sent', () => {
    expect(escTerminal('a\u001b[31mb\u0000\u2028')).toBe('a\\x1b[31mb\\x00\\u{2028}');
    expect(escTerminal('a\nb', { keepNewlines: true })).toBe('a\nb');
  });
});
