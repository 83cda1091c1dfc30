// The patch types the API server accepts: RFC 6902, RFC 7386 and strategic merge patch
// (apimachinery strategicpatch: lists with patchStrategy=merge merge by their patchMergeKey).
import { describe, expect, test } from 'vitest';
import { ApiError } from './apiErrors.ts';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, type Json } from './patch.ts';

describe('JSON patch (RFC 6902, as evanphx/json-patch applies it)', () => {
  const doc: Json = { metadata: { labels: { a: '1' } }, list: [1, 2, 3] };

  test('add, remove, replace, move, copy, test; the input is not changed', () => {
    const out = applyJsonPatch(doc, [
      { op: 'add', path: '/metadata/labels/b', value: '2' },
      { op: 'remove', path: '/list/0' },
      { op: 'replace', path: '/metadata/labels/a', value: 'x' },
      { op: 'copy', from: '/metadata/labels/a', path: '/copied' },
      { op: 'move', from: '/copied', path: '/moved' },
      { op: 'add', path: '/list/-', value: 4 },
      { op: 'test', path: '/moved', value: 'x' },
    ]);
    expect(out).toEqual({ metadata: { labels: { a: 'x', b: '2' } }, list: [2, 3, 4], moved: 'x' });
    expect(doc).toEqual({ metadata: { labels: { a: '1' } }, list: [1, 2, 3] });
  });

  test('replace of a missing key, a failed test and a bad index are 422', () => {
    for (const op of [
      { op: 'replace', path: '/metadata/nope', value: 1 },
      { op: 'test', path: '/list/0', value: 9 },
      { op: 'remove', path: '/list/7' },
    ]) {
      let e: unknown;
      try {
        applyJsonPatch(doc, [op]);
      } catch (error) {
        e = error;
      }
      expect((e as ApiError).code, JSON.stringify(op)).toBe(422);
    }
    expect(() => applyJsonPatch(doc, { op: 'add' })).toThrow(ApiError);
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  test('objects merge, null deletes, lists and scalars replace', () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [9] })).toEqual({
      a: { c: 2, d: 3 },
      l: [9],
    });
  });
});

describe('strategic merge patch', () => {
  const pod: Json = {
    metadata: { labels: { a: '1' }, finalizers: ['x'] },
    spec: {
      containers: [
        { name: 'one', image: 'i1', ports: [{ containerPort: 80 }] },
        { name: 'two', image: 'i2' },
      ],
      tolerations: [{ key: 'k' }],
    },
  };

  test('containers merge by name and their ports by containerPort; other lists replace', () => {
    const out = applyStrategicMergePatch(
      pod,
      {
        spec: {
          containers: [
            { name: 'two', image: 'i2b' },
            { name: 'one', ports: [{ containerPort: 81 }] },
          ],
          tolerations: [{ key: 'other' }],
        },
      },
      'V1Pod',
    ) as { spec: { containers: unknown[]; tolerations: unknown[] } };
    expect(out.spec.containers).toEqual([
      { name: 'one', image: 'i1', ports: [{ containerPort: 80 }, { containerPort: 81 }] },
      { name: 'two', image: 'i2b' },
    ]);
    expect(out.spec.tolerations).toEqual([{ key: 'other' }]);
  });

  test('$patch: delete removes a list item by key; finalizers merge as a set; $deleteFromPrimitiveList removes', () => {
    const out = applyStrategicMergePatch(
      pod,
      {
        metadata: { finalizers: ['y', 'x'], labels: { a: null, b: '2' } },
        spec: { containers: [{ name: 'two', $patch: 'delete' }] },
      },
      'V1Pod',
    ) as { metadata: { finalizers: string[]; labels: unknown }; spec: { containers: { name: string }[] } };
    expect(out.metadata.finalizers).toEqual(['x', 'y']);
    expect(out.metadata.labels).toEqual({ b: '2' });
    expect(out.spec.containers.map((c) => c.name)).toEqual(['one']);
    const removed = applyStrategicMergePatch(
      pod,
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } },
      'V1Pod',
    ) as {
      metadata: { finalizers: string[] };
    };
    expect(removed.metadata.finalizers).toEqual([]);
  });

  test('$patch: replace replaces a map', () => {
    const out = applyStrategicMergePatch(
      pod,
      { metadata: { labels: { $patch: 'replace', only: 'this' } } },
      'V1Pod',
    ) as {
      metadata: { labels: unknown };
    };
    expect(out.metadata.labels).toEqual({ only: 'this' });
  });
});
