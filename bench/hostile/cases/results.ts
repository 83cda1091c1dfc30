/**
 * Forged results.json for `podnet report` and `podnet replay`: wrong types at every level, numbers
 * JSON.parse turns into Infinity (1e999), missing fields, schemaVersion 3, giant arrays; for replay,
 * scenarios whose names traverse paths, a namespace `a/b`, control characters, bad addresses and ports.
 * Each must get exit 2 naming the JSON path; replay must refuse before a lab exists, and a forged name
 * must never make anything appear in the case's canary folder (names aim there, inside the temp dir).
 */
import { replayScenario, resultsWith, resultsWithLiteral, setIn, validResults } from '../fixtures.ts';
import { put } from '../setup.ts';
import type { CaseContext, HostileCase } from '../types.ts';

type Path = readonly (string | number)[];

const F0 = (...p: Path): Path => ['findings', 0, ...p];
const SC = (...p: Path): Path => F0('scenario', ...p);

function reportCase(
  name: string,
  text: () => string,
  field: RegExp,
  exit: number | readonly number[] = 2,
): HostileCase {
  return {
    kind: 'results',
    name: `report: ${name}`,
    // Built when the case runs: some are tens of MiB.
    setup: (ctx) => put(ctx, 'results.json', text()),
    argv: () => ['report', 'results.json'],
    expect: {
      exit,
      stderr: [/results\.json/, field],
      // Refused means refused before writing: no report beside the forged file.
      ...(exit === 2 ? { absent: ['report.html', 'junit.xml'] } : {}),
    },
  };
}

function replayCase(
  name: string,
  text: (ctx: CaseContext) => string,
  field: RegExp,
  extraArgs: readonly string[] = [],
): HostileCase {
  return {
    kind: 'results',
    name: `replay: ${name}`,
    setup: (ctx) => put(ctx, 'results.json', text(ctx)),
    argv: () => ['replay', 'results.json', ...extraArgs],
    expect: { exit: 2, stderr: [/results\.json/, field] },
  };
}

/** A path that climbs out of any lab folder and lands in the canary folder. */
function traversal(ctx: CaseContext, leaf?: string): string {
  return `${'../'.repeat(12)}${ctx.canary.replace(/^\//, '')}${leaf === undefined ? '' : `/${leaf}`}`;
}

/** Valid results whose replayable scenario has `change` applied. */
function scenarioWith(change: (scenario: Record<string, unknown>) => void): string {
  const doc = validResults();
  const scenario = replayScenario();
  change(scenario);
  setIn(doc, F0('scenario'), scenario);
  return JSON.stringify(doc, null, 2);
}

function podField(field: string, value: unknown): (s: Record<string, unknown>) => void {
  return (s) => setIn(s, ['cluster', 'pods', 0, field], value);
}

