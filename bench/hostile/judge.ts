/**
 * Judges one outcome against what a user of a conformance kit must get from bad input: the documented
 * exit code within the timeout, a message that names the file/field and the reason, no "internal
 * error", no stack trace, no raw control character, no secret, nothing written outside the case's
 * folder, nothing half written, no lab built for bad input. Pure: unit-tested in judge.test.ts.
 */
import type { Expectation, Outcome } from './types.ts';

/**
 * What under the sandbox's /run shows that a lab was started: `ip netns add` makes /run/netns (and it
 * stays after `ip netns del`), a lab makes /run/podnet/<id>, iptables makes /run/xtables.lock. An empty
 * /run/podnet alone (the state root made ahead) is not a lab.
 */

/** Longest stderr line a reader can take in; longer means a value was echoed uncut. */
export const MAX_STDERR_LINE = 1000;

const STACK_FRAME =
  /^\s+at (?:async )?(?:\S.*\(\S+:\d+:\d+\)|\S+:\d+:\d+|\S.*\((?:native|<anonymous>)\))\s*$/m;
const NODE_CRASH_TRAILER = /^Node\.js v\d+\.\d+/m;
const INTERNAL_ERROR = /internal error/i;

/** The first raw control character (C0 but tab and newline, DEL, C1) in `text`, with its offset. */
export function firstControlCharacter(
  text: string,
): { readonly code: number; readonly at: number } | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isControl(code)) return { code, at: i };
  }
  return undefined;
}

/** Whether `code` is a raw control character: C0 but tab and newline, DEL, C1. */
function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a) || code === 0x7f || (code >= 0x80 && code <= 0x9f);
}

/** Shows control characters (newline included) as escapes and cuts `text` to `max` characters, for the report. */
export function printable(text: string, max = 600): string {
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
  let out = '';
  for (const ch of cut) {
    const code = ch.charCodeAt(0);
    if (code === 0x0a) out += '\\n';
    else if (code === 0x1b) out += '\\e';
    else if (isControl(code)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

function exitCodes(expect: Expectation): readonly number[] {
  return typeof expect.exit === 'number' ? [expect.exit] : expect.exit;
}

/** Problems of `outcome` against `expect` and the rules every case shares; empty when right. */
export function judge(expect: Expectation, outcome: Outcome): string[] {
  const problems: string[] = [];
  const both = `${outcome.stdout}\n${outcome.stderr}`;
  if (outcome.timedOut) {
    problems.push(outcome.hang ?? `hung: killed after ${Math.round(outcome.durationMs / 1000)} s`);
  }
  const wanted = exitCodes(expect);
  if (!outcome.timedOut && (outcome.exitCode === null || !wanted.includes(outcome.exitCode))) {
    problems.push(`exit ${outcome.exitCode ?? 'by signal'}, expected ${wanted.join(' or ')}`);
  }
  if (INTERNAL_ERROR.test(both)) problems.push('prints "internal error"');
  if (STACK_FRAME.test(both) || NODE_CRASH_TRAILER.test(both)) problems.push('prints a stack trace');
  for (const [name, text] of [
    ['stdout', outcome.stdout],
    ['stderr', outcome.stderr],
  ] as const) {
    const control = firstControlCharacter(text);
    if (control) {
      problems.push(
        `raw control character 0x${control.code.toString(16).padStart(2, '0')} in ${name}: ${printable(text.slice(Math.max(0, control.at - 30), control.at + 30), 80)}`,
      );
    }
  }
  const longest = outcome.stderr.split('\n').reduce((m, line) => Math.max(m, line.length), 0);
  if (longest > MAX_STDERR_LINE)
    problems.push(`a stderr line of ${longest} characters (a value echoed uncut)`);
  const failed = outcome.exitCode !== null && outcome.exitCode !== 0 && outcome.exitCode !== 1;
  if (failed && !outcome.timedOut) {
    for (const re of expect.stderr ?? []) {
      if (!re.test(outcome.stderr)) problems.push(`stderr does not match ${re}`);
    }
  }
  if (!failed && !outcome.timedOut) {
    for (const re of expect.stdout ?? []) {
      if (!re.test(outcome.stdout)) problems.push(`stdout does not match ${re}`);
    }
  }
  for (const re of expect.never ?? []) {
    if (re.test(both)) problems.push(`output matches ${re}`);
  }
  if (expect.secret !== undefined) {
    if (both.includes(expect.secret)) problems.push('prints the planted secret');
    for (const [file, text] of outcome.written) {
      if (text.includes(expect.secret)) problems.push(`writes the planted secret into ${file}`);
    }
  }
  for (const path of expect.absent ?? []) {
    if (outcome.written.has(path)) problems.push(`left ${path} behind (half-written output)`);
  }
  for (const path of expect.present ?? []) {
    if (!outcome.written.has(path)) problems.push(`did not write ${path}`);
  }
  // /run/mount is mount(8)'s utab, written when the sandbox itself makes a case's folder read-only.
  const labEvidence = outcome.runEntries.filter(
    (e) => e !== 'podnet' && e !== 'mount' && !e.startsWith('mount/'),
  );
  if (!expect.labAllowed && labEvidence.length > 0) {
    problems.push(
      `started building a lab for bad input (created ${listed(labEvidence.map((e) => `/run/${e}`))})`,
    );
  }
  if (outcome.labLeftovers.length > 0)
    problems.push(`left lab state behind: ${listed(outcome.labLeftovers)}`);
  if (outcome.canaryEntries.length > 0) {
    problems.push(`wrote outside its folders, through a forged name: ${listed(outcome.canaryEntries)}`);
  }
  if (outcome.leftoverProcesses.length > 0) {
    problems.push(`left processes running: ${listed(outcome.leftoverProcesses)}`);
  }
  return problems;
}

function listed(items: readonly string[]): string {
  const shown = items.slice(0, 4).map((s) => printable(s, 120));
  return items.length > 4 ? `${shown.join(', ')} and ${items.length - 4} more` : shown.join(', ');
}
