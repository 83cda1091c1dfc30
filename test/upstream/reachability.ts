/**
 * The expected truth table of an upstream e2e case, built as upstream's reachability.go builds it:
 * start from all-allowed (or all-denied), then `expect`, `expectPeer` (empty field = wildcard),
 * `expectAllIngress`, `expectAllEgress`. Loopback is ignored, as upstream does (`ignoreLoopback = true`).
 */

import { predictMatrix } from '../../oracle/policy/index.ts';
import type { Cluster, ObjectKey, Protocol } from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import { DEFAULT_PROFILE } from '../../spec/profile.ts';

export interface Peer {
  readonly namespace?: string;
  readonly pod?: string;
}

export class Reachability {
  private readonly cells = new Map<string, boolean>();
  constructor(
    private readonly pods: readonly ObjectKey[],
    defaultAllow: boolean,
  ) {
    for (const from of pods) for (const to of pods) this.cells.set(`${from} ${to}`, defaultAllow);
  }

  expect(from: ObjectKey, to: ObjectKey, allow: boolean): this {
    this.cells.set(`${from} ${to}`, allow);
    return this;
  }

  expectPeer(from: Peer, to: Peer, allow: boolean): this {
    const matches = (key: ObjectKey, p: Peer) => {
      const [ns, pod] = key.split('/');
      return (p.namespace === undefined || p.namespace === ns) && (p.pod === undefined || p.pod === pod);
    };
    for (const f of this.pods)
      for (const t of this.pods) if (matches(f, from) && matches(t, to)) this.expect(f, t, allow);
    return this;
  }

  expectAllIngress(to: ObjectKey, allow: boolean): this {
    for (const f of this.pods) this.expect(f, to, allow);
    return this;
  }

  expectAllEgress(from: ObjectKey, allow: boolean): this {
    for (const t of this.pods) this.expect(from, t, allow);
    return this;
  }

  expected(from: ObjectKey, to: ObjectKey): boolean {
    return this.cells.get(`${from} ${to}`) ?? false;
  }
}

/** A fresh all-allowed reachability over the cluster's pods. */
export function reachability(cluster: Cluster, defaultAllow = true): Reachability {
  return new Reachability(cluster.pods.map(keyOf), defaultAllow);
}

/**
 * The cells where the oracle disagrees with `expected` on (port, protocol), with both engines, as
 * `engine from -> to: expected X, got Y` lines (empty when it agrees). The diagonal must be `undefined`.
 */
export function mismatches(
  cluster: Cluster,
  port: number,
  protocol: Protocol,
  expected: Reachability,
): string[] {
  const out: string[] = [];
  for (const engine of ['fast', 'reference'] as const) {
    const rows = predictMatrix(cluster, { engine, profile: DEFAULT_PROFILE }).filter(
      (r) => r.port === port && r.protocol === protocol,
    );
    if (rows.length !== cluster.pods.length ** 2)
      out.push(`${engine}: ${rows.length} cells for ${port}/${protocol}`);
    for (const r of rows) {
      const want = r.from === r.to ? 'undefined' : expected.expected(r.from, r.to) ? 'allow' : 'deny';
      if (r.verdict !== want)
        out.push(`${engine} ${r.from} -> ${r.to} ${port}/${protocol}: expected ${want}, got ${r.verdict}`);
    }
  }
  return out;
}
