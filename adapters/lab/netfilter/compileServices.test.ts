// Rules the service proxy writes, checked without root. Source: kube-proxy pkg/proxy/iptables/proxier.go
// (writeServiceToEndpointRules, KUBE-SEP chains) and kernel net/netfilter/xt_statistic.c, via
// docs/research/lb.md §2.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Service } from '../../../spec/model.ts';
import type { FaultName } from '../faults.ts';
import { balanceSlots, compileServices, endpointsOf, probability } from './compileServices.ts';
import type { NetfilterPod, NodeNetfilterView } from './types.ts';
import { fixturePod, fixtureView } from './viewFixture.ts';

type ViewService = Service & { clusterIP: string };

function svc(over: Partial<ViewService> = {}): ViewService {
  return {
    namespace: 'a',
    name: 'web',
    selector: { app: 'web' },
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }],
    sessionAffinity: 'None',
    affinityTimeoutSeconds: 10800,
    clusterIP: '10.96.0.10',
    ...over,
  };
}

function backends(n: number): NetfilterPod[] {
  return Array.from({ length: n }, (_, i) =>
    fixturePod(`a/w${i}`, `10.244.1.${i + 10}`, { app: 'web' }, [
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
    ]),
  );
}

function svcChainRules(view: NodeNetfilterView): string[][] {
  const c = compileServices(view);
  const target = c.services[0]?.at(-1) ?? '';
  return (c.chains.find((x) => x.name === target)?.rules ?? []).map((r) => [...r]);
}

/** Balancing rules of the first Service chain: [probability or nth every, SEP target]. */
function balancing(view: NodeNetfilterView): { arg: string | undefined; target: string }[] {
  return svcChainRules(view)
    .filter((r) => !r.includes('recent') && !r.includes('MARK') && !r.includes('!'))
    .map((r) => {
      const p = r.indexOf('--probability');
      const e = r.indexOf('--every');
      const arg = p >= 0 ? r[p + 1] : e >= 0 ? `nth:${r[e + 1]}` : undefined;
      return { arg, target: r.at(-1) ?? '' };
    });
}

describe('endpoints', () => {
  test('ready pods of the namespace matching the selector, named targetPort resolved per pod, sorted by "IP:port"', () => {
    const pods = [
      fixturePod('a/x', '10.0.0.10', { app: 'web' }, [{ name: 'http', containerPort: 81, protocol: 'TCP' }]),
      fixturePod('a/y', '10.0.0.2', { app: 'web' }, [{ name: 'http', containerPort: 82, protocol: 'TCP' }]),
      fixturePod('a/z', '10.0.0.3', { app: 'web' }, [{ name: 'http', containerPort: 83, protocol: 'UDP' }]),
      fixturePod('a/n', '10.0.0.4', { app: 'web' }, [{ name: 'http', containerPort: 84, protocol: 'TCP' }], {
        ready: false,
      }),
      fixturePod('b/o', '10.0.0.5', { app: 'web' }, [{ name: 'http', containerPort: 85, protocol: 'TCP' }]),
    ];
    const port = svc().ports[0]!;
    // docs/research/lb.md §1.1: "10.0.0.10:80" sorts before "10.0.0.2:80".
    expect(endpointsOf(svc(), port, pods).map((e) => `${e.ip}:${e.port}`)).toEqual([
      '10.0.0.10:81',
      '10.0.0.2:82',
    ]);
    const numeric = { ...port, targetPort: 9000 };
    expect(endpointsOf(svc(), numeric, pods).map((e) => e.port)).toEqual([9000, 9000, 9000]);
  });

  test('no ready endpoint: a filter REJECT for ClusterIP:port and no nat chain (docs/research/lb.md §2.6)', () => {
    const c = compileServices(fixtureView({ pods: [], services: [svc()] }));
    expect(c.services).toEqual([]);
    expect(c.rejects.map((r) => r.join(' '))).toEqual([
      '-m comment --comment a/web:http has no endpoints -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable',
    ]);
  });
});

describe('random mode', () => {
  test('rule i of n carries --probability 1/(n-i) printed %0.10f; the last is unconditional (docs/research/lb.md §2.3)', () => {
    const rules = balancing(fixtureView({ pods: backends(3), services: [svc()] }));
    expect(rules.map((r) => r.arg)).toEqual(['0.3333333333', '0.5000000000', undefined]);
    expect(new Set(rules.map((r) => r.target)).size).toBe(3);
  });

  const marginals = (faults: FaultName[], n: number): Map<string, number> => {
    let reach = 1;
    const share = new Map<string, number>();
    for (const r of balancing(fixtureView({ pods: backends(n), services: [svc()], faults }))) {
      const p = r.arg === undefined ? 1 : Number(r.arg);
      share.set(r.target, (share.get(r.target) ?? 0) + reach * p);
      reach *= 1 - p;
    }
    return share;
  };

  test('the chained probabilities give every endpoint 1/n (telescoping product, docs/research/lb.md §2.3)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        const shares = [...marginals([], n).values()];
        expect(shares).toHaveLength(n);
        for (const s of shares) expect(s).toBeCloseTo(1 / n, 8);
      }),
      { numRuns: 40, seed: 4242 },
    );
  });

  test('fault lb-skew: the first endpoint gets 2/(n+1), the others 1/(n+1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), (n) => {
        const shares = [...marginals(['lb-skew'], n).values()];
        expect(shares).toHaveLength(n);
        expect(shares[0]).toBeCloseTo(2 / (n + 1), 8);
        for (const s of shares.slice(1)) expect(s).toBeCloseTo(1 / (n + 1), 8);
      }),
      { numRuns: 39, seed: 4243 },
    );
    expect(balanceSlots(1, true)).toEqual([0]);
    expect(probability(4)).toBe('0.2500000000');
  });
});

