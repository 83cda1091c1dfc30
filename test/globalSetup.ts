/**
 * Once per test run. First, build dist/: the end-to-end tests run bin/podnet.js, which runs the compiled
 * CLI, so they must never test a stale build. After the last test, remove the labs that this run's test
 * workers left (a test that timed out keeps running in the background and never reaches its cleanup).
 * Only labs whose owner is a vitest worker that is gone are touched: labs of running processes, and other
 * people's, stay.
 */
import { execFileSync } from 'node:child_process';
import { cleanupAll } from '../adapters/lab/cleanup.ts';

export default function setup(): () => Promise<void> {
  try {
    execFileSync(process.execPath, [new URL('../bin/build.js', import.meta.url).pathname], { stdio: 'pipe' });
  } catch (error) {
    const out = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`npm run build failed:\n${out.stdout ?? ''}${out.stderr ?? ''}`);
  }
  return async () => {
    if (process.getuid?.() !== 0) return;
    const report = await cleanupAll(undefined, { ownerCommand: /node_modules\/vitest\// });
    if (report.labs.length > 0) {
      process.stderr.write(`test teardown: removed labs left by test workers: ${report.labs.join(', ')}\n`);
    }
  };
}
