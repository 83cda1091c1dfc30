/**
 * Names of everything a lab creates. Every namespace, link and process carries the lab prefix
 * `pn<6 hex>-`, so labs coexist and `podnet lab down --all` finds leftovers by pattern. Names are at most
 * 15 characters (IFNAMSIZ − 1): the prefix takes 9, and indexes are written in base 36 so a long run's
 * pods (`p` + up to 5 digits, 60 million of them) still fit.
 */
import { randomBytes } from 'node:crypto';

/** A lab id: 6 lowercase hex digits (labs made before ids grew had 4; those are still recognised). */
const LAB_ID = '[0-9a-f]{6}|[0-9a-f]{4}';

/** Matches any lab's prefix at the start of a name; group 1 is the id. */
export const ANY_LAB_PREFIX = new RegExp(`^pn(${LAB_ID})-`);

/** Where labs keep their state (subnet.env, annotations, agent sockets, pid files). */
export const DEFAULT_STATE_ROOT = '/run/podnet';

/** A fresh random lab id: 6 hex digits. */
export function newLabId(): string {
  return randomBytes(3).toString('hex');
}

export function isLabId(id: string): boolean {
  return new RegExp(`^(?:${LAB_ID})$`).test(id);
}

/** The id in a lab-prefixed name, or undefined. */
export function labIdOf(name: string): string | undefined {
  return ANY_LAB_PREFIX.exec(name)?.[1];
}

/** Longest index suffix that keeps every name within 15 characters. */
const MAX_INDEX = 36 ** 5 - 1;

function indexText(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0 || index > MAX_INDEX) {
    throw new Error(`lab index ${index} out of range 0..${MAX_INDEX}`);
  }
  return index.toString(36);
}

function segmentText(segment: number): string {
  if (!Number.isInteger(segment) || segment < 0 || segment > 99)
    throw new Error(`lab segment ${segment} out of range 0..99`);
  return String(segment);
}

export interface LabNames {
  readonly id: string;
  readonly prefix: string;
  readonly underlay: string;
  readonly router: string;
  readonly outside: string;
  /** Node namespace, also the underlay-side veth of the node (`pnabcdef-n0`). */
  node(index: number): string;
  /** Pod namespace (`pnabcdef-p1c`). */
  pod(index: number): string;
  /** Host-side veth of a pod, in its node namespace (`pnabcdef-v1c`). */
  podVeth(index: number): string;
  /** Underlay bridge of a segment (`pnabcdef-s0`). */
  segmentBridge(segment: number): string;
  /** Router legs (`pnabcdef-r0` in segment 0, `pnabcdef-ro` to the outside). */
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
    node: (i) => `${prefix}n${indexText(i)}`,
    pod: (i) => `${prefix}p${indexText(i)}`,
    podVeth: (i) => `${prefix}v${indexText(i)}`,
    // Segments are few; decimal keeps `r<s>` apart from the outside leg `ro`.
    segmentBridge: (s) => `${prefix}s${segmentText(s)}`,
    routerLeg: (s) => `${prefix}r${segmentText(s)}`,
    routerOutsideLeg: `${prefix}ro`,
  };
}
