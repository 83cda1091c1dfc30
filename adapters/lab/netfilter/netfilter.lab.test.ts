// Real packets through the policy agent and the service proxy, in a testbed of network namespaces.
// Sources: Kubernetes networking/v1 NetworkPolicy API text (types.go) and docs/research/netpol.md §7;
// kube-proxy pkg/proxy/iptables/proxier.go and docs/research/lb.md §2.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { NetworkPolicy, Service } from '../../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../../spec/model.ts';
import type { FaultName } from '../faults.ts';
import { applyNodeNetfilter, forgetNodeNetfilter, removeNodeNetfilter } from './apply.ts';
import type { ProbeAnswer, Testbed } from './testbed.ts';
import { createTestbed, processAlive, testbedExec, testbedLeftovers } from './testbed.ts';
import type { NodeNetfilterView } from './types.ts';

type Bed = Testbed & { pids(): number[] };
let bed: Bed;

const CLIENT = 'a/client';
const WEB1 = 'a/web1';
const WEB2 = 'a/web2';
const WEB3 = 'a/web3';
const OTHER = 'b/other';

const SVC_IP = '10.96.0.10';

beforeAll(async () => {
  bed = await createTestbed([
    {
      namespace: 'a',
      name: 'client',
      labels: { app: 'client' },
      ports: [{ containerPort: 7000, protocol: 'TCP' }],
    },
    {
      namespace: 'a',
      name: 'web1',
      labels: { app: 'web', id: 'web1' },
      ports: [
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { containerPort: 8050, protocol: 'TCP' },
        { containerPort: 5353, protocol: 'TCP' },
        { containerPort: 5353, protocol: 'UDP' },
      ],
    },
    {
      namespace: 'a',
      name: 'web2',
      labels: { app: 'web', id: 'web2' },
      ports: [
        { name: 'http', containerPort: 9090, protocol: 'TCP' },
        { containerPort: 8080, protocol: 'TCP' },
      ],
    },
    {
      namespace: 'a',
      name: 'web3',
      labels: { app: 'web', id: 'web3' },
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    },
    { namespace: 'b', name: 'other', labels: { app: 'client', role: 'x' } },
    {
      namespace: 'a',
      name: 'idle',
      labels: { app: 'idle' },
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      ready: false,
    },
  ]);
});

afterAll(async () => {
  if (bed === undefined) return;
  const pids = bed.pids();
  await bed.destroy();
  // Nothing with the testbed's prefix may remain: no namespace, no agent process.
  expect(await testbedLeftovers(bed.prefix)).toEqual([]);
  expect(pids.filter(processAlive)).toEqual([]);
});

function policy(
  name: string,
  spec: Partial<NetworkPolicy> & Pick<NetworkPolicy, 'podSelector'>,
): NetworkPolicy {
  return { namespace: 'a', name, policyTypes: ['Ingress'], ...spec };
}

const webDenyAll = policy('web-deny-all', { podSelector: { matchLabels: { app: 'web' } } });

function service(name: string, over: Partial<Service> = {}): Service & { clusterIP: string } {
  return {
    namespace: 'a',
    name,
    selector: { app: 'web' },
    ports: [{ protocol: 'TCP', port: 80, targetPort: 'http' }],
    sessionAffinity: 'None',
    affinityTimeoutSeconds: 10800,
    clusterIP: SVC_IP,
    ...over,
  };
}

async function apply(over: Partial<NodeNetfilterView>): Promise<void> {
  await applyNodeNetfilter(bed.view(over), testbedExec);
}

async function outcome(
  from: string,
  to: string,
  port: number,
  protocol: 'TCP' | 'UDP' = 'TCP',
): Promise<string> {
  return (await bed.probe(from, bed.ip(to), port, protocol)).outcome;
}

function servedBy(answers: readonly ProbeAnswer[]): string[] {
  return answers.map((a) => a.servedBy ?? a.outcome);
}

function counts(items: readonly string[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const i of items) c[i] = (c[i] ?? 0) + 1;
  return c;
}

