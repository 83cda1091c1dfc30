/**
 * `podnet replay`: re-realize a finding's minimal scenario on a fresh target, check it once, and say
 * whether the same finding (same rule and kind) shows again.
 */
import { readFile } from 'node:fs/promises';
import { PodnetInputError } from '../spec/errors.ts';
import type { Cluster, Protocol } from '../spec/model.ts';
import type { Finding, ResultsDocument } from '../spec/results.ts';
import { RESULTS_SCHEMA_VERSION } from '../spec/results.ts';
import type { Scenario } from '../spec/scenario.ts';
import type { Target } from '../spec/target.ts';
import type { ScenarioDeps } from './checkScenario.ts';
import { checkScenario } from './checkScenario.ts';
import { buildFindings } from './findings.ts';
import type { RunOptions } from './options.ts';

export async function readResultsDocument(path: string): Promise<ResultsDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new PodnetInputError(
      'PODNET_NO_RESULTS',
      'cannot read the results file',
      { file: path },
      'pass the results.json that `podnet run --out DIR` wrote',
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new PodnetInputError(
      'PODNET_BAD_RESULTS',
      `not JSON: ${(error as Error).message}`,
      { file: path },
      'pass the results.json that `podnet run` wrote',
    );
  }
  const d = doc as Partial<ResultsDocument>;
  if (
    typeof d !== 'object' ||
    d === null ||
    d.schemaVersion !== RESULTS_SCHEMA_VERSION ||
    !Array.isArray(d.findings)
  ) {
    throw new PodnetInputError(
      'PODNET_BAD_RESULTS',
      `not a podnet results document with schemaVersion ${RESULTS_SCHEMA_VERSION}`,
      { file: path },
      'pass the results.json that `podnet run` wrote',
    );
  }
  return d as ResultsDocument;
}

/** The finding to replay: by id, or the first one that carries a scenario. */
export function pickFinding(
  doc: ResultsDocument,
  path: string,
  id?: string,
): Finding & { scenario: Scenario } {
  const candidates = doc.findings.filter((f) => f.scenario !== undefined);
  const f = id === undefined ? candidates[0] : doc.findings.find((x) => x.id === id);
  if (!f) {
    const ids = doc.findings.map((x) => x.id).join(', ') || 'none';
    throw new PodnetInputError(
      'PODNET_NO_FINDING',
      id === undefined ? 'this results file has no finding to replay' : `no finding with id ${id}`,
      { file: path },
      `findings in this file: ${ids}`,
    );
  }
  if (f.scenario === undefined) {
    throw new PodnetInputError('PODNET_NO_FINDING', `finding ${f.id} carries no scenario to replay`, {
      file: path,
      field: `findings[${f.id}].scenario`,
    });
  }
  return f as Finding & { scenario: Scenario };
}

export interface ReplayOutcome {
  readonly reproduced: boolean;
  readonly original: Finding;
  readonly findings: readonly Finding[];
}

export async function replayFinding(
  finding: Finding & { scenario: Scenario },
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
        targetName: target.name,
        nextId: () => `R${++n}`,
      })
    : [];
  const reproduced = findings.some((f) => f.rule === finding.rule && f.kind === finding.kind);
  return { reproduced, original: finding, findings };
}
