/**
 * Whole scenarios: a cluster (symbolic ipBlocks), a flannel net-conf, the traffic to probe and the
 * steps to apply mid-run, drawn as one `fc.record` of raw parts and built in one `map`, so every
 * part shrinks independently and references (pods in ipBlocks, policies in steps) stay valid.
 */
import fc from 'fast-check';
import type { FlannelNetConf, Scenario, TrafficSpec } from '../spec/scenario.ts';
import { buildClusterParts, rawClusterPartsArb } from './_internals/clusterParts.ts';
import type { GeneratorOptions } from './_internals/options.ts';
import { boundsOf } from './_internals/options.ts';
import { buildSteps, rawStepArb } from './_internals/rawSteps.ts';
import { flannelNetConfArb } from './flannelNetConf.ts';
import { trafficSpecArb } from './traffic.ts';

export type { GeneratorOptions, GeneratorSize } from './_internals/options.ts';
export { GENERATOR_SIZES } from './_internals/options.ts';

/** The net-conf of scenarios whose areas do not vary flannel (flannel's kube-flannel.yml default). */
const DEFAULT_NET_CONF: FlannelNetConf = { Network: '10.244.0.0/16', Backend: { Type: 'vxlan' } };

/** A random scenario; see `GeneratorOptions` for size, areas, SCTP and bounds. */
export function scenarioArb(options: GeneratorOptions = {}): fc.Arbitrary<Scenario> {
  const bounds = boundsOf(options);
  return fc
    .record({
      cluster: rawClusterPartsArb(bounds),
      // Only the flannel area reads the net-conf: elsewhere it is a constant, so that shrinking spends no
      // runs on a part that cannot matter (each shrink step re-realizes the scenario on the target).
      netConf:
        options.areas === undefined || options.areas.includes('flannel')
          ? flannelNetConfArb()
          : fc.constant(DEFAULT_NET_CONF),
      // Without Services (they come with the lb area) the traffic spec changes nothing the runner probes.
      traffic:
        options.areas === undefined || options.areas.includes('lb')
          ? trafficSpecArb()
          : fc.constant<TrafficSpec>({ viaServices: false }),
      steps: fc.array(rawStepArb(bounds), { minLength: 0, maxLength: bounds.maxSteps }),
    })
    .map(({ cluster, netConf, traffic, steps }): Scenario => {
      const built = buildClusterParts(cluster);
      return { cluster: built, netConf, traffic, steps: buildSteps(steps, built) };
    });
}

/** The one scenario `seed` draws (what `podnet generate --seed N` writes). */
export function sampleScenario(seed: number, options: GeneratorOptions = {}): Scenario {
  const [scenario] = fc.sample(scenarioArb(options), { numRuns: 1, seed });
  if (scenario === undefined) throw new Error('fast-check drew no scenario');
  return scenario;
}
