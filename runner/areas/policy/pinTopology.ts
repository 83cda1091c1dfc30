/**
 * The policy and model areas run every scenario on one fixed node set, so that consecutive scenarios
 * (and shrink steps) change pods and policies, never the underlay: the lab then realizes incrementally.
 * Pods keep their relative placement (pods that shared a node still do, where the node count allows).
 */
import type { Node, Pod } from '../../../spec/model.ts';
import type { Scenario } from '../../../spec/scenario.ts';

function fixedNodes(count: number): Node[] {
  return Array.from({ length: count }, (_, i) => ({ name: `node-${i + 1}`, labels: {}, segment: 0 }));
}

export function pinTopology(scenario: Scenario, nodeCount: number): Scenario {
  const nodes = fixedNodes(nodeCount);
  const original = scenario.cluster.nodes.map((n) => n.name);
  const place = (pod: Pod, i: number): Pod => {
    const at = pod.nodeName !== undefined ? original.indexOf(pod.nodeName) : -1;
    const index = at >= 0 ? at : i;
    return { ...pod, nodeName: nodes[index % nodeCount]!.name };
  };
  return {
    ...scenario,
    cluster: { ...scenario.cluster, nodes, pods: scenario.cluster.pods.map(place) },
    steps: scenario.steps.map((s, i) => (s.kind === 'addPod' ? { ...s, pod: place(s.pod, i) } : s)),
  };
}
