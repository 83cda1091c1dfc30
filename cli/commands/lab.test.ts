import { expect, test } from 'vitest';
import { FAULTS } from '../../adapters/lab/faults.ts';
import type { CliIO } from '../io.ts';
import { run } from './lab.ts';

function captureIO(): CliIO & { out: string[] } {
  const out: string[] = [];
  return { out, stdout: (t) => out.push(t), stderr: (t) => out.push(t), cwd: '/', env: {}, isTTY: false };
}

test('podnet lab faults lists every fault of the catalogue with its description', async () => {
  const io = captureIO();
  expect(await run(['faults'], io)).toBe(0);
  const text = io.out.join('');
  for (const f of FAULTS) {
    expect(text).toContain(f.name);
    expect(text).toContain(f.description);
  }
});

test('podnet lab up rejects an unknown fault before touching the machine (exit 2)', async () => {
  await expect(run(['up', '--fault', 'no-such-fault'], captureIO())).rejects.toMatchObject({ exitCode: 2 });
});

test('podnet lab up refuses more segments than nodes before touching the machine (exit 2), with or without --api', async () => {
  for (const api of [[], ['--api']]) {
    await expect(run(['up', ...api, '--nodes', '2', '--segments', '5'], captureIO())).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('--segments 5 is more than --nodes 2'),
    });
  }
});

test('podnet lab up --api refuses bad input before touching the machine (exit 2)', async () => {
  await expect(run(['up', '--api', '--api-faults', 'throttle=500%'], captureIO())).rejects.toMatchObject({
    exitCode: 2,
    message: expect.stringContaining('--api-faults'),
  });
  await expect(
    run(['up', '--api', '--kubeconfig-out', '/proc/1/kubeconfig'], captureIO()),
  ).rejects.toMatchObject({
    exitCode: 2,
  });
  await expect(run(['up', '--api', '-f', 'x.yaml'], captureIO())).rejects.toMatchObject({ exitCode: 2 });
  await expect(run(['up', '--kubeconfig-out', 'k'], captureIO())).rejects.toMatchObject({
    exitCode: 2,
    message: expect.stringContaining('--kubeconfig-out needs --api'),
  });
  await expect(run(['up', '--api', '--proxy-mode', 'ipvs'], captureIO())).rejects.toMatchObject({
    exitCode: 2,
  });
});

test('podnet lab up refuses an unknown --ip-family, and a non-IPv4 one with --api, before touching the machine (exit 2)', async () => {
  await expect(run(['up', '--ip-family', 'ipv5'], captureIO())).rejects.toMatchObject({
    exitCode: 2,
    message: expect.stringContaining('--ip-family must be ipv4, ipv6, dual'),
  });
  await expect(run(['up', '--api', '--ip-family', 'dual'], captureIO())).rejects.toMatchObject({
    exitCode: 2,
    message: expect.stringContaining('cannot be combined with --api'),
  });
  await expect(run(['up', '--backend', 'udp', '--ip-family', 'dual'], captureIO())).rejects.toMatchObject({
    exitCode: 2,
    message: expect.stringContaining('udp backend has no IPv6'),
  });
});
