/**
 * The coverage gate of `podnet run --require-coverage`: what was required and never exercised. A rule or
 * feature is exercised when it decided a verdict in at least one scenario (docs/rules.md "Coverage"); one
 * the target cannot test, or of an area the run did not enable, is not, and the gate names why.
 */
import type { CoverageRequirement } from '../spec/coverageRequirement.ts';
import type { Coverage } from '../spec/results.ts';

/** Everything `requirement` asks for that `coverage` shows never exercised, in words; empty when met. */
export function unmetCoverage(coverage: Coverage, requirement: CoverageRequirement): string[] {
  if (requirement === 'all') {
    return [
      ...coverage.rules.filter((r) => r.scenarios === 0).map((r) => r.rule),
      ...coverage.features.filter((f) => f.scenarios === 0).map((f) => `${f.feature} (${f.area})`),
    ];
  }
  const unmet: string[] = [];
  for (const rule of requirement.rules) {
    const found = coverage.rules.find((r) => r.rule === rule);
    if (!found) unmet.push(`${rule} (its area did not run)`);
    else if (found.scenarios === 0) unmet.push(rule);
  }
  for (const { area, feature } of requirement.features) {
    const name = `${feature} (${area})`;
    const unsupported = coverage.unsupported.find((u) => u.area === area && u.feature === feature);
    const found = coverage.features.find((f) => f.area === area && f.feature === feature);
    if (unsupported) unmet.push(`${name}: not testable here, ${unsupported.reason}`);
    else if (!found) unmet.push(`${name}: its area did not run`);
    else if (found.scenarios === 0) unmet.push(name);
  }
  return unmet;
}
