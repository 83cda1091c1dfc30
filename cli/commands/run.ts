import { readFileSync } from 'node:fs';
/** `podnet run`: the conformance loop against a target (the embedded lab by default). */
import { join, resolve } from 'node:path';
import { type FaultName, ipFamilyForFaults, isFaultName } from '../../adapters/lab/faults.ts';
import { isLabId } from '../../adapters/lab/names.ts';
import {
  appendStepSummary,
  renderAll,
  renderCoverageGate,
  renderGithubSummary,
  renderTerminal,
} from '../../reports/index.ts';
import { renderTimingTable } from '../../reports/timingTable.ts';
import { AREAS } from '../../runner/areas/registry.ts';
import type { RunOptions } from '../../runner/options.ts';
import { CONVERGE_TIMEOUT_RANGE, DEFAULT_RUN_OPTIONS, PROBE_TIMEOUT_RANGE } from '../../runner/options.ts';
import { progressPrinter } from '../../runner/progress.ts';
import { runSession, sessionDepsFor } from '../../runner/session.ts';
import type { TargetEntry } from '../../runner/targets/index.ts';
import { targetNamed, targetNames } from '../../runner/targets/index.ts';
import { loadCoverageRequirement } from '../../spec/coverageRequirement.ts';
import { EXIT, PodnetInputError } from '../../spec/errors.ts';
import { checkOutputDirectory, checkOutputFile } from '../../spec/inputFile.ts';
import { IP_FAMILY_MODES, type IPFamilyMode } from '../../spec/ipFamily.ts';
import { loadProfile } from '../../spec/manifests/profileFile.ts';
import { quoteValue } from '../../spec/quote.ts';
import type { Area, ResultsDocument } from '../../spec/results.ts';
import { enableTiming, machineCpuTicks, timingSnapshot } from '../../spec/timing.ts';
import type { OptionSpec, ParsedArgs } from '../args.ts';
import {
  booleanOption,
  durationOption,
  integerOption,
  parseCommandArgs,
  seedOption,
  stringListOption,
  stringOption,
} from '../args.ts';
import type { CliIO } from '../io.ts';

const OPTIONS: OptionSpec = {
  target: { type: 'string' },
  seed: { type: 'string' },
  runs: { type: 'string' },
  budget: { type: 'string' },
  'shrink-budget': { type: 'string' },
  areas: { type: 'string' },
  profile: { type: 'string' },
  out: { type: 'string', short: 'o' },
  'lab-fault': { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  'probe-timeout': { type: 'string' },
  'converge-timeout': { type: 'string' },
  size: { type: 'string' },
  'ip-family': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  github: { type: 'boolean' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  image: { type: 'string' },
  'node-selector': { type: 'string', multiple: true },
  keep: { type: 'boolean' },
  'require-coverage': { type: 'string' },
  'profile-timing': { type: 'boolean' },
};

const HELP = `Usage: podnet run [options]

Generates scenarios, realizes each on the target, predicts with the oracle, probes, compares, and
shrinks any difference to a minimal, replayable counterexample. Writes results.json, report.html and
junit.xml into --out.

Options:
  --target lab|kube        target (default lab: the embedded lab of network namespaces; needs root)
  --seed N                 fast-check seed (default ${DEFAULT_RUN_OPTIONS.seed}); same seed, same scenarios
  --runs N                 stop after N scenarios
  --budget DURATION        stop searching after this long, e.g. 90s or 5m (default ${DEFAULT_RUN_OPTIONS.budgetMs / 1000}s)
  --shrink-budget DURATION time allowed to shrink a failure (default ${DEFAULT_RUN_OPTIONS.shrinkBudgetMs / 1000}s)
  --areas LIST             comma-separated: policy,model,flannel,lb (default policy,model)
  --profile FILE           semantic profile overrides (YAML or JSON)
  --out DIR, -o DIR        results folder (default ./podnet-results)
  --lab-fault NAME         start the lab with a fault from \`podnet lab faults\` (repeatable)
  --kubeconfig FILE        (kube) kubeconfig to use (default: KUBECONFIG, ~/.kube/config, in-cluster)
  --context NAME           (kube) kubeconfig context
  --image REF              (kube) agnhost image for probe pods (a mirror for air-gapped clusters)
  --node-selector K=V      (kube) use only nodes with this label (repeatable)
  --keep                   (kube) leave the run's namespaces in place for debugging
  --concurrency N          probes in flight (default ${DEFAULT_RUN_OPTIONS.concurrency})
  --probe-timeout DURATION per-probe connect timeout (default ${DEFAULT_RUN_OPTIONS.probeTimeoutMs}ms)
  --converge-timeout DURATION  how long differing probes are polled after a change (default ${DEFAULT_RUN_OPTIONS.convergeTimeoutMs}ms)
  --size small|medium|large    scenario size (default ${DEFAULT_RUN_OPTIONS.size})
  --ip-family ipv4|ipv6|dual   (lab) the pod network's address families (default ${DEFAULT_RUN_OPTIONS.ipFamily});
                           dual gives every pod an IPv4 and an IPv6 address and probes both
  --require-coverage all|FILE  fail (exit 4) when a rule or feature was never exercised: every one of the
                           enabled areas that the target can test, or those FILE names (YAML or JSON:
                           rules: [ID, ...], features: {AREA: [FEATURE, ...]}); default: coverage is
                           reported, never a gate
  --profile-timing         print where the time went, by phase (realize, probe, oracle, …), at the end
  --quiet, -q              no progress line
  --github                 also write summary.md, print up to 10 ::error annotations, and append to
                           $GITHUB_STEP_SUMMARY when set (GitHub Actions)

Exit codes: 0 conforms, 1 findings, 2 bad usage or input, 3 target failure, 4 coverage required by
--require-coverage not met (the run conforms otherwise), 130 interrupted.
`;

export function parseAreas(raw: string | undefined): Area[] {
  if (raw === undefined) return AREAS.defaults();
  const areas = raw
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const a of areas) {
    if (!AREAS.get(a)) {
      throw new PodnetInputError(
        'PODNET_BAD_ARGUMENT',
        `unknown area "${a}"`,
        { field: '--areas' },
        `areas are ${AREAS.names().join(', ')}`,
      );
    }
  }
  if (areas.length === 0)
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      '--areas is empty',
      { field: '--areas' },
      `areas are ${AREAS.names().join(', ')}`,
    );
  return areas;
}

