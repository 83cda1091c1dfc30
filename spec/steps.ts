/** Applying a step (a change mid-run) to a scenario cluster: one pure function shared by runner and generators. */
import { keyOf, NAMESPACE_NAME_LABEL } from './model.ts';
import type { Scenario, ScenarioCluster, Step } from './scenario.ts';

/** The cluster after `step`. A step that names something missing leaves the cluster unchanged. */
export function applyStep(cluster: ScenarioCluster, step: Step): ScenarioCluster {
  switch (step.kind) {
    case 'createPolicy':
    case 'updatePolicy': {
      const key = keyOf(step.policy);
      const others = cluster.policies.filter((p) => keyOf(p) !== key);
      return { ...cluster, policies: [...others, step.policy] };
    }
    case 'deletePolicy':
      return {
        ...cluster,
        policies: cluster.policies.filter((p) => !(p.namespace === step.namespace && p.name === step.name)),
      };
    case 'relabelPod':
      return {
        ...cluster,
        pods: cluster.pods.map((p) => (keyOf(p) === step.pod ? { ...p, labels: { ...step.labels } } : p)),
      };
    case 'relabelNamespace':
      return {
        ...cluster,
        namespaces: cluster.namespaces.map((n) =>
          n.name === step.namespace
            ? { ...n, labels: { ...step.labels, [NAMESPACE_NAME_LABEL]: n.name } }
            : n,
        ),
      };
    case 'addPod': {
      const key = keyOf(step.pod);
      if (cluster.pods.some((p) => keyOf(p) === key)) return cluster;
      if (!cluster.namespaces.some((n) => n.name === step.pod.namespace)) return cluster;
      return { ...cluster, pods: [...cluster.pods, step.pod] };
    }
    case 'deletePod':
      return { ...cluster, pods: cluster.pods.filter((p) => keyOf(p) !== step.pod) };
  }
}

/** A one-line description of a step, for reports and progress. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'createPolicy':
      return `create NetworkPolicy ${keyOf(step.policy)}`;
    case 'updatePolicy':
      return `update NetworkPolicy ${keyOf(step.policy)}`;
    case 'deletePolicy':
      return `delete NetworkPolicy ${step.namespace}/${step.name}`;
    case 'relabelPod':
      return `relabel pod ${step.pod} to ${formatLabels(step.labels)}`;
    case 'relabelNamespace':
      return `relabel namespace ${step.namespace} to ${formatLabels(step.labels)}`;
    case 'addPod':
      return `add pod ${keyOf(step.pod)}`;
    case 'deletePod':
      return `delete pod ${step.pod}`;
  }
}

function formatLabels(labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '{}';
}

/** The most pods and policies any state of the scenario holds (steps may add them), and its step count. */
export function scenarioSize(scenario: Scenario): { pods: number; policies: number; steps: number } {
  let cluster = scenario.cluster;
  let pods = cluster.pods.length;
  let policies = cluster.policies.length;
  for (const step of scenario.steps) {
    cluster = applyStep(cluster, step);
    pods = Math.max(pods, cluster.pods.length);
    policies = Math.max(policies, cluster.policies.length);
  }
  return { pods, policies, steps: scenario.steps.length };
}
