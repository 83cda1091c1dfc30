/**
 * Runs one LB scenario on a target and judges it: realize the cluster, then, Service port by Service
 * port, predict with `oracle/lb`, open new connections from the client pods (one TCP connection per
 * sample, the backend named by its reply), and run the tests that fit the prediction (docs/research/lb.md §5.2: the
 * type first, then the parameters). Returns every test as an `LbCheck`; gating and Holm come later.
 */

import type {
  LbObservation,
  LbOptions,
  LbTestResult,
  SamplePlan,
  ServicePortPrediction,
} from '../../../oracle/lb/index.ts';
import {
  affinityWindows,
  evaluateServicePort,
  expectedSuccess,
  lbDetailOf,
  predictServicePort,
  type TimedSample,
} from '../../../oracle/lb/index.ts';
import type { LbFeature } from '../../../spec/coverageFeatures.ts';
import { addressFamily } from '../../../spec/ipFamily.ts';
import type { Cluster, ObjectKey, Pod, Service, ServicePort } from '../../../spec/model.ts';
import { keyOf } from '../../../spec/model.ts';
import type { SemanticProfile } from '../../../spec/profile.ts';
import type { ProbeDescription } from '../../../spec/results.ts';
import { clusterIPsOf } from '../../../spec/scenario.ts';
import type { ProbeRequest, ProbeResult, Target } from '../../../spec/target.ts';
import type { PolicyOracleFactory } from '../../policyOracle.ts';
import type { ManualProbe } from '../../targets/index.ts';
import type { LbCheck, LbCheckResult, LbRule } from './lbCheck.ts';
import type { LbScenario } from './lbScenario.ts';
import type { Outcome } from './successChecks.ts';
import { binomialSuccessTest, cycleSuccessTest, stickySuccessTest } from './successChecks.ts';

export interface LbCheckSettings {
  readonly lb: LbOptions;
  /** Sample plan for N eligible endpoints at the run's per-test level (cached by the caller). */
  readonly planFor: (endpoints: number) => SamplePlan;
  readonly oracleFactory: PolicyOracleFactory;
  readonly profile: SemanticProfile;
  readonly probeTimeoutMs: number;
  readonly concurrency: number;
  /** Times a probe whose machinery failed (`error`) is retried where order does not matter. */
  readonly retries: number;
  /** Connections per client to a Service port without endpoints (each must be refused). */
  readonly rejectProbes: number;
  /** The by-hand command for one probe (runner/targets). */
  readonly probeCommand: (probe: ManualProbe) => string;
  readonly signal?: AbortSignal;
}

/** What the target enforces: without NetworkPolicy enforcement every eligible endpoint admits every client. */
export interface LbTargetTraits {
  readonly policyEnforced: boolean;
}

export interface LbScenarioOutcome {
  readonly checks: readonly LbCheck[];
  readonly probes: number;
  /** Tests left unjudged because a probe's machinery failed, or a verdict the policy oracle leaves undefined. */
  readonly inconclusive: number;
}

interface PortContext {
  readonly scenario: LbScenario;
  readonly service: Service;
  readonly servicePort: ServicePort;
  readonly host: string;
  readonly pods: readonly Pod[];
  readonly base: ServicePortPrediction;
  readonly members: readonly ObjectKey[];
  readonly plan: SamplePlan;
}

interface ClientView {
  readonly pod: Pod;
  readonly key: ObjectKey;
  readonly prediction: ServicePortPrediction;
  /** Eligible endpoints the policy oracle admits this client on. */
  readonly allowed: ReadonlySet<ObjectKey>;
}

