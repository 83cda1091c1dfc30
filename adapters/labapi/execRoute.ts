/**
 * `POST|GET /api/v1/namespaces/{ns}/pods/{name}/exec` (an upgrade): the API server's checks before it
 * proxies to the kubelet (pkg/registry/core/pod/rest/subresources.go ExecREST, strategy.go streamLocation):
 * the pod exists (404, in server.ts), it is bound to a node (400 `pod x does not have a host assigned`), the
 * container is named or the pod has one (400, exec/query.ts resolveExecContainer); then the kubelet's: the
 * container runs (`container not found ("c")`, as the kubelet's streaming server answers for a container
 * that has no running instance). Then the exec half runs the session (exec/acceptExec.ts) with a spawn
 * bound to the container's sandbox, and the `exec-cut` fault when it hits.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { badRequest } from './apiErrors.ts';
import type { ApiFaults } from './apiFaults.ts';
import { asV1Pod, type LabNodesView, sandboxOf } from './containerSandbox.ts';
import { spawnInSandbox } from './containers/sandbox.ts';
import { acceptExec, refuseUpgrade } from './exec/acceptExec.ts';
import { isRefusal, parseExecQuery, resolveExecContainer } from './exec/query.ts';
import type { ExecStreams } from './exec/types.ts';
import type { ExecHandler } from './server.ts';
import type { ApiObject } from './store.ts';

type Obj = Record<string, unknown>;

export interface ExecRouting {
  readonly labPrefix: string;
  readonly lab: LabNodesView;
  /** The network namespace the lab runs the pod in, if it does. */
  readonly podNetns: (key: string) => string | undefined;
  readonly faults?: ApiFaults;
  readonly log?: (line: string) => void;
  /** The compiled `agnhost connect`, when it could be built. */
  readonly fastConnect?: string;
}

function runningContainer(pod: ApiObject, container: string): boolean {
  const statuses = (((pod.status ?? {}) as Obj).containerStatuses ?? []) as Obj[];
  const s = statuses.find((x) => x.name === container);
  return s !== undefined && ((s.state ?? {}) as Obj).running !== undefined;
}

/** Where a command of `pod`'s `container` runs, or the API error that refuses it. */
function execTarget(routing: ExecRouting, pod: ApiObject, container: string): { netns: string } {
  const spec = (pod.spec ?? {}) as Obj;
  if (!spec.nodeName) throw badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  const netns = routing.podNetns(`${pod.metadata.namespace}/${pod.metadata.name}`);
  if (!runningContainer(pod, container) || netns === undefined)
    throw badRequest(`container not found ("${container}")`);
  return { netns };
}

export function execHandler(routing: ExecRouting): ExecHandler {
  return async (request: IncomingMessage, socket: Duplex, head: Buffer, pod: ApiObject) => {
    const query = parseExecQuery(request.url ?? '');
    if (isRefusal(query)) return refuseUpgrade(socket, query);
    const container = resolveExecContainer(asV1Pod(pod), query.container);
    if (typeof container !== 'string') return refuseUpgrade(socket, container);
    const { netns } = execTarget(routing, pod, container);
    const spec = sandboxOf(routing.labPrefix, routing.lab, pod, container, netns, routing.fastConnect);
    const cut = routing.faults?.execCut();
    const end = await acceptExec(request, socket, head, {
      spawn: (argv: readonly string[], streams: ExecStreams) => spawnInSandbox(spec, argv, streams),
      ...(cut ? { fault: cut } : {}),
    });
    routing.log?.(
      `exec ${pod.metadata.namespace}/${pod.metadata.name}/${container} ${JSON.stringify(query.command).slice(0, 120)}: ${JSON.stringify({ protocol: end.protocol, refused: end.refused, exit: end.exit, cut: end.cut, clientGone: end.clientGone })}`,
    );
  };
}

/** Runs argv in a container (probes): its exit code, or undefined when it did not run or timed out. */
export async function runInContainer(
  routing: ExecRouting,
  pod: ApiObject,
  container: string,
  argv: readonly string[],
  timeoutMs: number,
): Promise<number | undefined> {
  const netns = routing.podNetns(`${pod.metadata.namespace}/${pod.metadata.name}`);
  if (netns === undefined) return undefined;
  const handle = spawnInSandbox(
    sandboxOf(routing.labPrefix, routing.lab, pod, container, netns, routing.fastConnect),
    argv,
    {
      stdin: false,
      stdout: true,
      stderr: true,
      tty: false,
    },
  );
  handle.stdout?.resume();
  handle.stderr?.resume();
  const timer = setTimeout(() => handle.kill(), timeoutMs);
  const exit = await handle.exited;
  clearTimeout(timer);
  return exit.kind === 'exited' ? exit.code : undefined;
}
