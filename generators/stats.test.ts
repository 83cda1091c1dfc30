// The generators hit every NetworkPolicy feature often and give a balanced truth table; the thresholds
// are the acceptance of issue 3 (every feature ≥ 5% of scenarios, allow and deny each ≥ 20% of probes),
// checked here on a smaller run than `podnet generate --stats --runs 1000`.
import { describe, expect, test } from 'vitest';
import { predictMatrix } from '../oracle/policy/index.ts';
import { realizeCluster } from '../spec/resolve.ts';
import type { Scenario } from '../spec/scenario.ts';
import { FEATURE_NAMES } from './features.ts';
import { generatorStats, renderStats } from './stats.ts';
import { withSyntheticAddresses } from './syntheticAddresses.ts';

function oracleVerdicts(s: Scenario) {
  const { cluster, realized } = withSyntheticAddresses(s.cluster, s.netConf);
  return predictMatrix(realizeCluster(cluster, realized)).map((r) => r.verdict);
}

describe('generator statistics', () => {
  test('every feature appears in at least 5% of scenarios, and allow and deny are each at least 20% of probes', () => {
    const stats = generatorStats({ runs: 400, seed: 31, size: 'medium', verdictsOf: oracleVerdicts });
    expect(stats.runs).toBe(400);
    const rare = stats.features.filter((f) => f.share < 0.05).map((f) => `${f.feature}: ${f.share}`);
    expect(rare).toEqual([]);
    expect(stats.probes).toBeGreaterThan(1000);
    expect(stats.verdictShares.allow).toBeGreaterThanOrEqual(0.2);
    expect(stats.verdictShares.deny).toBeGreaterThanOrEqual(0.2);
    const table = renderStats(stats);
    for (const f of FEATURE_NAMES) expect(table).toContain(f);
    expect(table).toMatch(/^allow\s+\d+\.\d%/m);
  });

  test('with SCTP excluded, no scenario carries an SCTP port, policy port or Service port', () => {
    const stats = generatorStats({ runs: 300, seed: 5, size: 'large', excludeSCTP: true });
    expect(stats.features.find((f) => f.feature === 'port SCTP')?.scenarios).toBe(0);
    expect(stats.features.find((f) => f.feature === 'port UDP')?.scenarios).toBeGreaterThan(0);
  });
});
