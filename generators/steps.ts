/**
 * Plain step sequences for the runner: create/update/delete policy, relabel pod or namespace,
 * add or delete pod. Drawn as raw steps (indices), resolved in order against the cluster as it
 * evolves; a step that cannot apply (nothing left to delete) is dropped, so every shrink of the
 * array is still a valid sequence. For model-based runs that shrink through `fc.commands`, see
 * `stepCommands.ts`.
 */
import fc from 'fast-check';
import type { ScenarioCluster, Step } from '../spec/scenario.ts';
import type { GeneratorOptions } from './_internals/options.ts';
import { boundsOf } from './_internals/options.ts';
import { buildSteps, rawStepArb } from './_internals/rawSteps.ts';

/** Up to `maxSteps` steps that apply, in order, to `cluster`. */
export function stepsArb(cluster: ScenarioCluster, options: GeneratorOptions = {}): fc.Arbitrary<Step[]> {
  const bounds = boundsOf(options);
  return fc
    .array(rawStepArb(bounds), { minLength: 0, maxLength: bounds.maxSteps })
    .map((raws) => buildSteps(raws, cluster));
}
