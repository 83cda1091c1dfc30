/**
 * A scenario pod as a real Pod: pinned to its node (`nodeName`), one agnhost container per
 * (port, protocol) as the upstream fixture does (`serve-hostname --tcp|--udp --http=false --port N`,
 * `porter` for SCTP), with the scenario's port names; a pod without ports runs `agnhost pause`.
 * A pod the scenario marks not ready gets a readiness probe that always fails.
 */
import type { V1Container, V1ContainerPort, V1Pod, V1Probe } from '@kubernetes/client-node';
import type { ContainerPort, Pod, Protocol } from '../../../spec/model.ts';
import { checkScenarioLabels, containerName, podHostname, ROLE_LABEL } from '../names.ts';
import { type RenderContext, realNamespace, withRunLabels } from './context.ts';

/** One server container per distinct (port, protocol); every scenario name for it is kept on it. */
interface ServedPort {
  readonly port: number;
  readonly protocol: Protocol;
  readonly names: readonly string[];
}

/** The distinct (port, protocol) pairs a pod declares, in declaration order, with their names. */
function servedPorts(pod: Pod): ServedPort[] {
  const byKey = new Map<string, { port: number; protocol: Protocol; names: string[] }>();
  const all: ContainerPort[] = pod.containers.flatMap((c) => c.ports);
  for (const p of all) {
    const key = `${p.containerPort}/${p.protocol}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { port: p.containerPort, protocol: p.protocol, names: [] };
      byKey.set(key, entry);
    }
    if (p.name !== undefined && !entry.names.includes(p.name)) entry.names.push(p.name);
  }
  return [...byKey.values()];
}

/** The agnhost arguments that serve one (port, protocol). */
function serverArgs(port: number, protocol: Protocol): string[] {
  if (protocol === 'SCTP') return ['porter'];
  return ['serve-hostname', protocol === 'TCP' ? '--tcp' : '--udp', '--http=false', '--port', String(port)];
}

const NEVER_READY: V1Probe = {
  exec: { command: ['/bin/sh', '-c', 'exit 1'] },
  periodSeconds: 1,
  failureThreshold: 1,
};

function serverContainer(served: ServedPort, hostname: string, image: string, ready: boolean): V1Container {
  const ports: V1ContainerPort[] =
    served.names.length > 0
      ? served.names.map((name) => ({ name, containerPort: served.port, protocol: served.protocol }))
      : [{ containerPort: served.port, protocol: served.protocol }];
  const readinessProbe: V1Probe | undefined = !ready
    ? NEVER_READY
    : served.protocol === 'TCP'
      ? { tcpSocket: { port: served.port }, periodSeconds: 1 }
      : undefined;
  return {
    name: containerName(served.port, served.protocol),
    image,
    args: serverArgs(served.port, served.protocol),
    ...(served.protocol === 'SCTP'
      ? { env: [{ name: `SERVE_SCTP_PORT_${served.port}`, value: hostname }] }
      : {}),
    ports,
    ...(readinessProbe ? { readinessProbe } : {}),
  };
}

export function renderPod(pod: Pod, ctx: RenderContext): V1Pod {
  checkScenarioLabels(pod.labels, `Pod ${pod.namespace}/${pod.name}`);
  const hostname = podHostname(pod.namespace, pod.name);
  const served = servedPorts(pod);
  const containers: V1Container[] =
    served.length > 0
      ? served.map((s) => serverContainer(s, hostname, ctx.image, pod.ready))
      : [
          {
            name: 'main',
            image: ctx.image,
            args: ['pause'],
            ...(pod.ready ? {} : { readinessProbe: NEVER_READY }),
          },
        ];
  const node = ctx.nodeFor(pod.nodeName);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace: realNamespace(ctx, pod.namespace),
      labels: { ...withRunLabels(ctx, pod.labels), [ROLE_LABEL]: 'probe' },
    },
    spec: {
      ...(node !== undefined ? { nodeName: node } : {}),
      ...(pod.hostNetwork ? { hostNetwork: true } : { hostname }),
      containers,
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: 'Always',
    },
  };
}
