// The report fixtures are what the runner writes: each is regenerated from its real run (fixtureRuns.ts) and
// must equal the checked-in file. A runner change that alters results.json fails here until `npm run fixtures`.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { fixturePath, loadFixture } from '../../reports/fixtures/load.ts';
import type { ResultsDocument } from '../../spec/results.ts';
import type { GeneratedFixture } from './fixtureRuns.ts';
import {
  fixtureText,
  GENERATED,
  generateFixtures,
  mergeDocuments,
  normaliseVolatile,
} from './fixtureRuns.ts';

let generated: Record<GeneratedFixture, ResultsDocument>;
beforeAll(async () => {
  generated = await generateFixtures();
}, 120_000);

describe('reports/fixtures/*.json come from real runs', () => {
  test.each(GENERATED)('%s.json is what its run writes (else: npm run fixtures)', (name) => {
    const checkedIn = JSON.parse(readFileSync(fixturePath(name), 'utf8')) as ResultsDocument;
    expect(fixtureText(checkedIn)).toBe(fixtureText(generated[name]));
    // And the one reader of results.json takes it as it is.
    expect(loadFixture(name)).toEqual(JSON.parse(fixtureText(checkedIn)));
  });

  test('replay commands are the ones the CLI accepts: `npx podnet replay <results.json> --finding <id>`', () => {
    const replays = GENERATED.flatMap((name) => generated[name].findings)
      .filter((f) => f.area === 'policy' || f.area === 'model')
      .map((f) => [f.replayCommand, f.id]);
    expect(replays.length).toBeGreaterThan(0);
    for (const [command, id] of replays) {
      expect(command).toBe(`npx podnet replay podnet-results/results.json --finding ${id}`);
    }
  });

  test('each run found what its stand-in was broken for', () => {
    const kinds = (name: GeneratedFixture) => generated[name].findings.map((f) => `${f.rule} ${f.kind}`);
    expect(generated.clean.summary.conforms).toBe(true);
    expect(generated.clean.findings).toEqual([]);
    expect(generated.policy.findings[0]?.kind).toBe('leak');
    expect(generated.policy.findings[0]?.truthTable?.some((c) => c.differs)).toBe(true);
    expect(generated.policy.findings[0]?.truthTable?.some((c) => c.expected === 'undefined')).toBe(true);
    expect(kinds('flannel')).toEqual(['FL-DATAPLANE block', 'FL-FDB mismatch']);
    expect(kinds('lb').every((k) => k === 'LB-UNIFORM distribution')).toBe(true);
    expect(generated.lb.sections?.lb?.length).toBeGreaterThan(0);
    expect(kinds('inconclusive')).toEqual(['NP-EGRESS-ISOLATION inconclusive']);
    expect(generated.inconclusive.options.inconclusiveProbes).toBeGreaterThan(0);
    expect(generated.inconclusive.summary.byArea.lb?.status).toBe('unsupported');
    expect(new Set(generated.full.findings.map((f) => f.kind))).toEqual(
      new Set(['leak', 'block', 'mismatch', 'distribution', 'inconclusive']),
    );
    expect(generated.full.findings.some((f) => f.rule === 'MODEL-NO-NAT')).toBe(true);
  });

  test('merging renumbers findings and their replay commands, and recomputes the summary', () => {
    const merged = mergeDocuments([generated.policy, generated.policy]);
    expect(merged.findings.map((f) => f.id)).toEqual(['F1', 'F2']);
    expect(merged.findings[1]?.replayCommand).toMatch(/ --finding F2$/);
    expect(merged.summary.findings).toBe(2);
    expect(merged.summary.byArea.policy).toMatchObject({
      status: 'fail',
      scenarios: 2 * (generated.policy.summary.byArea.policy?.scenarios ?? 0),
    });
  });

  test('normalising fixes the clock-dependent fields and nothing else', () => {
    const doc = generated.policy;
    const f = doc.findings[0] as ResultsDocument['findings'][number];
    const timed: ResultsDocument = {
      ...doc,
      startedAt: '2031-05-05T05:05:05.555Z',
      summary: { ...doc.summary, durationMs: 12_345 },
      findings: [
        {
          ...f,
          convergenceMs: 99,
          explanation: ['the differing probes were polled for 7 ms and still differed'],
        },
      ],
    };
    const normal = normaliseVolatile(timed);
    expect(normal.startedAt).toBe(doc.startedAt);
    expect(normal.summary).toEqual(doc.summary);
    expect(normal.findings[0]?.convergenceMs).toBe(0);
    expect(normal.findings[0]?.explanation).toEqual([
      'the differing probes were polled for 0 ms and still differed',
    ]);
    expect(normaliseVolatile(doc)).toEqual(doc);
  });
});
