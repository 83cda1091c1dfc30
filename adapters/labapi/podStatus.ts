/**
 * Pod status as the kubelet writes it (pkg/kubelet/kubelet_pods.go generateAPIPodStatus,
 * pkg/kubelet/status/generate.go GeneratePodReadyCondition / GenerateContainersReadyCondition /
 * GeneratePodInitializedCondition, pkg/kubelet/kuberuntime for container states):
 * - scheduled, sandbox not yet up: phase Pending, containers Waiting `ContainerCreating`,
 *   PodReadyToStartContainers False;
 * - sandbox up (the lab realized the pod): phase Running, podIP(s), hostIP(s), startTime, containers
 *   Running and `started`, PodReadyToStartContainers True;
 * - a container the lab cannot run waits with its reason (ErrImagePull…) and keeps the pod Pending;
 * - ContainersReady and Ready are True only when every container is ready (its readiness probe passed,
 *   or it has none and runs), else False with reason ContainersNotReady and
 *   `containers with unready status: [a b]`.
 * Conditions keep their lastTransitionTime while their status does not change.
 */
import { apiTime } from './defaulting.ts';
import type { ApiObject } from './store.ts';

type Obj = Record<string, unknown>;

export interface ContainerProblemState {
  readonly reason: string;
  readonly message: string;
}

export interface PodRuntimeState {
  /** The pod IP (its node's for hostNetwork pods), once the lab realized the pod. */
  readonly podIP?: string;
  readonly hostIP?: string;
  /** When the sandbox and containers started (ms). */
  readonly startedAt?: number;
  /** Containers that cannot run, by name. */
  readonly problems: ReadonlyMap<string, ContainerProblemState>;
  /** Readiness per container name (containers absent here are not ready). */
  readonly ready: ReadonlyMap<string, boolean>;
}

function objects(v: unknown): Obj[] {
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Obj[]) : [];
}

function condition(
  previous: readonly Obj[],
  type: string,
  status: boolean,
  now: string,
  reason?: string,
  message?: string,
): Obj {
  const before = previous.find((c) => c.type === type);
  const text = status ? 'True' : 'False';
  return {
    type,
    status: text,
    lastProbeTime: null,
    lastTransitionTime: before && before.status === text ? before.lastTransitionTime : now,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

/** A container ID for the lab's "runtime": stable per pod uid and container. */
function containerID(pod: ApiObject, name: string): string {
  let h = 0;
  for (const ch of `${pod.metadata.uid}/${name}`) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `podnet-lab://${String(pod.metadata.uid).replace(/-/g, '')}${h.toString(16).padStart(8, '0')}`;
}

/** The status the kubelet would report for `pod` in `state`. */
export function podStatusOf(pod: ApiObject, state: PodRuntimeState, nowMs: number = Date.now()): Obj {
  const now = apiTime(nowMs);
  const previous = (pod.status ?? {}) as Obj;
  const before = objects(previous.conditions);
  const spec = (pod.spec ?? {}) as Obj;
  const containers = objects(spec.containers);
  const sandbox = state.podIP !== undefined;
  const startedAt = state.startedAt !== undefined ? apiTime(state.startedAt) : now;
  const statuses = containers.map((c) => {
    const name = String(c.name);
    const problem = state.problems.get(name);
    const running = sandbox && !problem;
    const ready = running && state.ready.get(name) === true;
    return {
      name,
      image: c.image,
      imageID: running ? `${String(c.image)}@podnet-lab` : '',
      ...(running ? { containerID: containerID(pod, name) } : {}),
      ready,
      restartCount: 0,
      started: running,
      state: running
        ? { running: { startedAt } }
        : {
            waiting: problem
              ? { reason: problem.reason, message: problem.message }
              : { reason: 'ContainerCreating' },
          },
    };
  });
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const allReady = unready.length === 0;
  const notReadyMessage = `containers with unready status: [${unready.join(' ')}]`;
  const conditions = [
    condition(before, 'PodReadyToStartContainers', sandbox, now),
    condition(before, 'Initialized', true, now),
    condition(
      before,
      'Ready',
      allReady,
      now,
      allReady ? undefined : 'ContainersNotReady',
      allReady ? undefined : notReadyMessage,
    ),
    condition(
      before,
      'ContainersReady',
      allReady,
      now,
      allReady ? undefined : 'ContainersNotReady',
      allReady ? undefined : notReadyMessage,
    ),
    condition(before, 'PodScheduled', true, now),
  ];
  const running = sandbox && statuses.every((s) => s.started);
  return {
    phase: running ? 'Running' : 'Pending',
    conditions,
    ...(state.hostIP ? { hostIP: state.hostIP, hostIPs: [{ ip: state.hostIP }] } : {}),
    ...(state.podIP ? { podIP: state.podIP, podIPs: [{ ip: state.podIP }] } : {}),
    ...(sandbox ? { startTime: previous.startTime ?? startedAt } : {}),
    containerStatuses: statuses,
    qosClass: previous.qosClass ?? 'BestEffort',
  };
}

/** The status of a pod the scheduler just bound (PodScheduled True, nothing else decided yet). */
export function scheduledStatus(pod: ApiObject, nowMs: number = Date.now()): Obj {
  const previous = (pod.status ?? {}) as Obj;
  const before = objects(previous.conditions);
  return {
    ...previous,
    phase: 'Pending',
    conditions: [
      ...before.filter((c) => c.type !== 'PodScheduled'),
      condition(before, 'PodScheduled', true, apiTime(nowMs)),
    ],
  };
}
