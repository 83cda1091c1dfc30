/**
 * A scenario as files a person or another tool can use: Kubernetes YAML for `kubectl apply`
 * (symbolic ipBlocks resolved against synthetic addresses, said in a header comment), flannel's
 * net-conf.json, and the steps in words.
 */
import { clusterToManifests } from '../spec/manifests/write.ts';
import { realizeCluster } from '../spec/resolve.ts';
import type { Realized, Scenario, ScenarioCluster } from '../spec/scenario.ts';
import { describeStep } from '../spec/steps.ts';
import { SYNTHETIC_DEFAULTS, withSyntheticAddresses } from './syntheticAddresses.ts';

export interface ScenarioFiles {
  /** Namespaces, Services, Pods and NetworkPolicies, multi-document YAML. */
  readonly 'cluster.yaml': string;
  readonly 'net-conf.json': string;
  /** The whole scenario (symbolic ipBlocks kept), for `podnet` to replay with real addresses. */
  readonly 'scenario.json': string;
  /** The mid-run steps, one per line, in words. */
  readonly 'steps.txt': string;
}

const SYNTHETIC_NOTE = [
  '# ipBlocks in this file were generated symbolically ("covers pod y/b", "pod subnet of node-2 except pod x/a")',
  `# and resolved against synthetic addresses: pod subnets from ${SYNTHETIC_DEFAULTS.network} (or the`,
  `# net-conf Network), nodes in ${SYNTHETIC_DEFAULTS.nodeNetwork}, outside = ${SYNTHETIC_DEFAULTS.outsideNetwork}.`,
  '# A real cluster assigns other IPs: the YAML applies as is, but an ipBlock then covers what the',
  '# synthetic address meant only by chance. `podnet run` resolves them against the real addresses.',
];

/**
 * YAML for `cluster` with every ipBlock resolved against `realized`. Policies whose policyTypes were
 * defaulted are written without it (the writer honours `policyTypesDefaulted`), so a live API
 * server's defaulting is exercised too.
 */
export function realizedClusterYaml(
  cluster: ScenarioCluster,
  realized: Realized,
  header: readonly string[] = [],
): string {
  const concrete = realizeCluster(cluster, realized);
  // The pods' IPs are the target's to assign: write the objects as a user would apply them.
  const yaml = clusterToManifests({ ...concrete, pods: concrete.pods.map((p) => ({ ...p, ips: [] })) });
  return [...header, yaml].join('\n');
}

/** The files `podnet generate` writes for one scenario. */
export function scenarioFiles(scenario: Scenario, header: readonly string[] = []): ScenarioFiles {
  const { cluster, realized } = withSyntheticAddresses(scenario.cluster, scenario.netConf);
  return {
    'cluster.yaml': realizedClusterYaml(cluster, realized, [...header, ...SYNTHETIC_NOTE]),
    'net-conf.json': `${JSON.stringify(scenario.netConf, null, 2)}\n`,
    'scenario.json': `${JSON.stringify(scenario, null, 2)}\n`,
    'steps.txt':
      scenario.steps.length === 0
        ? '# no steps\n'
        : `${scenario.steps.map((s, i) => `${i + 1}. ${describeStep(s)}`).join('\n')}\n`,
  };
}
