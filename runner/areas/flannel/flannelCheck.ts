/**
 * `podnet flannel check`: one topology and config realized on a target, every node's state compared with
 * the oracle, pods probing pods across nodes; the result as findings and per-node tables.
 */

import type { Finding } from '../../../spec/results.ts';
import type { FlannelBackendType, FlannelNetConf } from '../../../spec/scenario.ts';
import type { Target } from '../../../spec/target.ts';
import { manualProbeCommand } from '../../targets/index.ts';
import type { FlannelCheckSettings, FlannelScenarioOutcome } from './checkFlannelScenario.ts';
import { checkFlannelScenario } from './checkFlannelScenario.ts';
import { isDataplaneFailure } from './dataplane.ts';
import { buildFlannelFindings } from './flannelFindings.ts';
import type { FlannelScenario } from './flannelScenario.ts';
import { describeFlannelScenario } from './flannelScenario.ts';

export interface FlannelCheckTopology {
  readonly backend: FlannelBackendType;
  readonly nodes: number;
  readonly segments: number;
  /** The Network (default 10.244.0.0/16, kube-flannel.yml's). */
  readonly network?: string;
}

/** Defaults of `podnet flannel check`. */
export const DEFAULT_CHECK_TOPOLOGY: FlannelCheckTopology = { backend: 'vxlan', nodes: 3, segments: 1 };

export interface FlannelCheckResult {
  readonly outcome: FlannelScenarioOutcome;
  readonly findings: readonly Finding[];
}

/** Nodes spread over the segments round-robin, one pod each, kube-flannel.yml's net-conf with the backend. */
function checkScenarioOf(topology: FlannelCheckTopology): FlannelScenario {
  const netConf: FlannelNetConf = {
    Network: topology.network ?? '10.244.0.0/16',
    Backend: { Type: topology.backend },
  };
  return {
    netConf,
    nodes: Array.from({ length: topology.nodes }, (_, i) => ({ segment: i % topology.segments, pods: 1 })),
  };
}

export async function runFlannelCheck(
  target: Target,
  topology: FlannelCheckTopology,
  settings: FlannelCheckSettings & { readonly faults: readonly string[] },
): Promise<FlannelCheckResult> {
  const scenario = checkScenarioOf(topology);
  const outcome = await checkFlannelScenario(target, scenario, settings);
  let n = 0;
  const findings = outcome.failed
    ? buildFlannelFindings({
        scenario,
        backend: outcome.judgement.config.backend.type,
        flannelVersion: outcome.judgement.config.flannelVersion,
        leases: outcome.realized.nodeSubnets,
        ...(outcome.realized.ipv6 ? { ipv6Leases: outcome.realized.ipv6.nodeSubnets } : {}),
        differences: outcome.judgement.differences,
        leaseViolations: outcome.judgement.leaseViolations,
        dataplane: outcome.dataplane,
        seed: 0,
        path: '',
        numShrinks: 0,
        faults: settings.faults,
        probeCommand: (p) => manualProbeCommand({ targetName: target.name, target }, p),
        nextId: () => `F${++n}`,
      })
    : [];
  return { outcome, findings };
}

/** The result as text: a summary line, every finding, then one table per node (differing rows marked `!`). */
export function renderFlannelCheck(result: FlannelCheckResult, verbose = true): string {
  const { outcome, findings } = result;
  const lines: string[] = [];
  const failing = outcome.dataplane.filter(isDataplaneFailure).length;
  lines.push(
    `flannel check: ${describeFlannelScenario(outcome.scenario)}, judged as flannel ${outcome.judgement.config.flannelVersion}`,
    `${outcome.judgement.differences.length} node-state differences, ${outcome.judgement.leaseViolations.length} lease violations, ${failing}/${outcome.dataplane.length} probes failing`,
    findings.length === 0
      ? 'PASS: every node holds what flannel should have programmed'
      : `FAIL: ${findings.length} findings`,
    '',
  );
  for (const f of findings) {
    lines.push(`${f.id} ${f.kind.toUpperCase()} ${f.rule}: ${f.ruleTitle ?? ''}`);
    for (const d of f.flannel ?? []) {
      lines.push(
        `    ${d.node}  ${d.object}  ${d.key}: expected ${d.expected ?? '?'}, observed ${d.observed ?? '?'}`,
      );
    }
  }
  if (findings.length > 0) lines.push('');
  for (const table of outcome.tables) {
    const rows = verbose ? table.rows : table.rows.filter((r) => r.differs);
    const ip = outcome.realized.nodeIPs[table.node] ?? '?';
    const lease = outcome.realized.nodeSubnets[table.node] ?? '?';
    lines.push(`${table.node} (${ip}, lease ${lease})`);
    const header = ['', 'object', 'key', 'expected', 'observed'];
    const body = rows.map((r) => [
      r.differs ? '!' : ' ',
      r.object,
      r.key,
      r.expected ?? '',
      r.observed ?? '',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
    const fmt = (cells: readonly string[]) =>
      `  ${cells
        .map((c, i) => c.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd()}`;
    lines.push(fmt(header), ...body.map(fmt), '');
  }
  return `${lines.join('\n')}\n`;
}
