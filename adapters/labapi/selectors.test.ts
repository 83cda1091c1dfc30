// Label and field selectors as apimachinery parses and matches them (labels/selector.go, fields/selector.go).
import { describe, expect, test } from 'vitest';
import { ApiError } from './apiErrors.ts';
import { fieldsMatch, labelsMatch, parseFieldSelector, parseLabelSelector } from './selectors.ts';

const match = (selector: string, labels: Record<string, string>) =>
  labelsMatch(parseLabelSelector(selector), labels);

describe('label selectors (labels/selector_test.go TestSelectorMatches)', () => {
  test('equality, inequality, set and existence requirements; comma is AND', () => {
    expect(match('', { x: 'y' })).toBe(true);
    expect(match('x=y', { x: 'y' })).toBe(true);
    expect(match('x==y', { x: 'y' })).toBe(true);
    expect(match('x=y', { x: 'z' })).toBe(false);
    expect(match('x!=y', { x: 'z' })).toBe(true);
    expect(match('x!=y', {})).toBe(true); // != matches when the label is absent
    expect(match('x in (y,z)', { x: 'z' })).toBe(true);
    expect(match('x notin (y,z)', {})).toBe(true);
    expect(match('x notin (y,z)', { x: 'y' })).toBe(false);
    expect(match('x', { x: '' })).toBe(true);
    expect(match('!x', { x: '' })).toBe(false);
    expect(match('x=y,z', { x: 'y' })).toBe(false);
    expect(match('example.com/tier=web', { 'example.com/tier': 'web' })).toBe(true);
    expect(match('n>5', { n: '7' })).toBe(true);
    expect(match('n<5', { n: '7' })).toBe(false);
    expect(match('x=', { x: '' })).toBe(true);
  });

  test('malformed selectors are 400 BadRequest', () => {
    for (const bad of ['x in y', 'x=(y', '=y', 'x in (y', 'a b', 'x=y!']) {
      let error: unknown;
      try {
        parseLabelSelector(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe(400);
    }
  });
});

describe('field selectors (fields/selector.go)', () => {
  test('=, ==, != and escaped commas', () => {
    const fields: Record<string, string> = { 'metadata.name': 'a,b', 'status.phase': 'Running' };
    const m = (s: string) => fieldsMatch(parseFieldSelector(s), (f) => fields[f]);
    expect(m('metadata.name=a\\,b')).toBe(true);
    expect(m('status.phase==Running,metadata.name!=x')).toBe(true);
    expect(m('status.phase!=Running')).toBe(false);
    expect(() => parseFieldSelector('nofield')).toThrow(ApiError);
  });
});
