/**
 * Good inputs that must still succeed (exit 0, or 1 where findings are the answer), so that a fix that
 * refuses everything is caught. Only the replay control builds a lab (inside the case's sandbox).
 */
import {
  kubeconfig,
  manifestWith,
  SMALL_MANIFEST,
  VALID_NET_CONF,
  VALID_PROFILE,
  validManifest,
  validResults,
} from '../fixtures.ts';
import { folder, link, put } from '../setup.ts';
import type { HostileCase } from '../types.ts';
import { renderedInjections } from './reports.ts';

const RESULTS = `${JSON.stringify(validResults(), null, 2)}\n`;

function control(
  name: string,
  argv: readonly string[],
  files: Readonly<Record<string, string>>,
  expect: HostileCase['expect'],
  extra: Partial<HostileCase> = {},
): HostileCase {
  return {
    kind: 'controls',
    name,
    setup: (ctx) => {
      for (const [file, text] of Object.entries(files)) put(ctx, file, text);
    },
    argv: () => argv,
    expect,
    ...extra,
  };
}

export function controlCases(): HostileCase[] {
  const m = { 'm.yaml': validManifest() };
  return [
    control('podnet --help', ['--help'], {}, { exit: 0, stdout: [/Usage/] }),
    control('podnet --version', ['--version'], {}, { exit: 0, stdout: [/podnet \d/] }),
    control('predict -f (table)', ['predict', '-f', 'm.yaml'], m, { exit: 0, stdout: [/x\/a/, /x\/b/] }),
    control('predict -f --format json', ['predict', '-f', 'm.yaml', '--format', 'json'], m, {
      exit: 0,
      stdout: [/"verdict": "(allow|deny|undefined)"/],
    }),
    control(
      'predict -f a folder (nested, with a link to a file)',
      ['predict', '-f', 'dir'],
      {},
      { exit: 0, stdout: [/x\/a/] },
      {
        setup: (ctx) => {
          put(ctx, 'dir/a/one.yaml', validManifest());
          folder(ctx, 'dir/empty');
          put(ctx, 'elsewhere/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n');
          link(ctx, 'dir/ns.yaml', '../elsewhere/ns.yaml');
        },
      },
    ),
    control(
      'predict --profile',
      ['predict', '-f', 'm.yaml', '--profile', 'p.yaml'],
      { ...m, 'p.yaml': VALID_PROFILE },
      {
        exit: 0,
        stdout: [/ipBlockMatchesPodIPs/],
      },
    ),
    control(
      'explain -f --from --to --port',
      ['explain', '-f', 'm.yaml', '--from', 'x/a', '--to', 'x/b', '--port', '80/TCP'],
      m,
      { exit: 0, stdout: [/allow|deny/i] },
    ),
    control(
      'explain --to an IP address',
      ['explain', '-f', 'm.yaml', '--from', 'x/b', '--to', '10.1.2.3', '--port', '443'],
      m,
      { exit: 0, stdout: [/allow|deny/i] },
    ),
    control(
      'flannel validate',
      ['flannel', 'validate', 'net-conf.json'],
      { 'net-conf.json': VALID_NET_CONF },
      {
        exit: 0,
        stdout: [/valid/],
      },
    ),
    control(
      'flannel validate --format json',
      ['flannel', 'validate', 'net-conf.json', '--format', 'json'],
      { 'net-conf.json': VALID_NET_CONF },
      { exit: 0, stdout: [/"Network"|"network"/] },
    ),
    control(
      'report',
      ['report', 'results.json'],
      { 'results.json': RESULTS },
      {
        exit: 0,
        present: ['report.html', 'junit.xml'],
      },
    ),
    control(
      'report --github with GITHUB_STEP_SUMMARY',
      ['report', 'results.json', '--github'],
      { 'results.json': RESULTS },
      {
        exit: 0,
        present: ['report.html', 'junit.xml', 'summary.md', 'step-summary.md'],
        stdout: [/^::error /m],
      },
      { env: (ctx) => ({ GITHUB_STEP_SUMMARY: ctx.path('step-summary.md') }), check: renderedInjections },
    ),
    control(
      'report -o and --junit into folders that do not exist yet',
      ['report', 'results.json', '-o', 'new/deep/r.html', '--junit', 'new/j.xml'],
      { 'results.json': RESULTS },
      { exit: 0, present: ['new/deep/r.html', 'new/j.xml'] },
    ),
    control(
      'generate --seed 1',
      ['generate', '--seed', '1', '--size', 'small'],
      {},
      { exit: 0, stdout: [/kind: Pod/] },
    ),
    control(
      'generate --seed 0',
      ['generate', '--seed', '0', '--size', 'small'],
      {},
      { exit: 0, stdout: [/kind:/] },
    ),
    control(
      'generate --seed 1 -o out',
      ['generate', '--seed', '1', '-o', 'out'],
      {},
      {
        exit: 0,
        present: ['out/cluster.yaml', 'out/scenario.json'],
      },
    ),
    control('generate --stats --runs 5', ['generate', '--stats', '--runs', '5'], {}, { exit: 0 }),
    control(
      '--max-input-size 256MiB raises the cap',
      ['--max-input-size', '256MiB', 'predict', '-f', 'm.yaml'],
      m,
      { exit: 0, stdout: [/x\/a/] },
    ),
    control(
      '--max-input-size 1KiB with a small file',
      ['--max-input-size=1KiB', 'predict', '-f', 's.yaml'],
      {
        's.yaml': SMALL_MANIFEST,
      },
      { exit: 0, stdout: [/x\/a/] },
    ),
    control(
      'a Service with clusterIP None (headless)',
      ['predict', '-f', 'm.yaml'],
      { 'm.yaml': manifestWith([[['Service', 'spec', 'clusterIP'], 'None']]) },
      { exit: 0 },
    ),
    control(
      'a Service with clusterIP "" (allocated by the API)',
      ['predict', '-f', 'm.yaml'],
      { 'm.yaml': manifestWith([[['Service', 'spec', 'clusterIP'], '']]) },
      { exit: 0 },
    ),
    control(
      'a ConfigMap with a 5 MiB value (an ignored kind)',
      ['predict', '-f', 'm.yaml'],
      {
        'm.yaml': `${validManifest()}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, namespace: x}\ndata:\n  big: ${'z'.repeat(5 * 2 ** 20)}\n`,
      },
      { exit: 0 },
    ),
    control('lab faults', ['lab', 'faults'], {}, { exit: 0, stdout: [/ignore-except/] }),
    control('lab status (no lab in this sandbox)', ['lab', 'status'], {}, { exit: 0, stdout: [/no lab/] }),
    control(
      'a valid kubeconfig, server unreachable: exit 3 (target failure)',
      ['predict', '--from-cluster', '--kubeconfig', 'kubeconfig'],
      { kubeconfig: kubeconfig() },
      { exit: 3, stderr: [/127\.0\.0\.1|unreachable|refused|connect/i] },
    ),
    control(
      'replay a valid finding on a fresh lab',
      ['replay', 'results.json'],
      { 'results.json': RESULTS },
      {
        exit: [0, 1],
        stdout: [/REPRODUCED/],
        labAllowed: true,
      },
      { maxCpuMs: 300_000 },
    ),
  ];
}
