/**
 * The seed example (examples/seed-policy, the NetworkPolicy from the user's notes) realized in the lab,
 * probe by probe. Expectations are written here from the seed's own explanation, not from the oracle:
 *   - db pods (default, role=db) are isolated for ingress and egress;
 *   - on 6379/TCP they accept: default/role=frontend, any pod in a namespace labelled project=myproject,
 *     and addresses in 172.17.0.0/16 except 172.17.1.0/24; nothing else, on no other port;
 *   - they may connect only to 10.0.0.0/24 on 5978/TCP.
 * The lab hands out its own pod IPs, so the seed's two address ranges are mapped onto the lab's plan with
 * their meaning kept: 172.17.0.0/16 → the lease of the node holding the `legacy` pods, its except
 * 172.17.1.0/24 → legacy/excluded's address; 10.0.0.0/24 → the lease of the node holding infra/cache.
 */
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadClusterFromPaths } from '../../spec/manifests/load.ts';
import type { Cluster, NetworkPolicy, Pod } from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import type { ProbeRequest } from '../../spec/target.ts';
import { leftovers } from './cleanup.ts';
import { createLabTarget, type LabTarget } from './labTarget.ts';
import { testLabId } from './testing.ts';

const EXAMPLE = resolve(import.meta.dirname, '..', '..', 'examples', 'seed-policy');

/** Where each pod runs: legacy pods and infra/cache get nodes of their own, so their leases can stand in for the seed's CIDRs. */
const NODE_OF: Readonly<Record<string, string>> = { legacy: 'node-3', infra: 'node-4' };

/** Who may reach db on 6379 (the seed's ingress rule). */
const MAY_REACH_DB = new Set(['default/frontend', 'myproject/worker', 'legacy/gateway']);

describe('the seed example in the lab', { tags: ['lab'] }, () => {
  let lab: LabTarget | undefined;
  afterAll(async () => {
    if (!lab) return;
    await lab.teardown();
    expect(await leftovers(lab.labId)).toEqual([]);
  });

  test('behaves as the seed says, probe by probe', async () => {
    const example = await loadClusterFromPaths([join(EXAMPLE)]);
    const nodes = ['node-1', 'node-2', 'node-3', 'node-4'].map((name) => ({ name, labels: {}, segment: 0 }));
    const pods: Pod[] = example.pods.map((p) => ({
      ...p,
      ips: [],
      nodeName: NODE_OF[p.namespace] ?? (p.namespace === 'default' ? 'node-1' : 'node-2'),
    }));
    const base: Cluster = { ...example, nodes, pods, policies: [] };
    lab = createLabTarget({ labId: testLabId() });
    const realized = await lab.sync(base);
    const ip = (key: string): string => realized.podIPs[key]?.[0] ?? '';
    const seed = example.policies[0] as NetworkPolicy;
    const ingressRule = seed.ingress?.[0];
    const egressRule = seed.egress?.[0];
    expect(seed.name).toBe('test-network-policy');
    // The seed's ipBlocks, mapped onto the lab's addresses with the same meaning.
    const mapped: NetworkPolicy = {
      ...seed,
      ingress: [
        {
          ...ingressRule,
          peers: (ingressRule?.peers ?? []).map((peer) =>
            peer.ipBlock
              ? {
                  ipBlock: { cidr: realized.nodeSubnets['node-3']!, except: [`${ip('legacy/excluded')}/32`] },
                }
              : peer,
          ),
        },
      ],
      egress: [{ ...egressRule, peers: [{ ipBlock: { cidr: realized.nodeSubnets['node-4']! } }] }],
    };
    expect(seed.ingress?.[0]?.peers?.[0]?.ipBlock).toEqual({
      cidr: '172.17.0.0/16',
      except: ['172.17.1.0/24'],
    });
    expect(seed.egress?.[0]?.peers?.[0]?.ipBlock).toEqual({ cidr: '10.0.0.0/24' });
    await lab.sync({ ...base, policies: [mapped] });

    const probes: ProbeRequest[] = [];
    const expected = new Map<string, boolean>();
    for (const src of pods) {
      for (const dst of pods) {
        if (keyOf(src) === keyOf(dst)) continue; // loopback: the API leaves it undefined
        for (const port of dst.containers.flatMap((c) => c.ports)) {
          const id = `${keyOf(src)}>${keyOf(dst)}:${port.containerPort}`;
          probes.push({
            id,
            from: keyOf(src),
            host: ip(keyOf(dst)),
            port: port.containerPort,
            protocol: port.protocol,
            timeoutMs: 1500,
          });
          expected.set(id, seedAllows(src, dst, port.containerPort));
        }
      }
    }
    const results = await lab.probe(probes, { concurrency: 64 });
    const wrong = results
      .filter((r) => (r.outcome === 'connected') !== expected.get(r.id))
      .map((r) => `${r.id}: expected ${expected.get(r.id) ? 'connect' : 'blocked'}, got ${r.outcome}`);
    expect(wrong).toEqual([]);
    expect(results.filter((r) => r.outcome === 'connected').length).toBeGreaterThan(0);
    expect(results.filter((r) => r.outcome !== 'connected').length).toBeGreaterThan(0);
  });
});

/** The seed's meaning, for a connection from `src` to `dst` on `port` (all TCP in this example). */
function seedAllows(src: Pod, dst: Pod, port: number): boolean {
  const isDb = (p: Pod) => p.namespace === 'default' && p.labels.role === 'db';
  // Egress of a db pod: only 10.0.0.0/24 (infra/cache's node here) on 5978.
  if (isDb(src) && !(dst.namespace === 'infra' && port === 5978)) return false;
  // Ingress to a db pod: 6379 only, from the three allowed sources.
  if (isDb(dst)) return port === 6379 && MAY_REACH_DB.has(keyOf(src));
  return true;
}
