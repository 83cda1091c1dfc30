import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { keyOf } from '../spec/model.ts';
import type { ScenarioCluster } from '../spec/scenario.ts';
import { applyStep } from '../spec/steps.ts';
import { clusterArb } from './cluster.ts';
import type { StepSystem } from './stepCommands.ts';
import { initialStepModel, stepCommandsArb } from './stepCommands.ts';
import { stepsArb } from './steps.ts';

/** What a step names must exist when the step runs (or, for creations, must not yet exist). */
function stepIsMeaningful(cluster: ScenarioCluster, step: Parameters<typeof applyStep>[1]): boolean {
  switch (step.kind) {
    case 'createPolicy':
      return !cluster.policies.some((p) => keyOf(p) === keyOf(step.policy));
    case 'updatePolicy':
      return cluster.policies.some((p) => keyOf(p) === keyOf(step.policy));
    case 'deletePolicy':
      return cluster.policies.some((p) => p.namespace === step.namespace && p.name === step.name);
    case 'relabelPod':
    case 'deletePod':
      return cluster.pods.some((p) => keyOf(p) === step.pod);
    case 'relabelNamespace':
      return cluster.namespaces.some((n) => n.name === step.namespace);
    case 'addPod':
      return (
        cluster.namespaces.some((n) => n.name === step.pod.namespace) &&
        !cluster.pods.some((p) => keyOf(p) === keyOf(step.pod))
      );
  }
}

describe('step sequences', () => {
  test('every generated step names something that exists at its turn (or creates something new)', () => {
    const sequences = clusterArb({ size: 'medium' }).chain((c) =>
      stepsArb(c, { size: 'large' }).map((steps) => ({ c, steps })),
    );
    fc.assert(
      fc.property(sequences, ({ c, steps }) => {
        let cluster = c;
        for (const step of steps) {
          expect(stepIsMeaningful(cluster, step), JSON.stringify(step)).toBe(true);
          cluster = applyStep(cluster, step);
        }
        expect(cluster.pods.length).toBeGreaterThan(0);
      }),
      { numRuns: 300, seed: 8 },
    );
  });

  test('a failing command sequence shrinks to its shortest form: the one step that breaks the property', () => {
    // Deliberately wrong: "no step ever adds a pod".
    const system: StepSystem = {
      apply(step) {
        if (step.kind === 'addPod') throw new Error(`added ${keyOf(step.pod)}`);
      },
    };
    const details = fc.check(
      fc.property(clusterArb({ size: 'small' }), stepCommandsArb({ size: 'large' }), (c, cmds) => {
        fc.modelRun(() => ({ model: initialStepModel(c), real: system }), cmds);
      }),
      { numRuns: 500, seed: 12 },
    );
    expect(details.failed).toBe(true);
    const [, cmds] = details.counterexample!;
    const ran = [...cmds].map((c) => c.toString());
    expect(ran).toEqual([expect.stringMatching(/^add pod \w+\/e$/)]);
  });
});