/** Realizes `scenario` on `target` and runs every LB test it calls for. */
export async function checkLbScenario(
  scenario: LbScenario,
  target: Target,
  settings: LbCheckSettings,
  traits: LbTargetTraits = { policyEnforced: true },
): Promise<LbScenarioOutcome> {
  const realized = await target.sync(scenario.cluster, settings.signal ? { signal: settings.signal } : {});
  const pods = scenario.cluster.pods.map((p) => ({ ...p, ips: realized.podIPs[keyOf(p)] ?? [] }));
  const services = scenario.cluster.services.map((s) => {
    const ip = realized.serviceIPs[keyOf(s)];
    return ip !== undefined ? { ...s, clusterIP: ip } : s;
  });
  const cluster: Cluster = { ...scenario.cluster, pods, services };
  const oracle = settings.oracleFactory(cluster, settings.profile);
  const prober = new Prober(target, settings);
  const checks: LbCheck[] = [];
  let inconclusive = 0;
  // A dual-stack Service is checked at each ClusterIP: kube-proxy balances each family on its own
  // (one proxier per family, pkg/proxy/iptables/proxier.go NewDualStackProxier).
  const ports = services.flatMap((service) =>
    clusterIPsOf(realized, keyOf(service)).flatMap((host) =>
      service.ports.map((servicePort) => ({ service, servicePort, host })),
    ),
  );
  for (const { service, servicePort, host } of ports) {
    if (settings.signal?.aborted) break;
    const family = addressFamily(host);
    const base = predictServicePort({ service, port: servicePort.port, pods, mode: scenario.mode });
    const members = base.eligible.endpoints.map((e) => e.pod);
    const ctx: PortContext = {
      scenario,
      service,
      servicePort,
      host,
      pods,
      base,
      members,
      plan: settings.planFor(members.length),
    };
    const clients: ClientView[] = [];
    for (const key of scenario.clients) {
      const pod = pods.find((p) => keyOf(p) === key);
      if (!pod) continue;
      const prediction = predictServicePort({
        service,
        port: servicePort.port,
        pods,
        mode: scenario.mode,
        client: { pod: key },
      });
      const verdicts = base.eligible.endpoints.map((e) => ({
        pod: e.pod,
        verdict: traits.policyEnforced
          ? oracle.judge(key, e.pod, e.port, servicePort.protocol, family).verdict
          : 'allow',
      }));
      // A cell the API leaves undefined cannot be judged: leave the client out of this port.
      if (verdicts.some((v) => v.verdict === 'undefined')) {
        inconclusive++;
        continue;
      }
      const allowed = new Set(verdicts.filter((v) => v.verdict === 'allow').map((v) => v.pod));
      clients.push({ pod, key, prediction, allowed });
    }
    if (clients.length === 0) continue;
    const r = await checkPort(ctx, clients, prober, settings);
    checks.push(...r.checks);
    inconclusive += r.inconclusive;
  }
  return { checks, probes: prober.sent, inconclusive };
}

/** What each check of one Service port works with: its clients, split by what the policy admits. */
interface PortRun {
  readonly ctx: PortContext;
  readonly clients: readonly ClientView[];
  /** Clients the policy admits on every eligible endpoint. */
  readonly full: readonly ClientView[];
  /** Clients the policy admits on only some. */
  readonly partial: readonly ClientView[];
  readonly prober: Prober;
  readonly settings: LbCheckSettings;
  readonly make: Make;
  readonly n: number;
}

type Affinity = NonNullable<PortContext['base']['affinity']>;

interface PortChecks {
  checks: LbCheck[];
  inconclusive: number;
}

/** The checks of one Service port, by what kube-proxy should do with new connections to it. */
function checkPort(
  ctx: PortContext,
  clients: readonly ClientView[],
  prober: Prober,
  settings: LbCheckSettings,
): Promise<PortChecks> {
  const { base, members } = ctx;
  const run: PortRun = {
    ctx,
    clients,
    full: clients.filter((c) => members.every((m) => c.allowed.has(m))),
    partial: clients.filter((c) => !members.every((m) => c.allowed.has(m))),
    prober,
    settings,
    make: checkMaker(ctx, settings),
    n: members.length,
  };
  if (base.newConnections.kind === 'reject') return checkReject(run);
  if (base.affinity) return checkAffinity(run, base.affinity);
  if (base.newConnections.kind === 'uniform') return checkUniform(run);
  return checkRoundRobin(run);
}

