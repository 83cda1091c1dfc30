/**
 * `podnet replay`: re-realize a finding's minimal scenario on a fresh target, check it once, and say
 * whether the same finding (same rule and kind) shows again.
 */

import { FAULTS, type FaultName, isFaultName } from '../adapters/lab/faults.ts';
import { PodnetInputError } from '../spec/errors.ts';
import { IP_FAMILY_MODES, type IPFamilyMode } from '../spec/ipFamily.ts';
import type { Cluster, Protocol } from '../spec/model.ts';
import { quoteValue } from '../spec/quote.ts';
import { checkReplayScenario } from '../spec/replayScenario.ts';
import type { Area, Finding, ResultsDocument } from '../spec/results.ts';
import type { Scenario } from '../spec/scenario.ts';
import { showValue } from '../spec/schema.ts';
import type { Target } from '../spec/target.ts';
import type { ScenarioDeps } from './areas/policy/checkScenario.ts';
import { checkScenario } from './areas/policy/checkScenario.ts';
import { buildFindings } from './areas/policy/findings.ts';
import { AREAS } from './areas/registry.ts';
import type { RunOptions } from './options.ts';
import { DEFAULT_RUN_OPTIONS } from './options.ts';
import type { TargetEntry } from './targets/index.ts';
import { manualProbeCommand, targetRecordedAs } from './targets/index.ts';

/** Whether an area's findings carry a `Scenario` the conformance loop can run again (its descriptor says). */
function replayable(area: Area): boolean {
  return AREAS.get(area)?.replayable === true;
}

/**
 * Bounds on the recorded options the lab sees, inclusive, in ms: a probe may wait up to a minute, a
 * change may take up to ten minutes to converge. Anything outside is a forged or broken file.
 */
export const REPLAY_OPTION_BOUNDS = {
  probeTimeoutMs: { min: 1, max: 60_000 },
  convergeTimeoutMs: { min: 0, max: 600_000 },
} as const;

/** Everything a replay needs, taken from a checked results document before any lab exists. */
export interface ReplayPlan {
  /** The finding, with its scenario checked (spec/replayScenario.ts). */
  readonly finding: Finding & { readonly scenario: Scenario };
  /** The lab faults of the original run. */
  readonly faults: readonly FaultName[];
  readonly options: RunOptions;
  /** The target that opens a fresh copy of the one that ran. */
  readonly target: TargetEntry;
}

/**
 * Checks what replay takes from `doc` (read from `file`): the target, the finding (by id, or the first
 * replayable one), its scenario, and the options the lab sees. Exit-2 errors name the JSON path.
 */
export function planReplay(doc: ResultsDocument, file: string, id?: string): ReplayPlan {
  const target = targetRecordedAs(doc.target);
  if (!target?.capabilities.replay) {
    throw new PodnetInputError(
      'PODNET_TARGET_UNAVAILABLE',
      `this results file comes from target ${quoteValue(doc.target)}, which replay cannot open in this build`,
      { file, field: 'target' },
    );
  }
  const finding = pickFinding(doc, file, id);
  return { finding, faults: labFaultsOf(doc, file), options: replayOptions(doc, file), target };
}

/** The finding to replay: by id, or the first one that carries a scenario; its scenario checked. */
function pickFinding(
  doc: ResultsDocument,
  file: string,
  id?: string,
): Finding & { readonly scenario: Scenario } {
  const index =
    id === undefined
      ? doc.findings.findIndex((f) => f.scenario !== undefined && replayable(f.area))
      : doc.findings.findIndex((f) => f.id === id);
  const f = doc.findings[index];
  if (f === undefined) {
    const ids = doc.findings.map((x) => quoteValue(x.id, 20));
    throw new PodnetInputError(
      'PODNET_NO_FINDING',
      id === undefined
        ? 'this results file has no policy or model finding to replay'
        : `no finding with id ${quoteValue(id)}`,
      { file },
      `findings in this file: ${ids.slice(0, 20).join(', ') || 'none'}${ids.length > 20 ? ', …' : ''}`,
    );
  }
  if (!replayable(f.area)) {
    throw new PodnetInputError(
      'PODNET_NO_FINDING',
      `finding ${quoteValue(f.id)} is a ${f.area} finding: replay re-runs policy and model findings`,
      { file, field: `findings[${index}].area` },
      `rerun the ${f.area} area with the seed and path of the finding instead`,
    );
  }
  if (f.scenario === undefined) {
    throw new PodnetInputError(
      'PODNET_NO_FINDING',
      `finding ${quoteValue(f.id)} carries no scenario to replay`,
      {
        file,
        field: `findings[${index}].scenario`,
      },
    );
  }
  return { ...f, scenario: checkReplayScenario(f.scenario, ['findings', index, 'scenario'], file) };
}

