/**
 * Once per test run: after the last test, remove the labs that this run's test workers left (a test that
 * timed out keeps running in the background and never reaches its cleanup). Only labs whose owner is a
 * vitest worker that is gone are touched: labs of running processes, and other people's, stay.
 */
import { cleanupAll } from '../adapters/lab/cleanup.ts';

export default function setup(): () => Promise<void> {
  return async () => {
    if (process.getuid?.() !== 0) return;
    const report = await cleanupAll(undefined, { ownerCommand: /node_modules\/vitest\// });
    if (report.labs.length > 0) {
      process.stderr.write(`test teardown: removed labs left by test workers: ${report.labs.join(', ')}\n`);
    }
  };
}
