// Coverage of one LB scenario (docs/rules.md "Coverage"): hand-made Services whose deciding features are
// known, checked by the area's own check on an in-process proxy (no root); one test per LB feature, and the
// verdicts each rule counts.
import { beforeAll, describe, expect, test } from 'vitest';
import { lbOptions } from '../../../oracle/lb/index.ts';
import type { ContainerPort, NetworkPolicy, Pod, Service } from '../../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../../spec/model.ts';
import type { ProxyMode } from '../../../spec/target.ts';
import { ScenarioCoverage } from '../../coverage.ts';
import { checkLbScenario } from './checkLbScenario.ts';
import { FakeLbTarget } from './fakeLbTarget.test-helpers.ts';
import { cachedPlan, DEFAULT_LB_AREA_OPTIONS } from './lbArea.ts';
import type { LbCheck } from './lbCheck.ts';
import { recordLbCoverage } from './lbCoverage.ts';
import type { LbScenario } from './lbScenario.ts';
import { lbPod, testCheckSettings } from './lbTesting.test-helpers.ts';

const lb = lbOptions();
const plan = (n: number) => cachedPlan(n, DEFAULT_LB_AREA_OPTIONS.plannedTests, lb);

const pod = lbPod;

const web = (port = 8080): ContainerPort[] => [{ name: 'web', containerPort: port, protocol: 'TCP' }];
const plain: ContainerPort[] = [{ name: 'http', containerPort: 8080, protocol: 'TCP' }];

interface Shape {
  readonly mode?: ProxyMode;
  readonly backends?: readonly Pod[];
  readonly service?: Partial<Service>;
  readonly policies?: readonly NetworkPolicy[];
}

function scenario(shape: Shape): LbScenario {
  const backends = shape.backends ?? [
    pod('b1', { app: 's1', zone: 'a' }, 'node-1', web()),
    pod('b2', { app: 's1', zone: 'b' }, 'node-2', web()),
  ];
  const clients = [
    pod('c1', { role: 'client', trusted: 'yes' }, 'node-1', plain),
    pod('c2', { role: 'client', trusted: 'no' }, 'node-2', plain),
  ];
  const service: Service = {
    namespace: 'lb',
    name: 's1',
    selector: { app: 's1' },
    ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }],
    sessionAffinity: 'None',
    affinityTimeoutSeconds: 10800,
    ...shape.service,
  };
  return {
    mode: shape.mode ?? 'random',
    clients: clients.map((c) => `lb/${c.name}`),
    cluster: {
      nodes: ['node-1', 'node-2'].map((name) => ({ name, labels: {}, segment: 0 })),
      namespaces: [{ name: 'lb', labels: { [NAMESPACE_NAME_LABEL]: 'lb' } }],
      pods: [...backends, ...clients],
      services: [service],
      policies: shape.policies ?? [],
    },
  };
}

async function checks(shape: Shape): Promise<readonly LbCheck[]> {
  const s = scenario(shape);
  const out = await checkLbScenario(s, new FakeLbTarget({ mode: s.mode }), testCheckSettings());
  return out.checks;
}

async function covered(shape: Shape): Promise<ScenarioCoverage> {
  const into = new ScenarioCoverage();
  recordLbCoverage(await checks(shape), into);
  return into;
}

const feature = (c: ScenarioCoverage, name: string) => c.features.get(`lb\u0000${name}`);
const rule = (c: ScenarioCoverage, id: string) => c.rules.get(`lb\u0000${id}`);

