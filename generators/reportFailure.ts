/**
 * Turning a fast-check failure into a message a person can act on: the seed and path to replay it,
 * the shrunk counterexample, and when it holds a scenario or cluster, that scenario as Kubernetes YAML.
 */
import fc from 'fast-check';
import type { Scenario, ScenarioCluster } from '../spec/scenario.ts';
import { describeStep } from '../spec/steps.ts';
import { realizedClusterYaml } from './scenarioManifests.ts';
import { withSyntheticAddresses } from './syntheticAddresses.ts';

export interface FailureReport {
  readonly seed: number;
  readonly path: string;
  readonly numRuns: number;
  readonly numShrinks: number;
  /** The shrunk counterexample (fast-check's tuple of arguments). */
  readonly counterexample: unknown;
  /** The first scenario or cluster found in the counterexample. */
  readonly scenario?: Scenario;
  readonly cluster?: ScenarioCluster;
  /** That cluster as YAML, ipBlocks resolved against synthetic addresses. */
  readonly yaml?: string;
  readonly message: string;
}

function isCluster(v: unknown): v is ScenarioCluster {
  return typeof v === 'object' && v !== null && 'pods' in v && 'policies' in v && 'namespaces' in v;
}

function isScenario(v: unknown): v is Scenario {
  return typeof v === 'object' && v !== null && 'cluster' in v && 'steps' in v && isCluster(v.cluster);
}

function findScenarioPart(v: unknown, depth = 0): Scenario | ScenarioCluster | undefined {
  if (isScenario(v) || isCluster(v)) return v;
  if (depth > 2 || typeof v !== 'object' || v === null) return undefined;
  for (const item of Array.isArray(v) ? v : Object.values(v)) {
    const found = findScenarioPart(item, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** A report of a failed run, or undefined when the run did not fail with a counterexample. */
export function reportFailure<Ts>(
  details: fc.RunDetails<Ts>,
  title = 'property failed',
): FailureReport | undefined {
  if (!details.failed || details.counterexample === null) return undefined;
  const counterexample = details.counterexample;
  const part = findScenarioPart(counterexample);
  const scenario = part && isScenario(part) ? part : undefined;
  const cluster = scenario ? scenario.cluster : part && isCluster(part) ? part : undefined;
  let yaml: string | undefined;
  if (cluster) {
    const synthetic = withSyntheticAddresses(cluster, scenario?.netConf);
    yaml = realizedClusterYaml(synthetic.cluster, synthetic.realized);
  }
  const path = details.counterexamplePath ?? '';
  const error =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const lines = [
    `${title} after ${details.numRuns} run(s) and ${details.numShrinks} shrink(s)`,
    `  seed: ${details.seed}`,
    `  path: "${path}"`,
    `  replay: fc.assert(property, { seed: ${details.seed}, path: "${path}", endOnFailure: true })`,
    `  error: ${error}`,
    '',
    'shrunk counterexample:',
    fc.stringify(counterexample),
  ];
  if (scenario && scenario.steps.length > 0) {
    lines.push('', 'steps:', ...scenario.steps.map((s, i) => `  ${i + 1}. ${describeStep(s)}`));
  }
  if (yaml !== undefined) {
    lines.push('', 'shrunk scenario as YAML (ipBlocks resolved against synthetic addresses):', yaml);
  }
  return {
    seed: details.seed,
    path,
    numRuns: details.numRuns,
    numShrinks: details.numShrinks,
    counterexample,
    ...(scenario ? { scenario } : {}),
    ...(cluster ? { cluster } : {}),
    ...(yaml !== undefined ? { yaml } : {}),
    message: lines.join('\n'),
  };
}

/** Thrown by `assertProperty`: carries the report. */
export class PropertyFailure extends Error {
  constructor(readonly report: FailureReport) {
    super(report.message);
    this.name = 'PropertyFailure';
  }
}

/** `fc.assert`, but a failure throws a `PropertyFailure` with seed, path and the shrunk scenario as YAML. */
export function assertProperty<Ts>(
  property: fc.IProperty<Ts>,
  params: fc.Parameters<Ts>,
  title?: string,
): void {
  const details = fc.check(property, params);
  if (!details.failed) return;
  const report = reportFailure(details, title);
  if (report) throw new PropertyFailure(report);
  throw new Error(
    fc.defaultReportMessage(details) ?? `${title ?? 'property'} failed without a counterexample`,
  );
}
