// The lab's command runner (spawner.c): what `run` gets from it is what execa gave (exit codes, stdout kept
// as is, stderr on failure, stdin), and a command can be run inside a network namespace.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inNetns, run, runDirect, tryRun } from './exec.ts';
import { commandRunner } from './spawner.ts';
import { testLabId } from './testing.ts';

describe('the lab command runner', () => {
  test('is available here and answers like execa: stdout as is, stdin, exit codes, stderr in the error', async () => {
    expect(await commandRunner()).toBeDefined();
    for (const argv of [
      ['printf', 'a\\nb\\n\\n'],
      ['sh', '-c', 'echo out; echo err >&2'],
    ]) {
      expect(await run(argv)).toBe(await runDirect(argv));
    }
    // The command starts as execa would start it: the same blocked and ignored signals, capabilities, cwd.
    const start = (status: string) =>
      status.split('\n').filter((l) => /^(SigBlk|SigIgn|Cap\w+|NoNewPrivs):/.test(l));
    const status = ['cat', '/proc/self/status'];
    expect(start(await run(status))).toEqual(start(await runDirect(status)));
    expect(await run(['pwd'])).toBe(await runDirect(['pwd']));
    expect(await run(['cat'], 'from stdin\n')).toBe('from stdin\n');
    expect(await run(['sh', '-c', 'exit 0'], 'unread input')).toBe('');
    await expect(run(['sh', '-c', 'echo why >&2; exit 3'])).rejects.toThrow(
      /lab command failed: sh -c .*\n {2}why/,
    );
    await expect(run(['no-such-command-podnet'])).rejects.toThrow(
      /no-such-command-podnet: No such file or directory/,
    );
    expect(await tryRun(['false'])).toBe(false);
  });

  test('large outputs and inputs, and many commands at once, each with its own answer', async () => {
    const big = 'x'.repeat(3 << 20);
    expect((await run(['cat'], big)).length).toBe(big.length);
    const outs = await Promise.all(Array.from({ length: 64 }, (_, i) => run(['sh', '-c', `echo ${i}`])));
    expect(outs).toEqual(Array.from({ length: 64 }, (_, i) => `${i}\n`));
  });
});

describe('the lab command runner in a network namespace', { tags: ['lab'] }, () => {
  const ns = `pn${testLabId()}-t`;
  beforeAll(async () => {
    await execa('ip', ['netns', 'add', ns]);
    await execa('ip', ['-n', ns, 'link', 'add', 'only-here', 'type', 'veth', 'peer', 'name', 'only-here-p']);
  });
  afterAll(async () => {
    await execa('ip', ['netns', 'del', ns]);
  });

  test('`nsenter --net` commands run in that namespace (entered by the runner, before exec)', async () => {
    expect(await run(inNetns(ns, ['ip', '-o', 'link', 'show']))).toContain('only-here');
    expect(await run(['ip', '-o', 'link', 'show'])).not.toContain('only-here');
    await expect(run(inNetns('pn-no-such-netns', ['true']))).rejects.toThrow(/no-such-netns/);
  });
});