export function runOptionsFrom(
  args: ParsedArgs,
  command: string,
  profile: RunOptions['profile'],
): RunOptions {
  const size = stringOption(args, 'size') ?? DEFAULT_RUN_OPTIONS.size;
  if (size !== 'small' && size !== 'medium' && size !== 'large') {
    throw new PodnetInputError('PODNET_BAD_ARGUMENT', `--size must be small, medium or large, got "${size}"`);
  }
  const ipFamily = stringOption(args, 'ip-family') ?? DEFAULT_RUN_OPTIONS.ipFamily;
  if (!(IP_FAMILY_MODES as readonly string[]).includes(ipFamily)) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--ip-family must be ${IP_FAMILY_MODES.join(', ')}, got ${quoteValue(ipFamily)}`,
      { field: '--ip-family' },
    );
  }
  const areas = parseAreas(stringOption(args, 'areas'));
  if (ipFamily === 'ipv6' && areas.includes('flannel')) {
    // The flannel oracle predicts the IPv4 and the dual-stack node; an IPv6-only node (EnableIPv4 false) it
    // refuses by name (docs/design.md "The oracle"), so the area cannot judge that lab.
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      '--areas flannel cannot run with --ip-family ipv6: podnet does not predict an IPv6-only flannel node',
      { field: '--ip-family' },
      'use --ip-family dual for the flannel area, or leave flannel out of --areas',
    );
  }
  const runsGiven = stringOption(args, 'runs') !== undefined;
  const budgetGiven = stringOption(args, 'budget') !== undefined;
  return {
    ...DEFAULT_RUN_OPTIONS,
    seed: seedOption(args, command, DEFAULT_RUN_OPTIONS.seed),
    runs: integerOption(args, command, 'runs', DEFAULT_RUN_OPTIONS.runs, { min: 1, max: 10_000_000 }),
    // --runs alone means "exactly that many scenarios": the time budget then does not cut it short.
    budgetMs:
      runsGiven && !budgetGiven
        ? 24 * 3_600_000
        : durationOption(args, command, 'budget', DEFAULT_RUN_OPTIONS.budgetMs),
    shrinkBudgetMs: durationOption(args, command, 'shrink-budget', DEFAULT_RUN_OPTIONS.shrinkBudgetMs),
    areas,
    profile,
    concurrency: integerOption(args, command, 'concurrency', DEFAULT_RUN_OPTIONS.concurrency, {
      min: 1,
      max: 1024,
    }),
    probeTimeoutMs: durationOption(
      args,
      command,
      'probe-timeout',
      DEFAULT_RUN_OPTIONS.probeTimeoutMs,
      PROBE_TIMEOUT_RANGE,
    ),
    convergeTimeoutMs: durationOption(
      args,
      command,
      'converge-timeout',
      DEFAULT_RUN_OPTIONS.convergeTimeoutMs,
      CONVERGE_TIMEOUT_RANGE,
    ),
    size,
    ipFamily: ipFamily as IPFamilyMode,
  };
}

/**
 * A fault that only shows on an IPv6 pod network (`ipv6-policy-missing`, …) picks the dual-stack lab when
 * `--ip-family` is not given, as `podnet lab up --fault` does; given, it must be one the fault shows on.
 */
export function withFaultFamily(
  args: ParsedArgs,
  options: RunOptions,
  faults: readonly FaultName[],
): RunOptions {
  const needed = ipFamilyForFaults(faults);
  if (needed === undefined || options.ipFamily === needed) return options;
  if (stringOption(args, 'ip-family') === undefined) return { ...options, ipFamily: needed };
  const fault = faults.find((f) => ipFamilyForFaults([f]) !== undefined);
  throw new PodnetInputError(
    'PODNET_BAD_ARGUMENT',
    `lab fault ${fault} needs --ip-family ${needed}, got ${options.ipFamily}`,
    { field: '--ip-family' },
    `use --ip-family ${needed}, or leave --ip-family out`,
  );
}

export function labFaultsFrom(args: ParsedArgs): FaultName[] {
  return stringListOption(args, 'lab-fault').map((f) => {
    if (!isFaultName(f)) {
      throw new PodnetInputError(
        'PODNET_BAD_ARGUMENT',
        `unknown lab fault "${f}"`,
        { field: '--lab-fault' },
        'run `podnet lab faults` to list them',
      );
    }
    return f;
  });
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('run', argv, OPTIONS);
  if (booleanOption(args, 'help')) {
    io.stdout(HELP);
    return 0;
  }
  const entry = runTarget(stringOption(args, 'target') ?? 'lab');
  const targetName = entry.name;
  const profilePath = stringOption(args, 'profile');
  const profile = loadProfile(profilePath !== undefined ? resolve(io.cwd, profilePath) : undefined);
  const parsed = runOptionsFrom(args, 'run', profile);
  // A live cluster programs policies asynchronously: wait longer for convergence unless told otherwise.
  const converge = entry.capabilities.convergeTimeoutMs;
  const chosen =
    converge !== undefined && stringOption(args, 'converge-timeout') === undefined
      ? { ...parsed, convergeTimeoutMs: converge, shrinkConvergeTimeoutMs: converge }
      : parsed;
  const faults = labFaultsFrom(args);
  const options = withFaultFamily(args, chosen, faults);
  if (!entry.capabilities.labFaults && faults.length > 0) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--lab-fault does not apply to --target ${targetName}`,
      {
        field: '--lab-fault',
      },
    );
  }
  const coverageGate = stringOption(args, 'require-coverage');
  // Read before anything starts: a bad requirement file is bad input, not a finding after a long run.
  const requirement =
    coverageGate === undefined
      ? undefined
      : loadCoverageRequirement(coverageGate === 'all' ? 'all' : resolve(io.cwd, coverageGate));
  const outDir = resolve(io.cwd, stringOption(args, 'out') ?? 'podnet-results');
  // Before any lab or cluster is touched: a run that cannot write its results must not start.
  checkOutputDirectory(outDir, 'results folder (--out)');
  const github = booleanOption(args, 'github');
  if (github && io.env.GITHUB_STEP_SUMMARY)
    checkOutputFile(io.env.GITHUB_STEP_SUMMARY, 'GitHub step summary');
  let annotations: readonly string[] = [];
  const render = async (doc: ResultsDocument, dir: string) => {
    const written = await renderAll(doc, dir, { github });
    annotations = written.annotations;
    const stepSummary = io.env.GITHUB_STEP_SUMMARY;
    if (github && stepSummary) await appendStepSummary(stepSummary, renderGithubSummary(doc));
  };
  const kubeconfig = stringOption(args, 'kubeconfig');
  const context = stringOption(args, 'context');
  const image = stringOption(args, 'image');
  const deps = await sessionDepsFor(
    entry,
    {
      faults,
      ipFamily: options.ipFamily,
      ...labIdFrom(io),
      ...(kubeconfig !== undefined ? { kubeconfig: resolve(io.cwd, kubeconfig) } : {}),
      ...(context !== undefined ? { context } : {}),
      ...(image !== undefined ? { image } : {}),
      nodeSelector: stringListOption(args, 'node-selector'),
      keep: booleanOption(args, 'keep'),
      env: io.env,
    },
    render,
  );
  const runnable = deps.areaRunners.flatMap((r) => r.areas);
  for (const a of options.areas.filter((x) => !runnable.includes(x))) {
    io.stderr(
      `podnet: area "${a}" is not available for --target ${targetName}; it is reported as unsupported\n`,
    );
  }
  const printer = progressPrinter(io.stderr, io.stderrIsTTY ?? false);
  io.stderr(
    `podnet run: target ${targetName}, seed ${options.seed}, areas ${options.areas.join(',')}, budget ${Math.round(options.budgetMs / 1000)}s${faults.length > 0 ? `, lab faults ${faults.join(',')}` : ''}\n`,
  );
  const profiling = booleanOption(args, 'profile-timing');
  if (profiling) enableTiming();
  const startedAt = performance.now();
  const cpuAtStart = process.cpuUsage();
  const ticksAtStart = machineCpuTicks((path) => readFileSync(path, 'utf8'));
  const result = await runSession(deps, {
    options,
    outDir,
    cwd: io.cwd,
    faults,
    handleSignals: true,
    recordOptions: {
      labFaults: faults,
      ...(coverageGate !== undefined ? { requireCoverage: coverageGate } : {}),
    },
    ...(requirement !== undefined ? { requireCoverage: requirement } : {}),
    ...(booleanOption(args, 'quiet') ? {} : { listener: printer }),
  }).finally(() => printer.done());
  if (profiling) {
    const cpu = process.cpuUsage(cpuAtStart);
    const ticks = machineCpuTicks((path) => readFileSync(path, 'utf8'));
    const busy =
      ticksAtStart && ticks
        ? (ticks.busy - ticksAtStart.busy) / Math.max(1, ticks.total - ticksAtStart.total)
        : undefined;
    io.stderr(
      renderTimingTable(timingSnapshot(), {
        wallMs: performance.now() - startedAt,
        scenarios: result.document.summary.scenarios,
        probes: result.document.summary.probes,
        processCpuMs: (cpu.user + cpu.system) / 1000,
        ...(busy !== undefined ? { machineBusy: busy } : {}),
      }),
    );
  }
  io.stdout(renderTerminal(result.document, { color: io.isTTY && !io.env.NO_COLOR }));
  if (requirement !== undefined) io.stdout(renderCoverageGate(result.unmetCoverage, EXIT.coverage));
  for (const line of annotations) io.stdout(`${line}\n`);
  io.stdout(
    `results: ${result.resultsPath}\nreport:  ${join(outDir, 'report.html')}\njunit:   ${join(outDir, 'junit.xml')}\n`,
  );
  return result.exitCode;
}

/** The registry entry `--target` names, if `podnet run` can open it. */
export function runTarget(name: string): TargetEntry {
  const entry = targetNamed(name);
  if (!entry?.capabilities.run) {
    const names = targetNames('run');
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `unknown target "${name}"`,
      { field: '--target' },
      `use --target ${names.join(' or --target ')}`,
    );
  }
  return entry;
}

/** PODNET_LAB_ID pins the lab id (6 hex digits), so tests and scripts can find exactly this lab. */
export function labIdFrom(io: CliIO): { labId?: string } {
  const id = io.env.PODNET_LAB_ID;
  if (id === undefined || id === '') return {};
  if (!isLabId(id)) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `PODNET_LAB_ID must be 6 hex digits, got ${JSON.stringify(id.slice(0, 40))}`,
    );
  }
  return { labId: id };
}
