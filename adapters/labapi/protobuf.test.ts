// Protobuf request bodies (k8s\0 + runtime.Unknown), as kubectl's typed clients send them for
// `kubectl create namespace|configmap|service`; field numbers from k8s.io/api core/v1 generated.proto.
import { describe, expect, test } from 'vitest';
import type { ApiError } from './apiErrors.ts';
import { decodeProtobufBody } from './protobuf.ts';

// A minimal proto2 writer for the test: varint and length-delimited fields only.
function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}
const num = (field: number, n: number | bigint) => [...varint(field << 3), ...varint(n)];
const bytes = (field: number, b: number[] | Uint8Array) => [
  ...varint((field << 3) | 2),
  ...varint(b.length),
  ...b,
];
const str = (field: number, s: string) => bytes(field, new TextEncoder().encode(s));
const entry = (field: number, k: string, v: string) => bytes(field, [...str(1, k), ...str(2, v)]);

function envelope(apiVersion: string, kind: string, raw: number[]): Uint8Array {
  const unknown = [
    ...bytes(1, [...str(1, apiVersion), ...str(2, kind)]),
    ...bytes(2, raw),
    ...str(3, ''),
    ...str(4, ''),
  ];
  return new Uint8Array([0x6b, 0x38, 0x73, 0x00, ...unknown]);
}

// ObjectMeta as gogo writes it: every non-pointer field, empty or not.
const meta = (name: string, extra: number[] = []) =>
  bytes(1, [
    ...str(1, name),
    ...str(2, ''),
    ...str(3, ''),
    ...str(4, ''),
    ...str(5, ''),
    ...str(6, ''),
    ...num(7, 0),
    ...bytes(8, []),
    ...extra,
  ]);

describe('decodeProtobufBody', () => {
  test('a Namespace with labels; empty non-pointer fields are left out as omitempty would', () => {
    const body = envelope('v1', 'Namespace', [
      ...meta('team', entry(11, 'a', 'b')),
      ...bytes(2, []),
      ...bytes(3, str(1, '')),
    ]);
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team', labels: { a: 'b' } },
      spec: {},
      status: {},
    });
  });

  test('a ConfigMap with data; a Service with ports, a named and a numeric targetPort, and a selector', () => {
    const cm = envelope('v1', 'ConfigMap', [...meta('c'), ...entry(2, 'k', 'v'), ...entry(2, 'x', 'y')]);
    expect(decodeProtobufBody(cm)).toMatchObject({ kind: 'ConfigMap', data: { k: 'v', x: 'y' } });
    const port = (name: string, p: number, target: number[]) =>
      bytes(1, [...str(1, name), ...str(2, 'TCP'), ...num(3, p), ...bytes(4, target), ...num(5, 0)]);
    const svc = envelope('v1', 'Service', [
      ...meta('s'),
      ...bytes(2, [
        ...port('a', 80, [...num(1, 0), ...num(2, 8080), ...str(3, '')]),
        ...port('b', 81, [...num(1, 1), ...num(2, 0), ...str(3, 'http')]),
        ...entry(2, 'app', 's'),
        ...str(3, ''),
        ...str(4, 'ClusterIP'),
      ]),
    ]);
    expect(decodeProtobufBody(svc)).toMatchObject({
      kind: 'Service',
      spec: {
        type: 'ClusterIP',
        selector: { app: 's' },
        ports: [
          { name: 'a', protocol: 'TCP', port: 80, targetPort: 8080 },
          { name: 'b', protocol: 'TCP', port: 81, targetPort: 'http' },
        ],
      },
    });
  });

  test('another kind, an unlisted field or a body without the k8s prefix is refused (415)', () => {
    const refused = (body: Uint8Array) => {
      try {
        decodeProtobufBody(body);
      } catch (e) {
        return (e as ApiError).code;
      }
      return undefined;
    };
    expect(refused(envelope('v1', 'Pod', meta('p')))).toBe(415);
    expect(refused(envelope('v1', 'Namespace', [...meta('n'), ...str(9, 'x')]))).toBe(415);
    expect(refused(new Uint8Array([1, 2, 3, 4, 5]))).toBe(415);
  });
});
