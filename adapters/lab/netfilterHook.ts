/**
 * The one call into the netfilter agents (netfilter/apply.ts: policy agent and service proxy), given
 * the exec that runs their commands (`ip netns exec` rewritten to the cheaper `nsenter --net`).
 */
import { labExec } from './exec.ts';
import { applyNodeNetfilter, forgetNodeNetfilter, forgetNodesWithPrefix } from './netfilter/apply.ts';
import type { NodeNetfilterView } from './netfilter/types.ts';

/**
 * Programs one node's policy and Service rules to match `view`. After its build nothing but these agents
 * writes a lab node's iptables or ipsets, so within a scenario an apply plans from what the last one left
 * instead of reading the node again (`trustOwnWrites`); each scenario's first apply reads (beginScenario
 * forgets), and so does every apply after a failed one.
 */
export function applyNetfilter(view: NodeNetfilterView): Promise<void> {
  return applyNodeNetfilter(view, labExec, { trustOwnWrites: true });
}

/** Restarts the agents of one node: they forget what they programmed and saw; the rules stay until the next apply. */
export function forgetNetfilter(netns: string): Promise<void> {
  return forgetNodeNetfilter(netns);
}

/** Forgets every node of a lab whose namespaces are about to be deleted or rebuilt under the same names. */
export function forgetLabNetfilter(prefix: string): Promise<void> {
  return forgetNodesWithPrefix(prefix);
}
