/** The prerequisite check names what is missing, with a hint (exit code 3). */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const PREREQ = fileURLToPath(new URL('./prereq.ts', import.meta.url));

test('a machine without `ip` gets "`ip` is missing" and the package to install', {
  tags: ['lab'],
}, async () => {
  const script = `import(${JSON.stringify(PREREQ)}).then((m) => m.checkPrerequisites('pn0000-x')).then(
    () => console.log('passed'),
    (e) => console.log(e.name, e.exitCode, e.message));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], {
    env: { ...process.env, PATH: '/nonexistent' },
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  expect(stdout).toContain('PodnetTargetError 3 `ip` is missing');
  expect(stdout).toContain('apt-get install iproute2');
});
