// Issue 16 acceptance: an area added at test time, with no edit outside its own folder, is accepted by
// `--areas`, run by the session through the shared search driver, and shows up in results.json, the
// terminal summary, JUnit and the HTML report, with its own title.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parseAreas } from '../../cli/commands/run.ts';
import { renderAll, renderTerminal } from '../../reports/index.ts';
import { AREAS } from '../../runner/areas/registry.ts';
import { inertTarget } from '../../runner/inertTarget.test-helpers.ts';
import { DEFAULT_RUN_OPTIONS } from '../../runner/options.ts';
import { runSession, sessionDepsFor } from '../../runner/session.ts';
import type { TargetEntry } from '../../runner/targets/index.ts';
import { readResultsFile } from '../../spec/resultsFile.ts';
import type { Target } from '../../spec/target.ts';
import { toyArea } from './toyArea.ts';

const dir = mkdtempSync(join(tmpdir(), 'podnet-toy-'));
let tornDown = 0;

/** A target that runs nothing: the toy area never asks it for anything. */
const toyTarget: TargetEntry = {
  name: 'toy',
  recordAs: 'toy',
  kind: 'lab',
  description: 'a target for the toy area',
  capabilities: { run: true, selftest: false, labFaults: false, replay: false },
  // The toy area never asks the target for anything; the session only tears it down.
  open: async (): Promise<Target> =>
    inertTarget(
      {},
      {
        teardown: async () => {
          tornDown += 1;
        },
      },
    ),
  probeCommand: () => '',
};

beforeAll(() => AREAS.register(toyArea(500)));
afterAll(() => {
  AREAS.unregister('toy');
  rmSync(dir, { recursive: true, force: true });
});

test('a registered area is a valid --areas value, and an unknown one still names every area', () => {
  expect(parseAreas('toy')).toEqual(['toy']);
  expect(() => parseAreas('toys')).toThrow(/areas are policy, model, flannel, lb, toy/);
});

test('the session runs it, shrinks its failure, and every report shows it with its title', async () => {
  const deps = await sessionDepsFor(toyTarget, { faults: [] }, (doc, out) =>
    renderAll(doc, out).then(() => {}),
  );
  const result = await runSession(deps, {
    options: { ...DEFAULT_RUN_OPTIONS, areas: ['toy'], runs: 200, budgetMs: 30_000, shrinkBudgetMs: 30_000 },
    outDir: dir,
    cwd: dir,
  });
  expect(result.exitCode).toBe(1);
  expect(tornDown).toBe(1);

  const doc = readResultsFile(join(dir, 'results.json'));
  expect(doc.summary.byArea.toy).toMatchObject({ status: 'fail', findings: 1, title: 'Toy echo' });
  expect(doc.summary.byArea.policy).toMatchObject({ status: 'not-run', title: 'NetworkPolicy' });
  // The shared driver shrank the counterexample to the smallest number that fails.
  expect(doc.findings).toHaveLength(1);
  expect(doc.findings[0]).toMatchObject({ area: 'toy', rule: 'TOY-ECHO', expected: '500', observed: '501' });

  const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
  expect(junit).toMatch(/<testsuite name="[^"]*toy[^"]*"[^>]*failures="1"/);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  expect(html).toContain('<span class="name">Toy echo</span>');
  expect(renderTerminal(doc, { color: false })).toMatch(/\n\s+toy\s+fail\s/);
});
