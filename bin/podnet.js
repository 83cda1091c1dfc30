#!/usr/bin/env node
// Entry point: the compiled CLI in dist/ (`npm run build`, which `npm ci` runs through `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'podnet: this checkout is not built (dist/cli/main.js is missing)\n  hint: run `npm run build` (or `npm ci`) in the podnet folder\n',
  );
  process.exit(2);
}
// Stack traces (PODNET_DEBUG=1) name the TypeScript sources through dist/'s source maps.
if (process.env.PODNET_DEBUG) process.setSourceMapsEnabled(true);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
