// `podnet run --ip-family` (issue 20): bad values and combinations that cannot work are refused before any
// lab exists (exit 2, naming the option and what to do instead).
import { expect, test } from 'vitest';
import type { CliIO } from '../io.ts';
import { run } from './run.ts';

function io(): CliIO {
  return { stdout: () => undefined, stderr: () => undefined, cwd: '/nonexistent', env: {}, isTTY: false };
}

test.each([
  [['--ip-family', 'ipv5'], '--ip-family must be ipv4, ipv6, dual, got "ipv5"'],
  [['--ip-family', 'ipv6', '--areas', 'policy,flannel'], '--areas flannel cannot run with --ip-family ipv6'],
  [
    ['--ip-family', 'ipv4', '--lab-fault', 'ipv6-policy-missing'],
    'lab fault ipv6-policy-missing needs --ip-family dual, got ipv4',
  ],
])('podnet run %j: exit 2 before touching the machine', async (argv, message) => {
  await expect(run(argv, io())).rejects.toMatchObject({
    exitCode: 2,
    message: expect.stringContaining(message),
  });
});
