// The rules of docs/research/netpol.md §7 rules 1–23, 25–28, one test each, both engines; sources named per
// test.
import { describe, expect, test } from 'vitest';
import type { Cluster, NetworkPolicy, Protocol } from '../../spec/model.ts';
import { DEFAULT_PROFILE, type SemanticProfile } from '../../spec/profile.ts';
import type { Verdict } from '../../spec/verdict.ts';
import {
  ALL,
  ipBlock,
  labels,
  nsName,
  podIP,
  policy,
  port,
  rule,
  xyzCluster,
} from '../../test/upstream/xyzModel.ts';
import type { PolicyProbe } from './decision.ts';
import { compileFast } from './fast.ts';
import { evaluateReference } from './reference.ts';

/** The verdict of both engines (they must agree). */
function verdict(
  cluster: Cluster,
  from: string,
  to: string | { ip: string },
  p = 80,
  protocol: Protocol = 'TCP',
  profile: SemanticProfile = DEFAULT_PROFILE,
): Verdict {
  const probe: PolicyProbe = { from, to, port: p, protocol };
  const reference = evaluateReference(cluster, probe, profile).verdict;
  expect(compileFast(cluster, profile).verdict(probe), `fast engine on ${JSON.stringify(probe)}`).toBe(
    reference,
  );
  return reference;
}

const with_ = (...policies: NetworkPolicy[]) => xyzCluster(policies);
const profile = (over: Partial<SemanticProfile>): SemanticProfile => ({ ...DEFAULT_PROFILE, ...over });

