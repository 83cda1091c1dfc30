/**
 * A toy area, as a new area would be written: a descriptor with its rules, and a runner that searches
 * and shrinks through the shared driver. The toy target "echoes" a number; it is wrong from 500 up, so the
 * area finds that and shrinks the counterexample to exactly 500. Nothing outside this folder knows it.
 */
import fc from 'fast-check';
import type { AreaContext, AreaDescriptor, AreaOutcome, AreaRunner } from '../../runner/area.ts';
import { searchAndShrink } from '../../runner/searchAndShrink.ts';
import type { Finding } from '../../spec/results.ts';

const TOY_RULE = { id: 'TOY-ECHO', statement: 'the target echoes every number it is sent' };

/** What the toy target answers: the number itself, except from `brokenFrom` up. */
function toyEcho(n: number, brokenFrom: number): number {
  return n >= brokenFrom ? n + 1 : n;
}

export function toyArea(brokenFrom: number): AreaDescriptor {
  const runner: AreaRunner = {
    areas: ['toy'],
    async run(ctx: AreaContext): Promise<AreaOutcome> {
      const search = await searchAndShrink(
        fc.integer({ min: 0, max: 10_000 }),
        async (n) => {
          const echoed = toyEcho(n, brokenFrom);
          return { n, echoed, failed: echoed !== n };
        },
        {
          seed: ctx.options.seed,
          runs: ctx.options.runs,
          budgetMs: ctx.options.budgetMs,
          shrinkBudgetMs: ctx.options.shrinkBudgetMs,
          signal: ctx.signal,
          summarize: (o) => `${o.n} came back as ${o.echoed}`,
        },
      );
      const findings: Finding[] = search.failure
        ? [
            {
              id: ctx.nextFindingId(),
              area: 'toy',
              rule: TOY_RULE.id,
              ruleTitle: TOY_RULE.statement,
              kind: 'mismatch',
              title: `${TOY_RULE.id}: ${search.failure.outcome.n} came back as ${search.failure.outcome.echoed}`,
              seed: search.seed,
              path: search.path,
              expected: String(search.failure.outcome.n),
              observed: String(search.failure.outcome.echoed),
              scenarioYaml: '',
            },
          ]
        : [];
      return {
        areas: ['toy'],
        scenarios: search.scenarios,
        probes: search.scenarios,
        findings,
        checks: [
          {
            area: 'toy',
            rule: TOY_RULE.id,
            title: TOY_RULE.statement,
            scenarios: search.scenarios,
            findings: findings.length,
          },
        ],
      };
    },
  };
  return {
    name: 'toy',
    title: 'Toy echo',
    rules: [TOY_RULE],
    faults: [],
    replayable: false,
    byDefault: false,
    runner: async () => runner,
  };
}
