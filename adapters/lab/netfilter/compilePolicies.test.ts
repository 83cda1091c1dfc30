// Rules the policy agent writes, checked without root. Semantics: networking/v1 NetworkPolicy (types.go)
// and docs/research/netpol.md §7; the real-packet checks are in netfilter.lab.test.ts.
import { describe, expect, test } from 'vitest';
import type { NetworkPolicy } from '../../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../../spec/model.ts';
import type { FaultName } from '../faults.ts';
import type { CompiledPolicies } from './compilePolicies.ts';
import { compilePolicies, effectivePolicies, portArgs } from './compilePolicies.ts';
import { DENY_CHAIN, egressChain, ingressChain } from './names.ts';
import { fixtureView } from './viewFixture.ts';

function np(name: string, spec: Partial<NetworkPolicy>): NetworkPolicy {
  return { namespace: 'a', name, podSelector: {}, policyTypes: ['Ingress'], ...spec };
}

function chain(c: CompiledPolicies, name: string): string[] {
  const found = c.chains.find((x) => x.name === name);
  if (found === undefined) throw new Error(`no chain ${name}`);
  return found.rules.map((r) => r.join(' '));
}

function compile(policies: NetworkPolicy[], faults: FaultName[] = [], remembered: NetworkPolicy[] = []) {
  return compilePolicies(fixtureView({ policies, faults }), remembered);
}

/** The set a rule line references (`--match-set NAME dir`). */
function setIn(c: CompiledPolicies, line: string) {
  const name = /--match-set (\S+)/.exec(line)?.[1];
  return c.sets.find((s) => s.name === name);
}

/** Each port rule of a pod's egress chain as [the set's entries, the destination port]. */
function egressPortTargets(c: CompiledPolicies, pod: string) {
  return chain(c, egressChain(pod))
    .filter((l) => l.includes('--dport'))
    .map((l) => [setIn(c, l)?.entries.map((e) => e.entry), /--dport (\d+)/.exec(l)?.[1]]);
}

const webIngress = ingressChain('a/web1');

