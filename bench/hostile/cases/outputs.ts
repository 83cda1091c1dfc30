/**
 * Output paths that cannot be written: under /proc, /dev/full, a FIFO, a folder where a file goes, a
 * regular file where a folder goes, a read-only place (a read-only bind mount inside the sandbox: root
 * ignores mode bits). Each must get exit 2 at once, before anything is written: no other output file
 * of the same command may exist afterwards, and commands that build a lab must refuse before it exists.
 */
import { validResults } from '../fixtures.ts';
import { fifo, folder, put } from '../setup.ts';
import type { CaseContext, HostileCase } from '../types.ts';

const RESULTS = `${JSON.stringify(validResults(), null, 2)}\n`;

function reportOutputCase(
  name: string,
  args: readonly string[],
  mentions: RegExp,
  absent: readonly string[],
  options: {
    setup?: (ctx: CaseContext) => void;
    readOnly?: readonly string[];
    env?: Readonly<Record<string, string>>;
  } = {},
): HostileCase {
  return {
    kind: 'outputs',
    name: `report ${name}`,
    setup: (ctx) => {
      put(ctx, 'results.json', RESULTS);
      options.setup?.(ctx);
    },
    ...(options.readOnly
      ? { readOnly: (ctx: CaseContext) => (options.readOnly ?? []).map((d) => ctx.path(d)) }
      : {}),
    ...(options.env ? { env: () => options.env ?? {} } : {}),
    argv: () => ['report', 'results.json', ...args],
    expect: { exit: 2, stderr: [mentions], absent },
  };
}

function labOutputCase(
  command: readonly string[],
  name: string,
  mentions: RegExp,
  options: { setup?: (ctx: CaseContext) => void; readOnly?: readonly string[] } = {},
): HostileCase {
  return {
    kind: 'outputs',
    name: `${command.join(' ')}${name ? ` ${name}` : ''}`,
    ...(options.setup ? { setup: options.setup } : {}),
    ...(options.readOnly
      ? { readOnly: (ctx: CaseContext) => (options.readOnly ?? []).map((d) => ctx.path(d)) }
      : {}),
    argv: () => [...command],
    expect: { exit: 2, stderr: [mentions] },
  };
}

export function outputCases(): HostileCase[] {
  return [
    reportOutputCase('-o /proc/x.html', ['-o', '/proc/x.html'], /\/proc\/x\.html/, [
      'junit.xml',
      'report.html',
    ]),
    reportOutputCase('--junit /proc/1/x/junit.xml', ['--junit', '/proc/1/x/junit.xml'], /\/proc\/1\/x/, [
      'report.html',
    ]),
    reportOutputCase('--junit /dev/full', ['--junit', '/dev/full'], /\/dev\/full/, ['report.html']),
    reportOutputCase('-o /dev/full', ['-o', '/dev/full'], /\/dev\/full/, ['junit.xml']),
    reportOutputCase('-o a FIFO', ['-o', 'pipe.html'], /pipe\.html/, ['junit.xml'], {
      setup: (ctx) => fifo(ctx, 'pipe.html'),
    }),
    reportOutputCase('-o an existing folder', ['-o', 'out.html'], /out\.html/, ['junit.xml'], {
      setup: (ctx) => folder(ctx, 'out.html'),
    }),
    reportOutputCase(
      '-o inside a read-only folder',
      ['-o', 'ro/report.html'],
      /ro\/report\.html|ro\b/,
      ['junit.xml'],
      {
        setup: (ctx) => folder(ctx, 'ro'),
        readOnly: ['ro'],
      },
    ),
    reportOutputCase(
      '--junit inside a read-only folder',
      ['--junit', 'ro/junit.xml'],
      /ro\/junit\.xml|ro\b/,
      ['report.html'],
      {
        setup: (ctx) => folder(ctx, 'ro'),
        readOnly: ['ro'],
      },
    ),
    reportOutputCase(
      '--junit under a regular file',
      ['--junit', 'file.txt/junit.xml'],
      /file\.txt/,
      ['report.html'],
      {
        setup: (ctx) => put(ctx, 'file.txt', 'x'),
      },
    ),
    reportOutputCase('-o "" (an empty path)', ['-o', ''], /-o|output|empty/i, ['junit.xml', 'report.html']),
    reportOutputCase(
      '--github with GITHUB_STEP_SUMMARY=/proc/x',
      ['--github'],
      /\/proc\/x|GITHUB_STEP_SUMMARY/,
      ['report.html', 'junit.xml', 'summary.md'],
      { env: { GITHUB_STEP_SUMMARY: '/proc/x' } },
    ),
    {
      kind: 'outputs',
      name: 'report of a results.json in a read-only folder (outputs default beside it)',
      setup: (ctx) => put(ctx, 'ro/results.json', RESULTS),
      readOnly: (ctx) => [ctx.path('ro')],
      argv: () => ['report', 'ro/results.json'],
      expect: { exit: 2, stderr: [/ro\b/] },
    },
    labOutputCase(['run', '--runs', '1', '--out', '/proc/1/x'], '', /\/proc\/1\/x/),
    labOutputCase(['run', '--runs', '1', '--out', 'pipe'], '(a FIFO)', /pipe/, {
      setup: (ctx) => fifo(ctx, 'pipe'),
    }),
    labOutputCase(['run', '--runs', '1', '--out', 'file.txt'], '(a regular file)', /file\.txt/, {
      setup: (ctx) => put(ctx, 'file.txt', 'x'),
    }),
    labOutputCase(['run', '--runs', '1', '--out', 'ro/out'], '(inside a read-only folder)', /ro\/out|ro\b/, {
      setup: (ctx) => folder(ctx, 'ro'),
      readOnly: ['ro'],
    }),
    labOutputCase(['selftest', '--fault', 'ignore-except', '--out', '/proc/1/x'], '', /\/proc\/1\/x/),
    {
      kind: 'outputs',
      name: 'generate -o /proc/x',
      argv: () => ['generate', '--seed', '1', '-o', '/proc/x'],
      expect: { exit: 2, stderr: [/\/proc\/x/] },
    },
    {
      kind: 'outputs',
      name: 'generate -o a regular file',
      setup: (ctx) => put(ctx, 'file.txt', 'x'),
      argv: () => ['generate', '--seed', '1', '-o', 'file.txt'],
      expect: { exit: 2, stderr: [/file\.txt/] },
    },
    {
      kind: 'outputs',
      name: 'generate -o inside a read-only folder',
      setup: (ctx) => folder(ctx, 'ro'),
      readOnly: (ctx) => [ctx.path('ro')],
      argv: () => ['generate', '--seed', '1', '-o', 'ro/out'],
      expect: { exit: 2, stderr: [/ro\/out|ro\b/] },
    },
  ];
}
