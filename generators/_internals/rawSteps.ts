/** Raw steps (indices into what exists at the time) and their resolution against a cluster. */
import fc from 'fast-check';
import { keyOf } from '../../spec/model.ts';
import type { ScenarioCluster, Step } from '../../spec/scenario.ts';
import { applyStep } from '../../spec/steps.ts';
import { buildPod, buildPolicy, contextOf, namespaceLabels, podLabels } from './build.ts';
import type { RawLabelFlip } from './labelFlip.ts';
import { flipLabels } from './labelFlip.ts';
import type { Bounds } from './options.ts';
import type { RawNamespaceLabels, RawPod, RawPodLabels, RawPolicy } from './raw.ts';
import { rawNamespaceLabelsArb, rawPodArb, rawPodLabelsArb, rawPolicyArb } from './raw.ts';
import { ADDED_POD_NAMES, nameAt } from './vocabulary.ts';

export type RawStep =
  | { readonly kind: 'createPolicy'; readonly policy: RawPolicy }
  | { readonly kind: 'updatePolicy'; readonly target: number; readonly policy: RawPolicy }
  | { readonly kind: 'deletePolicy'; readonly target: number }
  | {
      readonly kind: 'relabelPod';
      readonly target: number;
      readonly labels: RawPodLabels;
      /** When set and some selector requirement can flip: a relabel aimed at it (labelFlip.ts). */
      readonly flip: RawLabelFlip | null;
    }
  | {
      readonly kind: 'relabelNamespace';
      readonly target: number;
      readonly labels: RawNamespaceLabels;
      readonly flip: RawLabelFlip | null;
    }
  | { readonly kind: 'addPod'; readonly namespace: number; readonly pod: RawPod }
  | { readonly kind: 'deletePod'; readonly target: number };

/**
 * How often `rawStepArb` draws each kind. A step that changes no verdict shows nothing about "traffic
 * follows the new state" (NP-STEP): over a seeded sample of 2,000 small scenarios, an added pod changed some
 * verdict every time, a policy update 57%, a deletion 42%, a creation 37%, a pod relabel 37% and a namespace
 * relabel 4% (with relabels aimed at selectors, labelFlip.ts), a deleted pod never (by the API's rules). So
 * creations, updates and relabels weigh more; a deleted pod stays for what it tests beyond verdicts (a
 * recycled IP, stale state).
 */
const STEP_WEIGHTS: Readonly<Record<RawStep['kind'], number>> = {
  createPolicy: 2,
  updatePolicy: 1,
  deletePolicy: 2,
  relabelPod: 2,
  relabelNamespace: 3,
  addPod: 1,
  deletePod: 1,
};

/** One arbitrary per step kind, so `fc.commands` can wrap each in its own command. */
export function rawStepArbs(bounds: Bounds): fc.Arbitrary<RawStep>[] {
  return rawStepKinds(bounds).map(([, arbitrary]) => arbitrary);
}

function rawStepKinds(bounds: Bounds): [RawStep['kind'], fc.Arbitrary<RawStep>][] {
  const target = fc.nat(15);
  const policy = rawPolicyArb(bounds);
  // Three relabels in four aim at a selector; the rest draw a whole new label set (and shrink to it).
  const flip = fc.option(fc.record({ term: fc.nat(15), object: fc.nat(15) }), { nil: null, freq: 4 });
  const policySteps: [RawStep['kind'], fc.Arbitrary<RawStep>][] = [
    ['createPolicy', fc.record({ kind: fc.constant('createPolicy' as const), policy })],
    ['updatePolicy', fc.record({ kind: fc.constant('updatePolicy' as const), target, policy })],
    ['deletePolicy', fc.record({ kind: fc.constant('deletePolicy' as const), target })],
  ];
  return [
    ...(bounds.policies ? policySteps : []),
    [
      'relabelPod',
      fc.record({ kind: fc.constant('relabelPod' as const), target, labels: rawPodLabelsArb(), flip }),
    ],
    [
      'relabelNamespace',
      fc.record({
        kind: fc.constant('relabelNamespace' as const),
        target,
        labels: rawNamespaceLabelsArb(),
        flip,
      }),
    ],
    [
      'addPod',
      fc.record({ kind: fc.constant('addPod' as const), namespace: target, pod: rawPodArb(bounds) }),
    ],
    ['deletePod', fc.record({ kind: fc.constant('deletePod' as const), target })],
  ];
}

