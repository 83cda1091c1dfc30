// End-to-end: the real `bin/podnet.js` on examples/seed-policy and on bad input, in a temp dir.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/podnet.js');
const EXAMPLE = join(ROOT, 'examples/seed-policy');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-predict-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const podnet = (...args: string[]) => execa('node', [BIN, ...args], { cwd: dir, reject: false });

describe('podnet predict and explain', { tags: ['e2e'] }, () => {
  test('npx podnet predict -f examples/seed-policy --format table prints the seed meaning', async () => {
    const r = await execa('npx', ['podnet', 'predict', '-f', 'examples/seed-policy', '--format', 'table'], {
      cwd: ROOT,
      reject: false,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^profile: ipBlockMatchesPodIPs=true loopback=undefined hostNetwork=undefined/);
    const lines = r.stdout.split('\n');
    const table = lines.slice(lines.indexOf('TCP/6379'));
    const header = (table[1] ?? '').split(/\s+/);
    const row = (from: string) => (table.find((l) => l.startsWith(`${from} `)) ?? '').split(/\s+/);
    // The header starts with three words ("from \ to"), a row with one (the source).
    const db0 = header.indexOf('default/db-0') - 2;
    const cell = (from: string) => row(from)[db0];
    expect(header[db0 + 2]).toBe('default/db-0');
    expect(cell('default/db-1')).toBe('X');
    expect(cell('default/frontend')).toBe('.');
    expect(cell('myproject/worker')).toBe('.');
    expect(cell('legacy/gateway')).toBe('.');
    expect(cell('default/backend')).toBe('X');
    expect(cell('other/intruder')).toBe('X');
    expect(cell('legacy/excluded')).toBe('X');
    expect(cell('default/db-0')).toBe('?');
    const egress = lines.slice(lines.indexOf('TCP/5978'));
    expect((egress.find((l) => l.startsWith('default/db-0 ')) ?? '').trim().split(/\s+/).at(-1)).toBe('.');
  });

  test('--format json keeps the contract: profile, and one result per pair and declared destination port', async () => {
    const r = await podnet('predict', '-f', EXAMPLE, '--format', 'json');
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      profile: Record<string, unknown>;
      results: Record<string, unknown>[];
    };
    expect(Object.keys(doc)).toEqual(['profile', 'results']);
    expect(doc.profile).toMatchObject({
      ipBlockMatchesPodIPs: true,
      loopback: 'undefined',
      hostNetwork: 'undefined',
    });
    // 9 sources × (8 destinations with one port + infra/cache with two).
    expect(doc.results).toHaveLength(9 * 10);
    expect(doc.results[0] && Object.keys(doc.results[0])).toEqual([
      'from',
      'to',
      'port',
      'protocol',
      'verdict',
    ]);
    expect(doc.results).toContainEqual({
      from: 'default/frontend',
      to: 'default/db-0',
      port: 6379,
      protocol: 'TCP',
      verdict: 'allow',
    });
    expect(doc.results).toContainEqual({
      from: 'default/db-0',
      to: 'infra/cache',
      port: 80,
      protocol: 'TCP',
      verdict: 'deny',
    });
  });

  test('--profile switches ipBlock matching of pod IPs off and says so', async () => {
    const profile = join(dir, 'cilium.yaml');
    await writeFile(profile, 'ipBlockMatchesPodIPs: false\n');
    const r = await podnet('predict', '-f', EXAMPLE, '--format', 'json', '--profile', profile);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      profile: { ipBlockMatchesPodIPs: boolean };
      results: Record<string, unknown>[];
    };
    expect(doc.profile.ipBlockMatchesPodIPs).toBe(false);
    expect(doc.results).toContainEqual({
      from: 'legacy/gateway',
      to: 'default/db-0',
      port: 6379,
      protocol: 'TCP',
      verdict: 'deny',
    });
  });

  test('explain names the policy and rule that decided', async () => {
    const allow = await podnet(
      'explain',
      '-f',
      EXAMPLE,
      '--from',
      'myproject/worker',
      '--to',
      'default/db-1',
      '--port',
      '6379/TCP',
    );
    expect(allow.exitCode).toBe(0);
    expect(allow.stdout).toContain('verdict: allow (myproject/worker -> default/db-1 6379/TCP)');
    expect(allow.stdout).toContain(
      'ingress to default/db-1: allowed by default/test-network-policy ingress rule 1, peer 2 (namespaceSelector project=myproject), port 6379/TCP',
    );
    const deny = await podnet(
      'explain',
      '-f',
      EXAMPLE,
      '--from',
      'legacy/excluded',
      '--to',
      'default/db-0',
      '--port',
      '6379',
    );
    expect(deny.exitCode).toBe(0);
    expect(deny.stdout).toContain('verdict: deny');
    expect(deny.stdout).toContain('default/test-network-policy ingress rule 1: peer mismatch');
    const outside = await podnet(
      'explain',
      '-f',
      EXAMPLE,
      '--from',
      'default/db-0',
      '--to',
      '10.0.0.200',
      '--port',
      '5978',
    );
    expect(outside.stdout).toContain(
      'allowed by default/test-network-policy egress rule 1, peer 1 (ipBlock 10.0.0.0/24), port 5978/TCP',
    );
  });

  test('bad input exits 2 with a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['predict', '-f', join(dir, 'missing.yaml')], /missing\.yaml/],
      [
        ['predict', '-f', EXAMPLE, '--format', 'xml'],
        /--format must be one of table, json, csv, summary, groups, groups-json, got "xml"/,
      ],
      [
        ['predict', '-f', EXAMPLE, '--profile', join(dir, 'none.yaml')],
        /none.yaml: no such file or directory/,
      ],
      [['explain', '-f', EXAMPLE, '--from', 'default/db-0', '--to', 'default/db-1'], /--port is required/],
      [
        ['explain', '-f', EXAMPLE, '--from', 'default/db-0', '--to', 'default/db-1', '--port', '80/icmp'],
        /--port must be/,
      ],
      [
        ['explain', '-f', EXAMPLE, '--from', 'default/nope', '--to', 'default/db-1', '--port', '80'],
        /source pod "default\/nope"/,
      ],
      [
        ['explain', '-f', EXAMPLE, '--from', 'db-0', '--to', 'default/db-1', '--port', '80'],
        /--from must be NAMESPACE\/POD/,
      ],
      [['predict', '--bogus'], /bogus/],
    ];
    for (const [args, message] of cases) {
      const r = await podnet(...args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });

  test('an invalid policy names its file and field, and exits 2', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata: {name: bad, namespace: default}',
        'spec:',
        '  podSelector: {}',
        '  ingress:',
        '  - from:',
        '    - ipBlock: {cidr: 10.0.0.0/33}',
        '',
      ].join('\n'),
    );
    const r = await podnet('predict', '-f', file);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('bad.yaml');
    expect(r.stderr).toMatch(/ipBlock\.cidr/);
  });
});
