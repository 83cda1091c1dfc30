/**
 * Steps as `fc.commands` for model-based runs: each command holds a raw step (indices), resolves it
 * against the model's cluster when it runs, applies it to the model and hands it to the system under
 * test. fast-check then shrinks a failing run to its shortest command sequence.
 *
 * Run them with `fc.modelRun(() => ({ model: initialStepModel(c), real }), cmds)` (the oracle laws do).
 */
import fc from 'fast-check';
import type { ScenarioCluster, Step } from '../spec/scenario.ts';
import { applyStep, describeStep } from '../spec/steps.ts';
import type { GeneratorOptions } from './_internals/options.ts';
import { boundsOf } from './_internals/options.ts';
import type { RawStep, StepNaming } from './_internals/rawSteps.ts';
import { rawStepArbs, resolveRawStep } from './_internals/rawSteps.ts';

/** The model: the cluster as it should be after the steps so far, and naming counters. */
export interface StepModel {
  cluster: ScenarioCluster;
  readonly naming: StepNaming;
  /** Steps applied so far, in order (the plain `Step[]` of the run). */
  readonly applied: Step[];
}

/** The system under test: receives each step and the cluster the model expects after it. */
export interface StepSystem {
  apply(step: Step, expected: ScenarioCluster): void;
}

export function initialStepModel(cluster: ScenarioCluster): StepModel {
  return { cluster, naming: { createdPolicies: 0, addedPods: 0 }, applied: [] };
}

function advance(raw: RawStep, model: StepModel): Step | undefined {
  const naming = { ...model.naming };
  const step = resolveRawStep(raw, model.cluster, naming);
  if (step === undefined) return undefined;
  Object.assign(model.naming, naming);
  model.cluster = applyStep(model.cluster, step);
  model.applied.push(step);
  return step;
}

/** One step as a command. */
class StepCommand implements fc.Command<StepModel, StepSystem> {
  private step: Step | undefined;
  constructor(readonly raw: RawStep) {}
  check(model: Readonly<StepModel>): boolean {
    return resolveRawStep(this.raw, model.cluster, { ...model.naming }) !== undefined;
  }
  run(model: StepModel, real: StepSystem): void {
    this.step = advance(this.raw, model);
    if (this.step !== undefined) real.apply(this.step, model.cluster);
  }
  toString(): string {
    return this.step === undefined ? this.raw.kind : describeStep(this.step);
  }
}

/** Command sequences of up to `maxSteps` steps. */
export function stepCommandsArb(
  options: GeneratorOptions = {},
): fc.Arbitrary<Iterable<fc.Command<StepModel, StepSystem>>> {
  const bounds = boundsOf(options);
  return fc.commands(
    rawStepArbs(bounds).map((a) => a.map((raw) => new StepCommand(raw))),
    { maxCommands: bounds.maxSteps },
  );
}