/** No eligible endpoint: every new connection must be refused (REJECT). */
async function checkReject(run: PortRun): Promise<PortChecks> {
  const { ctx, clients, prober, settings, make } = run;
  const { base } = ctx;
  const checks: LbCheck[] = [];
  const requests = clients.flatMap((c) =>
    Array.from({ length: settings.rejectProbes }, () => prober.request(c.key, ctx)),
  );
  const results = await prober.concurrent(requests);
  if (results.some((r) => r.outcome === 'error')) return { checks, inconclusive: 1 };
  const counts: Record<string, number> = {};
  for (const r of results) {
    const k = r.outcome === 'connected' ? (r.servedBy ?? '(unknown)') : `(${r.outcome})`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  const wrong = results.filter((r) => r.outcome !== 'refused').length;
  checks.push(
    make({
      rule: 'LB-NO-ENDPOINT-REJECT',
      scope: 'all clients',
      kind: results.some((r) => r.outcome === 'connected') ? 'mismatch' : 'block',
      prediction: base,
      result: {
        test: 'reject-when-no-endpoint',
        statistic: wrong,
        pValue: wrong > 0 ? 0 : 1,
        samples: results.length,
        falseAlarm: 0,
        method: `${wrong} of ${results.length} connection(s) not refused`,
      },
      counts,
      expectedShares: { '(refused)': 1 },
      expected:
        'every new connection is refused (the Service has no eligible endpoint: REJECT, docs/research/lb.md §2.6)',
      observed: describeCounts(counts),
      timeouts: timeoutsIn(results),
    }),
  );
  return { checks, inconclusive: 0 };
}

/** ClientIP affinity: each client stays on one endpoint per window; partly admitted clients stick. */
async function checkAffinity(run: PortRun, affinity: Affinity): Promise<PortChecks> {
  const { ctx, clients, full, partial, prober, settings, make, n } = run;
  const { base, plan } = ctx;
  const checks: LbCheck[] = [];
  let inconclusive = 0;
  const timed = new Map<ObjectKey, { samples: TimedSample[]; outcomes: Outcome[]; timeouts: number }>();
  const perWindow = Number.isFinite(plan.affinityPerWindow) ? plan.affinityPerWindow : 3;
  const runs = await Promise.all(clients.map((c) => prober.sequential(c.key, ctx, perWindow)));
  clients.forEach((c, i) => {
    const run = runs[i] as SequentialRun;
    if (run.error) {
      inconclusive++;
      return;
    }
    const key = c.prediction.affinity?.key ?? c.key;
    timed.set(c.key, {
      timeouts: timeoutsIn(run.results),
      samples: run.results.map((r, j) => ({
        key,
        atSeconds: (run.startedAt[j] as number) / 1000,
        backend: backendOf(r) ?? '(failed)',
      })),
      outcomes: run.results.map(backendOf),
    });
  });
  const fullTimed = full.flatMap((c) => timed.get(c.key)?.samples ?? []);
  if (fullTimed.length > 0) {
    const observation: LbObservation = { backends: fullTimed.map((s) => s.backend), timed: fullTimed };
    const [result] = evaluateServicePort(base, observation, plan.alphaPerTest, settings.lb);
    if (result) {
      const windows = affinityWindows(fullTimed, affinity.timeoutSeconds, settings.lb.affinitySlackSeconds);
      checks.push(
        make({
          rule: 'LB-AFFINITY',
          scope: scopeOf(full),
          kind: 'distribution',
          prediction: base,
          result: fromOracle(result, n),
          observation,
          expected: `under ClientIP affinity each client's new connections within ${affinity.timeoutSeconds}s stay on one endpoint`,
          observed: `${result.statistic} of ${windows.length} client window(s) hit more than one endpoint: ${windows.map((w) => [...new Set(w)].join('+')).join(' | ')}`,
          timeouts: full.reduce((t, c) => t + (timed.get(c.key)?.timeouts ?? 0), 0),
        }),
      );
    }
  }
  for (const c of partial) {
    const t = timed.get(c.key);
    if (!t) continue;
    const windows = [t.outcomes];
    const result = stickySuccessTest(windows, c.allowed);
    checks.push(
      eligibleCheck(make, c, ctx, result, t.outcomes, t.timeouts, 'sticky', [
        'ClientIP affinity: the sticky entry is set in nat before the filter drops, so a client stuck on a backend the policy refuses keeps failing until it expires',
      ]),
    );
  }
  return { checks, inconclusive };
}

/** Random (iptables) balancing: a uniform spread for fully admitted clients, a success rate for the rest. */
async function checkUniform(run: PortRun): Promise<PortChecks> {
  const { ctx, full, partial, prober, settings, make, n } = run;
  const { base, plan } = ctx;
  const checks: LbCheck[] = [];
  const samples = Math.max(plan.goodnessOfFit.samples, plan.coverage, 20);
  if (full.length > 0) {
    const results = await prober.pooled(
      full.map((c) => c.key),
      ctx,
      samples,
    );
    const observation: LbObservation = { backends: results.map(backendOf) };
    const tests = evaluateServicePort(base, observation, plan.alphaPerTest, settings.lb);
    for (const t of tests) {
      checks.push(
        make({
          rule: 'LB-UNIFORM',
          scope: scopeOf(full),
          kind: 'distribution',
          prediction: base,
          result: fromOracle(t, n),
          observation,
          histogram: t.test !== 'coverage',
          expected:
            t.test === 'coverage'
              ? `every one of the ${n} eligible endpoints answers, and no other pod`
              : `new connections spread uniformly over the ${n} eligible endpoints (1/${n} each)`,
          observed: describeCounts(lbDetailOf(base, observation, t).counts),
          timeouts: timeoutsIn(results),
        }),
      );
    }
  }
  const groups = groupByAllowed(partial);
  for (const group of groups) {
    const results = await prober.pooled(
      group.map((c) => c.key),
      ctx,
      samples,
    );
    const outcomes = results.map(backendOf);
    const first = group[0] as ClientView;
    const success = expectedSuccess(first.prediction, first.allowed);
    const result = binomialSuccessTest(outcomes, first.allowed, success.rate, plan.alphaPerTest);
    checks.push(
      eligibleCheck(make, first, ctx, result, outcomes, timeoutsIn(results), 'independent', [], group),
    );
  }
  return { checks, inconclusive: 0 };
}

/** Round-robin (ipvs rr): one counter per node and Service port, so each node's connections are one sequence. */
async function checkRoundRobin(run: PortRun): Promise<PortChecks> {
  const { ctx, clients, full, partial, prober, settings, make, n } = run;
  const { base, members, plan } = ctx;
  const checks: LbCheck[] = [];
  let inconclusive = 0;
  // Round-robin: one counter per node and Service port, so each node's connections are one sequence.
  const length = Math.max(plan.roundRobin, 2 * n, 4);
  const nodes = [...new Set(clients.map((c) => c.pod.nodeName ?? '?'))].sort();
  const perNode = await Promise.all(
    nodes.map(async (node) => {
      const out: { checks: LbCheck[]; inconclusive: number } = { checks: [], inconclusive: 0 };
      const here = full.filter((c) => (c.pod.nodeName ?? '?') === node);
      if (here.length > 0) {
        const run = await prober.interleaved(
          here.map((c) => c.key),
          ctx,
          length,
        );
        if (run.error) out.inconclusive++;
        else {
          const observation: LbObservation = { backends: run.results.map(backendOf) };
          const tests = evaluateServicePort({ ...base, node }, observation, plan.alphaPerTest, settings.lb);
          for (const t of tests) {
            out.checks.push(
              make({
                rule: 'LB-RR-CYCLE',
                scope: `node ${node}`,
                kind: 'distribution',
                prediction: base,
                result: fromOracle(t, n),
                observation,
                histogram: t.test !== 'coverage',
                expected:
                  t.test === 'coverage'
                    ? `every one of the ${n} eligible endpoints answers within ${n} consecutive connections through ${node}`
                    : `consecutive new connections through ${node} cycle through all ${n} eligible endpoints (docs/research/lb.md §7.5)`,
                observed: `sequence through ${node}: ${observation.backends.map((b) => b ?? '(failed)').join(' ')}`,
                timeouts: timeoutsIn(run.results),
              }),
            );
          }
        }
      }
      // Clients that the policy admits on only some backends: each alone, so its block of the cycle is contiguous.
      for (const c of partial.filter((p) => (p.pod.nodeName ?? '?') === node)) {
        const run = await prober.sequential(c.key, ctx, length);
        if (run.error) {
          out.inconclusive++;
          continue;
        }
        const outcomes = run.results.map(backendOf);
        const admitted = members.filter((m) => c.allowed.has(m)).length;
        out.checks.push(
          eligibleCheck(
            make,
            c,
            ctx,
            cycleSuccessTest(outcomes, c.allowed, n, admitted),
            outcomes,
            timeoutsIn(run.results),
            'cycle',
            [],
          ),
        );
      }
      return out;
    }),
  );
  for (const r of perNode) {
    checks.push(...r.checks);
    inconclusive += r.inconclusive;
  }
  return { checks, inconclusive };
}

type Make = ReturnType<typeof checkMaker>;

function eligibleCheck(
  make: Make,
  client: ClientView,
  ctx: PortContext,
  result: LbCheckResult,
  outcomes: readonly Outcome[],
  timeouts: number,
  pattern: 'independent' | 'cycle' | 'sticky',
  extra: readonly string[],
  group: readonly ClientView[] = [client],
): LbCheck {
  const success = expectedSuccess(client.prediction, client.allowed);
  const counts: Record<string, number> = {};
  for (const m of ctx.members) counts[m] = 0;
  for (const o of outcomes) {
    const k = o ?? '(failed)';
    counts[k] = (counts[k] ?? 0) + 1;
  }
  const expectedShares: Record<string, number> = {};
  for (const m of ctx.members) expectedShares[m] = client.allowed.has(m) ? 1 / ctx.members.length : 0;
  if (success.blocked.length > 0) expectedShares['(failed)'] = success.blocked.length / ctx.members.length;
  const s = outcomes.filter((o) => o !== null).length;
  return make({
    rule: 'LB-ELIGIBLE',
    scope: scopeOf(group),
    kind: result.method.startsWith('backends the policy does not admit') ? 'leak' : 'distribution',
    prediction: client.prediction,
    result,
    counts,
    expectedShares,
    extraExplanation: [
      `the policy oracle admits ${scopeOf(group)} on ${success.allowed.join(', ') || 'no endpoint'} and refuses ${success.blocked.join(', ') || 'none'}; policy applies after DNAT`,
      ...extra,
    ],
    expected: `${pattern === 'sticky' ? 'each affinity window all connects or all fails' : `a share ${fmtRate(success.rate)} of new connections connects`} (${success.allowed.length} of ${ctx.members.length} eligible endpoints admitted), and only admitted backends answer`,
    observed: `${s} of ${outcomes.length} connected; ${describeCounts(counts)}`,
    timeouts,
  });
}

interface MakeInput {
  readonly rule: LbRule;
  readonly scope: string;
  readonly kind: LbCheck['kind'];
  readonly prediction: ServicePortPrediction;
  readonly result: LbCheckResult;
  readonly observation?: LbObservation;
  readonly counts?: Readonly<Record<string, number>>;
  readonly expectedShares?: Readonly<Record<string, number>>;
  readonly histogram?: boolean;
  readonly expected: string;
  readonly observed: string;
  readonly extraExplanation?: readonly string[];
  /** Connections of this test that timed out (a busy machine can stall a prober past its timeout). */
  readonly timeouts: number;
}

/**
 * The features every check of a Service port rests on: the proxy mode, affinity, how the targetPort is
 * given, and why selected pods were left out of the endpoints (docs/rules.md "Coverage").
 */
function portFeatures(ctx: PortContext): LbFeature[] {
  const out: LbFeature[] = [
    ctx.scenario.mode === 'random' ? 'mode random' : 'mode round-robin',
    ctx.base.affinity ? 'affinity ClientIP' : 'affinity None',
    typeof ctx.servicePort.targetPort === 'string' ? 'targetPort name' : 'targetPort number',
  ];
  if (addressFamily(ctx.host) === 6) out.push('IPv6 ClusterIP');
  const why = new Set(ctx.base.eligible.excluded.map((x) => x.why));
  if (why.has('not-ready')) out.push('endpoint not ready');
  if (why.has('no-port')) out.push('endpoint without the named port');
  return out;
}

function checkMaker(ctx: PortContext, settings: LbCheckSettings) {
  const serviceKey = keyOf(ctx.service);
  const features = portFeatures(ctx);
  // The IPv6 ClusterIP of a dual-stack Service is a test of its own (IPv4 is the unmarked default).
  const family = addressFamily(ctx.host) === 6 ? ' IPv6' : '';
  const firstClient = ctx.scenario.clients[0] ?? '?';
  const probe: ProbeDescription = {
    from: firstClient,
    to: `svc:${serviceKey}`,
    host: ctx.host,
    port: ctx.servicePort.port,
    protocol: ctx.servicePort.protocol,
    command: settings.probeCommand({
      from: firstClient,
      host: ctx.host,
      port: ctx.servicePort.port,
      protocol: ctx.servicePort.protocol,
    }),
  };
  return (input: MakeInput): LbCheck => {
    const fromObservation =
      input.observation && !input.counts
        ? lbDetailOf(input.prediction, input.observation, asOracleResult(input.result))
        : undefined;
    const counts = input.counts ?? fromObservation?.counts ?? {};
    const expectedShares = input.expectedShares ?? fromObservation?.expectedShares ?? {};
    const mode = input.prediction.affinity ? `${ctx.scenario.mode}+ClientIP` : ctx.scenario.mode;
    const r = input.result;
    const errorLine =
      r.falseAlarm > 0
        ? `false-alarm rate ${fmtRate(r.falseAlarm)} per test before Holm`
        : 'exact prediction: no false alarm given the model (stable endpoints, no other traffic)';
    return {
      id: `${serviceKey}:${ctx.servicePort.port}${family} ${input.rule} ${r.test} ${input.scope}`,
      rule: input.rule,
      service: serviceKey,
      port: ctx.servicePort.port,
      mode: ctx.scenario.mode,
      scope: input.scope,
      result: r,
      statistical: r.falseAlarm > 0,
      kind: input.kind,
      detail: {
        service: serviceKey,
        port: ctx.servicePort.port,
        mode: `${mode} · ${input.scope}${family}`,
        test: r.test,
        counts,
        expectedShares,
        statistic: r.statistic,
        pValue: r.pValue,
      },
      expected: input.expected,
      observed: input.observed,
      explanation: [
        ...input.prediction.explanation,
        ...(input.extraExplanation ?? []),
        `${r.test}: ${r.method}; statistic ${fmtRate(r.statistic)}, p = ${fmtRate(r.pValue)} over ${r.samples} connection(s); ${errorLine}${r.miss !== undefined ? `; miss rate ${fmtRate(r.miss)} against ${r.alternative ?? 'the alternative'}` : ''}`,
      ],
      probe,
      histogram: input.histogram ?? true,
      timeouts: input.timeouts,
      features: input.rule === 'LB-ELIGIBLE' ? [...features, 'policy after DNAT'] : features,
    };
  };
}

/** The oracle's result in the area's shape; with one endpoint there is nothing random left (p in {0, 1}). */
function fromOracle(t: LbTestResult, endpoints: number): LbCheckResult {
  return {
    test: t.test,
    statistic: t.statistic,
    pValue: t.pValue,
    samples: t.samples,
    falseAlarm: endpoints < 2 ? 0 : t.errorRate.falseAlarm,
    ...(t.errorRate.miss !== undefined ? { miss: t.errorRate.miss } : {}),
    ...(t.errorRate.alternative !== undefined ? { alternative: t.errorRate.alternative } : {}),
    method: t.method,
  };
}

function asOracleResult(r: LbCheckResult): LbTestResult {
  return {
    test: 'coverage',
    statistic: r.statistic,
    pValue: r.pValue,
    alpha: r.falseAlarm,
    reject: false,
    samples: r.samples,
    errorRate: { falseAlarm: r.falseAlarm },
    method: r.method,
  };
}

function timeoutsIn(results: readonly ProbeResult[]): number {
  return results.filter((r) => r.outcome === 'timeout').length;
}

function backendOf(r: ProbeResult): Outcome {
  if (r.outcome !== 'connected') return null;
  return r.servedBy ?? '(unknown reply)';
}

function groupByAllowed(clients: readonly ClientView[]): ClientView[][] {
  const groups = new Map<string, ClientView[]>();
  for (const c of clients) {
    const sig = [...c.allowed].sort().join(',');
    groups.set(sig, [...(groups.get(sig) ?? []), c]);
  }
  return [...groups.values()];
}

function scopeOf(clients: readonly ClientView[]): string {
  return clients.length === 1
    ? `client ${clients[0]?.key}`
    : `clients ${clients.map((c) => c.key).join(',')}`;
}

function describeCounts(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}

function fmtRate(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v);
}

