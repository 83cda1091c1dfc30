import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'podnet-results/**'],
    // Removes labs that test workers left behind (a timed-out test never reaches its cleanup).
    globalSetup: ['test/globalSetup.ts'],
    // A hang guard, not a performance check: CI machines are shared and 2-core.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    tags: [
      {
        name: 'lab',
        description: 'needs root and Linux network namespaces; builds the embedded lab',
        timeout: 180_000,
      },
      { name: 'e2e', description: 'runs the real podnet CLI in a temp dir', timeout: 180_000 },
      { name: 'browser', description: 'opens a report in headless Chromium', timeout: 120_000 },
    ],
    // Lab tests share kernel state (netns names, iptables); one file at a time keeps them honest.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