describe('isolation', () => {
  test('no policy: no per-pod chain, only the stateful accept (non-isolated pods allow all)', () => {
    const c = compile([]);
    expect(c.chains.map((x) => x.name)).toEqual([DENY_CHAIN]);
    expect(c.dispatch.map((r) => r.join(' '))).toEqual([
      '-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    ]);
  });

  test('only pods on this node, selected in the policy namespace, for the listed direction (types.go policyTypes)', () => {
    const c = compile([np('p', { podSelector: { matchLabels: { app: 'web' } } })]);
    const names = c.chains.map((x) => x.name);
    expect(names).toContain(webIngress);
    expect(names).not.toContain(egressChain('a/web1'));
    // web2 runs on n2; the hostNetwork pod is node traffic, never isolated here.
    expect(names).not.toContain(ingressChain('a/web2'));
    expect(names).not.toContain(ingressChain('a/host'));
    expect(compile([np('p', { namespace: 'b' })]).chains.map((x) => x.name)).toEqual([DENY_CHAIN]);
  });

  test('a deny-all ingress chain allows only the own node and the pod itself, then denies', () => {
    const rules = chain(compile([np('deny', {})]), webIngress);
    expect(rules[0]).toMatch(/^-s 192\.168\.1\.1\/32 .* -j RETURN$/);
    expect(rules[1]).toMatch(/^-s 10\.244\.1\.1\/32 .* -j RETURN$/);
    expect(rules[2]).toMatch(/^-s 10\.244\.1\.3\/32 .* -j RETURN$/);
    expect(rules.at(-1)).toMatch(/-j PODNET-DENY$/);
    expect(rules).toHaveLength(4);
  });

  test('egress is dispatched before ingress, each by the pod IP', () => {
    const c = compile([np('both', { policyTypes: ['Ingress', 'Egress'] })]);
    const d = c.dispatch.map((r) => r.join(' '));
    const eg = d.findIndex((l) => l.startsWith('-s 10.244.1.2/32'));
    const ing = d.findIndex((l) => l.startsWith('-d 10.244.1.2/32'));
    expect(eg).toBeGreaterThan(0);
    expect(ing).toBeGreaterThan(eg);
  });

  test('ingress: [{}] allows every peer and port (docs/research/netpol.md §7.6)', () => {
    const rules = chain(compile([np('all', { ingress: [{}] })]), webIngress);
    expect(rules).toContain('-m comment --comment a/all ingress[0] -j RETURN');
  });

  test('policyMode none compiles nothing; drop action writes DROP', () => {
    expect(compilePolicies(fixtureView({ policyMode: 'none', policies: [np('x', {})] }))).toEqual({
      chains: [],
      sets: [],
      dispatch: [],
      nodeDispatch: [],
    });
    const drop = compilePolicies(fixtureView({ policyAction: 'drop', policies: [np('x', {})] }));
    expect(chain(drop, DENY_CHAIN)[0]).toMatch(/-j DROP$/);
    expect(chain(compile([np('x', {})]), DENY_CHAIN)[0]).toMatch(
      /-j REJECT --reject-with icmp-port-unreachable$/,
    );
  });
});

describe('peers', () => {
  const peerRule = (peer: NonNullable<NetworkPolicy['ingress']>[number]['peers']) =>
    np('p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ peers: peer ?? [] }] });

  function allowedSources(c: CompiledPolicies): string[][] {
    return chain(c, webIngress)
      .filter((l) => l.includes('--match-set'))
      .map((l) => (setIn(c, l)?.entries ?? []).map((e) => (e.nomatch ? `!${e.entry}` : e.entry)));
  }

  test('podSelector alone: pods of the policy namespace only (docs/research/netpol.md §7.8)', () => {
    const c = compile([peerRule([{ podSelector: { matchLabels: { app: 'client' } } }])]);
    expect(allowedSources(c)).toEqual([['10.244.1.2']]);
  });

  test('namespaceSelector alone: all pods of matching namespaces, hostNetwork pods excluded (§7.9, §7.28)', () => {
    const c = compile([peerRule([{ namespaceSelector: { matchLabels: { team: 'red' } } }])]);
    expect(allowedSources(c)).toEqual([['10.244.1.2', '10.244.1.3', '10.244.2.2']]);
  });

  test('both selectors in one peer are ANDed (docs/research/netpol.md §7.10)', () => {
    const c = compile([peerRule([{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'x' } } }])]);
    expect(allowedSources(c)).toEqual([['10.244.2.3']]);
  });

  test('ipBlock: cidr matches, except entries are nomatch; /0 becomes two /1 (ipset hash:net)', () => {
    const c = compile([
      peerRule([{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.244.1.0/24', '10.0.0.5'] } }]),
    ]);
    const [set] = c.sets;
    expect(set?.type).toBe('hash:net');
    expect(allowedSources(c)).toEqual([['0.0.0.0/1', '!10.0.0.5/32', '!10.244.1.0/24', '128.0.0.0/1']]);
  });

  test('ipBlock host bits are cleared; an except equal to the cidr leaves nothing to match', () => {
    const c1 = compile([peerRule([{ ipBlock: { cidr: '10.10.1.12/24' } }])]);
    expect(allowedSources(c1)).toEqual([['10.10.1.0/24']]);
    const c2 = compile([peerRule([{ ipBlock: { cidr: '10.10.1.0/24', except: ['10.10.1.0/24'] } }])]);
    expect(allowedSources(c2)).toEqual([]);
  });

  test('a selector peer matching no pod writes no rule', () => {
    const c = compile([peerRule([{ podSelector: { matchLabels: { app: 'none' } } }])]);
    expect(chain(c, webIngress).filter((l) => l.includes('ingress[0]'))).toEqual([]);
  });
});

describe('ports', () => {
  test('numeric, range, protocol-only (docs/research/netpol.md §7.19–21)', () => {
    const none = new Set<FaultName>();
    expect(portArgs({ protocol: 'TCP', port: 80 }, undefined, none)).toEqual([
      ['-p', 'tcp', '-m', 'tcp', '--dport', '80'],
    ]);
    expect(portArgs({ protocol: 'UDP', port: 80, endPort: 90 }, undefined, none)).toEqual([
      ['-p', 'udp', '-m', 'udp', '--dport', '80:90'],
    ]);
    expect(portArgs({ protocol: 'SCTP' }, undefined, none)).toEqual([['-p', 'sctp']]);
    expect(portArgs({ protocol: 'TCP', port: 'http' }, undefined, none)).toEqual([]);
    expect(portArgs({ protocol: 'TCP', port: 'http' }, 8080, none)).toEqual([
      ['-p', 'tcp', '-m', 'tcp', '--dport', '8080'],
    ]);
  });

  test('ingress named port resolves on each selected pod by name and protocol (docs/research/netpol.md §7.22)', () => {
    const pol = np('http', { ingress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }] });
    const n1 = compilePolicies(fixtureView({ policies: [pol] }));
    expect(chain(n1, webIngress).some((l) => l.includes('--dport 8080'))).toBe(true);
    const n2 = compilePolicies(fixtureView({ node: 'n2', policies: [pol] }));
    expect(chain(n2, ingressChain('a/web2')).some((l) => l.includes('--dport 9090'))).toBe(true);
    const udp = np('http-udp', { ingress: [{ ports: [{ protocol: 'UDP', port: 'http' }] }] });
    expect(chain(compile([udp]), webIngress).some((l) => l.includes('--dport'))).toBe(false);
  });

  test('egress named port resolves on each destination pod: one set per resolved number', () => {
    const pol = np('eg', {
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [
        {
          peers: [{ podSelector: { matchLabels: { app: 'web' } } }],
          ports: [{ protocol: 'TCP', port: 'http' }],
        },
      ],
    });
    const c = compile([pol]);
    expect(egressPortTargets(c, 'a/client')).toEqual([
      [['10.244.1.3'], '8080'],
      [['10.244.2.2'], '9090'],
    ]);
  });
});

describe('named ports towards an ipBlock', () => {
  // ipBlocks match pod IPs (as upstream e2e expects), so a named port in an egress rule towards a block
  // resolves on the pods inside the block, each by its own number; addresses that are no pod have no ports.
  test('resolve on each pod inside the block, and on none outside it', () => {
    const pol = np('eg', {
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [
        { peers: [{ ipBlock: { cidr: '10.244.0.0/16' } }], ports: [{ protocol: 'TCP', port: 'http' }] },
      ],
    });
    const c = compile([pol]);
    expect(egressPortTargets(c, 'a/client')).toEqual([
      [['10.244.1.3'], '8080'],
      [['10.244.2.2'], '9090'],
    ]);
    const outside = np('eg', {
      ...pol,
      egress: [
        { peers: [{ ipBlock: { cidr: '192.168.0.0/16' } }], ports: [{ protocol: 'TCP', port: 'http' }] },
      ],
    });
    expect(chain(compile([outside]), egressChain('a/client')).some((l) => l.includes('--dport'))).toBe(false);
  });
});

describe('faults', () => {
  const block = np('b', {
    ingress: [{ peers: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
  });

  test('ignore-except drops the nomatch entries', () => {
    expect(compile([block]).sets[0]?.entries.some((e) => e.nomatch)).toBe(true);
    expect(compile([block], ['ignore-except']).sets[0]?.entries).toEqual([{ entry: '10.0.0.0/8' }]);
  });

  test('peers-ored reads namespaceSelector+podSelector as two peers', () => {
    const pol = np('p', {
      ingress: [
        {
          peers: [
            {
              namespaceSelector: { matchLabels: { team: 'blue' } },
              podSelector: { matchLabels: { app: 'web' } },
            },
          ],
        },
      ],
    });
    const entries = (c: CompiledPolicies) => c.sets.flatMap((s) => s.entries.map((e) => e.entry)).sort();
    expect(entries(compile([pol]))).toEqual([]);
    expect(entries(compile([pol], ['peers-ored']))).toEqual(['10.244.1.3', '10.244.2.2', '10.244.2.3']);
  });

  test('egress-ignored writes no egress chain', () => {
    const pol = np('e', { policyTypes: ['Egress'] });
    expect(compile([pol]).chains.map((c) => c.name)).toContain(egressChain('a/client'));
    expect(compile([pol], ['egress-ignored']).chains.map((c) => c.name)).not.toContain(
      egressChain('a/client'),
    );
  });

  test('named-port-first-pod resolves on a/web1 (first by key) for every pod', () => {
    const pol = np('http', { ingress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }] });
    const n2 = compilePolicies(
      fixtureView({ node: 'n2', policies: [pol], faults: ['named-port-first-pod'] }),
    );
    expect(chain(n2, ingressChain('a/web2')).some((l) => l.includes('--dport 8080'))).toBe(true);
  });

  test('protocol-ignored writes the port for every protocol; endport-ignored drops the range end', () => {
    const p = { protocol: 'TCP' as const, port: 80, endPort: 90 };
    expect(portArgs(p, undefined, new Set(['protocol-ignored'])).map((a) => a[1])).toEqual([
      'tcp',
      'udp',
      'sctp',
    ]);
    expect(portArgs(p, undefined, new Set(['endport-ignored']))).toEqual([
      ['-p', 'tcp', '-m', 'tcp', '--dport', '80'],
    ]);
  });

  test('stale-on-delete keeps remembered policies the view no longer has; a live update wins', () => {
    const old = np('gone', {});
    const updated = np('kept', { ingress: [{}] });
    const view = fixtureView({ policies: [updated] });
    expect(effectivePolicies(view, [old, np('kept', {})]).map((p) => p.name)).toEqual(['kept']);
    const faulty = fixtureView({ policies: [updated], faults: ['stale-on-delete'] });
    expect(effectivePolicies(faulty, [old, np('kept', {})])).toEqual([updated, old]);
  });

  test('no-ns-name-label hides kubernetes.io/metadata.name from namespaceSelectors', () => {
    const pol = np('ns', {
      ingress: [{ peers: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'b' } } }] }],
    });
    expect(compile([pol]).sets).toHaveLength(1);
    expect(compile([pol], ['no-ns-name-label']).sets).toHaveLength(0);
  });
});
