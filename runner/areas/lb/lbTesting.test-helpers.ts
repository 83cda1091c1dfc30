/** What the LB tests build hand-made scenarios from, and check them with. */
import { lbOptions } from '../../../oracle/lb/index.ts';
import type { ContainerPort, Pod } from '../../../spec/model.ts';
import { DEFAULT_RUN_OPTIONS } from '../../options.ts';
import { policyOracleFactory } from '../../oracleBridge.ts';
import type { LbCheckSettings } from './checkLbScenario.ts';
import { cachedPlan, DEFAULT_LB_AREA_OPTIONS } from './lbArea.ts';

/** The settings checkLbScenario runs with: the run's defaults, short timeouts. */
export function testCheckSettings(): LbCheckSettings {
  const lb = lbOptions();
  return {
    lb,
    planFor: (n) => cachedPlan(n, DEFAULT_LB_AREA_OPTIONS.plannedTests, lb),
    oracleFactory: policyOracleFactory,
    profile: DEFAULT_RUN_OPTIONS.profile,
    probeTimeoutMs: 1000,
    concurrency: 16,
    retries: 2,
    rejectProbes: 3,
    probeCommand: () => '',
  };
}

/** A ready pod of namespace `lb` on `node`, one container with `ports` (default: `http` on 8080). */
export function lbPod(
  name: string,
  labels: Record<string, string>,
  node: string,
  ports: ContainerPort[] = [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
  ready = true,
): Pod {
  return {
    namespace: 'lb',
    name,
    labels,
    nodeName: node,
    hostNetwork: false,
    containers: [{ name: 'app', ports }],
    ips: [],
    ready,
  };
}