export function rawStepArb(bounds: Bounds): fc.Arbitrary<RawStep> {
  return fc.oneof(
    ...rawStepKinds(bounds).map(([kind, arbitrary]) => ({ arbitrary, weight: STEP_WEIGHTS[kind] })),
  );
}

/** Counters that keep names of created objects unique across a sequence. */
export interface StepNaming {
  createdPolicies: number;
  addedPods: number;
}

function at<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

/**
 * The step a raw step denotes in `cluster`, or undefined when it cannot apply (nothing to delete,
 * no pod left to relabel). Advances `naming` only for steps that apply.
 */
export function resolveRawStep(raw: RawStep, cluster: ScenarioCluster, naming: StepNaming): Step | undefined {
  const ctx = contextOf(cluster);
  switch (raw.kind) {
    case 'createPolicy': {
      const policy = buildPolicy(raw.policy, `q${naming.createdPolicies + 1}`, ctx);
      naming.createdPolicies++;
      return { kind: 'createPolicy', policy };
    }
    case 'updatePolicy': {
      const old = at(cluster.policies, raw.target);
      if (old === undefined) return undefined;
      const built = buildPolicy({ ...raw.policy, namespace: 0 }, old.name, {
        ...ctx,
        namespaces: [old.namespace],
      });
      return { kind: 'updatePolicy', policy: built };
    }
    case 'deletePolicy': {
      const old = at(cluster.policies, raw.target);
      return old === undefined
        ? undefined
        : { kind: 'deletePolicy', namespace: old.namespace, name: old.name };
    }
    case 'relabelPod': {
      const pod = at(cluster.pods, raw.target);
      const aimed = raw.flip ? flipLabels(cluster, 'pod', raw.flip) : undefined;
      if (aimed) return { kind: 'relabelPod', pod: aimed.object, labels: aimed.labels };
      return pod === undefined
        ? undefined
        : { kind: 'relabelPod', pod: keyOf(pod), labels: podLabels(pod.name, raw.labels) };
    }
    case 'relabelNamespace': {
      const ns = at(cluster.namespaces, raw.target);
      const aimed = raw.flip ? flipLabels(cluster, 'namespace', raw.flip) : undefined;
      if (aimed) return { kind: 'relabelNamespace', namespace: aimed.object, labels: aimed.labels };
      return ns === undefined
        ? undefined
        : { kind: 'relabelNamespace', namespace: ns.name, labels: namespaceLabels(ns.name, raw.labels) };
    }
    case 'addPod': {
      const ns = at(cluster.namespaces, raw.namespace);
      if (ns === undefined) return undefined;
      const name = nameAt(ADDED_POD_NAMES, naming.addedPods, 'e');
      naming.addedPods++;
      return { kind: 'addPod', pod: buildPod(ns.name, name, raw.pod, ctx.nodes) };
    }
    case 'deletePod': {
      const pod = at(cluster.pods, raw.target);
      // Never delete the last pod: a cluster without pods has no traffic to judge.
      if (pod === undefined || cluster.pods.length <= 1) return undefined;
      return { kind: 'deletePod', pod: keyOf(pod) };
    }
  }
}

/** Resolve a raw sequence in order, dropping steps that cannot apply. */
export function buildSteps(raws: readonly RawStep[], initial: ScenarioCluster): Step[] {
  const naming: StepNaming = { createdPolicies: 0, addedPods: 0 };
  const steps: Step[] = [];
  let cluster = initial;
  for (const raw of raws) {
    const step = resolveRawStep(raw, cluster, naming);
    if (step === undefined) continue;
    steps.push(step);
    cluster = applyStep(cluster, step);
  }
  return steps;
}
