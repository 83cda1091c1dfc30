import { describe, expect, test } from 'vitest';
import { firstControlCharacter, judge, MAX_STDERR_LINE, printable } from './judge.ts';
import type { Expectation, Outcome } from './types.ts';

function outcome(over: Partial<Outcome> = {}): Outcome {
  return {
    argv: [],
    exitCode: 2,
    timedOut: false,
    durationMs: 100,
    cpuMs: 0,
    stdout: '',
    stderr: 'podnet: in.yaml: is a FIFO (named pipe), not a manifest\n',
    written: new Map(),
    runEntries: [],
    labLeftovers: [],
    canaryEntries: [],
    leftoverProcesses: [],
    ...over,
  };
}

const FIFO: Expectation = { exit: 2, stderr: [/in\.yaml/, /FIFO/] };

describe('judge', () => {
  test('a named, reasoned exit 2 is right', () => {
    expect(judge(FIFO, outcome())).toEqual([]);
  });

  test('a hang is wrong, whatever else', () => {
    expect(judge(FIFO, outcome({ timedOut: true, exitCode: null, durationMs: 20_000 }))).toEqual([
      'hung: killed after 20 s',
    ]);
  });

  test('another exit code is wrong, and one of several allowed is right', () => {
    expect(judge(FIFO, outcome({ exitCode: 3 }))).toContain('exit 3, expected 2');
    expect(judge({ exit: [0, 2] }, outcome({ exitCode: 0 }))).toEqual([]);
  });

  test('a message that names neither the file nor the reason is wrong', () => {
    const problems = judge(FIFO, outcome({ stderr: 'podnet: cannot read\n' }));
    expect(problems).toEqual(['stderr does not match /in\\.yaml/', 'stderr does not match /FIFO/']);
  });

  test('"internal error" and stack frames are wrong even with the right exit code', () => {
    const trace =
      'podnet: internal error: boom\n    at readFile (node:fs:435:20)\n    at async main (file:///x/cli/main.ts:70:12)\n';
    const problems = judge({ exit: 2 }, outcome({ stderr: trace }));
    expect(problems).toContain('prints "internal error"');
    expect(problems).toContain('prints a stack trace');
    expect(judge({ exit: 2 }, outcome({ stderr: 'x\nNode.js v20.19.0\n' }))).toContain(
      'prints a stack trace',
    );
  });

  test('an indented "at" in prose is not a stack frame', () => {
    expect(judge({ exit: 2 }, outcome({ stderr: 'podnet: bad\n  at least one port is required\n' }))).toEqual(
      [],
    );
  });

  test('raw control characters in either stream are wrong; tab and newline are fine', () => {
    expect(judge({ exit: 2 }, outcome({ stderr: 'name "a\u001b[31mb"\n' }))[0]).toMatch(
      /^raw control character 0x1b in stderr/,
    );
    expect(judge({ exit: 0 }, outcome({ exitCode: 0, stdout: 'a\u009bb' }))[0]).toMatch(/0x9b in stdout/);
    expect(judge({ exit: 0 }, outcome({ exitCode: 0, stdout: 'a\tb\n' }))).toEqual([]);
  });

  test('an error line longer than a reader can take is wrong', () => {
    const problems = judge(
      { exit: 2 },
      outcome({ stderr: `podnet: bad name ${'a'.repeat(MAX_STDERR_LINE)}\n` }),
    );
    expect(problems[0]).toMatch(/a stderr line of \d+ characters/);
  });

  test('stdout patterns are checked on success, stderr patterns on failure', () => {
    const expectation: Expectation = { exit: [0, 2], stdout: [/x\/a/], stderr: [/m\.yaml/] };
    expect(judge(expectation, outcome({ exitCode: 0, stdout: 'table x/a\n', stderr: '' }))).toEqual([]);
    expect(judge(expectation, outcome({ exitCode: 2, stderr: 'podnet: m.yaml: bad\n' }))).toEqual([]);
    expect(judge(expectation, outcome({ exitCode: 0, stdout: 'nothing' }))).toEqual([
      'stdout does not match /x\\/a/',
    ]);
  });

  test('a planted secret in any stream or written file is wrong', () => {
    const secret = 'PNXSECRET';
    expect(judge({ exit: 2, secret }, outcome({ stderr: 'token PNXSECRET\n' }))).toContain(
      'prints the planted secret',
    );
    const written = new Map([['out/results.json', '{"server": "https://a:PNXSECRET@h"}']]);
    expect(judge({ exit: 2, secret }, outcome({ written }))).toContain(
      'writes the planted secret into out/results.json',
    );
  });

  test('half-written and missing outputs', () => {
    const written = new Map([['report.html', '<html>']]);
    expect(judge({ exit: 2, absent: ['report.html'] }, outcome({ written }))).toEqual([
      'left report.html behind (half-written output)',
    ]);
    expect(judge({ exit: 0, present: ['junit.xml'] }, outcome({ exitCode: 0, stderr: '' }))).toEqual([
      'did not write junit.xml',
    ]);
  });

  test('a lab started for bad input, lab state left, canary writes and leftover processes are wrong', () => {
    const problems = judge(
      { exit: 2 },
      outcome({
        runEntries: ['netns', 'podnet', 'podnet/1a2b3c'],
        labLeftovers: ['/run/netns/pn1a2b-u'],
        canaryEntries: ['pod.log'],
        leftoverProcesses: ['42 node agent.js --podnet-lab=pn1a2b-'],
      }),
    );
    expect(problems).toEqual([
      'started building a lab for bad input (created /run/netns, /run/podnet/1a2b3c)',
      'left lab state behind: /run/netns/pn1a2b-u',
      'wrote outside its folders, through a forged name: pod.log',
      'left processes running: 42 node agent.js --podnet-lab=pn1a2b-',
    ]);
    expect(judge({ exit: 0, labAllowed: true }, outcome({ exitCode: 0, runEntries: ['netns'] }))).toEqual([]);
    expect(judge({ exit: 2 }, outcome({ runEntries: ['podnet'] }))).toEqual([]);
    // mount(8)'s utab, from the sandbox's own read-only bind mount: not podnet's.
    expect(judge({ exit: 2 }, outcome({ runEntries: ['mount', 'mount/utab'] }))).toEqual([]);
  });
});

describe('printable', () => {
  test('escapes control characters and newlines, cuts long text', () => {
    expect(printable('a\u001b[31m\u0007\nb')).toBe('a\\e[31m\\x07\\nb');
    expect(printable('x'.repeat(20), 5)).toBe('xxxxx… (20 chars)');
  });

  test('firstControlCharacter finds the offset', () => {
    expect(firstControlCharacter('ab\u0000')).toEqual({ code: 0, at: 2 });
    expect(firstControlCharacter('plain\ttext\n')).toBeUndefined();
  });
});