describe('LB features (docs/rules.md "Coverage")', () => {
  // Sample plans calibrate by simulation once per endpoint count; warm the cache outside the tests' timeout.
  beforeAll(() => {
    for (let n = 0; n <= 2; n++) plan(n);
  }, 60_000);

  test('mode random: LB-UNIFORM over the connections, counted once though two tests share them', async () => {
    const c = await covered({});
    const uniform = rule(c, 'LB-UNIFORM');
    expect(uniform?.probes).toBeGreaterThan(0);
    expect(uniform).toEqual({ probes: uniform?.probes, allow: uniform?.probes, deny: 0 });
    expect(uniform?.probes).toBe(Math.max(plan(2).goodnessOfFit.samples, plan(2).coverage, 20));
    expect(feature(c, 'mode random')).toBe(uniform?.probes);
    expect(feature(c, 'mode round-robin')).toBeUndefined();
  });

  test('mode round-robin: LB-RR-CYCLE per node', async () => {
    const c = await covered({ mode: 'round-robin' });
    expect(rule(c, 'LB-RR-CYCLE')?.probes).toBeGreaterThan(0);
    expect(feature(c, 'mode round-robin')).toBeGreaterThan(0);
  });

  test('affinity ClientIP: LB-AFFINITY', async () => {
    const c = await covered({ service: { sessionAffinity: 'ClientIP', affinityTimeoutSeconds: 30 } });
    expect(rule(c, 'LB-AFFINITY')?.probes).toBeGreaterThan(0);
    expect(feature(c, 'affinity ClientIP')).toBeGreaterThan(0);
    expect(feature(c, 'affinity None')).toBeUndefined();
  });

  test('affinity None', async () => {
    const c = await covered({});
    expect(feature(c, 'affinity None')).toBeGreaterThan(0);
    expect(rule(c, 'LB-AFFINITY')).toBeUndefined();
  });

  test('targetPort number', async () => {
    const c = await covered({});
    expect(feature(c, 'targetPort number')).toBeGreaterThan(0);
    expect(feature(c, 'targetPort name')).toBeUndefined();
  });

  test('targetPort name', async () => {
    const c = await covered({ service: { ports: [{ protocol: 'TCP', port: 80, targetPort: 'web' }] } });
    expect(feature(c, 'targetPort name')).toBeGreaterThan(0);
  });

  test('endpoint not ready: left out of the endpoints', async () => {
    const backends = [
      pod('b1', { app: 's1' }, 'node-1', web()),
      pod('b2', { app: 's1' }, 'node-2', web(), false),
    ];
    const c = await covered({ backends });
    expect(feature(c, 'endpoint not ready')).toBeGreaterThan(0);
    expect(feature(c, 'endpoint without the named port')).toBeUndefined();
  });

  test('endpoint without the named port: left out of the endpoints', async () => {
    const backends = [pod('b1', { app: 's1' }, 'node-1', web()), pod('b2', { app: 's1' }, 'node-2', plain)];
    const c = await covered({
      backends,
      service: { ports: [{ protocol: 'TCP', port: 80, targetPort: 'web' }] },
    });
    expect(feature(c, 'endpoint without the named port')).toBeGreaterThan(0);
  });

  test('policy after DNAT: LB-ELIGIBLE for a client admitted on only some endpoints', async () => {
    const zoneA: NetworkPolicy = {
      namespace: 'lb',
      name: 's1-zone-a-trusted-only',
      podSelector: { matchLabels: { app: 's1', zone: 'a' } },
      policyTypes: ['Ingress'],
      ingress: [{ peers: [{ podSelector: { matchLabels: { trusted: 'yes' } } }] }],
    };
    const found = await checks({ policies: [zoneA] });
    const c = new ScenarioCoverage();
    recordLbCoverage(found, c);
    const eligible = rule(c, 'LB-ELIGIBLE');
    expect(eligible?.probes).toBeGreaterThan(0);
    // The in-process proxy enforces no policy: every connection connected, so each counts as allow.
    expect(eligible).toEqual({ probes: eligible?.probes, allow: eligible?.probes, deny: 0 });
    expect(feature(c, 'policy after DNAT')).toBe(eligible?.probes);
    // Where the balancer picked a backend the policy refuses, the connection failed: a deny.
    const refused = new ScenarioCoverage();
    recordLbCoverage(
      found.map((k) =>
        k.rule === 'LB-ELIGIBLE'
          ? { ...k, detail: { ...k.detail, counts: { ...k.detail.counts, '(failed)': 4 } } }
          : k,
      ),
      refused,
    );
    expect(rule(refused, 'LB-ELIGIBLE')).toEqual({
      probes: eligible?.probes,
      allow: (eligible?.probes ?? 0) - 4,
      deny: 4,
    });
  });

  test('a Service port without endpoints: LB-NO-ENDPOINT-REJECT, every connection a deny', async () => {
    const c = await covered({ backends: [pod('b1', { app: 's1' }, 'node-1', web(), false)] });
    expect(rule(c, 'LB-NO-ENDPOINT-REJECT')).toEqual({ probes: 6, allow: 0, deny: 6 });
    expect(feature(c, 'endpoint not ready')).toBe(6);
  });
});
