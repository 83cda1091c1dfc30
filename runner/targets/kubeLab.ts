/**
 * `podnet selftest --target kube-lab`: the live-cluster path measured against the lab's fault catalogue.
 * Each trial starts a lab with its Kubernetes API (`lab up --api --fault F`, adapters/labapi), opens the
 * unchanged kube adapter on the kubeconfig that lab wrote, and takes both down afterwards. Only this
 * wiring knows that the cluster is a lab: the kube adapter sees an API server, kubectl and agnhost.
 */
import { backendForFaults } from '../../adapters/lab/faults.ts';
import { startTemporaryLabApi } from '../../adapters/labapi/control.ts';
import type { Target } from '../../spec/target.ts';
import { openKube } from './kube.ts';

export interface KubeLabOptions {
  /** Environment for kubectl (PATH, HOME); the kubeconfig is always the lab's own. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Lab state root (tests); default /run/podnet. */
  readonly stateRoot?: string;
  /** The lab's id (`PODNET_LAB_ID`, so a test can check what is left of it); default a new one. */
  readonly labId?: string;
}

/**
 * Opens a kube target on a fresh lab API with `faults` injected in the lab (running the flannel backend
 * a fault needs, e.g. host-gw for hostgw-route-missing). Tearing the target down
 * deletes the run's objects through the API (as on a cluster), then takes the lab and its API down and
 * removes the kubeconfig; a failure while opening takes the lab down before it is reported.
 */
export async function openKubeLab(faults: readonly string[], options: KubeLabOptions = {}): Promise<Target> {
  const backend = backendForFaults(faults);
  const lab = await startTemporaryLabApi({
    faults,
    ...(backend ? { backend } : {}),
    ...(options.labId ? { labId: options.labId } : {}),
    ...(options.stateRoot ? { stateRoot: options.stateRoot } : {}),
  });
  try {
    const target = await openKube({
      kubeconfig: lab.api.kubeconfig,
      ...(options.env ? { env: options.env } : {}),
    })();
    return alsoOnTeardown(target, lab.stop);
  } catch (error) {
    await lab.stop().catch(() => {});
    throw error;
  }
}

/**
 * `target` with `after` run once its own teardown has finished (or failed). The instance itself is kept,
 * not wrapped: the kube wiring recognises its target (`instanceof`) to read enforcement and notes.
 */
function alsoOnTeardown<T extends Target>(target: T, after: () => Promise<void>): T {
  const own = target.teardown.bind(target);
  let done = false;
  target.teardown = async () => {
    try {
      await own();
    } finally {
      if (!done) {
        done = true;
        await after();
      }
    }
  };
  return target;
}
