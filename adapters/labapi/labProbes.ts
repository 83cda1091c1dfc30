/**
 * How the lab API's kubelet probes reach the lab (readinessProber.ts decides when):
 * - tcpSocket: a connection from the node's own network namespace, through the lab's per-node probe agent
 *   (the source of `node:<name>` probes), exactly as the kubelet connects from the host;
 * - httpGet: `curl` run in the node's network namespace (`nsenter --net`), status 200–399 is success, with
 *   the kubelet's `User-Agent: kube-probe/1.33` (pkg/probe/http/request.go);
 * - exec: the command in the container's sandbox (the exec half's spawn), exit code 0 is success.
 */
import { execa } from 'execa';
import { nodeSourceKey } from '../../spec/target.ts';
import type { LabTarget } from '../lab/labTarget.ts';
import type { ProbeRunner } from './readinessProber.ts';
import type { ApiObject } from './store.ts';

/** Runs argv in a container, resolving with its exit code (undefined: it did not run or timed out). */
export type ContainerCommand = (
  pod: ApiObject,
  container: string,
  argv: readonly string[],
  timeoutMs: number,
) => Promise<number | undefined>;

export function labProbeRunner(lab: LabTarget, execInContainer: ContainerCommand): ProbeRunner {
  let seq = 0;
  const netnsOf = (node: string) => lab.labNodes().find((n) => n.name === node)?.netns;
  return {
    async tcp(node, host, port, timeoutMs) {
      const [result] = await lab.probe(
        [{ id: `kubelet-${seq++}`, from: nodeSourceKey(node), host, port, protocol: 'TCP', timeoutMs }],
        { concurrency: 1 },
      );
      return result?.outcome === 'connected';
    },
    async http(node, url, timeoutMs) {
      const netns = netnsOf(node);
      if (!netns) return false;
      const r = await execa(
        'nsenter',
        [
          `--net=/run/netns/${netns}`,
          '--',
          'curl',
          '-s',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          '-H',
          'User-Agent: kube-probe/1.33',
          '--max-time',
          String(Math.max(1, Math.ceil(timeoutMs / 1000))),
          url,
        ],
        { reject: false, stdin: 'ignore', timeout: timeoutMs + 2000 },
      );
      const code = Number(String(r.stdout).trim());
      return code >= 200 && code < 400;
    },
    async exec(pod, container, argv, timeoutMs) {
      return (await execInContainer(pod, container, argv, timeoutMs)) === 0;
    },
  };
}
