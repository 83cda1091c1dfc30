/**
 * The flannel area on a live cluster. A cluster's flannel runs one net-conf on its own nodes, so nothing
 * is generated there: the target reports what it runs (`Target.clusterFlannel`, read-only) and every
 * scenario is that net-conf on all the leased nodes; only the probe pods per node vary. Each scenario is
 * judged as on the lab: every node's routes, neighbours, FDB, links, MTUs, subnet.env and annotations
 * against the oracle, the leases against their invariants, and pod-to-pod probes across nodes. A target
 * that cannot say what it runs, or whose flannel the check cannot cover, makes the area unsupported.
 */
import fc from 'fast-check';
import { parseNetConf } from '../../../oracle/flannel/index.ts';
import type { ClusterFlannel } from '../../../spec/target.ts';
import type { AreaContext, AreaOutcome, AreaRunner } from '../../area.ts';
import { flannelArea } from './flannelArea.ts';
import type { FlannelScenario } from './flannelScenario.ts';

/**
 * Scenarios per run at most: the node state under test is the cluster's own and does not change between
 * them; the repeats catch a data plane that answers only sometimes, and pod placement (1–2 per node).
 */
const CLUSTER_FLANNEL_RUNS = 3;

type Facts = Extract<ClusterFlannel, { ok: true }>;

/** The cluster's net-conf on all its nodes, 1–2 probe pods each; shrinks toward one pod per node. */
export function clusterFlannelScenarioArb(facts: Facts): fc.Arbitrary<FlannelScenario> {
  return fc
    .array(fc.integer({ min: 1, max: 2 }), { minLength: facts.nodes, maxLength: facts.nodes })
    .map((pods) => ({
      netConf: facts.netConf,
      nodes: pods.map((p) => ({ segment: 0, pods: p })),
      cluster: { nodeMask: facts.nodeMask },
    }));
}

/** Why the area cannot run on this target, or the facts it runs with. */
async function clusterFlannelFacts(ctx: AreaContext): Promise<ClusterFlannel> {
  const facts = ctx.target.clusterFlannel
    ? await ctx.target.clusterFlannel()
    : ({ ok: false, reason: `the ${ctx.targetName} target does not report what its flannel runs` } as const);
  if (!facts.ok) return facts;
  const parsed = parseNetConf(JSON.stringify(facts.netConf), { subnetManager: 'kube' });
  if (!parsed.ok)
    return {
      ok: false,
      reason: `flannel rejects the cluster's net-conf.json (${facts.source}): ${parsed.error}`,
    };
  if (facts.nodes < 2)
    return { ok: false, reason: `one node holds a lease: the check needs two to see routes to a peer` };
  return facts;
}

export function clusterFlannelArea(): AreaRunner {
  return {
    areas: ['flannel'],
    async run(ctx: AreaContext): Promise<AreaOutcome> {
      const facts = await clusterFlannelFacts(ctx);
      if (!facts.ok) {
        ctx.listener?.({ kind: 'message', text: `flannel: unsupported: ${facts.reason}` });
        return {
          areas: ['flannel'],
          scenarios: 0,
          probes: 0,
          findings: [],
          checks: [],
          unsupported: facts.reason,
          notes: { flannelUnsupported: facts.reason },
        };
      }
      const inner = flannelArea({ scenarios: () => clusterFlannelScenarioArb(facts) });
      const outcome = await inner.run({
        ...ctx,
        options: { ...ctx.options, runs: Math.min(ctx.options.runs, CLUSTER_FLANNEL_RUNS) },
      });
      return { ...outcome, notes: { ...(outcome.notes ?? {}), flannelNetConfSource: facts.source } };
    },
  };
}
