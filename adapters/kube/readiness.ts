/**
 * Waiting for the run's pods with a bound. A pod counts as up when it has an IP and is Ready, or, for a
 * pod the scenario marks not ready (its readiness probe always fails), when all its containers run.
 * A pod that cannot start (image pull failure, crash loop) fails the wait at once with the reason.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { PodnetTargetError } from '../../spec/errors.ts';

export type PodState =
  | { readonly up: true }
  | { readonly up: false; readonly reason: string; readonly fatal: boolean };

const FATAL_WAITING = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

export function podState(pod: V1Pod, wantReady: boolean): PodState {
  const status = pod.status;
  for (const c of status?.containerStatuses ?? []) {
    const waiting = c.state?.waiting?.reason;
    if (waiting !== undefined && FATAL_WAITING.has(waiting)) {
      return {
        up: false,
        fatal: true,
        reason: `container ${c.name}: ${waiting}${c.state?.waiting?.message ? ` (${c.state.waiting.message})` : ''}`,
      };
    }
  }
  if (status?.phase === 'Failed')
    return { up: false, fatal: true, reason: `phase Failed${status.reason ? `: ${status.reason}` : ''}` };
  if (!status?.podIP)
    return { up: false, fatal: false, reason: `phase ${status?.phase ?? 'unknown'}, no IP yet` };
  if (wantReady) {
    const ready = status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    return ready ? { up: true } : { up: false, fatal: false, reason: 'not Ready yet' };
  }
  const running =
    (status.containerStatuses ?? []).length > 0 &&
    (status.containerStatuses ?? []).every((c) => c.state?.running !== undefined);
  return running ? { up: true } : { up: false, fatal: false, reason: 'containers not running yet' };
}

export interface WaitOptions {
  readonly timeoutMs: number;
  /** Re-list at least this often (the safety net when no watch is given, or a watch goes quiet). */
  readonly intervalMs: number;
  readonly signal?: AbortSignal;
  readonly image: string;
  /**
   * A watch on the pods: calls `onChange` on every event and returns a stop function. Each event wakes
   * the wait at once, so readiness is seen as the API server reports it, not on the next poll.
   */
  readonly watch?: (onChange: () => void) => Promise<() => void>;
}

/**
 * Polls `list` until every wanted pod (`ns/name` → whether it should become Ready) is up.
 * Returns the pods as last seen.
 */
export async function waitForPods(
  wanted: ReadonlyMap<string, boolean>,
  list: () => Promise<V1Pod[]>,
  options: WaitOptions,
): Promise<Map<string, V1Pod>> {
  const deadline = Date.now() + options.timeoutMs;
  let pending: string[] = [...wanted.keys()];
  let last = new Map<string, V1Pod>();
  let wake: (() => void) | undefined;
  // An event that arrives while `list()` is in flight must not be lost: it marks the next sleep as skipped.
  let changed = false;
  const onChange = (): void => {
    changed = true;
    wake?.();
  };
  const stop = options.watch ? await options.watch(onChange).catch(() => undefined) : undefined;
  try {
    while (true) {
      changed = false;
      last = new Map((await list()).map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p]));
      const reasons: string[] = [];
      pending = [];
      for (const [key, wantReady] of wanted) {
        const pod = last.get(key);
        const state: PodState = pod
          ? podState(pod, wantReady)
          : { up: false, fatal: false, reason: 'not created yet' };
        if (state.up) continue;
        pending.push(key);
        if (state.fatal) {
          throw new PodnetTargetError(
            'PODNET_KUBE_POD_FAILED',
            `pod ${key} cannot start: ${state.reason}`,
            /Image|image/.test(state.reason)
              ? `the nodes must be able to pull ${options.image}; pass --image REF to use a mirror`
              : undefined,
          );
        }
        reasons.push(`${key}: ${state.reason}`);
      }
      if (pending.length === 0) return last;
      if (Date.now() >= deadline || options.signal?.aborted) {
        throw new PodnetTargetError(
          'PODNET_KUBE_NOT_READY',
          `${pending.length} pod(s) not up after ${Math.round(options.timeoutMs / 1000)}s: ${reasons.slice(0, 5).join('; ')}`,
          'check `kubectl get pods -A -l app.kubernetes.io/managed-by=podnet` and the events of those pods',
        );
      }
      if (changed) continue;
      await new Promise<void>((r) => {
        const timer = setTimeout(r, options.intervalMs);
        wake = () => {
          clearTimeout(timer);
          r();
        };
      });
      wake = undefined;
    }
  } finally {
    stop?.();
  }
}
