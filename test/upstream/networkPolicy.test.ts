// Every upstream e2e case of docs/research/netpol.md §2.3, from kubernetes
// test/e2e/network/netpol/network_policy.go (@ 9db638c), as the oracle's truth table on the x/y/z × a/b/c
// model. Loopback is ignored (undefined).
import { describe, expect, test } from 'vitest';
import type { Cluster, NetworkPolicy, Protocol } from '../../spec/model.ts';
import { mismatches, type Reachability, reachability } from './reachability.ts';
import { ALL, ipBlock, labels, nsName, podIP, policy, port, rule, xyzCluster } from './xyzModel.ts';

const SOURCE = 'test/e2e/network/netpol/network_policy.go';

function check(cluster: Cluster, p: number, protocol: Protocol, expected: Reachability): void {
  expect(mismatches(cluster, p, protocol, expected)).toEqual([]);
}

const notInX = {
  matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn' as const, values: ['x'] }],
};
const denyIngressX = policy('deny-ingress', ALL, { ingress: [] });

describe(`upstream e2e (${SOURCE})`, () => {
  test("1. should support a 'default-deny-ingress' policy (TCP, UDP, SCTP)", () => {
    const c = xyzCluster([denyIngressX]);
    const r = reachability(c).expectPeer({}, { namespace: 'x' }, false);
    for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) check(c, 80, protocol, r);
  });

  test("2. should support a 'default-deny-all' policy", () => {
    const c = xyzCluster([
      policy('deny-all', ALL, { ingress: [], egress: [], policyTypes: ['Ingress', 'Egress'] }),
    ]);
    const r = reachability(c)
      .expectPeer({}, { namespace: 'x' }, false)
      .expectPeer({ namespace: 'x' }, {}, false);
    check(c, 80, 'TCP', r);
  });

  test('3. should enforce policy to allow traffic from pods within server namespace based on PodSelector', () => {
    const c = xyzCluster([
      policy('x-a-allows-x-b', labels({ pod: 'a' }), {
        ingress: [rule([{ podSelector: labels({ pod: 'b' }) }])],
      }),
    ]);
    const r = reachability(c).expectAllIngress('x/a', false).expect('x/b', 'x/a', true);
    check(c, 80, 'TCP', r);
  });

  test('4. should enforce policy to allow ingress traffic for a target', () => {
    const allowAllToA = policy('allow-all-to-a', labels({ pod: 'a' }), {
      ingress: [rule([{ podSelector: ALL, namespaceSelector: ALL }])],
    });
    const c = xyzCluster([policy('deny-all', ALL, { ingress: [] }), allowAllToA]);
    const r = reachability(c)
      .expectPeer({}, { namespace: 'x' }, false)
      .expectPeer({}, { namespace: 'x', pod: 'a' }, true);
    check(c, 80, 'TCP', r);
  });

  test('5. should enforce policy to allow ingress traffic from pods in all namespaces', () => {
    const c = xyzCluster([
      policy('allow-all-ns', labels({ pod: 'a' }), { ingress: [rule([{ namespaceSelector: labels({}) }])] }),
    ]);
    check(c, 80, 'TCP', reachability(c));
  });

  test('6. should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector (matchLabels, matchExpressions, default ns label)', () => {
    const byLabel = policy('allow-ns-y', labels({ pod: 'a' }), {
      ingress: [rule([{ namespaceSelector: nsName('y') }])],
    });
    const byExpression = policy('allow-ns-y', labels({ pod: 'a' }), {
      ingress: [
        rule([
          {
            namespaceSelector: {
              matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['y'] }],
            },
          },
        ]),
      ],
    });
    for (const p of [byLabel, byExpression]) {
      const c = xyzCluster([p]);
      const r = reachability(c).expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false);
      r.expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false);
      check(c, 80, 'TCP', r);
    }
  });

  test('7. should enforce policy based on PodSelector with MatchExpressions', () => {
    const c = xyzCluster([
      policy('allow-b', labels({ pod: 'a' }), {
        ingress: [
          rule([{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b'] }] } }]),
        ],
      }),
    ]);
    check(c, 80, 'TCP', reachability(c).expectAllIngress('x/a', false).expect('x/b', 'x/a', true));
  });

  test('8. should enforce policy based on PodSelector or NamespaceSelector (two peers are ORed)', () => {
    const c = xyzCluster([
      policy('or', labels({ pod: 'a' }), {
        ingress: [rule([{ namespaceSelector: notInX }, { podSelector: labels({ pod: 'b' }) }])],
      }),
    ]);
    check(c, 80, 'TCP', reachability(c).expect('x/a', 'x/a', false).expect('x/c', 'x/a', false));
  });

  test('9. should enforce policy based on PodSelector and NamespaceSelector (one peer is ANDed)', () => {
    const c = xyzCluster([
      policy('and', labels({ pod: 'a' }), {
        ingress: [rule([{ namespaceSelector: notInX, podSelector: labels({ pod: 'b' }) }])],
      }),
    ]);
    const r = reachability(c)
      .expectAllIngress('x/a', false)
      .expect('y/b', 'x/a', true)
      .expect('z/b', 'x/a', true);
    check(c, 80, 'TCP', r);
  });

  test('10. should enforce policy based on Multiple PodSelectors and NamespaceSelectors', () => {
    const podIn = { matchExpressions: [{ key: 'pod', operator: 'In' as const, values: ['b', 'c'] }] };
    const c = xyzCluster([
      policy('and', labels({ pod: 'a' }), {
        ingress: [rule([{ namespaceSelector: notInX, podSelector: podIn }])],
      }),
    ]);
    const r = reachability(c).expectAllIngress('x/a', false);
    for (const from of ['y/b', 'y/c', 'z/b', 'z/c']) r.expect(from, 'x/a', true);
    check(c, 80, 'TCP', r);
  });

  test('11. should enforce policy based on any PodSelectors', () => {
    const c = xyzCluster([
      policy('b-or-c', labels({ pod: 'a' }), {
        ingress: [rule([{ podSelector: labels({ pod: 'b' }) }, { podSelector: labels({ pod: 'c' }) }])],
      }),
    ]);
    check(
      c,
      80,
      'TCP',
      reachability(c).expectAllIngress('x/a', false).expect('x/b', 'x/a', true).expect('x/c', 'x/a', true),
    );
  });

  test('12. should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector (TCP, UDP, SCTP)', () => {
    // The rule lists no ports; upstream probes it on TCP/80, UDP/80 and SCTP/80.
    const c = xyzCluster([
      policy('allow-ns-y-pod-a-via-namespace-pod-selector', labels({ pod: 'a' }), {
        ingress: [rule([{ namespaceSelector: nsName('y'), podSelector: labels({ pod: 'a' }) }])],
      }),
    ]);
    for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) {
      check(c, 80, protocol, reachability(c).expectAllIngress('x/a', false).expect('y/a', 'x/a', true));
    }
  });

  test('13. should enforce policy based on Ports (TCP, UDP, SCTP on 81)', () => {
    for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) {
      const c = xyzCluster([
        policy('ns-y-on-81', labels({ pod: 'a' }), {
          ingress: [rule([{ namespaceSelector: nsName('y') }], [port(81, protocol)])],
        }),
      ]);
      const r = reachability(c)
        .expectAllIngress('x/a', false)
        .expectPeer({ namespace: 'y' }, { namespace: 'x', pod: 'a' }, true);
      check(c, 81, protocol, r);
    }
  });

  test('14. should enforce multiple, stacked policies with overlapping podSelectors', () => {
    const on81 = policy('allow-81', labels({ pod: 'a' }), {
      ingress: [rule([{ namespaceSelector: nsName('y') }], [port(81)])],
    });
    const on80 = policy('allow-80', labels({ pod: 'a' }), {
      ingress: [rule([{ namespaceSelector: nsName('y') }], [port(80)])],
    });
    const before = xyzCluster([on81]);
    check(before, 80, 'TCP', reachability(before).expectAllIngress('x/a', false));
    const after = xyzCluster([on81, on80]);
    const r = reachability(after)
      .expectAllIngress('x/a', false)
      .expectPeer({ namespace: 'y' }, { namespace: 'x', pod: 'a' }, true);
    check(after, 80, 'TCP', r);
    check(after, 81, 'TCP', r);
  });

  test('15. should support allow-all policy', () => {
    const c = xyzCluster([policy('allow-all', ALL, { ingress: [rule()] })]);
    check(c, 80, 'TCP', reachability(c));
    check(c, 81, 'TCP', reachability(c));
  });

  test('16. should allow ingress access on one named port', () => {
    const c = xyzCluster([
      policy('allow-serve-81', ALL, { ingress: [rule(undefined, [port('serve-81-tcp')])] }),
    ]);
    check(c, 81, 'TCP', reachability(c));
    check(c, 80, 'TCP', reachability(c).expectPeer({}, { namespace: 'x' }, false));
  });

  test('17. should allow ingress access from namespace on one named port', () => {
    const c = xyzCluster([
      policy('allow-serve-80-from-y', labels({ pod: 'a' }), {
        ingress: [rule([{ namespaceSelector: nsName('y') }], [port('serve-80-tcp')])],
      }),
    ]);
    const r80 = reachability(c).expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false);
    r80.expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false);
    check(c, 80, 'TCP', r80);
    check(c, 81, 'TCP', reachability(c).expectAllIngress('x/a', false));
  });

  test('18. should allow egress access on one named port', () => {
    const c = xyzCluster([
      policy('allow-egress-serve-80', ALL, {
        egress: [rule(undefined, [port('serve-80-tcp')])],
        policyTypes: ['Egress'],
      }),
    ]);
    check(c, 80, 'TCP', reachability(c));
    check(c, 81, 'TCP', reachability(c).expectPeer({ namespace: 'x' }, {}, false));
  });

  test('19. should enforce updated policy (allow-all updated to deny-all)', () => {
    const before = xyzCluster([policy('allow-all-mutate-to-deny', ALL, { ingress: [rule()] })]);
    check(before, 81, 'TCP', reachability(before));
    const after = xyzCluster([policy('allow-all-mutate-to-deny', ALL, { ingress: [] })]);
    check(after, 81, 'TCP', reachability(after).expectPeer({}, { namespace: 'x' }, false));
  });

  test('20. should allow ingress access from updated namespace', () => {
    const p = policy('allow-updated-ns', labels({ pod: 'a' }), {
      ingress: [rule([{ namespaceSelector: labels({ ns2: 'updated' }) }])],
    });
    const before = xyzCluster([p]);
    check(before, 80, 'TCP', reachability(before).expectAllIngress('x/a', false));
    const after = xyzCluster([p], { namespaceLabels: { y: { ns2: 'updated' } } });
    const r = reachability(after)
      .expectAllIngress('x/a', false)
      .expectPeer({ namespace: 'y' }, { namespace: 'x', pod: 'a' }, true);
    check(after, 80, 'TCP', r);
  });

  test('21. should allow ingress access from updated pod', () => {
    const p = policy('allow-updated-pod', labels({ pod: 'a' }), {
      ingress: [rule([{ podSelector: labels({ pod: 'b', pod2: 'updated' }) }])],
    });
    const before = xyzCluster([p]);
    check(before, 80, 'TCP', reachability(before).expectAllIngress('x/a', false));
    const after = xyzCluster([p], { podLabels: { 'x/b': { pod2: 'updated' } } });
    check(after, 80, 'TCP', reachability(after).expectAllIngress('x/a', false).expect('x/b', 'x/a', true));
  });

  test('22. should deny ingress from pods on other namespaces', () => {
    const c = xyzCluster([policy('same-ns-only', ALL, { ingress: [rule([{ podSelector: ALL }])] })]);
    const r = reachability(c)
      .expectPeer({ namespace: 'y' }, { namespace: 'x' }, false)
      .expectPeer({ namespace: 'z' }, { namespace: 'x' }, false);
    check(c, 80, 'TCP', r);
  });

  test('23. should deny ingress access to updated pod', () => {
    const p = policy('deny-isolated', labels({ target: 'isolated' }), { ingress: [] });
    const before = xyzCluster([p]);
    check(before, 80, 'TCP', reachability(before));
    const after = xyzCluster([p], { podLabels: { 'x/a': { target: 'isolated' } } });
    check(after, 80, 'TCP', reachability(after).expectAllIngress('x/a', false));
  });

  test('24. should deny egress from pods based on PodSelector; should deny egress from all pods in a namespace', () => {
    const one = xyzCluster([
      policy('deny-egress-a', labels({ pod: 'a' }), { egress: [], policyTypes: ['Egress'] }),
    ]);
    check(one, 80, 'TCP', reachability(one).expectAllEgress('x/a', false));
    const all = xyzCluster([policy('deny-egress-all', ALL, { egress: [], policyTypes: ['Egress'] })]);
    check(all, 80, 'TCP', reachability(all).expectPeer({ namespace: 'x' }, {}, false));
  });

  test('25. should work with Ingress, Egress specified together', () => {
    const c = xyzCluster([
      policy('a-both', labels({ pod: 'a' }), {
        ingress: [rule([{ podSelector: labels({ pod: 'b' }) }])],
        egress: [rule(undefined, [port(80)])],
        policyTypes: ['Ingress', 'Egress'],
      }),
    ]);
    check(c, 80, 'TCP', reachability(c).expectAllIngress('x/a', false).expect('x/b', 'x/a', true));
    const r81 = reachability(c)
      .expectAllIngress('x/a', false)
      .expectAllEgress('x/a', false)
      .expect('x/b', 'x/a', true);
    check(c, 81, 'TCP', r81);
  });

  test('26. should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)', () => {
    const fromXA = [{ namespaceSelector: nsName('x'), podSelector: labels({ pod: 'a' }) }];
    const c = xyzCluster([
      policy('allow-to-ns-y-pod-a', labels({ pod: 'a' }), {
        egress: [rule([{ namespaceSelector: nsName('y'), podSelector: labels({ pod: 'a' }) }])],
        policyTypes: ['Egress'],
      }),
      policy('allow-from-xa-on-ya', labels({ pod: 'a' }), { ingress: [rule(fromXA)] }, 'y'),
      policy('allow-from-xa-on-yb', labels({ pod: 'b' }), { ingress: [rule(fromXA)] }, 'y'),
    ]);
    const r = reachability(c)
      .expectAllEgress('x/a', false)
      .expectAllIngress('y/a', false)
      .expectAllIngress('y/b', false);
    r.expect('x/a', 'y/a', true);
    check(c, 80, 'TCP', r);
  });

  test('27. should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector', () => {
    const c = xyzCluster([
      policy('egress-to-y-a', labels({ pod: 'a' }), {
        egress: [rule([{ namespaceSelector: nsName('y'), podSelector: labels({ pod: 'a' }) }])],
        policyTypes: ['Egress'],
      }),
    ]);
    check(c, 80, 'TCP', reachability(c).expectAllEgress('x/a', false).expect('x/a', 'y/a', true));
  });

  test('28. should enforce ingress policy allowing any port traffic to a server on a specific protocol', () => {
    const c = xyzCluster([
      policy('tcp-only', labels({ pod: 'a' }), { ingress: [rule(undefined, [{ protocol: 'TCP' }])] }),
    ]);
    check(c, 80, 'TCP', reachability(c));
    check(c, 80, 'UDP', reachability(c).expectAllIngress('x/a', false));
  });

  test('29. should enforce multiple ingress (and egress) policies with allow-all policy taking precedence', () => {
    const ingress80 = policy('allow-ingress-port-80', ALL, { ingress: [rule(undefined, [port(80)])] });
    const ingressBefore = xyzCluster([ingress80]);
    check(ingressBefore, 81, 'TCP', reachability(ingressBefore).expectPeer({}, { namespace: 'x' }, false));
    const ingressAfter = xyzCluster([ingress80, policy('allow-all', ALL, { ingress: [rule()] })]);
    check(ingressAfter, 81, 'TCP', reachability(ingressAfter));

    const egress80 = policy('allow-egress-port-80', ALL, {
      egress: [rule(undefined, [port(80)])],
      policyTypes: ['Egress'],
    });
    const egressBefore = xyzCluster([egress80]);
    check(egressBefore, 81, 'TCP', reachability(egressBefore).expectPeer({ namespace: 'x' }, {}, false));
    const egressAfter = xyzCluster([
      egress80,
      policy('allow-all', ALL, { egress: [rule()], policyTypes: ['Egress'] }),
    ]);
    check(egressAfter, 81, 'TCP', reachability(egressAfter));
  });

  test('30. should stop enforcing policies after they are deleted', () => {
    // deny-all: ingress and egress, so nothing goes into or out of x.
    const before = xyzCluster([
      policy('deny-all', ALL, { ingress: [], egress: [], policyTypes: ['Ingress', 'Egress'] }),
    ]);
    const denied = reachability(before)
      .expectPeer({ namespace: 'x' }, {}, false)
      .expectPeer({}, { namespace: 'x' }, false);
    check(before, 80, 'TCP', denied);
    const after = xyzCluster([]);
    check(after, 80, 'TCP', reachability(after));
  });

  test('31. should allow egress access to server in CIDR block', () => {
    const c = xyzCluster([
      policy('allow-client-a-via-cidr-egress-rule', labels({ pod: 'a' }), {
        egress: [rule([ipBlock(`${podIP('y', 'b')}/32`)])],
        policyTypes: ['Egress'],
      }),
    ]);
    check(c, 80, 'TCP', reachability(c).expectAllEgress('x/a', false).expect('x/a', 'y/b', true));
  });

  // x/a's IP with a /4 prefix has host bits set: it means its network 0.0.0.0/4 (docs/research/netpol.md §7
  // rule 18).
  const exceptB = policy('allow-client-a-via-cidr-egress-rule', labels({ pod: 'a' }), {
    egress: [rule([ipBlock(`${podIP('x', 'a')}/4`, [`${podIP('x', 'b')}/32`])])],
    policyTypes: ['Egress'],
  });

  test('32. should enforce except clause while egress access to server in CIDR block', () => {
    const c = xyzCluster([exceptB]);
    check(c, 80, 'TCP', reachability(c).expect('x/a', 'x/b', false));
  });

  test('33. should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed', () => {
    const before = xyzCluster([exceptB]);
    check(before, 80, 'TCP', reachability(before).expect('x/a', 'x/b', false));
    const updated: NetworkPolicy = { ...exceptB, egress: [rule([ipBlock(`${podIP('x', 'b')}/32`)])] };
    const after = xyzCluster([updated]);
    check(after, 80, 'TCP', reachability(after).expectAllEgress('x/a', false).expect('x/a', 'x/b', true));
  });

  test('34. should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector', () => {
    const allowEgress = policy('allow-egress', labels({ pod: 'a' }), {
      egress: [rule()],
      policyTypes: ['Egress'],
    });
    const before = xyzCluster([allowEgress]);
    check(before, 80, 'TCP', reachability(before));
    const after = xyzCluster([allowEgress, policy('deny-ingress-a', labels({ pod: 'a' }), { ingress: [] })]);
    check(after, 80, 'TCP', reachability(after).expectAllIngress('x/a', false));
  });

  test("35. should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP", () => {
    const c = xyzCluster([
      denyIngressX,
      policy('allow-sctp-81', labels({ pod: 'a' }), { ingress: [rule(undefined, [port(81, 'SCTP')])] }),
    ]);
    check(c, 81, 'TCP', reachability(c).expectPeer({}, { namespace: 'x' }, false));
  });

  test("36. should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP", () => {
    const c = xyzCluster([
      policy('allow-sctp-80', labels({ pod: 'a' }), { ingress: [rule(undefined, [port(80, 'SCTP')])] }),
    ]);
    check(c, 81, 'TCP', reachability(c).expectAllIngress('x/a', false));
  });

  test('37. should not allow access by TCP when a policy specifies only UDP', () => {
    const c = xyzCluster([
      policy('allow-udp-81', labels({ pod: 'a' }), { ingress: [rule(undefined, [port(81, 'UDP')])] }),
    ]);
    check(c, 81, 'TCP', reachability(c).expectAllIngress('x/a', false));
  });

  test('38. should enforce policy based on NamespaceSelector with MatchExpressions using default ns label (egress NotIn [y])', () => {
    const c = xyzCluster([
      policy('egress-not-y', labels({ pod: 'a' }), {
        egress: [
          rule([
            {
              namespaceSelector: {
                matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['y'] }],
              },
            },
          ]),
        ],
        policyTypes: ['Egress'],
      }),
    ]);
    check(c, 80, 'TCP', reachability(c).expectPeer({ namespace: 'x', pod: 'a' }, { namespace: 'y' }, false));
  });
});