/** `options.labFaults`: absent (no fault), or a list of distinct fault names of this build's lab. */
function labFaultsOf(doc: ResultsDocument, file: string): FaultName[] {
  const raw = doc.options.labFaults;
  if (raw === undefined) return [];
  const fail = (field: string, problem: string): never => {
    throw new PodnetInputError(
      'PODNET_BAD_RESULTS',
      problem,
      { file, field },
      `this lab knows: ${FAULTS.map((f) => f.name).join(', ')}`,
    );
  };
  if (!Array.isArray(raw)) return fail('options.labFaults', 'must be a list of lab fault names');
  const faults: FaultName[] = [];
  (raw as readonly string[]).forEach((name, i) => {
    if (!isFaultName(name)) fail(`options.labFaults[${i}]`, `unknown lab fault ${quoteValue(name)}`);
    else if (faults.includes(name)) fail(`options.labFaults[${i}]`, `repeats lab fault ${quoteValue(name)}`);
    else faults.push(name);
  });
  return faults;
}

/** The run options replay uses: the recorded seed, areas, profile and timeouts (bounded), defaults for the rest. */
function replayOptions(doc: ResultsDocument, file: string): RunOptions {
  const bounded = (key: keyof typeof REPLAY_OPTION_BOUNDS): Partial<RunOptions> => {
    const value = doc.options[key];
    if (value === undefined) return {};
    const { min, max } = REPLAY_OPTION_BOUNDS[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new PodnetInputError(
        'PODNET_BAD_RESULTS',
        `must be an integer from ${min} to ${max} (ms), got ${showValue(value)}`,
        { file, field: `options.${key}` },
      );
    }
    return { [key]: value };
  };
  return {
    ...DEFAULT_RUN_OPTIONS,
    seed: doc.seed,
    areas: doc.areas,
    profile: doc.profile,
    ...bounded('probeTimeoutMs'),
    ...bounded('convergeTimeoutMs'),
    ipFamily: ipFamilyOf(doc, file),
  };
}

/** `options.ipFamily`: absent in results from before dual-stack (IPv4), else one of `--ip-family`'s values. */
function ipFamilyOf(doc: ResultsDocument, file: string): IPFamilyMode {
  const raw = doc.options.ipFamily;
  if (raw === undefined) return 'ipv4';
  if (typeof raw === 'string' && (IP_FAMILY_MODES as readonly string[]).includes(raw))
    return raw as IPFamilyMode;
  throw new PodnetInputError(
    'PODNET_BAD_RESULTS',
    `must be ${IP_FAMILY_MODES.join(', ')}, got ${showValue(raw)}`,
    { file, field: 'options.ipFamily' },
  );
}

export interface ReplayOutcome {
  readonly reproduced: boolean;
  readonly original: Finding;
  readonly findings: readonly Finding[];
}

export async function replayFinding(
  finding: Finding & { readonly scenario: Scenario },
  target: Target,
  deps: Omit<ScenarioDeps, 'target'> & {
    readonly toYaml: (c: Cluster) => string;
    readonly prepare?: (s: Scenario) => Scenario;
  },
  options: RunOptions,
  protocols: readonly Protocol[],
  resultsPath: string,
): Promise<ReplayOutcome> {
  const scenario = deps.prepare ? deps.prepare(finding.scenario) : finding.scenario;
  const outcome = await checkScenario(
    scenario,
    { target, oracleFactory: deps.oracleFactory, resolvePolicies: deps.resolvePolicies },
    {
      concurrency: options.concurrency,
      retries: options.retries,
      convergeTimeoutMs: options.convergeTimeoutMs,
      pollIntervalMs: options.pollIntervalMs,
      profile: options.profile,
      protocols,
      probeTimeoutMs: options.probeTimeoutMs,
      maxProbesPerState: options.maxProbesPerState,
      checkModel: options.areas.includes('model'),
      seed: options.seed,
    },
  );
  let n = 0;
  const findings = outcome.failed
    ? buildFindings({
        seed: finding.seed,
        path: finding.path,
        scenario: finding.scenario,
        states: outcome.states,
        numShrinks: 0,
        toYaml: deps.toYaml,
        resultsPath,
        probeCommand: (p) => manualProbeCommand({ targetName: target.name, target }, p),
        nextId: () => `R${++n}`,
      })
    : [];
  const reproduced = findings.some((f) => f.rule === finding.rule && f.kind === finding.kind);
  return { reproduced, original: finding, findings };
}