export function resultsCases(): HostileCase[] {
  const big = (n: number, item: unknown) => Array.from({ length: n }, () => item);
  const flannelFinding = validResults().findings as unknown[];
  return [
    reportCase('the document is a list', () => '[]', /root|object|document/i),
    reportCase('schemaVersion 3', () => resultsWith(['schemaVersion'], 3), /schemaVersion/),
    reportCase('schemaVersion 1 (before coverage)', () => resultsWith(['schemaVersion'], 1), /schemaVersion/),
    reportCase('schemaVersion "1"', () => resultsWith(['schemaVersion'], '1'), /schemaVersion/),
    reportCase('tool missing', () => resultsWith(['tool'], undefined), /tool/),
    reportCase('seed "7" (a string)', () => resultsWith(['seed'], '7'), /seed/),
    reportCase('seed 1e999', () => resultsWithLiteral(['seed'], '1e999'), /seed/),
    reportCase('seed -1', () => resultsWith(['seed'], -1), /seed/),
    reportCase('seed 1.5', () => resultsWith(['seed'], 1.5), /seed/),
    reportCase('startedAt 5', () => resultsWith(['startedAt'], 5), /startedAt/),
    reportCase('summary missing', () => resultsWith(['summary'], undefined), /summary/),
    reportCase(
      'summary.probes 1e999',
      () => resultsWithLiteral(['summary', 'probes'], '1e999'),
      /summary\.probes/,
    ),
    reportCase(
      'summary.durationMs -1e999',
      () => resultsWithLiteral(['summary', 'durationMs'], '-1e999'),
      /durationMs/,
    ),
    reportCase('summary.byArea "x"', () => resultsWith(['summary', 'byArea'], 'x'), /byArea/),
    reportCase(
      'summary.byArea.policy.status "bogus"',
      () => resultsWith(['summary', 'byArea', 'policy', 'status'], 'bogus'),
      /byArea\.policy\.status|status/,
    ),
    reportCase('options a list', () => resultsWith(['options'], []), /options/),
    reportCase('areas ["bogus"]', () => resultsWith(['areas'], ['bogus']), /areas/),
    reportCase('profile.support "x"', () => resultsWith(['profile', 'support'], 'x'), /profile\.support/),
    reportCase('findings "x"', () => resultsWith(['findings'], 'x'), /findings/),
    reportCase('findings[0] "x"', () => resultsWith(F0(), 'x'), /findings\[0\]/),
    reportCase('findings[0].id 5', () => resultsWith(F0('id'), 5), /findings\[0\]\.id/),
    reportCase('findings[0].truthTable "x"', () => resultsWith(F0('truthTable'), 'x'), /truthTable/),
    reportCase('findings[0].truthTable[0] 5', () => resultsWith(F0('truthTable', 0), 5), /truthTable\[0\]/),
    reportCase(
      'findings[0].truthTable[0].expected "bogus"',
      () => resultsWith(F0('truthTable', 0, 'expected'), 'bogus'),
      /truthTable\[0\]\.expected/,
    ),
    reportCase(
      'findings[0].truthTable[0].differs "yes"',
      () => resultsWith(F0('truthTable', 0, 'differs'), 'yes'),
      /truthTable\[0\]\.differs/,
    ),
    reportCase('findings[0].probe.port "80"', () => resultsWith(F0('probe', 'port'), '80'), /probe\.port/),
    reportCase(
      'findings[0].probe.port 1e999',
      () => resultsWithLiteral(F0('probe', 'port'), '1e999'),
      /probe\.port/,
    ),
    reportCase('findings[0].explanation [5]', () => resultsWith(F0('explanation'), [5]), /explanation/),
    reportCase('findings[0].namespaces [null]', () => resultsWith(F0('namespaces'), [null]), /namespaces/),
    reportCase('findings[0].shrink.pods "x"', () => resultsWith(F0('shrink', 'pods'), 'x'), /shrink/),
    reportCase(
      'findings[1].flannel [{node: 5}]',
      () => resultsWith(['findings', 1, 'flannel'], [{ node: 5 }]),
      /flannel/,
    ),
    reportCase(
      'findings[2].lb.counts []',
      () => resultsWith(['findings', 2, 'lb', 'counts'], []),
      /lb\.counts/,
    ),
    reportCase(
      'findings[2].lb.counts {"web-0": "x"}',
      () => resultsWith(['findings', 2, 'lb', 'counts'], { 'web-0': 'x' }),
      /lb\.counts/,
    ),
    reportCase(
      'findings[2].lb.pValue 1e999',
      () => resultsWithLiteral(['findings', 2, 'lb', 'pValue'], '1e999'),
      /pValue/,
    ),
    reportCase('sections.lb "x"', () => resultsWith(['sections', 'lb'], 'x'), /sections\.lb/),
    reportCase('sections.flannel [5]', () => resultsWith(['sections', 'flannel'], [5]), /sections\.flannel/),
    reportCase('checks [5]', () => resultsWith(['checks'], [5]), /checks/),
    reportCase(
      'a giant array: 2,000,000 explanation lines',
      () => resultsWith(F0('explanation'), big(2_000_000, 'x')),
      /./,
      [0, 2],
    ),
    reportCase(
      'a giant array: 50,000 findings',
      () => resultsWith(['findings'], big(50_000, flannelFinding[1])),
      /./,
      [0, 2],
    ),
    reportCase(
      'a 10 MiB scenarioYaml',
      () => resultsWith(F0('scenarioYaml'), 'y'.repeat(10 * 2 ** 20)),
      /./,
      [0, 2],
    ),
    replayCase('schemaVersion 3', () => resultsWith(['schemaVersion'], 3), /schemaVersion/),
    replayCase('findings[0].scenario "x"', () => resultsWith(F0('scenario'), 'x'), /scenario/),
    replayCase(
      'scenario.cluster missing',
      () => resultsWith(SC('cluster'), undefined),
      /scenario\.cluster|cluster/,
    ),
    replayCase('scenario.cluster.pods "x"', () => resultsWith(SC('cluster', 'pods'), 'x'), /pods/),
    replayCase(
      'a pod name that climbs into the canary folder',
      (ctx) => scenarioWith(podField('name', traversal(ctx, 'pod'))),
      /pods\[0\]\.name|name/,
    ),
    replayCase(
      'a namespace that climbs into the canary folder',
      (ctx) =>
        scenarioWith((s) => {
          // The lab names a pod's log after `<namespace>_<name>`: the namespace alone must reach the canary.
          const ns = traversal(ctx);
          setIn(s, ['cluster', 'namespaces', 0, 'name'], ns);
          setIn(s, ['cluster', 'pods', 0, 'namespace'], ns);
          setIn(s, ['cluster', 'pods', 1, 'namespace'], ns);
        }),
      /namespace|name/,
    ),
    replayCase(
      'an added pod (step) that climbs into the canary folder',
      (ctx) =>
        scenarioWith((s) => {
          const pod = structuredClone((s.cluster as { pods: Record<string, unknown>[] }).pods[0]) as Record<
            string,
            unknown
          >;
          pod.name = traversal(ctx, 'step');
          s.steps = [{ kind: 'addPod', pod }];
        }),
      /steps|name/,
    ),
    replayCase(
      'namespace "a/b"',
      () =>
        scenarioWith((s) => {
          setIn(s, ['cluster', 'namespaces', 0, 'name'], 'a/b');
          setIn(s, ['cluster', 'pods', 0, 'namespace'], 'a/b');
          setIn(s, ['cluster', 'pods', 1, 'namespace'], 'a/b');
        }),
      /namespace|name/,
    ),
    replayCase(
      'a pod name with control characters',
      () => scenarioWith(podField('name', 'a\u001b[31m\u0007')),
      /name/,
    ),
    replayCase(
      'a label value with a newline and iptables text',
      () => scenarioWith((s) => setIn(s, ['cluster', 'pods', 0, 'labels', 'app'], 'a\n-A INPUT -j ACCEPT')),
      /label|app/,
    ),
    replayCase(
      'containerPort 70000',
      () =>
        scenarioWith((s) =>
          setIn(s, ['cluster', 'pods', 0, 'containers', 0, 'ports', 0, 'containerPort'], 70000),
        ),
      /containerPort/,
    ),
    replayCase(
      'containerPort 1e999',
      () =>
        scenarioWith((s) =>
          setIn(s, ['cluster', 'pods', 0, 'containers', 0, 'ports', 0, 'containerPort'], 'PNXLITERAL'),
        ).replace('"PNXLITERAL"', '1e999'),
      /containerPort/,
    ),
    replayCase(
      'a Service clusterIP "garbage"',
      () =>
        scenarioWith((s) =>
          setIn(
            s,
            ['cluster', 'services'],
            [
              {
                namespace: 'x',
                name: 'web',
                selector: { app: 'a' },
                ports: [{ protocol: 'TCP', port: 80, targetPort: 80 }],
                sessionAffinity: 'None',
                affinityTimeoutSeconds: 10800,
                clusterIP: 'garbage',
              },
            ],
          ),
        ),
      /clusterIP/,
    ),
    replayCase(
      'an ipBlock literal cidr "garbage"',
      () =>
        scenarioWith((s) =>
          setIn(
            s,
            ['cluster', 'policies'],
            [
              {
                namespace: 'x',
                name: 'p',
                podSelector: {},
                policyTypes: ['Ingress'],
                ingress: [{ peers: [{ ipBlock: { cidr: { ref: 'literal', cidr: 'garbage' } } }] }],
              },
            ],
          ),
        ),
      /cidr/,
    ),
    replayCase(
      'netConf.Network "garbage"',
      () => scenarioWith((s) => setIn(s, ['netConf', 'Network'], 'garbage')),
      /Network/,
    ),
    replayCase(
      'netConf.Backend.Type "bogus"',
      () => scenarioWith((s) => setIn(s, ['netConf', 'Backend', 'Type'], 'bogus')),
      /Backend|Type/,
    ),
    replayCase(
      'traffic.mode "bogus"',
      () => scenarioWith((s) => setIn(s, ['traffic', 'mode'], 'bogus')),
      /traffic|mode/,
    ),
    replayCase(
      'steps [{kind: "bogus"}]',
      () => scenarioWith((s) => setIn(s, ['steps'], [{ kind: 'bogus' }])),
      /steps/,
    ),
    replayCase(
      'options.probeTimeoutMs 1e999',
      () => resultsWithLiteral(['options', 'probeTimeoutMs'], '1e999'),
      /probeTimeoutMs/,
    ),
    replayCase(
      'options.probeTimeoutMs -5',
      () => resultsWith(['options', 'probeTimeoutMs'], -5),
      /probeTimeoutMs/,
    ),
    replayCase('options.labFaults "x"', () => resultsWith(['options', 'labFaults'], 'x'), /labFaults/),
    replayCase(
      'options.labFaults ["no-such-fault"]',
      () => resultsWith(['options', 'labFaults'], ['no-such-fault']),
      /labFaults|no-such-fault/,
    ),
    replayCase('profile.loopback "bogus"', () => resultsWith(['profile', 'loopback'], 'bogus'), /loopback/),
    replayCase('areas "x"', () => resultsWith(['areas'], 'x'), /areas/),
    replayCase('seed 1e999', () => resultsWithLiteral(['seed'], '1e999'), /seed/),
    replayCase('seed -1', () => resultsWith(['seed'], -1), /seed/),
    replayCase('findings[0].kind "bogus"', () => resultsWith(F0('kind'), 'bogus'), /kind/),
    replayCase('findings []', () => resultsWith(['findings'], []), /finding/),
    replayCase('--finding that does not exist', () => JSON.stringify(validResults()), /no-such-id/, [
      '--finding',
      'no-such-id',
    ]),
  ];
}
