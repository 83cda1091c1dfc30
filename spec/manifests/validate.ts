/**
 * Validation as the API server does it, over every object read: apiVersion per kind, each kind's
 * field rules (decode*.ts, citing their Kubernetes sources) and duplicate names. Every error is
 * collected and thrown together as PodnetInputErrors (exit 2), so nothing partial is ever used.
 */

import type { PodnetInputError } from '../errors.ts';
import type { Namespace, NetworkPolicy, Node, Pod, Service } from '../model.ts';
import { quoteValue } from '../quote.ts';
import { decodeNamespace } from './decodeNamespace.ts';
import { decodeNetworkPolicy } from './decodeNetworkPolicy.ts';
import { decodeNode } from './decodeNode.ts';
import { decodePod } from './decodePod.ts';
import { Decoder } from './decoder.ts';
import { decodeService } from './decodeService.ts';
import { isUsedKind, USED_KIND_API_VERSIONS } from './kinds.ts';
import { isNamespaced, type ManifestObject, nameOf, namespaceOf, objectLabel } from './manifestObject.ts';

export interface ValidatedManifests {
  readonly namespaces: readonly Namespace[];
  readonly nodes: readonly Node[];
  readonly pods: readonly Pod[];
  readonly services: readonly Service[];
  readonly policies: readonly NetworkPolicy[];
  /** Kinds present but not used, with counts, sorted by kind. */
  readonly ignoredKinds: readonly { readonly kind: string; readonly count: number }[];
}

/** Validates and defaults `objects`, appending every problem to `errors` (the caller throws them). */
export function validateManifestsCollecting(
  objects: readonly ManifestObject[],
  errors: PodnetInputError[],
): ValidatedManifests {
  const namespaces: Namespace[] = [];
  const nodes: Node[] = [];
  const pods: Pod[] = [];
  const services: Service[] = [];
  const policies: NetworkPolicy[] = [];
  const ignored = new Map<string, number>();
  const firstSeen = new Map<string, ManifestObject>();
  for (const o of objects) {
    if (!isUsedKind(o.kind)) {
      ignored.set(o.kind, (ignored.get(o.kind) ?? 0) + 1);
      continue;
    }
    const d = new Decoder(o, errors);
    const known = USED_KIND_API_VERSIONS[o.kind];
    if (!known.includes(o.apiVersion)) {
      d.fail(
        ['apiVersion'],
        'PODNET_UNKNOWN_API_VERSION',
        `unknown apiVersion ${quoteValue(o.apiVersion)} for kind ${o.kind}`,
        `use apiVersion: ${known.join(' or ')}`,
      );
      continue;
    }
    checkDuplicate(o, firstSeen, d);
    switch (o.kind) {
      case 'Namespace':
        push(namespaces, decodeNamespace(d));
        break;
      case 'Node':
        push(nodes, decodeNode(d));
        break;
      case 'Pod':
        push(pods, decodePod(d));
        break;
      case 'Service':
        push(services, decodeService(d));
        break;
      case 'NetworkPolicy':
        push(policies, decodeNetworkPolicy(d));
        break;
    }
  }
  const ignoredKinds = [...ignored.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([kind, count]) => ({ kind, count }));
  return { namespaces, nodes, pods, services, policies, ignoredKinds };
}

/** Same kind, namespace and name twice: the API server would keep only one of them. */
function checkDuplicate(o: ManifestObject, firstSeen: Map<string, ManifestObject>, d: Decoder): void {
  const name = nameOf(o);
  if (name === undefined) return;
  const key = `${o.kind}\u0000${isNamespaced(o.kind) ? namespaceOf(o) : ''}\u0000${name}`;
  const first = firstSeen.get(key);
  if (first === undefined) {
    firstSeen.set(key, o);
    return;
  }
  const at = first.line !== undefined ? `${first.file}:${first.line}` : first.file;
  d.fail(
    ['metadata', 'name'],
    'PODNET_DUPLICATE_OBJECT',
    `duplicate ${objectLabel(o)}: already defined at ${at}`,
    'rename one of them or remove the copy; podnet does not guess which one you meant',
  );
}

function push<T>(list: T[], value: T | undefined): void {
  if (value !== undefined) list.push(value);
}
