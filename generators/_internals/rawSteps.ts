/** Raw steps (indices into what exists at the time) and their resolution against a cluster. */
import fc from 'fast-check';
import { keyOf } from '../../spec/model.ts';
import type { ScenarioCluster, Step } from '../../spec/scenario.ts';
import { applyStep } from '../../spec/steps.ts';
import { buildPod, buildPolicy, contextOf, namespaceLabels, podLabels } from './build.ts';
import type { Bounds } from './options.ts';
import type { RawNamespaceLabels, RawPod, RawPodLabels, RawPolicy } from './raw.ts';
import { rawNamespaceLabelsArb, rawPodArb, rawPodLabelsArb, rawPolicyArb } from './raw.ts';
import { ADDED_POD_NAMES, nameAt } from './vocabulary.ts';

export type RawStep =
  | { readonly kind: 'createPolicy'; readonly policy: RawPolicy }
  | { readonly kind: 'updatePolicy'; readonly target: number; readonly policy: RawPolicy }
  | { readonly kind: 'deletePolicy'; readonly target: number }
  | { readonly kind: 'relabelPod'; readonly target: number; readonly labels: RawPodLabels }
  | { readonly kind: 'relabelNamespace'; readonly target: number; readonly labels: RawNamespaceLabels }
  | { readonly kind: 'addPod'; readonly namespace: number; readonly pod: RawPod }
  | { readonly kind: 'deletePod'; readonly target: number };

/** One arbitrary per step kind, so `fc.commands` can wrap each in its own command. */
export function rawStepArbs(bounds: Bounds): fc.Arbitrary<RawStep>[] {
  const target = fc.nat(15);
  const policy = rawPolicyArb(bounds);
  const policySteps: fc.Arbitrary<RawStep>[] = [
    fc.record({ kind: fc.constant('createPolicy' as const), policy }),
    fc.record({ kind: fc.constant('updatePolicy' as const), target, policy }),
    fc.record({ kind: fc.constant('deletePolicy' as const), target }),
  ];
  return [
    ...(bounds.policies ? policySteps : []),
    fc.record({ kind: fc.constant('relabelPod' as const), target, labels: rawPodLabelsArb() }),
    fc.record({ kind: fc.constant('relabelNamespace' as const), target, labels: rawNamespaceLabelsArb() }),
    fc.record({ kind: fc.constant('addPod' as const), namespace: target, pod: rawPodArb(bounds) }),
    fc.record({ kind: fc.constant('deletePod' as const), target }),
  ];
}

export function rawStepArb(bounds: Bounds): fc.Arbitrary<RawStep> {
  return fc.oneof(...rawStepArbs(bounds));
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
      return pod === undefined
        ? undefined
        : { kind: 'relabelPod', pod: keyOf(pod), labels: podLabels(pod.name, raw.labels) };
    }
    case 'relabelNamespace': {
      const ns = at(cluster.namespaces, raw.target);
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
