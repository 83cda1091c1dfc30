/**
 * Steps as `fc.commands` for model-based runs: each command holds a raw step (indices), resolves it
 * against the model's cluster when it runs, applies it to the model and hands it to the system under
 * test. fast-check then shrinks a failing run to its shortest command sequence.
 *
 * Sync (`fc.modelRun`, e.g. oracle-only laws): `fc.modelRun(() => ({ model: initialStepModel(c), real }), cmds)`.
 * Async (`fc.asyncModelRun`, a real target): use `asyncStepCommandsArb` and a `StepSystem` whose
 * `apply` returns a promise.
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

export interface AsyncStepSystem {
  apply(step: Step, expected: ScenarioCluster): Promise<void>;
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

/** One step as a synchronous command. */
export class StepCommand implements fc.Command<StepModel, StepSystem> {
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

/** One step as an asynchronous command (a real target). */
export class AsyncStepCommand implements fc.AsyncCommand<StepModel, AsyncStepSystem> {
  private step: Step | undefined;
  constructor(readonly raw: RawStep) {}
  check(model: Readonly<StepModel>): boolean {
    return resolveRawStep(this.raw, model.cluster, { ...model.naming }) !== undefined;
  }
  async run(model: StepModel, real: AsyncStepSystem): Promise<void> {
    this.step = advance(this.raw, model);
    if (this.step !== undefined) await real.apply(this.step, model.cluster);
  }
  toString(): string {
    return this.step === undefined ? this.raw.kind : describeStep(this.step);
  }
}

/** Command sequences of up to `maxSteps` steps (synchronous). */
export function stepCommandsArb(
  options: GeneratorOptions = {},
): fc.Arbitrary<Iterable<fc.Command<StepModel, StepSystem>>> {
  const bounds = boundsOf(options);
  return fc.commands(
    rawStepArbs(bounds).map((a) => a.map((raw) => new StepCommand(raw))),
    { maxCommands: bounds.maxSteps },
  );
}

/** Command sequences of up to `maxSteps` steps (asynchronous). */
export function asyncStepCommandsArb(
  options: GeneratorOptions = {},
): fc.Arbitrary<Iterable<fc.AsyncCommand<StepModel, AsyncStepSystem>>> {
  const bounds = boundsOf(options);
  return fc.commands(
    rawStepArbs(bounds).map((a) => a.map((raw) => new AsyncStepCommand(raw))),
    { maxCommands: bounds.maxSteps },
  );
}
