/**
 * Dual-stack Services on the lab (issue 20): a Service gets a ClusterIP per family as kube-apiserver's
 * alloc.go initIPFamilyFields decides, and each family's service proxy (kube-proxy runs one proxier per
 * family) balances to that family's pod addresses. A connection that the policy agent refuses after DNAT
 * to a backend on the client's own node is refused in IPv6 as in IPv4, never answered by another backend
 * a second later (see compilePolicies.ts and labagent.c on ICMPv6 soft errors).
 */
import { afterAll, describe, expect, test } from 'vitest';
import type { Cluster, NetworkPolicy, Service } from '../../spec/model.ts';
import { clusterIPsOf } from '../../spec/scenario.ts';
import { leftovers } from './cleanup.ts';
import { createLabTarget, type LabTarget, SERVICE_CIDR6 } from './labTarget.ts';
import { labCluster, labNodes, labPod, testLabId } from './testing.ts';

const labs: LabTarget[] = [];

function service(name: string, selector: string, families: Partial<Service> = {}): Service {
  return {
    namespace: 'web',
    name,
    selector: { app: selector },
    ports: [{ protocol: 'TCP', port: 8080, targetPort: 80 }],
    sessionAffinity: 'None',
    affinityTimeoutSeconds: 10800,
    ...families,
  };
}

// Client c and backends b1, b2 all on node-1 (the bridged hairpin); d on node-2.
const PODS = [
  labPod('web', 'c', 'node-1'),
  labPod('web', 'b1', 'node-1', undefined, { labels: { app: 'b' } }),
  labPod('web', 'b2', 'node-1', undefined, { labels: { app: 'b' } }),
  labPod('web', 'd', 'node-2'),
];

const denyC: NetworkPolicy = {
  namespace: 'web',
  name: 'b2-not-from-c',
  podSelector: { matchLabels: { app: 'b' } },
  policyTypes: ['Ingress'],
  ingress: [{ peers: [{ podSelector: { matchLabels: { app: 'd' } } }] }],
};

function cluster(services: Service[], policies: NetworkPolicy[] = []): Cluster {
  return { ...labCluster(labNodes([0, 0]), PODS), services, policies };
}

describe('dual-stack Services on the lab', { tags: ['lab'] }, () => {
  afterAll(async () => {
    for (const lab of labs) {
      await lab.teardown();
      expect(await leftovers(lab.labId)).toEqual([]);
    }
  });

  test('ClusterIPs per family as alloc.go gives them; each balances to its own family', async () => {
    const lab = createLabTarget({ ipFamily: 'dual', labId: testLabId() });
    labs.push(lab);
    const realized = await lab.sync(
      cluster([
        service('single', 'b'),
        service('prefer', 'b', { ipFamilyPolicy: 'PreferDualStack' }),
        service('v6first', 'b', { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6'] }),
        service('v6only', 'b', { ipFamilies: ['IPv6'] }),
      ]),
    );
    const fam = (key: string) => clusterIPsOf(realized, key).map((ip) => (ip.includes(':') ? 6 : 4));
    expect([fam('web/single'), fam('web/prefer'), fam('web/v6first'), fam('web/v6only')]).toEqual([
      [4],
      [4, 6],
      [6, 4],
      [6],
    ]);
    expect(clusterIPsOf(realized, 'web/prefer')[1]?.startsWith(SERVICE_CIDR6.split('/')[0] as string)).toBe(
      true,
    );
    const hosts = ['web/prefer', 'web/v6first'].flatMap((k) => clusterIPsOf(realized, k));
    const requests = hosts.flatMap((host, h) =>
      Array.from({ length: 24 }, (_, i) => ({
        id: `${h}-${i}`,
        from: i % 2 === 0 ? 'web/c' : 'web/d',
        host,
        port: 8080,
        protocol: 'TCP' as const,
        timeoutMs: 1500,
      })),
    );
    const results = await lab.probe(requests, { concurrency: 16 });
    for (const [h, host] of hosts.entries()) {
      const mine = results.filter((r) => r.id.startsWith(`${h}-`));
      expect(mine.every((r) => r.outcome === 'connected')).toBe(true);
      // The agent's reply names the backend and the source it saw: the client's address of the ClusterIP's family.
      const seen = new Set(mine.map((r) => r.reply?.split(' ')[1]));
      const clients = ['web/c', 'web/d'].map((k) => realized.podIPs[k]?.[host.includes(':') ? 1 : 0]);
      expect([...seen].sort()).toEqual([...clients].sort());
      expect(new Set(mine.map((r) => r.servedBy))).toEqual(new Set(['web/b1', 'web/b2']));
    }
  });

  test('refused after DNAT on the same node: refused in both families, never served by a retry', async () => {
    const lab = createLabTarget({ ipFamily: 'dual', labId: testLabId() });
    labs.push(lab);
    // One backend only, so a retried SYN could only reach it again: every probe must be refused fast.
    const svc = service('dual', 'b', { ipFamilyPolicy: 'RequireDualStack', selector: { pod: 'b1' } });
    const pods = PODS.map((p) => ({ ...p, labels: { ...p.labels, pod: p.name } }));
    const realized = await lab.sync({ ...cluster([svc], [denyC]), pods });
    const requests = clusterIPsOf(realized, 'web/dual').flatMap((host) =>
      Array.from({ length: 10 }, (_, i) => ({
        id: `${host}-${i}`,
        from: 'web/c',
        host,
        port: 8080,
        protocol: 'TCP' as const,
        // Shorter than TCP's first SYN retransmission (1 s): a soft error would end in a timeout.
        timeoutMs: 700,
      })),
    );
    const results = await lab.probe(requests, { concurrency: 10 });
    expect(results.map((r) => r.outcome)).toEqual(requests.map(() => 'refused'));
  });

  test('an IPv4 lab refuses what kube-apiserver refuses on a single-stack cluster', async () => {
    const lab = createLabTarget({ labId: testLabId() });
    labs.push(lab);
    await expect(
      lab.sync(cluster([service('s', 'b', { ipFamilyPolicy: 'RequireDualStack' })])),
    ).rejects.toThrow(
      /spec\.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services/,
    );
  });
});
