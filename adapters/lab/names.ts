/**
 * Names of everything a lab creates. Every namespace, link and process carries the lab prefix
 * `pn<4 hex>-`, so labs coexist and `podnet lab down --all` finds leftovers by pattern.
 */
import { randomBytes } from 'node:crypto';

/** Matches any lab's prefix at the start of a name. */
export const ANY_LAB_PREFIX = /^pn[0-9a-f]{4}-/;

/** Where labs keep their state (subnet.env, annotations, agent sockets, pid files). */
export const DEFAULT_STATE_ROOT = '/run/podnet';

/** A fresh random lab id: 4 hex digits. */
export function newLabId(): string {
  return randomBytes(2).toString('hex');
}

export function isLabId(id: string): boolean {
  return /^[0-9a-f]{4}$/.test(id);
}

export interface LabNames {
  readonly id: string;
  readonly prefix: string;
  readonly underlay: string;
  readonly router: string;
  readonly outside: string;
  /** Node namespace, also the underlay-side veth of the node (`pnabcd-n0`). */
  node(index: number): string;
  /** Pod namespace (`pnabcd-p12`). */
  pod(index: number): string;
  /** Host-side veth of a pod, in its node namespace (`pnabcd-v12`). */
  podVeth(index: number): string;
  /** Underlay bridge of a segment (`pnabcd-s0`). */
  segmentBridge(segment: number): string;
  /** Router legs (`pnabcd-r0` in segment 0, `pnabcd-ro` to the outside). */
  routerLeg(segment: number): string;
  readonly routerOutsideLeg: string;
}

/** The names of lab `id`; every name is at most 15 characters (IFNAMSIZ − 1). */
export function labNames(id: string): LabNames {
  const prefix = `pn${id}-`;
  return {
    id,
    prefix,
    underlay: `${prefix}u`,
    router: `${prefix}r`,
    outside: `${prefix}o`,
    node: (i) => `${prefix}n${i}`,
    pod: (i) => `${prefix}p${i}`,
    podVeth: (i) => `${prefix}v${i}`,
    segmentBridge: (s) => `${prefix}s${s}`,
    routerLeg: (s) => `${prefix}r${s}`,
    routerOutsideLeg: `${prefix}ro`,
  };
}
