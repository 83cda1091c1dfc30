// Dual-stack pods: a connection uses one address family, and ipBlocks are matched on the addresses of that
// family. Source: kubernetes/api networking/v1 types.go, IPBlock ("a particular CIDR … that is allowed to the
// pods matched by a NetworkPolicySpec's podSelector"; "Valid examples are "192.168.1.0/24" or "2001:db8::/64""):
// an IPv4 CIDR says nothing of a pod's IPv6 address, so a policy whose only peer is an IPv4 ipBlock admits
// the pod's IPv4 traffic and not its IPv6 traffic (issue 20). Selectors name pods, whatever the family.
import { describe, expect, test } from 'vitest';
import type { Cluster, NetworkPolicyPeer, Pod } from '../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../spec/model.ts';
import { DEFAULT_PROFILE, type SemanticProfile } from '../../spec/profile.ts';
import type { Verdict } from '../../spec/verdict.ts';
import type { PolicyProbe } from './decision.ts';
import { compileFast } from './fast.ts';
import { evaluateReference } from './reference.ts';

const pod = (name: string, ips: string[], labels: Record<string, string> = {}): Pod => ({
  namespace: 'x',
  name,
  labels: { pod: name, ...labels },
  hostNetwork: false,
  containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
  ips,
  ready: true,
});

/** Pods a and c are dual-stack (IPv4 first), d is IPv6 only; b is the destination, with ingress from `peers`. */
function cluster(peers: NetworkPolicyPeer[]): Cluster {
  return {
    nodes: [],
    services: [],
    namespaces: [{ name: 'x', labels: { [NAMESPACE_NAME_LABEL]: 'x' } }],
    pods: [
      pod('a', ['10.0.0.1', 'fd00::1'], { role: 'client' }),
      pod('b', ['10.0.0.2', 'fd00::2']),
      pod('c', ['10.0.1.3', 'fd00::3']),
      pod('d', ['fd00::4']),
    ],
    policies: [
      {
        namespace: 'x',
        name: 'b-ingress',
        podSelector: { matchLabels: { pod: 'b' } },
        policyTypes: ['Ingress'],
        ingress: [{ peers }],
      },
    ],
  };
}

/** Both engines, which must agree. */
function verdict(
  c: Cluster,
  from: string,
  to: PolicyProbe['to'],
  family?: 4 | 6,
  profile: SemanticProfile = DEFAULT_PROFILE,
): Verdict {
  const probe: PolicyProbe = { from, to, port: 80, protocol: 'TCP', ...(family ? { family } : {}) };
  const reference = evaluateReference(c, probe, profile).verdict;
  expect(compileFast(c, profile).verdict(probe), JSON.stringify(probe)).toBe(reference);
  return reference;
}

describe('address families', () => {
  test('an IPv4 ipBlock admits the IPv4 connection of a dual-stack pod, not its IPv6 one', () => {
    const c = cluster([{ ipBlock: { cidr: '10.0.0.0/24' } }]);
    expect(verdict(c, 'x/a', 'x/b', 4)).toBe('allow');
    expect(verdict(c, 'x/a', 'x/b', 6)).toBe('deny');
    // By address: the destination's IPv6 address is the pod b, reached over IPv6.
    expect(verdict(c, 'x/a', { ip: '10.0.0.2' })).toBe('allow');
    expect(verdict(c, 'x/a', { ip: 'fd00::2' })).toBe('deny');
    // Without a family, the primary addresses (IPv4 here) decide, as for single-stack pods.
    expect(verdict(c, 'x/a', 'x/b')).toBe('allow');
  });

  test('an IPv6 ipBlock with an except: the except holds for IPv6 only; IPv4 traffic is outside the block', () => {
    const c = cluster([{ ipBlock: { cidr: 'fd00::/64', except: ['fd00::1/128'] } }]);
    expect(verdict(c, 'x/a', 'x/b', 6)).toBe('deny');
    expect(verdict(c, 'x/c', 'x/b', 6)).toBe('allow');
    expect(verdict(c, 'x/c', 'x/b', 4)).toBe('deny');
    expect(verdict(c, 'x/d', 'x/b', 6)).toBe('allow');
  });

  test('a podSelector peer admits the pod over both families', () => {
    const c = cluster([{ podSelector: { matchLabels: { role: 'client' } } }]);
    expect([verdict(c, 'x/a', 'x/b', 4), verdict(c, 'x/a', 'x/b', 6)]).toEqual(['allow', 'allow']);
    expect([verdict(c, 'x/c', 'x/b', 4), verdict(c, 'x/c', 'x/b', 6)]).toEqual(['deny', 'deny']);
  });

  test('a profile without IPv6 support leaves IPv6 connections undefined and judges IPv4 ones', () => {
    const c = cluster([{ ipBlock: { cidr: '10.0.0.0/24' } }]);
    const noIPv6 = { ...DEFAULT_PROFILE, support: { ...DEFAULT_PROFILE.support, ipv6: false } };
    expect(verdict(c, 'x/a', 'x/b', 6, noIPv6)).toBe('undefined');
    expect(verdict(c, 'x/a', 'x/b', 4, noIPv6)).toBe('allow');
  });
});