describe('policy agent', { tags: ['lab'] }, () => {
  test('without policies every pod reaches every pod (non-isolated pods allow all)', async () => {
    await apply({});
    expect(await outcome(CLIENT, WEB1, 8080)).toBe('connected');
    expect(await outcome(OTHER, WEB2, 9090)).toBe('connected');
    expect(await outcome(WEB1, CLIENT, 7000)).toBe('connected');
  });

  test('deny-all ingress blocks new connections; the node still reaches the pod (types.go: local node)', async () => {
    await apply({ policies: [webDenyAll] });
    expect(await outcome(CLIENT, WEB1, 8080)).toBe('refused');
    expect(await outcome(OTHER, WEB2, 9090)).toBe('refused');
    expect(await outcome('node', WEB1, 8080)).toBe('connected');
    // web pods are not egress-isolated, so they still reach the client.
    expect(await outcome(WEB1, CLIENT, 7000)).toBe('connected');
  });

  test('replies of allowed connections pass an ingress-isolated client (stateful, docs/research/netpol.md §7.25)', async () => {
    await apply({ policies: [policy('client-deny', { podSelector: { matchLabels: { app: 'client' } } })] });
    expect(await outcome(CLIENT, WEB1, 8080)).toBe('connected');
    expect(await outcome(WEB1, CLIENT, 7000)).toBe('refused');
  });

  test('policyAction drop makes a blocked probe time out instead of being refused', async () => {
    await apply({ policies: [webDenyAll], policyAction: 'drop' });
    expect((await bed.probe(CLIENT, bed.ip(WEB1), 8080, 'TCP', 400)).outcome).toBe('timeout');
  });

  test('policyMode none programs no policy (a CNI without NetworkPolicy)', async () => {
    await apply({ policies: [webDenyAll], policyMode: 'none' });
    expect(await outcome(CLIENT, WEB1, 8080)).toBe('connected');
  });

  test('podSelector peer selects pods in the policy namespace only (docs/research/netpol.md §7.8)', async () => {
    const allow = policy('allow-client', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ peers: [{ podSelector: { matchLabels: { app: 'client' } } }] }],
    });
    await apply({ policies: [webDenyAll, allow] });
    expect(await outcome(CLIENT, WEB1, 8080)).toBe('connected');
    expect(await outcome(OTHER, WEB1, 8080)).toBe('refused');
  });

  test('namespaceSelector peer selects all pods of matching namespaces (docs/research/netpol.md §7.9)', async () => {
    const allow = policy('allow-ns-b', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ peers: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'b' } } }] }],
    });
    await apply({ policies: [webDenyAll, allow] });
    expect(await outcome(OTHER, WEB1, 8080)).toBe('connected');
    expect(await outcome(CLIENT, WEB1, 8080)).toBe('refused');
  });

  test('ipBlock allows its cidr minus except, pod IPs included (docs/research/netpol.md §7.14-15)', async () => {
    const allow = policy('allow-block', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ peers: [{ ipBlock: { cidr: '10.244.1.0/24', except: [`${bed.ip(CLIENT)}/32`] } }] }],
    });
    await apply({ policies: [webDenyAll, allow] });
    expect(await outcome(OTHER, WEB1, 8080)).toBe('connected');
    expect(await outcome(CLIENT, WEB1, 8080)).toBe('refused');
  });

  test('a named port resolves per destination pod: http is 8080 on web1 and 9090 on web2 (docs/research/netpol.md §7.22)', async () => {
    const allow = policy('allow-http', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }],
    });
    await apply({ policies: [allow] });
    expect(await outcome(CLIENT, WEB1, 8080)).toBe('connected');
    expect(await outcome(CLIENT, WEB1, 8050)).toBe('refused');
    expect(await outcome(CLIENT, WEB2, 9090)).toBe('connected');
    expect(await outcome(CLIENT, WEB2, 8080)).toBe('refused');
  });

  test('egress named port resolves on the peer pod (docs/research/netpol.md §7.22)', async () => {
    const egress = policy('client-egress-http', {
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [
        {
          peers: [{ podSelector: { matchLabels: { app: 'web' } } }],
          ports: [{ protocol: 'TCP', port: 'http' }],
        },
      ],
    });
    await apply({ policies: [egress] });
    expect(await outcome(CLIENT, WEB1, 8080)).toBe('connected');
    expect(await outcome(CLIENT, WEB2, 9090)).toBe('connected');
    expect(await outcome(CLIENT, WEB2, 8080)).toBe('refused');
  });

  test('a port range allows its inner ports; TCP 5353 does not allow UDP 5353 (docs/research/netpol.md §7.19, §7.21)', async () => {
    const allow = policy('allow-range', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [
        {
          ports: [
            { protocol: 'TCP', port: 8000, endPort: 8100 },
            { protocol: 'TCP', port: 5353 },
          ],
        },
      ],
    });
    await apply({ policies: [allow] });
    expect(await outcome(CLIENT, WEB1, 8050)).toBe('connected');
    expect(await outcome(CLIENT, WEB1, 8080)).toBe('connected');
    expect(await outcome(CLIENT, WEB1, 5353)).toBe('connected');
    expect(await outcome(CLIENT, WEB1, 5353, 'UDP')).toBe('refused');
    expect(await outcome(CLIENT, WEB2, 9090)).toBe('refused');
  });

  test('an SCTP-only policy still isolates its pods for TCP (docs/research/netpol.md §7.23)', async () => {
    const sctp = policy('sctp-only', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ ports: [{ protocol: 'SCTP', port: 8080 }] }],
    });
    await apply({ policies: [sctp] });
    expect(await outcome(CLIENT, WEB1, 8080)).toBe('refused');
  });

  test("another agent's FORWARD accept inserted above ours is moved below on the next apply", async () => {
    await apply({ policies: [webDenyAll] });
    // What flannel's FLANNEL-FWD does: accept everything from the cluster network.
    const flannelLike = ['-s', '10.244.0.0/16', '-j', 'ACCEPT'];
    await testbedExec(['ip', 'netns', 'exec', bed.netns, 'iptables', '-I', 'FORWARD', '1', ...flannelLike]);
    expect(await outcome(CLIENT, WEB1, 8080)).toBe('connected');
    await apply({ policies: [webDenyAll] });
    expect(await outcome(CLIENT, WEB1, 8080)).toBe('refused');
    const forward = await testbedExec(['ip', 'netns', 'exec', bed.netns, 'iptables', '-S', 'FORWARD']);
    expect(forward.split('\n').filter((l) => l.startsWith('-A'))).toEqual([
      '-A FORWARD -j PODNET-FORWARD',
      '-A FORWARD -s 10.244.0.0/16 -j ACCEPT',
    ]);
    await testbedExec(['ip', 'netns', 'exec', bed.netns, 'iptables', '-D', 'FORWARD', ...flannelLike]);
  });

  test('a second apply of the same view changes nothing; changes apply to running pods', async () => {
    const view = { policies: [webDenyAll], services: [service('web')] };
    await apply(view);
    const save = async () =>
      (await testbedExec(['ip', 'netns', 'exec', bed.netns, 'iptables-save']))
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .join('\n');
    const before = await save();
    await apply(view);
    expect(await save()).toBe(before);
    await apply({});
    expect(await outcome(CLIENT, WEB1, 8080)).toBe('connected');
  });

  test('a restart that forgets, then one apply: the same rules and sets as removing everything first', async () => {
    const state = async () => {
      const save = await testbedExec(['ip', 'netns', 'exec', bed.netns, 'iptables-save']);
      const sets = await testbedExec(['ip', 'netns', 'exec', bed.netns, 'ipset', 'list', '-n']);
      return `${save
        .split('\n')
        .filter((l) => !l.startsWith('#') && !l.startsWith(':'))
        .join('\n')}\n${sets.split('\n').sort().join('\n')}`;
    };
    // Under stale-on-delete a policy the agent saw stays enforced: a restart must forget it too.
    const next: Partial<NodeNetfilterView> = {
      policies: [webDenyAll],
      services: [service('web')],
      faults: ['stale-on-delete'],
    };
    // Scenario one leaves rules, sets and (under stale-on-delete) a remembered policy behind.
    await apply({
      policies: [
        policy('allow-ns-b', {
          podSelector: {},
          ingress: [{ peers: [{ ipBlock: { cidr: '10.9.0.0/16' } }] }],
        }),
      ],
      faults: ['stale-on-delete'],
    });
    await forgetNodeNetfilter(bed.netns);
    await apply(next);
    const forgotten = await state();
    await removeNodeNetfilter(bed.netns, testbedExec);
    await apply(next);
    expect(forgotten).toBe(await state());
    await removeNodeNetfilter(bed.netns, testbedExec);
  });
});