interface SequentialRun {
  readonly results: readonly ProbeResult[];
  /** ms since the epoch at which each connection was started. */
  readonly startedAt: readonly number[];
  /** A probe's machinery failed: the sequence cannot be judged. */
  readonly error: boolean;
}

/** Sends the area's probes: concurrent where samples are independent, one at a time where order matters. */
class Prober {
  sent = 0;
  private seq = 0;
  constructor(
    private readonly target: Target,
    private readonly settings: LbCheckSettings,
  ) {}

  request(from: ObjectKey, ctx: PortContext): ProbeRequest {
    return {
      id: `lb${++this.seq}`,
      from,
      host: ctx.host,
      port: ctx.servicePort.port,
      protocol: ctx.servicePort.protocol,
      timeoutMs: this.settings.probeTimeoutMs,
    };
  }

  /** Independent samples: machinery errors are retried (order does not matter for i.i.d. draws). */
  async concurrent(requests: readonly ProbeRequest[]): Promise<ProbeResult[]> {
    const opts = {
      concurrency: this.settings.concurrency,
      ...(this.settings.signal ? { signal: this.settings.signal } : {}),
    };
    this.sent += requests.length;
    const results = await this.target.probe(requests, opts);
    for (let attempt = 0; attempt < this.settings.retries; attempt++) {
      const failed = results.map((r, i) => (r.outcome === 'error' ? i : -1)).filter((i) => i >= 0);
      if (failed.length === 0) break;
      this.sent += failed.length;
      const again = await this.target.probe(
        failed.map((i) => requests[i] as ProbeRequest),
        opts,
      );
      failed.forEach((i, j) => {
        results[i] = again[j] as ProbeResult;
      });
    }
    return results;
  }

