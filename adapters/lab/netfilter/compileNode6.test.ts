/**
 * The policy agent's IPv6 program (compileNode6): ipBlocks of one family reach only that family's rules
 * (networking/v1 types.go IPBlock: "particular CIDRs"), pod selectors match the pods' IPv6 addresses, sets
 * are `family inet6` and named apart from the IPv4 agent's, which leaves them alone.
 */
import { describe, expect, test } from 'vitest';
import type { NetworkPolicy } from '../../../spec/model.ts';
import { compileNode, compileNode6 } from './compileNode.ts';
import { planRestore } from './restoreScript.ts';
import { fixturePod, fixtureView } from './viewFixture.ts';

const V6 = {
  nodeIP: 'fd00:192:168:1::1',
  podCIDR: 'fd00:10:244:1::/64',
  clusterCIDR: 'fd00:10:244::/56',
  nodeIPs: { n1: 'fd00:192:168:1::1', n2: 'fd00:192:168:1::2' },
};
const PODS = [
  fixturePod('a/client', '10.244.1.2', { app: 'client' }, [], { ip6: 'fd00:10:244:1::2' }),
  fixturePod('a/web', '10.244.1.3', { app: 'web' }, [], { ip6: 'fd00:10:244:1::3' }),
];

function policy(peers: NonNullable<NetworkPolicy['ingress']>[number]['peers']): NetworkPolicy {
  return {
    namespace: 'a',
    name: 'p',
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Ingress'],
    ingress: [{ ...(peers ? { peers } : {}) }],
  };
}

function rules6(p: NetworkPolicy, faults: NonNullable<Parameters<typeof fixtureView>[0]>['faults'] = []) {
  const ruleset = compileNode6(fixtureView({ pods: PODS, policies: [p], ipv6: V6, faults }));
  return ruleset;
}

