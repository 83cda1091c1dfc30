// End-to-end: the package as a user installs it. `npm pack`, then `npm install --omit=dev` of the tarball
// into an empty folder, then the installed `podnet` runs predict, flannel validate and --help there: a file
// missing from package.json `files`, a run-time dependency left in devDependencies, or a module that only
// works through tsx fails here.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
let dir: string;
let app: string;
let packed: readonly string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-package-'));
  app = join(dir, 'app');
  await mkdir(app);
  // dist/ is fresh (test/globalSetup.ts builds it); --ignore-scripts keeps `prepare` from rebuilding it
  // under the feet of the other end-to-end tests.
  const pack = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
    cwd: ROOT,
  });
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  packed = info!.files.map((f) => f.path);
  await execa(
    'npm',
    ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', join(dir, info!.filename)],
    { cwd: app },
  );
}, 300_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const npxPodnet = (...args: string[]) =>
  execa('npx', ['--no', 'podnet', ...args], { cwd: app, reject: false });
/** The installed bin, as a user's PATH (node_modules/.bin) finds it. */
const podnet = (...args: string[]) =>
  execa(join(app, 'node_modules/.bin/podnet'), args, { cwd: app, reject: false });

describe('the packed and installed package', { tags: ['e2e'], timeout: 120_000 }, () => {
  test('holds what a user needs and no tests, fixtures or sources', () => {
    for (const needed of [
      'bin/podnet.js',
      'dist/cli/main.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/adapters/lab/podAgent/labagent.c',
      'dist/adapters/lab/flannel/udp/tunexec.c',
      'dist/adapters/labapi/daemon.js',
      'README.md',
      'LICENSE',
      'examples/seed-policy/policy.yaml',
      'examples/flannel/vxlan.json',
    ]) {
      expect(packed).toContain(needed);
    }
    const unwanted = packed.filter((p) =>
      /\.test\.|test-helpers|(^|\/)(fixtures|testFixtures|testing)\/|^(test|bench)\/|\.ts$|^bin\/(build|bench)\.js$/.test(
        p.replace(/\.d\.ts$/, '.d'),
      ),
    );
    expect(unwanted).toEqual([]);
  });

  test('npx podnet predict -f on the shipped seed example prints its truth table', async () => {
    const r = await npxPodnet('predict', '-f', 'node_modules/podnet/examples/seed-policy');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^profile: /);
    expect(r.stdout).toContain('TCP/6379');
  });

  test('podnet flannel validate on the shipped vxlan net-conf', async () => {
    const r = await podnet('flannel', 'validate', 'node_modules/podnet/examples/flannel/vxlan.json');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('valid for flannel v0.28.9 with the kube subnet manager');
    expect(r.stdout).toMatch(/effectivePort\s+8472/);
  });

  test('podnet --help and --version', async () => {
    const help = await podnet('--help');
    expect(help.exitCode).toBe(0);
    for (const command of ['predict', 'run', 'flannel', 'lab', 'report']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    const version = await podnet('--version');
    expect(version.stdout).toBe(`podnet ${VERSION}`);
  });

  test('the library entry imports in plain node, and its types resolve for a TypeScript user', async () => {
    const imported = await execa(
      'node',
      ['--input-type=module', '-e', "const m = await import('podnet'); console.log(m.PODNET_VERSION)"],
      { cwd: app },
    );
    expect(imported.stdout).toBe(VERSION);
    const tsconfig = {
      compilerOptions: { module: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, types: [] },
    };
    await writeFile(join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    // Wrong on purpose: if the declarations did not resolve, both would be `any` and tsc would say nothing.
    await writeFile(
      join(app, 'use.ts'),
      [
        "import { type Cluster, PODNET_VERSION, predictMatrix } from 'podnet';",
        'export const version: number = PODNET_VERSION;',
        'export const rows: string = predictMatrix({} as Cluster);',
        '',
      ].join('\n'),
    );
    const checked = await execa('node', [TSC, '-p', app], { cwd: app, reject: false });
    const errors = checked.stdout.split('\n').filter((l) => l.includes('error TS'));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(
      /use\.ts\(2,14\): error TS2322: Type 'string' is not assignable to type 'number'/,
    );
    expect(errors[1]).toMatch(/use\.ts\(3,14\): error TS2322: Type 'PredictionRow\[\]' is not assignable/);
  });
});