describe('NetworkPolicy rules (docs/research/netpol.md §7)', () => {
  test('1. isolation needs a selecting policy that lists the direction in policyTypes (types.go)', () => {
    const c = with_(policy('egress-only', ALL, { ingress: [], egress: [], policyTypes: ['Egress'] }));
    expect(verdict(c, 'y/a', 'x/a')).toBe('allow');
    expect(verdict(c, 'x/a', 'y/a')).toBe('deny');
  });

  test('2. an isolated pod is allowed when some rule of some selecting policy matches; order irrelevant (docs)', () => {
    const p1 = policy('p1', ALL, { ingress: [rule([{ podSelector: labels({ pod: 'b' }) }])] });
    const p2 = policy('p2', ALL, { ingress: [rule([{ namespaceSelector: nsName('y') }])] });
    for (const c of [with_(p1, p2), with_(p2, p1)]) {
      expect(verdict(c, 'x/b', 'x/a')).toBe('allow');
      expect(verdict(c, 'y/c', 'x/a')).toBe('allow');
      expect(verdict(c, 'z/c', 'x/a')).toBe('deny');
    }
  });

  test('3. pod to pod needs source egress AND destination ingress (docs; e2e case 26)', () => {
    const egress = policy('to-y', labels({ pod: 'a' }), {
      egress: [rule([{ namespaceSelector: nsName('y') }])],
      policyTypes: ['Egress'],
    });
    const ingress = policy(
      'from-z',
      labels({ pod: 'a' }),
      { ingress: [rule([{ namespaceSelector: nsName('z') }])] },
      'y',
    );
    const c = with_(egress, ingress);
    expect(verdict(c, 'x/a', 'y/a')).toBe('deny');
    expect(verdict(c, 'x/a', 'y/b')).toBe('allow');
    expect(verdict(c, 'z/a', 'y/a')).toBe('allow');
  });

  test('4. podSelector {} selects only pods in the policy namespace (types.go)', () => {
    const c = with_(policy('deny', ALL, { ingress: [] }, 'y'));
    expect(verdict(c, 'x/a', 'x/b')).toBe('allow');
    expect(verdict(c, 'x/a', 'y/b')).toBe('deny');
  });

  test('5. only the listed policyTypes apply: egress rules under policyTypes [Ingress] are ignored (PA builder.go)', () => {
    const c = with_(
      policy('ingress-only', labels({ pod: 'a' }), {
        ingress: [rule()],
        egress: [],
        policyTypes: ['Ingress'],
      }),
    );
    expect(verdict(c, 'x/a', 'y/a')).toBe('allow');
  });

  test('6. ingress [] denies all ingress; ingress [{}] allows all (e2e cases 1, 15)', () => {
    expect(verdict(with_(policy('deny', ALL, { ingress: [] })), 'y/a', 'x/a')).toBe('deny');
    expect(verdict(with_(policy('allow', ALL, { ingress: [rule()] })), 'y/a', 'x/a', 81, 'SCTP')).toBe(
      'allow',
    );
  });

  test('7. no from/to means every peer including outside addresses; a rule needs peer AND port (types.go)', () => {
    const c = with_(
      policy('any-peer-80', labels({ pod: 'a' }), {
        egress: [rule(undefined, [port(80)])],
        policyTypes: ['Egress'],
      }),
    );
    expect(verdict(c, 'x/a', { ip: '8.8.8.8' }, 80)).toBe('allow');
    expect(verdict(c, 'x/a', { ip: '8.8.8.8' }, 81)).toBe('deny');
  });

  test('8. podSelector alone means pods of the policy namespace (e2e case 3)', () => {
    const c = with_(
      policy('b', labels({ pod: 'a' }), { ingress: [rule([{ podSelector: labels({ pod: 'b' }) }])] }),
    );
    expect(verdict(c, 'x/b', 'x/a')).toBe('allow');
    expect(verdict(c, 'y/b', 'x/a')).toBe('deny');
  });

  test('9. namespaceSelector {} means every pod of every namespace, never outside addresses (docs)', () => {
    const c = with_(
      policy('all-ns', labels({ pod: 'a' }), {
        egress: [rule([{ namespaceSelector: ALL }])],
        policyTypes: ['Egress'],
      }),
    );
    expect(verdict(c, 'x/a', 'z/c')).toBe('allow');
    expect(verdict(c, 'x/a', { ip: '8.8.8.8' })).toBe('deny');
  });

  test('10. selectors in one peer are ANDed, peers in a list are ORed (docs; e2e cases 8–9)', () => {
    const and = with_(
      policy('and', labels({ pod: 'a' }), {
        ingress: [rule([{ namespaceSelector: nsName('y'), podSelector: labels({ pod: 'b' }) }])],
      }),
    );
    const or = with_(
      policy('or', labels({ pod: 'a' }), {
        ingress: [rule([{ namespaceSelector: nsName('y') }, { podSelector: labels({ pod: 'b' }) }])],
      }),
    );
    expect(verdict(and, 'y/b', 'x/a')).toBe('allow');
    expect(verdict(and, 'y/c', 'x/a')).toBe('deny');
    expect(verdict(and, 'x/b', 'x/a')).toBe('deny');
    expect(verdict(or, 'y/c', 'x/a')).toBe('allow');
    expect(verdict(or, 'x/b', 'x/a')).toBe('allow');
  });

  test('11. a nil namespaceSelector means the policy namespace; {} means all (types.go)', () => {
    const nil = with_(policy('nil', labels({ pod: 'a' }), { ingress: [rule([{ podSelector: ALL }])] }));
    const empty = with_(
      policy('empty', labels({ pod: 'a' }), {
        ingress: [rule([{ podSelector: ALL, namespaceSelector: ALL }])],
      }),
    );
    expect(verdict(nil, 'y/a', 'x/a')).toBe('deny');
    expect(verdict(empty, 'y/a', 'x/a')).toBe('allow');
  });

  test('12. NotIn and DoesNotExist match pods lacking the key (apimachinery selector semantics)', () => {
    const c = with_(
      policy('no-role', labels({ pod: 'a' }), {
        ingress: [
          rule([
            {
              podSelector: { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['x'] }] },
              namespaceSelector: ALL,
            },
          ]),
        ],
      }),
    );
    expect(verdict(c, 'z/c', 'x/a')).toBe('allow');
  });

  test('13. namespace and pod label changes re-evaluate; kubernetes.io/metadata.name is selectable (e2e cases 20, 21, 38)', () => {
    const p = policy('updated', labels({ pod: 'a' }), {
      ingress: [rule([{ namespaceSelector: labels({ team: 'blue' }) }])],
    });
    expect(verdict(xyzCluster([p]), 'y/a', 'x/a')).toBe('deny');
    expect(verdict(xyzCluster([p], { namespaceLabels: { y: { team: 'blue' } } }), 'y/a', 'x/a')).toBe(
      'allow',
    );
  });

  test('14. ipBlock is cidr minus except (types.go; e2e case 32)', () => {
    const c = with_(
      policy('cidr', labels({ pod: 'a' }), {
        egress: [rule([ipBlock('10.244.0.0/16', ['10.244.2.0/24'])])],
        policyTypes: ['Egress'],
      }),
    );
    expect(verdict(c, 'x/a', 'z/a')).toBe('allow');
    expect(verdict(c, 'x/a', 'y/a')).toBe('deny');
  });

  test('15. ipBlock against pod IPs is a profile switch; outside addresses always match (cilium#9209)', () => {
    const c = with_(
      policy('cidr', labels({ pod: 'a' }), {
        egress: [rule([ipBlock('0.0.0.0/0')])],
        policyTypes: ['Egress'],
      }),
    );
    const cilium = profile({ ipBlockMatchesPodIPs: false });
    expect(verdict(c, 'x/a', 'y/a')).toBe('allow');
    expect(verdict(c, 'x/a', 'y/a', 80, 'TCP', cilium)).toBe('deny');
    expect(verdict(c, 'x/a', { ip: '8.8.8.8' }, 80, 'TCP', cilium)).toBe('allow');
  });

  test('16. a probe to a pod IP is judged against that pod (the backend after DNAT, e2e case 31)', () => {
    const c = with_(
      policy('to-y-b', labels({ pod: 'a' }), {
        egress: [rule([{ namespaceSelector: nsName('y'), podSelector: labels({ pod: 'b' }) }])],
        policyTypes: ['Egress'],
      }),
    );
    expect(verdict(c, 'x/a', { ip: podIP('y', 'b') })).toBe('allow');
    expect(verdict(c, 'x/a', { ip: podIP('y', 'c') })).toBe('deny');
  });

  test('17. an address in one peer except is still allowed by another peer (docs; e2e case 33)', () => {
    const c = with_(
      policy('overlap', labels({ pod: 'a' }), {
        egress: [
          rule([ipBlock('10.244.0.0/16', [`${podIP('x', 'b')}/32`])]),
          rule([{ podSelector: labels({ pod: 'b' }) }]),
        ],
        policyTypes: ['Egress'],
      }),
    );
    expect(verdict(c, 'x/a', 'x/b')).toBe('allow');
  });

  test('18. IPv4 CIDRs never match IPv6 addresses; host bits set mean the network (Antrea #1764)', () => {
    const c = with_(
      policy('cidr', labels({ pod: 'a' }), {
        egress: [rule([ipBlock('10.10.1.12/24')]), rule([ipBlock('0.0.0.0/0', ['10.0.0.0/8'])])],
        policyTypes: ['Egress'],
      }),
    );
    expect(verdict(c, 'x/a', { ip: '10.10.1.200' })).toBe('allow');
    expect(verdict(c, 'x/a', { ip: 'fd00::1' })).toBe('deny');
    expect(verdict(c, 'x/a', { ip: '8.8.8.8' })).toBe('allow');
  });

  test('19. protocol defaults to TCP: port 80 does not allow UDP/80 (Calico #4373)', () => {
    const c = with_(policy('p80', labels({ pod: 'a' }), { ingress: [rule(undefined, [port(80)])] }));
    expect(verdict(c, 'y/a', 'x/a', 80, 'TCP')).toBe('allow');
    expect(verdict(c, 'y/a', 'x/a', 80, 'UDP')).toBe('deny');
  });

  test('20. a protocol without a port allows every port of that protocol (e2e case 28)', () => {
    const c = with_(
      policy('udp', labels({ pod: 'a' }), { ingress: [rule(undefined, [{ protocol: 'UDP' }])] }),
    );
    expect(verdict(c, 'y/a', 'x/a', 81, 'UDP')).toBe('allow');
    expect(verdict(c, 'y/a', 'x/a', 81, 'TCP')).toBe('deny');
  });

  test('21. endPort is an inclusive range; unsupported endPort makes the verdict undefined (cilium#28684)', () => {
    const c = with_(
      policy('range', labels({ pod: 'a' }), {
        ingress: [rule(undefined, [{ protocol: 'TCP', port: 79, endPort: 80 }])],
      }),
    );
    expect(verdict(c, 'y/a', 'x/a', 80)).toBe('allow');
    expect(verdict(c, 'y/a', 'x/a', 81)).toBe('deny');
    const noEndPort = profile({ support: { ...DEFAULT_PROFILE.support, endPort: false } });
    expect(verdict(c, 'y/a', 'x/a', 80, 'TCP', noEndPort)).toBe('undefined');
    expect(verdict(c, 'y/a', 'x/a', 81, 'TCP', noEndPort)).toBe('deny');
  });

  test('22. named ports resolve on the destination pod by name AND protocol; never on outside addresses (cilium#30003)', () => {
    const named = (name: string) =>
      with_(
        policy('named', labels({ pod: 'a' }), {
          egress: [rule(undefined, [port(name)])],
          policyTypes: ['Egress'],
        }),
      );
    expect(verdict(named('serve-81-tcp'), 'x/a', 'y/b', 81, 'TCP')).toBe('allow');
    expect(verdict(named('serve-81-tcp'), 'x/a', 'y/b', 80, 'TCP')).toBe('deny');
    // `serve-81-udp` with the default protocol TCP: the name exists only for UDP, so nothing matches.
    expect(verdict(named('serve-81-udp'), 'x/a', 'y/b', 81, 'TCP')).toBe('deny');
    expect(verdict(named('serve-81-udp'), 'x/a', 'y/b', 81, 'UDP')).toBe('deny');
    expect(verdict(named('serve-81-tcp'), 'x/a', { ip: '8.8.8.8' }, 81, 'TCP')).toBe('deny');
    const noNamed = profile({ support: { ...DEFAULT_PROFILE.support, namedPorts: false } });
    expect(verdict(named('serve-81-tcp'), 'x/a', 'y/b', 81, 'TCP', noNamed)).toBe('undefined');
  });

  test('23. SCTP is never TCP, and an SCTP-only policy still isolates (e2e cases 35–36)', () => {
    const c = with_(policy('sctp', labels({ pod: 'a' }), { ingress: [rule(undefined, [port(81, 'SCTP')])] }));
    expect(verdict(c, 'y/a', 'x/a', 81, 'SCTP')).toBe('allow');
    expect(verdict(c, 'y/a', 'x/a', 81, 'TCP')).toBe('deny');
    const noSctp = profile({ support: { ...DEFAULT_PROFILE.support, sctp: false } });
    expect(verdict(c, 'y/a', 'x/a', 81, 'SCTP', noSctp)).toBe('undefined');
    expect(verdict(c, 'y/a', 'x/a', 81, 'TCP', noSctp)).toBe('deny');
  });

  test('25. replies are implicit: a connection needs no reverse rule (docs, stateful)', () => {
    const c = with_(
      policy(
        'y-b-silent',
        labels({ pod: 'b' }),
        { ingress: [rule()], egress: [], policyTypes: ['Ingress', 'Egress'] },
        'y',
      ),
    );
    expect(verdict(c, 'x/a', 'y/b')).toBe('allow');
    expect(verdict(c, 'y/b', 'x/a')).toBe('deny');
  });

  // Rule 26 (traffic from the pod's own node is always allowed) needs a node source; probes here start in pods.
  test('27. a pod to itself is the loopback switch: undefined by default, allow, or judged (kubernetes#95879)', () => {
    const c = with_(policy('deny', ALL, { ingress: [] }));
    expect(verdict(c, 'x/a', 'x/a')).toBe('undefined');
    expect(verdict(c, 'x/a', 'x/a', 80, 'TCP', profile({ loopback: 'allow' }))).toBe('allow');
    expect(verdict(c, 'x/a', 'x/a', 80, 'TCP', profile({ loopback: 'policy' }))).toBe('deny');
    expect(verdict(c, 'x/a', { ip: podIP('x', 'a') })).toBe('undefined');
  });

  test('28. hostNetwork pods on either end are undefined by default, or judged like pod-network pods (docs)', () => {
    const base = with_(policy('deny', ALL, { ingress: [] }));
    const c: Cluster = {
      ...base,
      pods: base.pods.map((p) => (p.namespace === 'y' && p.name === 'a' ? { ...p, hostNetwork: true } : p)),
    };
    expect(verdict(c, 'y/a', 'x/a')).toBe('undefined');
    expect(verdict(c, 'x/b', 'y/a')).toBe('undefined');
    expect(verdict(c, 'y/a', 'x/a', 80, 'TCP', profile({ hostNetwork: 'policy' }))).toBe('deny');
  });

  test('unknown pods and bad addresses are input errors', () => {
    const c = with_();
    expect(() => evaluateReference(c, { from: 'x/nope', to: 'x/a', port: 80, protocol: 'TCP' })).toThrow(
      /source pod "x\/nope"/,
    );
    expect(() =>
      compileFast(c).verdict({ from: 'x/a', to: { ip: '999.1.1.1' }, port: 80, protocol: 'TCP' }),
    ).toThrow(/not an IP/);
  });
});

