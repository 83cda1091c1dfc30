import { describe, expect, test } from 'vitest';
import { PodnetInputErrors } from '../errors.ts';
import { parseManifests } from './parse.ts';

function errorsOf(text: string, file = 'in.yaml') {
  try {
    parseManifests(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(PodnetInputErrors);
    return (e as PodnetInputErrors).errors;
  }
  throw new Error('expected errors');
}

describe('parseManifests', () => {
  test('multi-document YAML keeps each object with its start line; empty documents are skipped', () => {
    const objs = parseManifests(
      '---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n',
      'f.yaml',
    );
    expect(objs.map((o) => [o.kind, o.line, o.file])).toEqual([
      ['Namespace', 2, 'f.yaml'],
      ['Namespace', 9, 'f.yaml'],
    ]);
  });

  test('a YAML syntax error becomes a PodnetInputError with file and line', () => {
    const errs = errorsOf('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n\tlabels: {x: y}\n');
    expect(errs[0]?.code).toBe('PODNET_YAML_SYNTAX');
    expect(errs[0]?.location.file).toBe('in.yaml');
    expect(errs[0]?.location.line).toBe(5);
    expect(errs[0]?.message).toMatch(/^in\.yaml:5: YAML syntax error: Tabs are not allowed/);
    // A mis-indented key is reported where the parser sees it: the line of the mapping it breaks.
    expect(
      errorsOf('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n   labels: {x: y}\n')[0]?.location.line,
    ).toBe(4);
  });

  test('a duplicate key is a syntax error (as in go-yaml)', () => {
    const errs = errorsOf('apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\nkind: Pod\n');
    expect(errs[0]?.code).toBe('PODNET_YAML_SYNTAX');
    expect(errs[0]?.location.line).toBe(4);
  });

  test('a document without kind or apiVersion is an error naming what is missing', () => {
    const errs = errorsOf('metadata: {name: a}\n---\napiVersion: v1\nmetadata: {name: b}\n---\nkind: Pod\n');
    expect(errs.map((e) => [e.code, e.problem, e.location.line])).toEqual([
      ['PODNET_MANIFEST_NO_KIND', 'object has no kind and apiVersion', 1],
      ['PODNET_MANIFEST_NO_KIND', 'object has no kind', 3],
      ['PODNET_MANIFEST_NO_KIND', 'object has no apiVersion', 6],
    ]);
  });

  test('a document that is not a mapping is an error', () => {
    expect(errorsOf('- a\n- b\n')[0]?.code).toBe('PODNET_MANIFEST_NOT_OBJECT');
  });

  test('kind: List is flattened; its items need their own kind; field lines point into the item', () => {
    const objs = parseManifests(
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n',
      'l.yaml',
    );
    expect(objs.map((o) => [o.kind, o.line])).toEqual([
      ['Namespace', 4],
      ['ConfigMap', 8],
    ]);
    expect(objs[0]?.lineOf(['metadata', 'name'])).toBe(7);
    const errs = errorsOf('apiVersion: v1\nkind: List\nitems:\n- metadata: {name: a}\n');
    expect(errs[0]?.location).toMatchObject({ line: 4, field: 'items[0]' });
  });

  test('typed lists (NetworkPolicyList, PodList) lend kind and apiVersion to items that omit them', () => {
    const objs = parseManifests(
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nitems:\n- metadata: {name: p}\n  spec: {podSelector: {}}\n',
      'l.yaml',
    );
    expect(objs.map((o) => [o.apiVersion, o.kind])).toEqual([['networking.k8s.io/v1', 'NetworkPolicy']]);
  });

  test('JSON (as from kubectl get -o json) is read, with line numbers', () => {
    const json = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }],
      },
      null,
      2,
    );
    const objs = parseManifests(json, 'x.json');
    expect(objs.map((o) => o.kind)).toEqual(['Namespace']);
    expect(objs[0]?.lineOf(['metadata', 'name'])).toBe(9);
  });

  test('a JSON syntax error names file and line', () => {
    const errs = errorsOf('{\n  "apiVersion": "v1",\n  "kind": "Namespace"\n  "metadata": {}\n}\n', 'x.json');
    expect(errs[0]?.code).toBe('PODNET_YAML_SYNTAX');
    expect(errs[0]?.message).toMatch(/^x\.json:\d+: JSON syntax error/);
  });

  test('YAML is read as YAML 1.1 like kubectl: unquoted yes is a boolean, quoted "yes" a string', () => {
    const [o] = parseManifests(
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {a: yes, b: "yes"}}\n',
      'f',
    );
    expect((o?.value.metadata as { labels?: unknown } | undefined)?.labels).toEqual({ a: true, b: 'yes' });
  });

  test('like go-yaml v2, dates stay strings and 1:30 is not a sexagesimal number', () => {
    const [o] = parseManifests(
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {d: 2026-11-20, t: 1:30, c: 1_000}}\n',
      'f',
    );
    expect((o?.value.metadata as { labels?: unknown } | undefined)?.labels).toEqual({
      d: '2026-11-20',
      t: '1:30',
      c: 1000, // an unquoted key `n` would be the boolean false in YAML 1.1
    });
  });
});
