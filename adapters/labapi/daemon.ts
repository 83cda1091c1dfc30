/**
 * The long-lived process behind `podnet lab up --api`:
 *   node --import <tsx> daemon.ts --podnet-lab=pn<id>- '<LabApiOptions as JSON>'
 * It carries the lab prefix on its command line like the lab's agents (and its configuration the same way),
 * so `podnet lab down` (cleanup by prefix) ends it with the rest of the lab. It builds the lab, serves the
 * API, and tears the lab down on SIGTERM/SIGINT.
 *
 * Until it serves, it reports on stdout (which `lab up` reads): its log lines, then `ready <url>`; a failure
 * ends it with exit code 1 after its last lines. From then on it logs to `/run/podnet/<id>/log/api.log` only
 * (`lab up` has gone by then), reopened if a lab rebuild removed it.
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { LabApi, type LabApiOptions } from './labApi.ts';

const [flag, configText] = process.argv.slice(2);
if (!flag?.startsWith('--podnet-lab=pn') || configText === undefined) {
  process.stderr.write("usage: daemon.ts --podnet-lab=pn<id>- '<options JSON>'\n");
  process.exit(2);
}

const options = JSON.parse(configText) as Omit<LabApiOptions, 'log'> & { readonly logFile: string };
let toFile = false;

const log = (line: string): void => {
  const text = `${new Date().toISOString()} ${line}\n`;
  if (!toFile) {
    process.stdout.write(text);
    return;
  }
  try {
    if (!existsSync(dirname(options.logFile))) mkdirSync(dirname(options.logFile), { recursive: true });
    appendFileSync(options.logFile, text);
  } catch {
    // The state folder is being removed (lab down): nothing left to log to.
  }
};

const api = new LabApi({ ...options, log, signalHandlers: false });

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: tearing the lab down`);
  void api
    .stop(true)
    .catch((e: unknown) => log(`teardown failed: ${(e as Error).message}`))
    .finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('SIGPIPE', () => {});
process.stdout.on('error', () => {});
process.on('uncaughtException', (e) => log(`uncaught: ${e.stack ?? e.message}`));
process.on('unhandledRejection', (e) => log(`unhandled rejection: ${(e as Error)?.stack ?? String(e)}`));

try {
  const record = await api.start();
  log(`serving ${record.url}, kubeconfig ${record.kubeconfig}`);
  process.stdout.write(`ready ${record.url}\n`);
  toFile = true;
  log(`serving ${record.url}, kubeconfig ${record.kubeconfig}, api faults: ${record.apiFaults || 'none'}`);
} catch (error) {
  log(`failed to start: ${(error as Error).stack ?? String(error)}`);
  await api.stop(true).catch(() => {});
  process.exit(1);
}
