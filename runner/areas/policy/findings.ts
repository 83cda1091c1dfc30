/**
 * Turns the failing state of a (shrunk) scenario into findings a person can act on: the worst probe,
 * the truth table around it, the oracle's reasons, the minimal YAML with the steps that led there,
 * and the commands to replay it.
 */

import type { Cluster } from '../../../spec/model.ts';
import { keyOf } from '../../../spec/model.ts';
import type { Area, Finding, TruthCell } from '../../../spec/results.ts';
import { ruleInfo } from '../../../spec/rules.ts';
import type { Scenario, Step } from '../../../spec/scenario.ts';
import { describeStep, scenarioSize } from '../../../spec/steps.ts';
import type { FindingKind } from '../../../spec/verdict.ts';
import type { ManualProbe } from '../../targets/index.ts';
import type { StateOutcome } from './checkScenario.ts';
import { isFailing } from './checkState.ts';
import type { ProbeJudgement } from './judge.ts';

const SEVERITY: Readonly<Record<string, number>> = {
  leak: 0,
  block: 1,
  mismatch: 2,
  distribution: 3,
  inconclusive: 4,
};

export interface FindingContext {
  readonly seed: number;
  readonly path: string;
  readonly scenario: Scenario;
  readonly states: readonly StateOutcome[];
  readonly numShrinks: number;
  /** Cuts the structural reduction pass kept after fast-check's shrink (see reduce.ts). */
  readonly reductions?: number;
  readonly toYaml: (cluster: Cluster) => string;
  readonly resultsPath: string;
  /** The by-hand command for one probe on the target that ran it (runner/targets). */
  readonly probeCommand: (probe: ManualProbe) => string;
  readonly nextId: () => string;
}

/**
 * The failure the first finding of a state reports, as `rule|kind`: a static model violation first, else
 * the worst-kind failing probe (the order `buildFindings` uses). Undefined when the state did not fail.
 */
export function primaryFailure(state: StateOutcome | undefined): string | undefined {
  if (!state) return undefined;
  const v = state.check.staticViolations[0];
  if (v) return `${v.rule}|mismatch`;
  const failing = state.check.judgements.filter(isFailing);
  failing.sort((a, b) => (SEVERITY[a.kind] ?? 9) - (SEVERITY[b.kind] ?? 9));
  const worst = failing[0];
  return worst ? `${worst.rule}|${worst.kind}` : undefined;
}

