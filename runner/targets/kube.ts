/**
 * Opening a live cluster (`--target kube`): the kube adapter, which fails in seconds with exit 3 when the
 * cluster is unreachable, then (by default) the deny-all check, so a cluster without a policy engine gives
 * one finding. Loaded only for clusters: client-node is large.
 */
import type { KubeTargetOptions } from '../../adapters/kube/kubeTarget.ts';
import { openKubeTarget } from '../../adapters/kube/kubeTarget.ts';
import type { Target } from '../../spec/target.ts';

export type KubeWiringOptions = Pick<
  KubeTargetOptions,
  | 'kubeconfig'
  | 'context'
  | 'env'
  | 'image'
  | 'nodeSelector'
  | 'keep'
  | 'execMode'
  | 'requestTimeoutMs'
  | 'readyTimeoutMs'
  | 'runId'
> & {
  /** Run the deny-all check (one finding instead of a thousand leaks on a cluster without a policy engine). Default true. */
  readonly checkEnforcement?: boolean;
};

export function openKube(options: KubeWiringOptions): () => Promise<Target> {
  return async () => {
    const target = await openKubeTarget({ ...options, signalHandlers: false });
    if (options.checkEnforcement !== false) {
      try {
        await target.checkPolicyEnforcement();
      } catch (error) {
        await target.teardown().catch(() => {});
        throw error;
      }
    }
    return target;
  };
}
