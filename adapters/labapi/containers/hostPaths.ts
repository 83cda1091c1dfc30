/**
 * hostPath volumes of a lab node: what a pod on node N sees at a hostPath. flannel keeps its state in
 * /run/flannel (subnet.env, as flannel's kube subnet manager writes it); the lab's flannel agent writes that
 * node's subnet.env to its node folder (adapters/lab/state.ts nodeDir). Other host paths are not part of a
 * lab node: undefined (the API server reports the volume as not mountable).
 */
import type { LabPaths } from '../../lab/state.ts';

/** The flannel run folder on a node (flannel's default `-subnet-file` is /run/flannel/subnet.env). */
export const FLANNEL_RUN_DIR = '/run/flannel';

/** The path on this machine that stands for `hostPath` on the lab node of index `node`, or undefined. */
export function hostPathOnNode(paths: LabPaths, node: number, hostPath: string): string | undefined {
  const clean = hostPath.replace(/\/+$/, '') || '/';
  if (clean === FLANNEL_RUN_DIR) return paths.nodeDir(node);
  if (clean.startsWith(`${FLANNEL_RUN_DIR}/`)) {
    const rest = clean.slice(FLANNEL_RUN_DIR.length + 1);
    if (rest.split('/').includes('..')) return undefined;
    return `${paths.nodeDir(node)}/${rest}`;
  }
  return undefined;
}
