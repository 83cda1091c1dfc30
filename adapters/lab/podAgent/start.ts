/** Starts pod agents (podAgent/agent.mjs) inside namespaces, detached so a lab outlives `podnet lab up`. */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PodnetTargetError } from '../../../spec/errors.ts';
import { inNetns } from '../exec.ts';
import type { PodReply } from '../pods.ts';

const AGENT_PATH = fileURLToPath(new URL('./agent.mjs', import.meta.url));

/** How long an agent may take to listen on its control socket (default 10 s; dozens start at once). */
const AGENT_START_TIMEOUT_MS = 10_000;

export interface AgentSpec {
  /** `ns/pod` (or `outside/server`): what the agent answers with. */
  readonly key: string;
  readonly netns: string;
  readonly socket: string;
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
  /** Listeners with given answers instead of `tcp`/`udp` (see PodReply). */
  readonly replies?: readonly PodReply[];
  /** Listen on `::` (IPv4 and IPv6) instead of 0.0.0.0: the lab has an IPv6 side. */
  readonly dualStack?: boolean;
  readonly logFile: string;
  /** The lab prefix, put on the command line so leftovers are found by it. */
  readonly prefix: string;
}

/** Starts one agent and resolves with its pid once it listens. */
export function startAgent(spec: AgentSpec): Promise<number> {
  const config = JSON.stringify({
    key: spec.key,
    sock: spec.socket,
    tcp: spec.tcp,
    udp: spec.udp,
    ...(spec.replies ? { replies: spec.replies } : {}),
    ...(spec.dualStack ? { dualStack: true } : {}),
  });
  const log = openSync(spec.logFile, 'a');
  const [file, ...args] = inNetns(spec.netns, [
    process.execPath,
    AGENT_PATH,
    `--podnet-lab=${spec.prefix}`,
    config,
  ]);
  const child = spawn(file as string, args, { detached: true, stdio: ['ignore', 'pipe', log] });
  closeSync(log);
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.stdout?.destroy();
      try {
        if (child.pid) process.kill(child.pid, 'SIGKILL');
      } catch {}
      reject(
        new PodnetTargetError(
          'PODNET_LAB_AGENT',
          `pod agent for ${spec.key} did not start: ${why}`,
          `see ${spec.logFile}`,
        ),
      );
    };
    const timer = setTimeout(() => fail('timed out'), AGENT_START_TIMEOUT_MS);
    child.on('error', (e) => fail(e.message));
    child.on('exit', (code) => fail(`exited with code ${code}`));
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      out += d;
      if (out.includes('ready\n')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stdout?.destroy();
        child.unref();
        resolve(child.pid ?? 0);
      }
    });
  });
}
