/**
 * The small vocabularies every generator draws from. Small on purpose: with few keys and values,
 * selectors match often, named ports collide across pods, and counterexamples read like the
 * upstream fixture (namespaces x/y/z, pods a/b/c).
 */
export const NAMESPACE_NAMES = ['x', 'y', 'z', 'w'] as const;
export const POD_NAMES = ['a', 'b', 'c', 'd'] as const;
/** Names for pods added by steps, so they never collide with the initial ones. */
export const ADDED_POD_NAMES = ['e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'] as const;
export const NODE_NAMES = ['node-1', 'node-2', 'node-3', 'node-4'] as const;

/** Values of the pod labels `app` and `tier` (the label `pod` takes the pod's own name). */
export const APP_VALUES = ['web', 'db'] as const;
export const TIER_VALUES = ['front', 'back'] as const;

/** Values of the namespace label `env` (the label `ns` takes the namespace's own name). */
export const ENV_VALUES = ['prod', 'dev'] as const;

/** Container port numbers shared by every pod, and the port names (IANA_SVC_NAME) they may carry. */
export const PORT_NUMBERS = [80, 81, 8080] as const;
export const PORT_NAMES = ['http', 'alt'] as const;
/** A number and a name that no pod serves (Cyclonus's "pathological" cases). */
export const UNSERVED_PORT = 7981;
export const UNSERVED_PORT_NAME = 'nothing';

export const SERVICE_PORT_NUMBERS = [80, 8080, 9000] as const;
export const AFFINITY_TIMEOUTS = [10800, 60, 1] as const;

/** `a` → the pod's index-th name; beyond the vocabulary, a numbered name (never hit by presets). */
export function nameAt(names: readonly string[], index: number, prefix: string): string {
  return names[index] ?? `${prefix}${index}`;
}

/** `fc.oneof` settings: shrink across alternatives towards the first (simplest) one. */
export const CROSS_SHRINK = { withCrossShrink: true } as const;
