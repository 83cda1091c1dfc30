/**
 * Who owns a lab: the process that keeps it in use (a `podnet run`, a test, the lab API daemon), named
 * by pid and the kernel's start time of that pid, so a recycled pid is never mistaken for the owner.
 * `podnet lab down --all` removes only labs whose owner is gone.
 */
import { readFileSync } from 'node:fs';

export interface LabOwner {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot when the process started. */
  readonly startTime: string;
  /** What the process is, for messages (`podnet run`, a command line cut short). */
  readonly command: string;
}

/** The start time of `pid`, or undefined when no such process runs. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

/** This process as a lab owner. */
export function currentOwner(): LabOwner {
  return {
    pid: process.pid,
    startTime: processStartTime(process.pid) ?? '',
    command: commandOf(process.pid),
  };
}

/** Whether the owner still runs (same pid, same start time). */
export function ownerAlive(owner: LabOwner): boolean {
  const start = processStartTime(owner.pid);
  return start !== undefined && start === owner.startTime;
}

/** A readable command line of `pid`, at most 200 characters. */
function commandOf(pid: number): string {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
  } catch {
    return '';
  }
}

/** Parses an owner record; undefined when it is not one. */
export function parseOwner(text: string): LabOwner | undefined {
  try {
    const v = JSON.parse(text) as Partial<LabOwner>;
    if (
      typeof v.pid === 'number' &&
      Number.isInteger(v.pid) &&
      v.pid > 0 &&
      typeof v.startTime === 'string'
    ) {
      return { pid: v.pid, startTime: v.startTime, command: typeof v.command === 'string' ? v.command : '' };
    }
  } catch {
    // not JSON
  }
  return undefined;
}