describe('explanations', () => {
  const allowB = policy('allow-b', labels({ pod: 'a' }), {
    ingress: [rule([{ podSelector: labels({ pod: 'b' }) }], [port(80)])],
  });

  test('an allow names the isolating policy and the rule, peer and port that allowed it', () => {
    const d = evaluateReference(with_(allowB), { from: 'x/b', to: 'x/a', port: 80, protocol: 'TCP' });
    expect(d.verdict).toBe('allow');
    expect(d.explanation.ingress?.allowedBy).toEqual([
      expect.objectContaining({ policy: 'x/allow-b', ruleIndex: 0, peerIndex: 0, portIndex: 0 }),
    ]);
    expect(d.explanation.lines).toEqual([
      'verdict: allow (x/b -> x/a 80/TCP)',
      'egress from x/b: not isolated (no NetworkPolicy selects it with policyTypes Egress), so allowed',
      'ingress to x/a: isolated by x/allow-b (policyTypes Ingress)',
      'ingress to x/a: allowed by x/allow-b ingress rule 1, peer 1 (podSelector pod=b in namespace x), port 80/TCP',
    ]);
  });

  test('a deny says why each candidate rule failed: peer mismatch vs port mismatch', () => {
    const c = with_(allowB);
    const peerMiss = evaluateReference(c, { from: 'x/c', to: 'x/a', port: 80, protocol: 'TCP' });
    expect(peerMiss.verdict).toBe('deny');
    expect(peerMiss.explanation.ingress?.misses.map((m) => m.reason)).toEqual(['peer']);
    expect(peerMiss.explanation.lines).toContain('ingress to x/a: denied: no rule allows x/c on 80/TCP');
    const portMiss = evaluateReference(c, { from: 'x/b', to: 'x/a', port: 81, protocol: 'TCP' });
    expect(portMiss.explanation.ingress?.misses.map((m) => m.reason)).toEqual(['port']);
    expect(portMiss.explanation.lines.join('\n')).toMatch(
      /x\/allow-b ingress rule 1: port mismatch: no port matches 81\/TCP \(port 80\/TCP\)/,
    );
  });

  test('a policy without rules denies and says so; outside destinations skip ingress', () => {
    const c = with_(policy('deny-egress', labels({ pod: 'a' }), { egress: [], policyTypes: ['Egress'] }));
    const d = evaluateReference(c, { from: 'x/a', to: { ip: '8.8.8.8' }, port: 443, protocol: 'TCP' });
    expect(d.verdict).toBe('deny');
    expect(d.explanation.ingress).toBeUndefined();
    expect(d.explanation.lines).toContain(
      'egress from x/a: denied: the isolating policies have no egress rule, so nothing is allowed',
    );
    expect(d.explanation.lines.at(-1)).toBe(
      'ingress: 8.8.8.8 is not a pod of the cluster, so only the egress of x/a applies',
    );
  });

  test('the fast engine explains with the same words as the reference', () => {
    const c = with_(allowB);
    const probe: PolicyProbe = { from: 'y/b', to: 'x/a', port: 80, protocol: 'TCP' };
    expect(compileFast(c).explain(probe)).toEqual(evaluateReference(c, probe));
  });
});
