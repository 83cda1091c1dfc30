/**
 * The one call into the netfilter agents (netfilter/apply.ts: policy agent and service proxy), given
 * the exec that runs their commands (`ip netns exec` rewritten to the cheaper `nsenter --net`).
 */
import { labExec } from './exec.ts';
import { applyNodeNetfilter, forgetNodeNetfilter } from './netfilter/apply.ts';
import type { NodeNetfilterView } from './netfilter/types.ts';

/** Programs one node's policy and Service rules to match `view`. */
export function applyNetfilter(view: NodeNetfilterView): Promise<void> {
  return applyNodeNetfilter(view, labExec);
}

/** Restarts the agents of one node: they forget what they programmed and saw; the rules stay until the next apply. */
export function forgetNetfilter(netns: string): Promise<void> {
  return forgetNodeNetfilter(netns);
}