/** Findings of the last (failing) state: one per distinct (rule, kind), worst probe first. */
export function buildFindings(ctx: FindingContext): Finding[] {
  const state = ctx.states[ctx.states.length - 1];
  if (!state) return [];
  const findings: Finding[] = [];
  const yaml = scenarioYaml(ctx);
  const size = scenarioSize(ctx.scenario);
  const shrink = {
    steps: ctx.numShrinks + (ctx.reductions ?? 0),
    pods: size.pods,
    policies: size.policies,
    changes: size.steps,
  };
  const namespaces = ctx.scenario.cluster.namespaces.map((n) => n.name);
  const base = {
    seed: ctx.seed,
    path: ctx.path,
    scenarioYaml: yaml,
    scenario: ctx.scenario,
    shrink,
    namespaces,
    // A failing state did not converge: say how long it was polled instead of calling that convergence.
    ...(state.check.converged && state.check.convergenceMs !== undefined
      ? { convergenceMs: state.check.convergenceMs }
      : {}),
  };
  const after = state.stepDescription ? ` (after step ${state.stateIndex}: ${state.stepDescription})` : '';

  for (const v of state.check.staticViolations) {
    const id = ctx.nextId();
    findings.push({
      ...base,
      id,
      area: 'model',
      rule: v.rule,
      ...ruleTitle(v.rule),
      kind: 'mismatch',
      title: `${v.rule}: ${v.detail}${after}`,
      expected: ruleInfo(v.rule)?.statement ?? v.rule,
      observed: v.detail,
      replayCommand: replayCommand(ctx.resultsPath, id),
    });
  }

  const failing = state.check.judgements.filter(isFailing);
  const groups = new Map<string, ProbeJudgement[]>();
  for (const j of failing) {
    const key = `${j.rule}|${j.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), j]);
  }
  const ordered = [...groups.values()].sort(
    (a, b) => (SEVERITY[a[0]!.kind] ?? 9) - (SEVERITY[b[0]!.kind] ?? 9),
  );
  for (const group of ordered) {
    const worst = group[0]!;
    const id = ctx.nextId();
    const { request, dest } = worst.probe;
    const to = dest.kind === 'pod' ? dest.pod : dest.kind === 'service' ? `svc:${dest.service}` : 'outside';
    // The catalogue says which area a rule belongs to (a model rule judged on a policy probe is a model finding).
    const area: Area = ruleInfo(worst.rule)?.area ?? 'policy';
    const observed = describeObserved(worst);
    const others = group.length > 1 ? ` (+${group.length - 1} more cells)` : '';
    findings.push({
      ...base,
      id,
      area,
      rule: worst.rule,
      ...ruleTitle(worst.rule),
      kind: worst.kind as FindingKind,
      title: `${worst.kind}: ${request.from} → ${to} ${request.port}/${request.protocol}${after}${others}`,
      expected:
        worst.kind === 'mismatch' ? (ruleInfo(worst.rule)?.statement ?? worst.expected) : worst.expected,
      observed,
      explanation: [
        ...(worst.detail ? [worst.detail] : []),
        ...worst.explanation,
        ...(state.check.convergenceMs !== undefined && !state.check.converged
          ? [`the differing probes were polled for ${state.check.convergenceMs} ms and still differed`]
          : []),
      ],
      probe: {
        from: request.from,
        to,
        host: request.host,
        port: request.port,
        protocol: request.protocol,
        command: ctx.probeCommand(request),
      },
      truthTable: truthTable(state, worst),
      replayCommand: replayCommand(ctx.resultsPath, id),
    });
  }
  return findings;
}

function ruleTitle(rule: string): { ruleTitle?: string } {
  const info = ruleInfo(rule);
  return info ? { ruleTitle: info.statement } : {};
}

function describeObserved(j: ProbeJudgement): string {
  const r = j.result;
  if (j.kind === 'mismatch' && j.detail) return j.detail;
  if (r.outcome === 'connected')
    return `connected${r.servedBy ? ` (served by ${r.servedBy}, saw source ${r.sourceSeen ?? '?'})` : ''}`;
  return r.detail ? `${r.outcome} (${r.detail})` : r.outcome;
}

/** The cells of the finding's (port, protocol): every pair probed in that state, differing ones marked. */
function truthTable(state: StateOutcome, worst: ProbeJudgement): TruthCell[] {
  const port = `${worst.probe.request.port}/${worst.probe.request.protocol}`;
  const cells: TruthCell[] = [];
  for (const j of state.check.judgements) {
    if (j.probe.dest.kind !== worst.probe.dest.kind) continue;
    if (`${j.probe.request.port}/${j.probe.request.protocol}` !== port) continue;
    const to =
      j.probe.dest.kind === 'pod'
        ? j.probe.dest.pod
        : j.probe.dest.kind === 'service'
          ? `svc:${j.probe.dest.service}`
          : 'outside';
    cells.push({
      from: j.probe.request.from,
      to,
      port,
      expected: j.expected,
      observed: j.result.outcome,
      differs: isFailing(j),
    });
  }
  return cells;
}

/** The scenario as YAML: the initial state, then each step as the manifest or kubectl command that makes it. */
function scenarioYaml(ctx: FindingContext): string {
  const first = ctx.states[0];
  if (!first) return '';
  const parts = [
    `# podnet minimal counterexample (seed ${ctx.seed}, path ${ctx.path}${ctx.reductions ? `, then ${ctx.reductions} structural cuts` : ''})`,
    '# initial state: kubectl apply -f this file',
    ctx.toYaml(first.cluster).trimEnd(),
  ];
  for (const s of ctx.states.slice(1)) {
    const step = ctx.scenario.steps[s.stateIndex - 1];
    if (!step) continue;
    parts.push(`---\n# step ${s.stateIndex}: ${s.stepDescription ?? describeStep(step)}`);
    parts.push(stepManifest(step, s.cluster, ctx.toYaml));
  }
  return `${parts.join('\n')}\n`;
}

const EMPTY_CLUSTER: Cluster = { nodes: [], namespaces: [], pods: [], services: [], policies: [] };

/** What a person runs to apply one step by hand: a manifest for kubectl apply, or a kubectl command. */
function stepManifest(step: Step, after: Cluster, toYaml: (c: Cluster) => string): string {
  switch (step.kind) {
    case 'createPolicy':
    case 'updatePolicy': {
      const policy = after.policies.find((p) => keyOf(p) === keyOf(step.policy));
      return policy
        ? `# kubectl apply -f (this document)\n${toYaml({ ...EMPTY_CLUSTER, policies: [policy] }).trimEnd()}`
        : '# (policy dropped)';
    }
    case 'deletePolicy':
      return `# kubectl delete networkpolicy -n ${step.namespace} ${step.name}`;
    case 'relabelPod': {
      const [ns, name] = step.pod.split('/');
      return `# kubectl label pod -n ${ns} ${name} --overwrite ${labelArgs(step.labels)} (and remove any other label)`;
    }
    case 'relabelNamespace':
      return `# kubectl label namespace ${step.namespace} --overwrite ${labelArgs(step.labels)} (and remove any other label)`;
    case 'addPod': {
      const pod = after.pods.find((p) => keyOf(p) === keyOf(step.pod));
      return pod
        ? `# kubectl apply -f (this document)\n${toYaml({ ...EMPTY_CLUSTER, pods: [pod] }).trimEnd()}`
        : '# (pod not added)';
    }
    case 'deletePod': {
      const [ns, name] = step.pod.split('/');
      return `# kubectl delete pod -n ${ns} ${name}`;
    }
  }
}

function labelArgs(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

export function replayCommand(resultsPath: string, id: string): string {
  return `npx podnet replay ${resultsPath} --finding ${id}`;
}
