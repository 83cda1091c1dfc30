/**
 * The one call into the netfilter agents (netfilter/apply.ts: policy agent and service proxy), given
 * the exec that runs their commands (`ip netns exec` rewritten to the cheaper `nsenter --net`).
 */
import { labExec } from './exec.ts';
import { applyNodeNetfilter, removeNodeNetfilter } from './netfilter/apply.ts';
import type { NodeNetfilterView } from './netfilter/types.ts';

/** Programs one node's policy and Service rules to match `view`. */
export function applyNetfilter(view: NodeNetfilterView): Promise<void> {
  return applyNodeNetfilter(view, labExec);
}

/** Removes everything the netfilter agents programmed on one node, and what they remembered of it. */
export function removeNetfilter(netns: string): Promise<void> {
  return removeNodeNetfilter(netns, labExec);
}
