/** Tests' handle on holdLab.ts: a child process that builds a lab and holds it until signalled. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HOLD = fileURLToPath(new URL('./holdLab.ts', import.meta.url));

/** Starts holdLab.ts in a child process and resolves `up` once its lab is built. */
export function holdLab(labId: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLD, labId], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => {
    err += String(d);
  });
  const up = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      if (String(d).includes('up')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`holdLab exited with ${code}: ${err}`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, up, exited };
}