describe('service proxy', { tags: ['lab'] }, () => {
  test('random mode: 600 new connections reach every ready endpoint, target port resolved per pod (docs/research/lb.md §2.3)', async () => {
    await apply({ services: [service('web')] });
    const seen = counts(servedBy(await bed.probeMany(CLIENT, SVC_IP, 80, 600, { concurrency: 20 })));
    expect(Object.keys(seen).sort()).toEqual([WEB1, WEB2, WEB3]);
    // Uniform 1/3 each: 200 expected, sd ≈ 11.5; 130 is six sd below.
    for (const pod of [WEB1, WEB2, WEB3]) expect(seen[pod]).toBeGreaterThan(130);
  });

  test('round-robin mode: new connections cycle through the endpoints exactly', async () => {
    await apply({ services: [service('web')], proxyMode: 'round-robin' });
    const order = servedBy(await bed.probeMany(CLIENT, SVC_IP, 80, 12));
    const cycle = order.slice(0, 3);
    expect([...cycle].sort()).toEqual([WEB1, WEB2, WEB3]);
    expect(order).toEqual([...cycle, ...cycle, ...cycle, ...cycle]);
  });

  test('ClientIP affinity sticks a client to one endpoint (recent --rcheck/--set, docs/research/lb.md §2.4)', async () => {
    await apply({ services: [service('web', { sessionAffinity: 'ClientIP', affinityTimeoutSeconds: 600 })] });
    const seen = new Set(servedBy(await bed.probeMany(CLIENT, SVC_IP, 80, 30, { concurrency: 1 })));
    expect(seen.size).toBe(1);
    expect([WEB1, WEB2, WEB3]).toContain([...seen][0]);
  });

  test('a Service without ready endpoints rejects, from pods and from the node (docs/research/lb.md §2.6)', async () => {
    await apply({
      services: [
        service('idle', {
          selector: { app: 'idle' },
          ports: [{ protocol: 'TCP', port: 80, targetPort: 80 }],
        }),
      ],
    });
    expect((await bed.probe(CLIENT, SVC_IP, 80)).outcome).toBe('refused');
    expect((await bed.probe('node', SVC_IP, 80)).outcome).toBe('refused');
  });

  test('the node reaches a Service (OUTPUT DNAT)', async () => {
    await apply({ services: [service('web')] });
    const answers = await bed.probeMany('node', SVC_IP, 80, 10);
    expect(answers.every((a) => a.outcome === 'connected')).toBe(true);
  });

  test('a pod reaching itself through its Service is masqueraded to the node (hairpin, docs/research/lb.md §2.7)', async () => {
    await apply({ services: [service('web1', { selector: { id: 'web1' } })] });
    const answer = await bed.probe(WEB1, SVC_IP, 80);
    expect(answer.outcome).toBe('connected');
    expect(answer.reply).toBe(`${WEB1} 10.244.1.1`);
  });

  test('policy applies to the backend chosen after DNAT (docs/design.md "Semantic profile")', async () => {
    const denyWeb2 = policy('deny-web2', { podSelector: { matchLabels: { id: 'web2' } } });
    await apply({ policies: [denyWeb2], services: [service('web')] });
    const answers = await bed.probeMany(CLIENT, SVC_IP, 80, 60, { concurrency: 10, timeoutMs: 500 });
    const connected = answers.filter((a) => a.outcome === 'connected').map((a) => a.servedBy);
    expect(new Set(connected)).toEqual(new Set([WEB1, WEB3]));
    // The REJECT after DNAT still reaches the client as a refusal (conntrack translates the ICMP error).
    const blocked = answers.filter((a) => a.outcome !== 'connected').map((a) => a.outcome);
    expect(blocked.length).toBeGreaterThan(0);
    expect(new Set(blocked)).toEqual(new Set(['refused']));
  });
});