describe('compileNode6', () => {
  test('a node without an IPv6 side has no IPv6 program', () => {
    expect(compileNode6(fixtureView())).toBeUndefined();
  });

  test('an IPv4 ipBlock writes no IPv6 allow rule; an IPv6 one writes a family inet6 set', () => {
    const v4only = rules6(policy([{ ipBlock: { cidr: '10.244.0.0/16' } }]));
    expect(v4only?.sets).toEqual([]);
    const v6 = rules6(policy([{ ipBlock: { cidr: 'fd00:10:244::/56', except: ['fd00:10:244:1::2/128'] } }]));
    expect(v6?.sets).toEqual([
      expect.objectContaining({
        name: expect.stringMatching(/^PODNET-NET6-/),
        family: 6,
        entries: [{ entry: 'fd00:10:244:1::2/128', nomatch: true }, { entry: 'fd00:10:244::/56' }],
      }),
    ]);
    const plan = planRestore(
      v6 as NonNullable<typeof v6>,
      { chains: new Map(), rules: new Map(), sets: new Set() },
      new Map(),
      6,
    );
    expect(plan.ipsetCreate).toMatch(/^create PODNET-NET6-\S+ hash:net family inet6\n/);
    expect(plan.iptables).toContain('--reject-with icmp6-port-unreachable');
    // TCP is refused with a reset: an ICMPv6 error during connect() is only a soft error (tcp_v6_err).
    expect(plan.iptables).toMatch(
      /-A PODNET-DENY -p tcp .*--reject-with tcp-reset\n-A PODNET-DENY .*icmp6-port-unreachable/,
    );
    // Neighbour discovery passes whatever the policies say (RFC 4890 §4.4.1).
    expect(plan.iptables).toContain('--icmpv6-type neighbour-solicitation -j ACCEPT');
    expect(plan.iptables).toContain('-d fd00:10:244:1::3/128');
  });

  test('a pod selector matches the peer pod by its IPv6 address', () => {
    const r = rules6(policy([{ podSelector: { matchLabels: { app: 'client' } } }]));
    expect(r?.sets).toEqual([
      expect.objectContaining({ family: 6, entries: [{ entry: 'fd00:10:244:1::2' }] }),
    ]);
  });

  test("the IPv6 plan leaves the IPv4 agent's sets alone and removes its own stale ones", () => {
    const r = rules6(policy(undefined)) as NonNullable<ReturnType<typeof rules6>>;
    const plan = planRestore(
      r,
      { chains: new Map(), rules: new Map(), sets: new Set(['PODNET-IP-AAAA', 'PODNET-NET6-BBBB']) },
      new Map(),
      6,
    );
    expect(plan.ipsetDestroy).toBe('destroy PODNET-NET6-BBBB\n');
  });

  test('faults: ipv6-policy-missing programs no policy; ipv6-except-ignored drops IPv6 excepts only', () => {
    const missing = rules6(policy(undefined), ['ipv6-policy-missing']);
    expect(missing?.sets).toEqual([]);
    // Only the service proxy's chains are left (the policy agent is the component that forgot IPv6).
    expect(
      missing?.chains.map((c) => c.name).filter((n) => !/SERVICE|SVC|POSTROUTING|MARK-MASQ/.test(n)),
    ).toEqual(['PODNET-FORWARD', 'PODNET-OUTPUT']);
    expect(missing?.chains.find((c) => c.name === 'PODNET-FORWARD')?.rules).toHaveLength(1);
    const r = rules6(policy([{ ipBlock: { cidr: 'fd00:10:244::/56', except: ['fd00:10:244:1::2/128'] } }]), [
      'ipv6-except-ignored',
    ]);
    expect(r?.sets[0]?.entries).toEqual([{ entry: 'fd00:10:244::/56' }]);
  });

  test('Services with an IPv6 ClusterIP: DNAT to [pod IPv6]:port, /128 matches, ICMPv6 reject without endpoints', () => {
    const svc = (name: string, clusterIP: string, selector: Record<string, string>) => ({
      namespace: 'a',
      name,
      selector,
      ports: [{ protocol: 'TCP' as const, port: 8080, targetPort: 80 }],
      sessionAffinity: 'ClientIP' as const,
      affinityTimeoutSeconds: 60,
      clusterIP,
    });
    const view = fixtureView({
      pods: PODS,
      // The IPv4 proxier sees an IPv4 ClusterIP; the IPv6 one its own (kube-proxy runs one per family).
      services: [svc('web', '10.96.0.10', { app: 'web' })],
      ipv6: {
        ...V6,
        services: [
          svc('web', 'fd00:10:96::a', { app: 'web' }),
          svc('none', 'fd00:10:96::b', { app: 'gone' }),
        ],
      },
    });
    const r6 = compileNode6(view) as NonNullable<ReturnType<typeof compileNode6>>;
    const rules = r6.chains.flatMap((c) => c.rules.map((rule) => rule.join(' ')));
    expect(rules.some((l) => l.includes('-d fd00:10:96::a/128 -p tcp -m tcp --dport 8080'))).toBe(true);
    expect(rules.some((l) => l.includes('--to-destination [fd00:10:244:1::3]:80'))).toBe(true);
    expect(rules.some((l) => l.includes('-s fd00:10:244:1::3/128 -j PODNET-MARK-MASQ'))).toBe(true);
    expect(rules.some((l) => l.includes('! -s fd00:10:244::/56 -j PODNET-MARK-MASQ'))).toBe(true);
    expect(
      rules.some((l) => l.includes('-d fd00:10:96::b/128') && l.includes('icmp6-port-unreachable')),
    ).toBe(true);
    expect(rules.join('\n')).not.toMatch(/10\.96\.|10\.244\./);
    expect(r6.hooks.map((h) => `${h.table}/${h.builtin}`)).toContain('nat/PREROUTING');
    // The IPv4 program keeps its own Service at its IPv4 address only.
    const r4 = compileNode(view).chains.flatMap((c) => c.rules.map((rule) => rule.join(' ')));
    expect(r4.some((l) => l.includes('--to-destination 10.244.1.3:80'))).toBe(true);
    expect(r4.join('\n')).not.toContain('fd00:');
    const plan = planRestore(r6, { chains: new Map(), rules: new Map(), sets: new Set() }, new Map(), 6);
    expect(plan.iptables).toContain('*nat');
  });
});
