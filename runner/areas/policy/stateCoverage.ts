/**
 * What decided the verdicts of one checked state, for coverage (docs/rules.md "Coverage"). Policy: the rules
 * and features the oracle's explanation puts on the deciding path (oracle/policy decidedBy), a probe through a
 * Service, IPv6, and NP-STEP for a probe whose verdict the step before it changed (or whose pod it added).
 * Model: the rules each connection's answer was judged by, and the static pod-IP rules over the state's pods.
 * Probes the target could not send, that failed as machinery, or whose verdict is undefined count nowhere.
 */
import { staticModelChecks } from '../../../oracle/model/index.ts';
import type { ModelFeature, PolicyFeature } from '../../../spec/coverageFeatures.ts';
import { addressFamily } from '../../../spec/ipFamily.ts';
import type { Cluster, ObjectKey } from '../../../spec/model.ts';
import { keyOf } from '../../../spec/model.ts';
import type { Step } from '../../../spec/scenario.ts';
import { nodeOfSource } from '../../../spec/target.ts';
import type { ScenarioCoverage } from '../../coverage.ts';
import type { StateOutcome } from './checkScenario.ts';
import type { ProbeJudgement } from './judge.ts';

/**
 * The steps NP-STEP is about, by kind. Deleting a pod changes no other pod's verdict by the API's rules (a
 * verdict it seems to change moved with the scenario's symbolic ipBlock, the harness's doing), so it
 * decides none.
 */
const STEP_FEATURE: Readonly<Record<Exclude<Step['kind'], 'deletePod'>, PolicyFeature>> = {
  createPolicy: 'after create policy',
  updatePolicy: 'after update policy',
  deletePolicy: 'after delete policy',
  relabelPod: 'after relabel pod',
  relabelNamespace: 'after relabel namespace',
  addPod: 'after add pod',
};

/** Adds what decided `state`'s verdicts to `into`; `checkModel` when the model area ran on it. */
export function recordStateCoverage(state: StateOutcome, into: ScenarioCoverage, checkModel: boolean): void {
  const nodeOf = podNodes(state.cluster);
  for (const j of state.check.judgements) {
    if (j.expected === 'undefined' || !JUDGED.has(j.kind)) continue;
    const verdict = j.expected;
    if (j.decided) {
      for (const rule of j.decided.rules) into.rule('policy', rule, verdict);
      for (const feature of j.decided.features) into.feature('policy', feature);
      if (j.probe.dest.kind === 'service') into.feature('policy', 'via Service');
      if (addressFamily(j.probe.request.host) === 6) into.feature('policy', 'IPv6');
    }
    const step = state.step;
    if (step && step.kind !== 'deletePod' && changedByStep(j, state)) {
      into.rule('policy', 'NP-STEP', verdict);
      into.feature('policy', STEP_FEATURE[step.kind]);
    }
    if (checkModel && j.modelChecks) {
      for (const rule of j.modelChecks) into.rule('model', rule, verdict);
      const feature = modelFeature(j, nodeOf);
      if (feature) into.feature('model', feature);
    }
  }
  if (checkModel) {
    // The static rules judge the pod IPs of the state.
    const checks = staticModelChecks(state.cluster, state.realized);
    for (const { rule, observations } of checks) into.rule('model', rule, undefined, observations);
    if (checks.length > 0) into.feature('model', 'pod IPs', Math.max(...checks.map((c) => c.observations)));
  }
}

/** Judgement kinds whose verdict was judged against an observation. */
const JUDGED: ReadonlySet<string> = new Set(['conforms', 'leak', 'block', 'mismatch']);

/**
 * Whether the step before `state` decided this probe's verdict: a probe to a pod or outside whose verdict
 * differs from the one the state before gave it, or whose pod did not exist before.
 */
function changedByStep(j: ProbeJudgement, state: StateOutcome): boolean {
  const { dest, request } = j.probe;
  if (!state.before || dest.kind === 'service' || nodeOfSource(request.from) !== undefined) return false;
  const to = dest.kind === 'pod' ? dest.pod : { ip: request.host };
  return (
    state.before.verdict(request.from, to, request.port, request.protocol, addressFamily(request.host)) !==
    j.expected
  );
}

function podNodes(cluster: Cluster): ReadonlyMap<ObjectKey, string | undefined> {
  return new Map(cluster.pods.map((p) => [keyOf(p), p.nodeName]));
}

function modelFeature(
  j: ProbeJudgement,
  nodeOf: ReadonlyMap<ObjectKey, string | undefined>,
): ModelFeature | undefined {
  const { dest, request } = j.probe;
  if (nodeOfSource(request.from) !== undefined) return 'node to local pod';
  if (dest.kind === 'outside') return 'pod to outside';
  if (dest.kind === 'service') return undefined;
  const from = nodeOf.get(request.from);
  return from !== undefined && from === nodeOf.get(dest.pod)
    ? 'pod to pod, same node'
    : 'pod to pod, across nodes';
}