/** Runs `probe` without and with `fault`; each fault must change what the probe sees. */
async function withAndWithout(
  fault: FaultName,
  view: Partial<NodeNetfilterView>,
  probe: () => Promise<unknown>,
): Promise<[unknown, unknown]> {
  await apply(view);
  const correct = await probe();
  await apply({ ...view, faults: [fault] });
  const faulty = await probe();
  return [correct, faulty];
}

describe('faults', { tags: ['lab'] }, () => {
  test('ignore-except: the except address is let in', async () => {
    const allow = policy('allow-block', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ peers: [{ ipBlock: { cidr: '10.244.1.0/24', except: [`${bed.ip(CLIENT)}/32`] } }] }],
    });
    const r = await withAndWithout('ignore-except', { policies: [allow] }, () => outcome(CLIENT, WEB1, 8080));
    expect(r).toEqual(['refused', 'connected']);
  });

  test('peers-ored: a pod in the right namespace but without the label is let in', async () => {
    const allow = policy('allow-and', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [
        {
          peers: [
            {
              namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'b' } },
              podSelector: { matchLabels: { role: 'y' } },
            },
          ],
        },
      ],
    });
    const r = await withAndWithout('peers-ored', { policies: [allow] }, () => outcome(OTHER, WEB1, 8080));
    expect(r).toEqual(['refused', 'connected']);
  });

  test('egress-ignored: an egress deny-all lets traffic out', async () => {
    const deny = policy('client-egress-deny', {
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
    });
    const r = await withAndWithout('egress-ignored', { policies: [deny] }, () => outcome(CLIENT, WEB1, 8080));
    expect(r).toEqual(['refused', 'connected']);
  });

  test("named-port-first-pod: web2's http (9090) is blocked, web1's number (8080) is used for it", async () => {
    const allow = policy('allow-http', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }],
    });
    const r = await withAndWithout('named-port-first-pod', { policies: [allow] }, async () => [
      await outcome(CLIENT, WEB2, 9090),
      await outcome(CLIENT, WEB2, 8080),
    ]);
    expect(r).toEqual([
      ['connected', 'refused'],
      ['refused', 'connected'],
    ]);
  });

  test('protocol-ignored: TCP 5353 also lets UDP 5353 in', async () => {
    const allow = policy('allow-tcp-5353', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ ports: [{ protocol: 'TCP', port: 5353 }] }],
    });
    const r = await withAndWithout('protocol-ignored', { policies: [allow] }, () =>
      outcome(CLIENT, WEB1, 5353, 'UDP'),
    );
    expect(r).toEqual(['refused', 'connected']);
  });

  test('endport-ignored: a port inside the range is blocked', async () => {
    const allow = policy('allow-range', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ ports: [{ protocol: 'TCP', port: 8000, endPort: 8100 }] }],
    });
    const r = await withAndWithout('endport-ignored', { policies: [allow] }, () =>
      outcome(CLIENT, WEB1, 8050),
    );
    expect(r).toEqual(['connected', 'refused']);
  });

  test('stale-on-delete: a deleted deny-all still blocks', async () => {
    const run = async (faults: FaultName[]) => {
      await removeNodeNetfilter(bed.netns, testbedExec);
      await apply({ policies: [webDenyAll], faults });
      await apply({ policies: [], faults });
      return outcome(CLIENT, WEB1, 8080);
    };
    expect([await run([]), await run(['stale-on-delete'])]).toEqual(['connected', 'refused']);
    await removeNodeNetfilter(bed.netns, testbedExec);
  });

  test('no-ns-name-label: a namespaceSelector on kubernetes.io/metadata.name matches nothing', async () => {
    const allow = policy('allow-ns-b', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ peers: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'b' } } }] }],
    });
    const r = await withAndWithout('no-ns-name-label', { policies: [allow] }, () =>
      outcome(OTHER, WEB1, 8080),
    );
    expect(r).toEqual(['connected', 'refused']);
  });

  test('lb-skew: in a round-robin cycle the first endpoint gets two slots of four', async () => {
    const r = await withAndWithout(
      'lb-skew',
      { services: [service('web')], proxyMode: 'round-robin' },
      async () => counts(servedBy(await bed.probeMany(CLIENT, SVC_IP, 80, 12))),
    );
    // Endpoints sort by "IP:port": web1 (10.244.1.3:8080) is first.
    expect(r).toEqual([
      { [WEB1]: 4, [WEB2]: 4, [WEB3]: 4 },
      { [WEB1]: 6, [WEB2]: 3, [WEB3]: 3 },
    ]);
  });

  test('affinity-ignored: a ClientIP client is spread over endpoints', async () => {
    const svc = service('web', { sessionAffinity: 'ClientIP', affinityTimeoutSeconds: 600 });
    const r = await withAndWithout(
      'affinity-ignored',
      { services: [svc] },
      async () => new Set(servedBy(await bed.probeMany(CLIENT, SVC_IP, 80, 30))).size,
    );
    expect(r[0]).toBe(1);
    expect(r[1]).toBeGreaterThan(1);
  });
});
