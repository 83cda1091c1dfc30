// The seed notes' NetworkPolicy (the Kubernetes docs "Network Policies" example; examples/seed-policy/README.md)
// as examples/seed-policy/, and the meaning the seed spells out, cell by cell.
import { resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { compileFast, evaluateReference, predictMatrix } from '../../oracle/policy/index.ts';
import { loadClusterFromPaths } from '../../spec/manifests/load.ts';
import type { Cluster } from '../../spec/model.ts';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/seed-policy');
let cluster: Cluster;

beforeAll(async () => {
  cluster = await loadClusterFromPaths([EXAMPLE]);
});

function verdict(from: string, to: string | { ip: string }, port: number): string {
  const probe = { from, to, port, protocol: 'TCP' as const };
  const reference = evaluateReference(cluster, probe).verdict;
  expect(compileFast(cluster).verdict(probe)).toBe(reference);
  return reference;
}

describe('examples/seed-policy: the seed NetworkPolicy test-network-policy', () => {
  // "(Ingress rule) allows connections to all pods in the default namespace with the label role=db on TCP port 6379 from:"
  test('default/role=frontend, pods of namespaces labelled project=myproject, and 172.17.0.0/16 except 172.17.1.0/24 reach db on 6379', () => {
    for (const db of ['default/db-0', 'default/db-1']) {
      expect(verdict('default/frontend', db, 6379)).toBe('allow');
      expect(verdict('myproject/worker', db, 6379)).toBe('allow');
      expect(verdict('legacy/gateway', db, 6379)).toBe('allow'); // 172.17.2.15
    }
  });

  test('nobody else reaches db on 6379: other default pods, role=frontend elsewhere, 172.17.1.0/24, other namespaces', () => {
    for (const db of ['default/db-0', 'default/db-1']) {
      expect(verdict('default/backend', db, 6379)).toBe('deny');
      expect(verdict('other/intruder', db, 6379)).toBe('deny'); // role=frontend, but not in namespace default
      expect(verdict('legacy/excluded', db, 6379)).toBe('deny'); // 172.17.1.20, in the except
      expect(verdict('infra/cache', db, 6379)).toBe('deny');
    }
    expect(verdict('default/db-1', 'default/db-0', 6379)).toBe('deny'); // db's egress allows only 10.0.0.0/24:5978
  });

  test('on any other port nobody reaches db, even the allowed peers', () => {
    expect(verdict('default/frontend', 'default/db-0', 6380)).toBe('deny');
  });

  // "(Egress rule) allows connections from any pod in the default namespace with the label role=db to CIDR 10.0.0.0/24 on TCP port 5978."
  test('db may connect to 10.0.0.0/24 on 5978/TCP only', () => {
    expect(verdict('default/db-0', 'infra/cache', 5978)).toBe('allow'); // 10.0.0.7
    expect(verdict('default/db-0', { ip: '10.0.0.200' }, 5978)).toBe('allow');
    expect(verdict('default/db-0', 'infra/cache', 80)).toBe('deny');
    expect(verdict('default/db-0', { ip: '10.0.1.1' }, 5978)).toBe('deny');
    expect(verdict('default/db-0', 'default/frontend', 80)).toBe('deny');
  });

  test('pods the policy does not select stay open to each other', () => {
    expect(verdict('other/intruder', 'default/frontend', 80)).toBe('allow');
    expect(verdict('legacy/excluded', 'infra/cache', 5978)).toBe('allow');
  });

  test('the whole 6379/TCP column of db-0 in the predicted table', () => {
    const column = predictMatrix(cluster)
      .filter((r) => r.to === 'default/db-0' && r.port === 6379)
      .map((r) => `${r.from} ${r.verdict}`);
    expect(column).toEqual([
      'default/db-0 undefined',
      'default/db-1 deny',
      'default/frontend allow',
      'default/backend deny',
      'myproject/worker allow',
      'other/intruder deny',
      'legacy/gateway allow',
      'legacy/excluded deny',
      'infra/cache deny',
    ]);
  });
});
