/**
 * Turning parsed YAML (or JSON read as YAML) into plain values without being taken down by it: alias
 * bombs (billion laughs) and nesting deep enough to overflow the stack become input errors (exit 2)
 * naming the file, for every reader of user YAML (manifests, profiles, kubeconfigs).
 */

import type { Document } from 'yaml';
import { type InputLocation, PodnetInputError } from './errors.ts';
import { isStackOverflow, MAX_NESTING_DEPTH, nestsDeeperThan } from './nesting.ts';
import { quoteValue } from './quote.ts';

/** Alias expansions one document may make (yaml's guard; kubectl's go-yaml v2 has a similar one). */
const MAX_ALIAS_COUNT = 1000;

export function tooDeepError(where: InputLocation): PodnetInputError {
  return new PodnetInputError(
    'PODNET_TOO_DEEP',
    `nested more than ${MAX_NESTING_DEPTH} levels deep`,
    where,
    'a Kubernetes manifest or podnet file nests a few dozen levels at most: is this the right file?',
  );
}

/** The document as a plain value; throws PodnetInputError for an alias bomb or too deep a nesting. */
export function yamlToValue(doc: Document, where: InputLocation): unknown {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (isStackOverflow(error)) throw tooDeepError(where);
    // yaml's guard throws a ReferenceError: "Excessive alias count indicates a resource exhaustion attack".
    if (error instanceof ReferenceError) {
      throw new PodnetInputError(
        'PODNET_YAML_ALIASES',
        `too many YAML alias expansions (over ${MAX_ALIAS_COUNT}): an alias bomb?`,
        where,
        'write the objects out instead of building them from anchors and aliases',
      );
    }
    // Anything else yaml refuses while building values (a merge key `<<` whose source is not a mapping,
    // e.g. an alias to an anchor of another document: anchors are per document) is the input's fault.
    if (error instanceof Error) {
      throw new PodnetInputError(
        'PODNET_YAML',
        `not usable YAML: ${quoteValue(error.message, 200)}`,
        where,
        'anchors and aliases work within one document (between two `---`); a merge key `<<` takes a mapping',
      );
    }
    throw error;
  }
  if (nestsDeeperThan(value)) throw tooDeepError(where);
  return value;
}

/** Runs a YAML parse, turning a stack overflow on deep nesting into an input error. */
export function guardedParse<T>(parse: () => T, where: InputLocation): T {
  try {
    return parse();
  } catch (error) {
    if (isStackOverflow(error)) throw tooDeepError(where);
    throw error;
  }
}
