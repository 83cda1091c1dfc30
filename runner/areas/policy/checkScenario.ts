/**
 * Run one scenario on the target: realize its initial state, then apply each step, checking after each.
 * Symbolic ipBlocks are resolved against the addresses the target assigned (two-phase sync: pods first,
 * then policies), so a shrunk scenario still means what it meant.
 */
import type { Cluster, NetworkPolicy, Protocol } from '../../../spec/model.ts';
import type { SemanticProfile } from '../../../spec/profile.ts';
import type {
  FlannelNetConf,
  Realized,
  Scenario,
  ScenarioCluster,
  ScenarioPolicy,
  Step,
} from '../../../spec/scenario.ts';
import { applyStep, describeStep } from '../../../spec/steps.ts';
import type { Target } from '../../../spec/target.ts';
import { timed, timedSync } from '../../../spec/timing.ts';
import type { PolicyOracle, PolicyOracleFactory } from '../../policyOracle.ts';
import type { StateCheck, StateCheckOptions } from './checkState.ts';
import { checkState, isFailing } from './checkState.ts';
import type { PlannedProbe } from './probePlan.ts';
import { planProbes } from './probePlan.ts';

export type PolicyResolver = (policies: readonly ScenarioPolicy[], realized: Realized) => NetworkPolicy[];

export interface ScenarioDeps {
  readonly target: Target;
  readonly oracleFactory: PolicyOracleFactory;
  readonly resolvePolicies: PolicyResolver;
}

export interface ScenarioCheckOptions extends StateCheckOptions {
  readonly profile: SemanticProfile;
  readonly protocols: readonly Protocol[];
  readonly probeTimeoutMs: number;
  readonly maxProbesPerState: number;
  readonly checkModel: boolean;
  readonly seed: number;
  readonly netConf?: FlannelNetConf;
}

export interface StateOutcome {
  /** 0 for the initial state, k after step k. */
  readonly stateIndex: number;
  /** The step that led to this state (absent for the initial state). */
  readonly step?: Step;
  readonly stepDescription?: string;
  readonly cluster: Cluster;
  readonly realized: Realized;
  readonly probes: readonly PlannedProbe[];
  readonly check: StateCheck;
  readonly unsupportedProbes: number;
  /** The oracle of the state before `step`: which verdicts the step changed (coverage of NP-STEP). */
  readonly before?: PolicyOracle;
}

export interface ScenarioOutcome {
  readonly states: readonly StateOutcome[];
  readonly failed: boolean;
  readonly probesSent: number;
}

/** The concrete cluster for a scenario state, with ipBlocks resolved against `realized`. */
function concretize(
  cluster: ScenarioCluster,
  realized: Realized | undefined,
  resolve: PolicyResolver,
): Cluster {
  return { ...cluster, policies: realized ? resolve(cluster.policies, realized) : [] };
}

export async function checkScenario(
  scenario: Scenario,
  deps: ScenarioDeps,
  options: ScenarioCheckOptions,
): Promise<ScenarioOutcome> {
  const states: StateOutcome[] = [];
  let probesSent = 0;
  let realized: Realized | undefined;
  let before: PolicyOracle | undefined;
  let current = scenario.cluster;
  await timed('runner.begin-scenario', async () => deps.target.beginScenario?.());
  const syncOpts = {
    ...(options.netConf ? { netConf: options.netConf } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  for (let k = 0; k <= scenario.steps.length; k++) {
    const step = k > 0 ? scenario.steps[k - 1] : undefined;
    if (step) current = applyStep(current, step);
    // Phase 1: pods (and policies resolved against the addresses known so far).
    let cluster = concretize(current, realized, deps.resolvePolicies);
    realized = await timed('runner.sync', () => deps.target.sync(cluster, syncOpts));
    // Phase 2: re-resolve against the real addresses; sync again only if that changed the policies.
    const resolved = concretize(current, realized, deps.resolvePolicies);
    if (JSON.stringify(resolved.policies) !== JSON.stringify(cluster.policies)) {
      cluster = resolved;
      realized = await timed('runner.sync', () => deps.target.sync(cluster, syncOpts));
    }
    const plan = timedSync('runner.plan', () =>
      planProbes(withIPs(cluster, realized as Realized), realized as Realized, {
        protocols: options.protocols,
        timeoutMs: options.probeTimeoutMs,
        maxProbes: options.maxProbesPerState,
        viaServices: scenario.traffic.viaServices,
        outside: options.checkModel,
        fromNodes: options.checkModel,
        seed: options.seed + k,
      }),
    );
    const oracle = timedSync('runner.oracle', () =>
      deps.oracleFactory(withIPs(cluster, realized as Realized), options.profile),
    );
    const check = await checkState(
      deps.target,
      withIPs(cluster, realized),
      realized,
      oracle,
      plan.probes,
      options,
      options.checkModel,
    );
    probesSent += check.probesSent;
    states.push({
      stateIndex: k,
      ...(step ? { step, stepDescription: describeStep(step) } : {}),
      cluster: withIPs(cluster, realized),
      realized,
      probes: plan.probes,
      check,
      unsupportedProbes: plan.unsupported,
      ...(before ? { before } : {}),
    });
    before = oracle;
    if (check.judgements.some(isFailing) || check.staticViolations.length > 0) {
      return { states, failed: true, probesSent };
    }
    if (options.signal?.aborted) break;
  }
  return { states, failed: false, probesSent };
}

/** The cluster with each pod's IPs as the target assigned them (the oracle matches ipBlocks on them). */
function withIPs(cluster: Cluster, realized: Realized): Cluster {
  return {
    ...cluster,
    pods: cluster.pods.map((p) => ({ ...p, ips: realized.podIPs[`${p.namespace}/${p.name}`] ?? p.ips })),
    nodes: cluster.nodes.map((n) => {
      const podCIDR = realized.nodeSubnets[n.name];
      const internalIP = realized.nodeIPs[n.name];
      return { ...n, ...(podCIDR ? { podCIDR } : {}), ...(internalIP ? { internalIP } : {}) };
    }),
    services: cluster.services.map((s) => {
      const ip = realized.serviceIPs[`${s.namespace}/${s.name}`];
      return ip ? { ...s, clusterIP: ip } : s;
    }),
  };
}
