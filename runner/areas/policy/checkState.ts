/**
 * Check one cluster state on the target: probe, judge, and poll what differs until it matches or the
 * convergence bound runs out (policies are eventually consistent; results during convergence are not
 * violations). The static model invariants (`oracle/model`: unique pod IPs inside their node's lease) too.
 */
import type { StaticViolation } from '../../../oracle/model/index.ts';
import { staticModelViolations } from '../../../oracle/model/index.ts';
import type { Cluster } from '../../../spec/model.ts';
import type { Realized } from '../../../spec/scenario.ts';
import type { Target } from '../../../spec/target.ts';
import { timed, timedSync } from '../../../spec/timing.ts';
import type { PolicyOracle } from '../../policyOracle.ts';
import { runProbes } from '../../probeRunner.ts';
import type { ProbeJudgement } from './judge.ts';
import { judgeProbe } from './judge.ts';
import type { PlannedProbe } from './probePlan.ts';

export interface StateCheckOptions {
  readonly concurrency: number;
  readonly retries: number;
  readonly convergeTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly signal?: AbortSignal;
}

export interface StateCheck {
  readonly judgements: readonly ProbeJudgement[];
  readonly staticViolations: readonly StaticViolation[];
  readonly probesSent: number;
  /** Time from the first probe until every polled probe matched; undefined when nothing needed polling. */
  readonly convergenceMs?: number;
  /** Whether some probe still differed when the convergence bound ran out. */
  readonly converged: boolean;
}

const FAILING_KINDS = new Set(['leak', 'block', 'mismatch', 'distribution']);

export function isFailing(j: ProbeJudgement): boolean {
  return FAILING_KINDS.has(j.kind);
}

export async function checkState(
  target: Target,
  cluster: Cluster,
  realized: Realized,
  oracle: PolicyOracle,
  probes: readonly PlannedProbe[],
  options: StateCheckOptions,
  checkModel: boolean,
): Promise<StateCheck> {
  const started = Date.now();
  const probeOpts = {
    concurrency: options.concurrency,
    retries: options.retries,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const results = await timed('runner.probe', () =>
    runProbes(
      target,
      probes.map((p) => p.request),
      probeOpts,
    ),
  );
  let probesSent = probes.length;
  const judgements = new Map<string, ProbeJudgement>();
  for (const p of probes) {
    judgements.set(
      p.request.id,
      timedSync('runner.judge', () => judgeProbe(p, results.get(p.request.id)!, cluster, realized, oracle)),
    );
  }
  let failing = probes.filter((p) => isFailing(judgements.get(p.request.id)!));
  let convergenceMs: number | undefined;
  if (failing.length > 0) {
    const deadline = Date.now() + options.convergeTimeoutMs;
    while (failing.length > 0 && Date.now() < deadline && !options.signal?.aborted) {
      await timed('runner.converge-wait', () => sleep(options.pollIntervalMs));
      const again = await timed('runner.converge-probe', () =>
        runProbes(
          target,
          failing.map((p) => p.request),
          probeOpts,
        ),
      );
      probesSent += failing.length;
      for (const p of failing)
        judgements.set(p.request.id, judgeProbe(p, again.get(p.request.id)!, cluster, realized, oracle));
      failing = failing.filter((p) => isFailing(judgements.get(p.request.id)!));
    }
    convergenceMs = Date.now() - started;
  }
  const staticViolations = checkModel ? staticModelViolations(cluster, realized) : [];
  return {
    judgements: probes.map((p) => judgements.get(p.request.id)!),
    staticViolations,
    probesSent,
    ...(convergenceMs !== undefined ? { convergenceMs } : {}),
    converged: failing.length === 0,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
