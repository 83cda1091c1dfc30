// `podnet flannel check` through the real binary against the lab: exit codes and the per-node tables.
// Rules: host-gw routes only to L2-adjacent peers (flannel pkg/backend/hostgw, Documentation/backends.md).
import { resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'podnet.js');

describe('podnet flannel check', { tags: ['lab', 'e2e'] }, () => {
  test('a clean host-gw lab on 2 segments conforms: exit 0, non-adjacent routes predicted absent', async () => {
    const r = await execa(
      'node',
      [BIN, 'flannel', 'check', '--backend', 'host-gw', '--nodes', '3', '--segments', '2'],
      {
        reject: false,
      },
    );
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('PASS');
    expect(r.stdout).toMatch(/node-2 \(192\.168\.101\.11, lease 10\.244\.1\.0\/24\)/);
    expect(r.stdout).toMatch(/route\s+10\.244\.0\.0\/24\s+absent \(peer not L2-adjacent\)\s+absent/);
    expect(r.stdout).not.toMatch(/^\s+!/m);
  });

  test('hostgw-route-missing: exit 1, the finding and the table row name node-1 and the route', async () => {
    const r = await execa(
      'node',
      [
        BIN,
        'flannel',
        'check',
        '--backend',
        'host-gw',
        '--nodes',
        '2',
        '--lab-fault',
        'hostgw-route-missing',
      ],
      { reject: false },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('FL-ROUTE-HOSTGW');
    expect(r.stdout).toMatch(
      /node-1 {2}route {2}10\.244\.1\.0\/24: expected via 192\.168\.100\.11 dev eth0, observed absent/,
    );
    expect(r.stdout).toMatch(/^\s+!\s+route\s+10\.244\.1\.0\/24\s+via 192\.168\.100\.11 dev eth0\s+absent$/m);
  });

  test('bad usage exits 2', async () => {
    const r = await execa('node', [BIN, 'flannel', 'check', '--backend', 'ipip'], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--backend must be vxlan, host-gw or udp');
  });
});
