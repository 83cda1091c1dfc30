/**
 * The flannel area on a live cluster. A cluster's flannel runs one net-conf on its own nodes, so nothing
 * is generated there: the target reports what it runs (`Target.clusterFlannel`, read-only) and every
 * scenario is that net-conf on all the leased nodes; only the probe pods per node vary. Each scenario is
 * judged as on the lab: every node's routes, neighbours, FDB, links, MTUs, subnet.env and annotations
 * against the oracle, the leases against their invariants, and pod-to-pod probes across nodes. A target
 * that cannot say what it runs, or whose flannel the check cannot cover, makes the area unsupported.
 */
import fc from 'fast-check';
import {
  DEFAULT_FLANNEL_VERSION,
  isNewerThanKnown,
  parseFlannelVersion,
  parseNetConf,
} from '../../../oracle/flannel/index.ts';
import type { EffectiveNetConf } from '../../../spec/flannelExpectation.ts';
import type { ClusterFlannel } from '../../../spec/target.ts';
import type { AreaContext, AreaOutcome, AreaRunner } from '../../area.ts';
import { flannelArea } from './flannelArea.ts';
import { clusterFlannelUnsupported } from './flannelCoverage.ts';
import type { FlannelScenario } from './flannelScenario.ts';

/**
 * Scenarios per run at most: the node state under test is the cluster's own and does not change between
 * them; the repeats catch a data plane that answers only sometimes, and pod placement (1–2 per node).
 */
const CLUSTER_FLANNEL_RUNS = 3;

/** What the cluster's flannel runs, with the release judged against and flannel's own reading of its net-conf. */
type Facts = Extract<ClusterFlannel, { ok: true }> & {
  readonly config: EffectiveNetConf;
  readonly version: FlannelVersionChoice;
};

/** The release the area judges a cluster against, and why that one. */
interface FlannelVersionChoice {
  readonly version: string;
  readonly source: string;
}

/** The cluster's net-conf on all its nodes, 1–2 probe pods each; shrinks toward one pod per node. */
export function clusterFlannelScenarioArb(
  facts: Extract<ClusterFlannel, { ok: true }>,
  flannelVersion: string = DEFAULT_FLANNEL_VERSION,
): fc.Arbitrary<FlannelScenario> {
  return fc
    .array(fc.integer({ min: 1, max: 2 }), { minLength: facts.nodes, maxLength: facts.nodes })
    .map((pods) => ({
      netConf: facts.netConf,
      nodes: pods.map((p) => ({ segment: 0, pods: p })),
      cluster: { nodeMask: facts.nodeMask, netConfText: facts.netConfText, flannelVersion },
    }));
}

/**
 * The release the cluster runs when its image tag tells (and podnet models it), else podnet's default;
 * either way the choice says where it came from.
 */
export function clusterFlannelVersion(
  found: Extract<ClusterFlannel, { ok: true }>['flannelVersion'],
): FlannelVersionChoice | { readonly unsupported: string } {
  if (!found.found) {
    return {
      version: DEFAULT_FLANNEL_VERSION,
      source: `podnet's default, the newest release it has read: the cluster's flannel release is not known (${found.reason})`,
    };
  }
  const parsed = parseFlannelVersion(found.version);
  if (!parsed.ok)
    return { unsupported: `the cluster runs flannel ${found.version} (${found.source}): ${parsed.error}` };
  const newer = isNewerThanKnown(parsed.version)
    ? `; newer than ${DEFAULT_FLANNEL_VERSION}, the newest release podnet has read, whose behaviour it assumes`
    : '';
  return { version: parsed.version, source: `${found.source}${newer}` };
}

/** Why the area cannot run on this target, or the facts it runs with. */
async function clusterFlannelFacts(
  ctx: AreaContext,
): Promise<Facts | Extract<ClusterFlannel, { ok: false }>> {
  const facts = ctx.target.clusterFlannel
    ? await ctx.target.clusterFlannel()
    : ({ ok: false, reason: `the ${ctx.targetName} target does not report what its flannel runs` } as const);
  if (!facts.ok) return facts;
  const version = clusterFlannelVersion(facts.flannelVersion);
  if ('unsupported' in version) return { ok: false, reason: version.unsupported };
  const parsed = parseNetConf(facts.netConfText, { subnetManager: 'kube', flannelVersion: version.version });
  if (!parsed.ok)
    return {
      ok: false,
      reason: `flannel ${version.version} rejects the cluster's net-conf.json (${facts.source}): ${parsed.error}`,
    };
  if (parsed.config.unmodelled)
    return {
      ok: false,
      reason: `the cluster's flannel runs a config podnet cannot predict: ${parsed.config.unmodelled}`,
    };
  if (facts.nodes < 2)
    return { ok: false, reason: `one node holds a lease: the check needs two to see routes to a peer` };
  return { ...facts, config: parsed.config, version };
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
      const inner = flannelArea({
        scenarios: () => clusterFlannelScenarioArb(facts, facts.version.version),
        unsupported: clusterFlannelUnsupported(facts.config, facts.source),
        flannelVersion: facts.version,
      });
      const outcome = await inner.run({
        ...ctx,
        options: { ...ctx.options, runs: Math.min(ctx.options.runs, CLUSTER_FLANNEL_RUNS) },
      });
      return { ...outcome, notes: { ...(outcome.notes ?? {}), flannelNetConfSource: facts.source } };
    },
  };
}
