// Cleanup on SIGINT/SIGTERM: a kube target used on its own (its own handlers) tears the run down and
// then dies of the signal, as a Ctrl-C'd process should. Run in a child process on the recording fake.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';

const CHILD = join(import.meta.dirname, 'testing', 'signalChild.ts');

describe('kube target on SIGINT/SIGTERM', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal}: the run's namespaces are deleted, foreign ones kept, and the process dies of ${signal}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'podnet-kube-signal-'));
      const state = join(dir, 'state.json');
      try {
        const child = execa('node', ['--import', 'tsx/esm', CHILD, state], {
          cwd: join(import.meta.dirname, '..', '..'),
          reject: false,
          timeout: 60_000,
        });
        await new Promise<void>((resolve, reject) => {
          child.stdout?.on('data', (d: Buffer) => {
            if (d.toString().includes('ready')) resolve();
          });
          child.catch(reject);
        });
        expect(JSON.parse(await readFile(state, 'utf8'))).toEqual(['kube-system', 'podnet-c0ffee-x']);
        child.kill(signal);
        const r = await child;
        expect(r.signal).toBe(signal);
        expect(JSON.parse(await readFile(state, 'utf8'))).toEqual(['kube-system']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