describe('round-robin mode', () => {
  /**
   * xt_statistic nth: each rule keeps its own counter over the packets that reach it:
   * `nval = (oval == every-1) ? 0 : oval + 1; match iff nval == packet`. Any starting phase.
   */
  function simulate(
    rules: { arg: string | undefined; target: string }[],
    phases: number[],
    count: number,
  ): string[] {
    const counters = [...phases];
    const out: string[] = [];
    for (let k = 0; k < count; k++) {
      for (const [i, r] of rules.entries()) {
        if (r.arg === undefined) {
          out.push(r.target);
          break;
        }
        const every = Number(r.arg.slice(4));
        const c = counters[i] ?? 0;
        counters[i] = c === every - 1 ? 0 : c + 1;
        if (counters[i] === 0) {
          out.push(r.target);
          break;
        }
      }
    }
    return out;
  }

  test('any m consecutive new connections hit every slot once, whatever the counters start at', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.array(fc.nat(), { minLength: 13, maxLength: 13 }),
        (n, skew, seeds) => {
          const rules = balancing(
            fixtureView({
              pods: backends(n),
              services: [svc()],
              proxyMode: 'round-robin',
              faults: skew ? ['lb-skew'] : [],
            }),
          );
          const m = rules.length;
          const phases = rules.map((r, i) =>
            r.arg === undefined ? 0 : (seeds[i] ?? 0) % Number(r.arg.slice(4)),
          );
          const seq = simulate(rules, phases, 4 * m);
          const expected = new Map<string, number>();
          for (const r of rules) expected.set(r.target, (expected.get(r.target) ?? 0) + 1);
          for (let start = 0; start + m <= seq.length; start++) {
            const window = new Map<string, number>();
            for (const t of seq.slice(start, start + m)) window.set(t, (window.get(t) ?? 0) + 1);
            expect(window).toEqual(expected);
          }
        },
      ),
      { numRuns: 200, seed: 4244 },
    );
  });
});

describe('affinity, masquerade, DNAT', () => {
  const view = fixtureView({
    pods: backends(2),
    services: [svc({ sessionAffinity: 'ClientIP', affinityTimeoutSeconds: 77 })],
  });

  test('ClientIP: one recent --rcheck per endpoint, in endpoint order, before the balancing rules (docs/research/lb.md §2.4)', () => {
    const rules = svcChainRules(view).map((r) => r.join(' '));
    expect(rules[0]).toMatch(/-d 10\.96\.0\.10\/32 .* ! -s 10\.244\.0\.0\/16 -j PODNET-MARK-MASQ$/);
    expect(rules[1]).toMatch(
      /-m recent --name (PODNET-SEP-\S+) --rcheck --seconds 77 --reap --rsource -j \1$/,
    );
    expect(rules[2]).toMatch(
      /-m recent --name (PODNET-SEP-\S+) --rcheck --seconds 77 --reap --rsource -j \1$/,
    );
    expect(rules[3]).toContain('--probability 0.5000000000');
  });

  test('each SEP chain masquerades hairpin traffic, records the client and DNATs to IP:targetPort', () => {
    const c = compileServices(view);
    const seps = c.chains.filter((x) => x.name.startsWith('PODNET-SEP-'));
    expect(seps).toHaveLength(2);
    const [first] = seps;
    expect(first?.rules.map((r) => r.join(' '))).toEqual([
      '-m comment --comment a/web:http -> a/w0 -s 10.244.1.10/32 -j PODNET-MARK-MASQ',
      `-m comment --comment a/web:http -> a/w0 -p tcp -m recent --name ${first?.name} --set --rsource -m tcp -j DNAT --to-destination 10.244.1.10:8080`,
    ]);
  });

  test('fault affinity-ignored: no recent rules at all', () => {
    const faulty = compileServices({ ...view, faults: ['affinity-ignored'] });
    expect(faulty.chains.flatMap((c) => c.rules).some((r) => r.includes('recent'))).toBe(false);
  });

  test('sibling ports get their own chains, even unnamed ones', () => {
    const two = svc({
      ports: [
        { protocol: 'TCP', port: 80, targetPort: 8080 },
        { protocol: 'TCP', port: 81, targetPort: 8080 },
        { protocol: 'UDP', port: 80, targetPort: 8080 },
      ],
    });
    const names = compileServices(fixtureView({ pods: backends(1), services: [two] })).chains.map(
      (c) => c.name,
    );
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n.startsWith('PODNET-SVC-'))).toHaveLength(3);
  });

  test('chain names carry the PODNET- prefix and fit iptables (28 characters)', () => {
    for (const c of compileServices(view).chains) {
      expect(c.name.startsWith('PODNET-')).toBe(true);
      expect(c.name.length).toBeLessThanOrEqual(28);
    }
  });
});