  /** `samples` connections spread over `clients`, concurrently; machinery failures are dropped. */
  async pooled(clients: readonly ObjectKey[], ctx: PortContext, samples: number): Promise<ProbeResult[]> {
    const requests = Array.from({ length: samples }, (_, i) =>
      this.request(clients[i % clients.length] as ObjectKey, ctx),
    );
    return (await this.concurrent(requests)).filter((r) => r.outcome !== 'error');
  }

  /** `length` connections from one client, one after another. */
  sequential(client: ObjectKey, ctx: PortContext, length: number): Promise<SequentialRun> {
    return this.interleaved([client], ctx, length);
  }

  /** `length` connections taking turns among `clients`, strictly one after another. */
  async interleaved(clients: readonly ObjectKey[], ctx: PortContext, length: number): Promise<SequentialRun> {
    const results: ProbeResult[] = [];
    const startedAt: number[] = [];
    for (let i = 0; i < length; i++) {
      if (this.settings.signal?.aborted) return { results, startedAt, error: true };
      startedAt.push(Date.now());
      this.sent += 1;
      const [r] = await this.target.probe([this.request(clients[i % clients.length] as ObjectKey, ctx)], {
        concurrency: 1,
        ...(this.settings.signal ? { signal: this.settings.signal } : {}),
      });
      if (!r || r.outcome === 'error') return { results, startedAt, error: true };
      results.push(r);
    }
    return { results, startedAt, error: false };
  }
}
