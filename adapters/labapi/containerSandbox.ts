/**
 * Where a container of the lab API "runs": the resolution from (pod, container) to the sandbox the exec half
 * starts commands in (containers/sandbox.ts), and what keeps a container from running.
 * - the network namespace: the pod's, or its node's for a hostNetwork pod (the lab's own choice, asked of
 *   LabTarget.podNetns);
 * - the hostname: the pod's as the kubelet sets it (containers/podServers.ts hostnameOfPod);
 * - the container's hostPath volume mounts, a node's host path mapped to the lab's node folder
 *   (containers/hostPaths.ts: /run/flannel is the node's folder, so a hostNetwork reader sees that node's
 *   subnet.env at /run/flannel/subnet.env, or wherever it mounts it); a host path the lab node does not have
 *   keeps the container in ContainerCreating, as a failed MountVolume.SetUp does
 *   (pkg/volume/hostpath/host_path.go checkType);
 * - the container's literal `env` values;
 * - image problems (not agnhost, agnhost exiting at once) from containers/podServers.ts.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { LabPaths } from '../lab/state.ts';
import { hostPathOnNode } from './containers/hostPaths.ts';
import { hostnameOfPod, podServers } from './containers/podServers.ts';
import type { SandboxMount, SandboxSpec } from './containers/types.ts';
import type { ContainerProblemState } from './podStatus.ts';
import type { ApiObject } from './store.ts';

type Obj = Record<string, unknown>;

function objects(v: unknown): Obj[] {
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Obj[]) : [];
}

/** What the resolution needs of the lab: its state paths and which index each node has. */
export interface LabNodesView {
  readonly paths: LabPaths;
  nodeIndex(name: string): number | undefined;
}

export function asV1Pod(pod: ApiObject): V1Pod {
  return pod as unknown as V1Pod;
}

/** The container's hostPath mounts: mapped ones, and the problem if one cannot be mapped. */
function hostPathMounts(
  lab: LabNodesView,
  pod: ApiObject,
  container: string,
): { mounts: SandboxMount[]; problem?: ContainerProblemState } {
  const spec = (pod.spec ?? {}) as Obj;
  const node = lab.nodeIndex(String(spec.nodeName ?? ''));
  const volumes = new Map(objects(spec.volumes).map((v) => [String(v.name), v]));
  const c = objects(spec.containers).find((x) => x.name === container);
  const mounts: SandboxMount[] = [];
  for (const m of objects(c?.volumeMounts)) {
    const volume = volumes.get(String(m.name));
    const hostPath = volume?.hostPath as Obj | undefined;
    if (!hostPath) continue;
    const sub = typeof m.subPath === 'string' && m.subPath !== '' ? `/${m.subPath}` : '';
    const source =
      node === undefined ? undefined : hostPathOnNode(lab.paths, node, `${String(hostPath.path)}${sub}`);
    if (source === undefined) {
      return {
        mounts,
        problem: {
          reason: 'ContainerCreating',
          message: `MountVolume.SetUp failed for volume "${String(m.name)}" : hostPath ${String(hostPath.path)} does not exist on a lab node (the lab maps only /run/flannel)`,
        },
      };
    }
    mounts.push({ hostPath: source, containerPath: String(m.mountPath), readOnly: m.readOnly === true });
  }
  return { mounts };
}

/** Containers of `pod` that cannot run in the lab, by name, with the state the kubelet would show. */
export function containerProblems(lab: LabNodesView, pod: ApiObject): Map<string, ContainerProblemState> {
  const out = new Map<string, ContainerProblemState>();
  for (const p of podServers(asV1Pod(pod)).problems)
    out.set(p.container, { reason: p.reason, message: p.message });
  for (const c of objects(((pod.spec ?? {}) as Obj).containers)) {
    const name = String(c.name);
    if (out.has(name)) continue;
    const { problem } = hostPathMounts(lab, pod, name);
    if (problem) out.set(name, problem);
  }
  return out;
}

/** The sandbox of one container of a pod the lab runs in `netns`. */
export function sandboxOf(
  labPrefix: string,
  lab: LabNodesView,
  pod: ApiObject,
  container: string,
  netns: string,
  fastConnect?: string,
): SandboxSpec {
  const c = objects(((pod.spec ?? {}) as Obj).containers).find((x) => x.name === container);
  const env: Record<string, string> = {};
  for (const e of objects(c?.env)) if (typeof e.value === 'string') env[String(e.name)] = e.value;
  return {
    labPrefix,
    netns,
    hostname: hostnameOfPod(asV1Pod(pod)),
    mounts: hostPathMounts(lab, pod, container).mounts,
    env,
    ...(fastConnect ? { fastConnect } : {}),
  };
}
