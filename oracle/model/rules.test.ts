import { describe, expect, test } from 'vitest';
import type { Cluster } from '../../spec/model.ts';
import type { Realized } from '../../spec/scenario.ts';
import { webPod, webService } from '../lb/fixtures.test-helpers.ts';
import {
  masqueradeViolation,
  nodeToPodViolation,
  podToPodViolation,
  serviceBackends,
  serviceVerdict,
  staticModelViolations,
} from './index.ts';

const realized = (podIPs: Record<string, string[]>, nodeSubnets: Record<string, string>): Realized => ({
  podIPs,
  serviceIPs: {},
  nodeIPs: { n1: '192.168.0.1' },
  nodeSubnets,
  clusterNetwork: '10.244.0.0/16',
  outsideNetwork: '203.0.113.0/24',
});

const cluster = (pods: Cluster['pods']): Cluster => ({
  nodes: [{ name: 'n1', labels: {}, segment: 0 }],
  namespaces: [{ name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } }],
  pods,
  policies: [],
  services: [],
});

describe('static model rules', () => {
  test('two pods on one IP break MODEL-UNIQUE-IP; an IP outside the node lease breaks MODEL-IP-IN-LEASE', () => {
    const c = cluster([webPod('a'), webPod('b'), webPod('h', { hostNetwork: true })]);
    const r = realized(
      { 'shop/a': ['10.244.1.5'], 'shop/b': ['10.244.1.5'], 'shop/h': ['192.168.0.1'] },
      { n1: '10.244.2.0/24' },
    );
    const v = staticModelViolations(c, r);
    expect(v.map((x) => x.rule).sort()).toEqual([
      'MODEL-IP-IN-LEASE',
      'MODEL-IP-IN-LEASE',
      'MODEL-UNIQUE-IP',
    ]);
    expect(v.find((x) => x.rule === 'MODEL-UNIQUE-IP')?.pods).toEqual(['shop/a', 'shop/b']);
  });

  test('an IP inside the lease conforms; an IPv6 address against an IPv4 lease is not judged here', () => {
    const c = cluster([webPod('a'), webPod('b')]);
    const r = realized({ 'shop/a': ['10.244.2.9'], 'shop/b': ['fd00::9'] }, { n1: '10.244.2.0/24' });
    expect(staticModelViolations(c, r)).toEqual([]);
  });
});

describe('probe rules', () => {
  test('pod to pod: another pod answering is MODEL-UNIQUE-IP, a translated source MODEL-NO-NAT', () => {
    expect(podToPodViolation('x/b', '10.0.0.2', 'x/a', '10.0.0.1', { servedBy: 'x/c' })?.rule).toBe(
      'MODEL-UNIQUE-IP',
    );
    expect(podToPodViolation('x/b', '10.0.0.2', 'x/a', '10.0.0.1', { sourceSeen: '192.168.0.1' })?.rule).toBe(
      'MODEL-NO-NAT',
    );
    expect(
      podToPodViolation('x/b', '10.0.0.2', 'x/a', '10.0.0.1', { servedBy: 'x/b', sourceSeen: '10.0.0.1' }),
    ).toBe(undefined);
    // What the target does not report is not judged.
    expect(podToPodViolation('x/b', '10.0.0.2', 'x/a', '10.0.0.1', {})).toBe(undefined);
  });

  test('to the outside the server must see the node address; node to pod must reach that pod', () => {
    expect(masqueradeViolation('192.168.0.1', { sourceSeen: '10.244.1.5' })?.rule).toBe('MODEL-MASQUERADE');
    expect(masqueradeViolation('192.168.0.1', { sourceSeen: '192.168.0.1' })).toBe(undefined);
    expect(masqueradeViolation(undefined, { sourceSeen: '10.244.1.5' })).toBe(undefined);
    expect(nodeToPodViolation('x/a', '10.0.0.1', 'n1', { servedBy: 'x/b' })?.rule).toBe('MODEL-UNIQUE-IP');
    expect(nodeToPodViolation('x/a', '10.0.0.1', 'n1', { servedBy: 'x/a' })).toBe(undefined);
  });
});

describe('Service backends: the LB oracle endpoint rule', () => {
  test('an empty selector has no managed endpoints (EndpointSlice controller skips a nil selector)', () => {
    const c = { ...cluster([webPod('a')]), services: [webService({ selector: {} })] };
    expect(serviceBackends(c, webService({ selector: {} }), 80, 'TCP')).toEqual([]);
  });

  test('a named targetPort takes the first container port of that name and protocol (podutil.FindPort)', () => {
    const twice = webPod('a', {
      containers: [
        { name: 'one', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] },
        { name: 'two', ports: [{ name: 'http', containerPort: 9090, protocol: 'TCP' }] },
      ],
    });
    expect(serviceBackends(cluster([twice]), webService(), 80, 'TCP')).toEqual([
      { pod: 'shop/a', port: 8080 },
    ]);
  });

  test('not-ready pods are not backends; an unknown port has none', () => {
    const c = cluster([webPod('a'), webPod('b', { ready: false })]);
    expect(serviceBackends(c, webService(), 80, 'TCP')).toEqual([{ pod: 'shop/a', port: 8080 }]);
    expect(serviceBackends(c, webService(), 99, 'TCP')).toEqual([]);
  });

  test('the verdict without a known backend: deny when none, agreement otherwise undefined', () => {
    expect(serviceVerdict([])).toBe('deny');
    expect(serviceVerdict(['allow', 'allow'])).toBe('allow');
    expect(serviceVerdict(['deny', 'deny'])).toBe('deny');
    expect(serviceVerdict(['allow', 'deny'])).toBe('undefined');
    expect(serviceVerdict(['allow', 'undefined'])).toBe('undefined');
  });
});
