import { describe, expect, test } from 'vitest';
import type { Pod, ServicePort } from '../../spec/model.ts';
import { resolveTargetPort } from './resolveTargetPort.ts';

const pod = (ports: Pod['containers'][number]['ports']): Pod => ({
  namespace: 'x',
  name: 'a',
  labels: {},
  hostNetwork: false,
  containers: [{ name: 'c', ports }],
  ips: [],
  ready: true,
});
const sp = (targetPort: number | string, protocol: ServicePort['protocol'] = 'TCP'): ServicePort => ({
  protocol,
  port: 80,
  targetPort,
});

// Source: kubernetes pkg/api/v1/pod FindPort, used by the EndpointSlice controller.
describe('resolveTargetPort (podutil.FindPort)', () => {
  test('a numeric targetPort is used as is, declared or not', () => {
    expect(resolveTargetPort(pod([]), sp(8080))).toBe(8080);
  });

  test('a named targetPort resolves per pod, by name and protocol', () => {
    const p = pod([
      { name: 'web', containerPort: 8080, protocol: 'UDP' },
      { name: 'web', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(resolveTargetPort(p, sp('web'))).toBe(9090);
    expect(resolveTargetPort(p, sp('web', 'UDP'))).toBe(8080);
  });

  test('a pod without the named port is not an endpoint of that Service port', () => {
    expect(
      resolveTargetPort(pod([{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }]), sp('web')),
    ).toBeUndefined();
  });
});
