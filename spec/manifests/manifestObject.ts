/**
 * One Kubernetes object as read from a file, before validation: its kind, its plain value, and
 * where it came from, so every error can name the file, the line and the field.
 */
import { escapeControl, MAX_QUOTED_LENGTH } from '../quote.ts';

/** A field path inside one object: `['spec', 'ingress', 0, 'from', 1]`. */
export type FieldPath = readonly (string | number)[];

export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  /** The object as plain JSON-like data. */
  readonly value: Readonly<Record<string, unknown>>;
  readonly file: string;
  /** 1-based line where the object starts, when known (readers may find it only when asked). */
  readonly line?: number | undefined;
  /** 1-based line of a field of this object (or of its nearest present ancestor), when known. */
  readonly lineOf: (path: FieldPath) => number | undefined;
}

/** `spec.ingress[0].from[1].ipBlock.except[0]`. */
export function fieldPathText(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

const CLUSTER_SCOPED = new Set(['Namespace', 'Node']);

/** Whether objects of this kind live in a namespace. */
export function isNamespaced(kind: string): boolean {
  return !CLUSTER_SCOPED.has(kind);
}

/** The object's metadata.name, when it is a string. */
export function nameOf(o: ManifestObject): string | undefined {
  const meta = o.value.metadata;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const name = (meta as Record<string, unknown>).name;
  return typeof name === 'string' ? name : undefined;
}

/** The object's namespace: metadata.namespace, `default` when absent (as kubectl does). */
export function namespaceOf(o: ManifestObject): string {
  const meta = o.value.metadata;
  if (typeof meta === 'object' && meta !== null) {
    const ns = (meta as Record<string, unknown>).namespace;
    if (typeof ns === 'string' && ns !== '') return ns;
  }
  return 'default';
}

/** `NetworkPolicy x/allow-a`, `Namespace x`, the label errors use. */
export function objectLabel(o: ManifestObject): string {
  const name = nameOf(o) ?? '<no name>';
  const label = isNamespaced(o.kind) ? `${o.kind} ${namespaceOf(o)}/${name}` : `${o.kind} ${name}`;
  // Names are not valid yet when a label is made: escape and cut them like any echoed value.
  const shown = escapeControl(label);
  return shown.length > MAX_QUOTED_LENGTH ? `${shown.slice(0, MAX_QUOTED_LENGTH - 3)}...` : shown;
}
