// podServers: what a pod's containers serve, as agnhost would (sources cited in podServers.ts). The pods
// the kube adapter renders are the first cases; the stand-in is held to the same answers in
// sandbox.lab.test.ts (run in a lab pod).
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { renderPod } from '../../kube/render/pod.ts';
import { renderReaderPod } from '../../kube/render/readerPod.ts';
import { labPod } from '../../lab/testing.ts';
import { hostPathOnNode } from './hostPaths.ts';
import { hostnameOfPod, podServers } from './podServers.ts';

const IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.53';
const ctx = { runId: 'abc123', image: IMAGE, nodeFor: (n: string | undefined) => n };

function pod(containers: V1Container[], spec: Partial<V1Pod['spec']> = {}, name = 'p'): V1Pod {
  return { metadata: { name, namespace: 'ns' }, spec: { containers, ...spec } };
}

describe('podServers', () => {
  test("the kube adapter's pods: serve-hostname per (port, protocol) answering the pod's hostname (serve_hostname.go)", () => {
    const v1 = renderPod(
      labPod('x', 'a', 'node-1', [
        { containerPort: 80, protocol: 'TCP', name: 'http' },
        { containerPort: 81, protocol: 'UDP' },
      ]),
      ctx,
    );
    const s = podServers(v1);
    expect(s.problems).toEqual([]);
    expect(s.replies.map(({ port, protocol, mode, text }) => ({ port, protocol, mode, text }))).toEqual([
      { port: 80, protocol: 'TCP', mode: 'tcp-raw', text: 'x-a' },
      { port: 81, protocol: 'UDP', mode: 'udp', text: 'x-a' },
    ]);
    // A pod without ports runs `agnhost pause`: nothing served, nothing wrong.
    expect(podServers(renderPod(labPod('x', 'b', 'node-1', []), ctx))).toEqual({
      replies: [],
      problems: [],
      unsupported: [],
    });
    // The reader pod (hostNetwork, pause) too.
    expect(podServers(renderReaderPod('node-1', ctx)).replies).toEqual([]);
  });

  test('SCTP through porter: fatal on a kernel without SCTP, as porter.go log.Fatal does', () => {
    const v1 = renderPod(labPod('x', 's', 'node-1', [{ containerPort: 90, protocol: 'SCTP' }]), ctx);
    const s = podServers(v1);
    expect(s.replies).toEqual([]);
    expect(s.problems).toEqual([
      {
        container: v1.spec?.containers[0]?.name,
        reason: 'CrashLoopBackOff',
        message: 'Failed to listen SCTP. error: protocol not supported',
      },
    ]);
  });

  test('serve-hostname flags: --http is the default; --port defaults to 9376; --tcp with --http is fatal', () => {
    const c = (args: string[]): V1Container => ({
      name: 'c',
      image: IMAGE,
      args: ['serve-hostname', ...args],
    });
    expect(podServers(pod([c([])])).replies).toMatchObject([
      { port: 9376, protocol: 'TCP', mode: 'http', text: 'p' },
    ]);
    expect(podServers(pod([c(['--udp', '--http=false', '--port=53'])])).replies).toMatchObject([
      { port: 53, protocol: 'UDP', mode: 'udp' },
    ]);
    expect(podServers(pod([c(['--tcp', '--udp', '--http=false', '--port', '8080'])])).replies).toMatchObject([
      { port: 8080, protocol: 'TCP', mode: 'tcp-raw' },
      { port: 8080, protocol: 'UDP', mode: 'udp' },
    ]);
    expect(podServers(pod([c(['--tcp'])])).problems).toEqual([
      {
        container: 'c',
        reason: 'CrashLoopBackOff',
        message: "Can't server TCP/UDP mode and HTTP mode at the same time",
      },
    ]);
    expect(podServers(pod([c(['--bogus'])])).problems[0]?.message).toBe('Error: unknown flag: --bogus');
    expect(podServers(pod([c(['--port', 'x'])])).problems[0]?.reason).toBe('CrashLoopBackOff');
  });

  test('a port two containers serve: the second cannot bind and crash-loops', () => {
    const c = (name: string): V1Container => ({
      name,
      image: IMAGE,
      args: ['serve-hostname', '--tcp', '--http=false', '--port', '80'],
    });
    const s = podServers(pod([c('one'), c('two')]));
    expect(s.replies.map((r) => r.container)).toEqual(['one']);
    expect(s.problems).toEqual([
      {
        container: 'two',
        reason: 'CrashLoopBackOff',
        message: 'Error from net.Listen(): listen tcp :80: bind: address already in use',
      },
    ]);
  });

  test('porter: SERVE_PORT_N / SERVE_TCP_PORT_N over HTTP, SERVE_UDP_PORT_N over UDP, TLS reported as not emulated', () => {
    const s = podServers(
      pod([
        {
          name: 'porter',
          image: IMAGE,
          args: ['porter'],
          env: [
            { name: 'SERVE_PORT_8080', value: 'foo' },
            { name: 'SERVE_TCP_PORT_8081', value: 'bar' },
            { name: 'SERVE_UDP_PORT_8082', value: 'baz' },
            { name: 'SERVE_TLS_PORT_8443', value: 'tls' },
            { name: 'OTHER', value: 'x' },
          ],
        },
      ]),
    );
    expect(s.replies.map(({ port, protocol, mode, text }) => `${port}/${protocol} ${mode} ${text}`)).toEqual([
      '8080/TCP http foo',
      '8081/TCP http bar',
      '8082/UDP udp baz',
    ]);
    expect(s.unsupported).toEqual([
      { container: 'porter', what: "SERVE_TLS_PORT_8443: porter's TLS listener is not emulated" },
    ]);
  });

  test('not agnhost, a custom command, an unknown subcommand: reported, never faked', () => {
    const s = podServers(
      pod([
        { name: 'web', image: 'nginx:1.27' },
        { name: 'sh', image: IMAGE, command: ['/bin/sh', '-c', 'sleep 1d'] },
        { name: 'netexec', image: IMAGE, args: ['netexec', '--http-port=8080'] },
        { name: 'explicit', image: IMAGE, command: ['/agnhost'], args: ['pause'] },
      ]),
    );
    expect(s.problems.map((p) => `${p.container} ${p.reason}`)).toEqual([
      'web ErrImagePull',
      'sh CreateContainerError',
      'netexec CreateContainerError',
    ]);
    expect(s.problems[0]?.message).toContain('runs only agnhost');
    expect(s.replies).toEqual([]);
  });

  test('the hostname: spec.hostname, else the name, cut to 63 without a trailing - or . (kubelet_pods.go)', () => {
    expect(hostnameOfPod(pod([], { hostname: 'x-a' }))).toBe('x-a');
    expect(hostnameOfPod(pod([], {}, 'plain'))).toBe('plain');
    const long = `${'a'.repeat(62)}-b`;
    expect(hostnameOfPod(pod([], {}, long))).toBe('a'.repeat(62));
    expect(hostnameOfPod(pod([], { hostNetwork: true, nodeName: 'node-2' }))).toBe('node-2');
  });
});

describe('hostPathOnNode', () => {
  const paths = { nodeDir: (n: number) => `/run/podnet/abcdef/nodes/n${n}` } as unknown as Parameters<
    typeof hostPathOnNode
  >[0];
  test('/run/flannel of a node is its lab folder; anything else is not a lab node path', () => {
    expect(hostPathOnNode(paths, 0, '/run/flannel')).toBe('/run/podnet/abcdef/nodes/n0');
    expect(hostPathOnNode(paths, 0, '/run/flannel/subnet.env')).toBe(
      '/run/podnet/abcdef/nodes/n0/subnet.env',
    );
    expect(hostPathOnNode(paths, 0, '/run/flannel/../../etc')).toBeUndefined();
    expect(hostPathOnNode(paths, 0, '/etc')).toBeUndefined();
  });
});
