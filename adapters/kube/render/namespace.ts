/** A scenario namespace as a real Namespace: `podnet-<run>-<name>`, run-labelled, the scenario's labels kept. */
import type { V1Namespace } from '@kubernetes/client-node';
import type { Namespace } from '../../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../../spec/model.ts';
import { checkScenarioLabels, SCENARIO_NAMESPACE_LABEL } from '../names.ts';
import { type RenderContext, realNamespace, withRunLabels } from './context.ts';

export function renderNamespace(ns: Namespace, ctx: RenderContext): V1Namespace {
  checkScenarioLabels(ns.labels, `Namespace ${ns.name}`);
  // The API server sets kubernetes.io/metadata.name to the real name itself; policies that select on it
  // are rewritten to real names (render/policy.ts), so the scenario's value is left out here.
  const { [NAMESPACE_NAME_LABEL]: _scenarioName, ...labels } = ns.labels;
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: realNamespace(ctx, ns.name),
      labels: { ...withRunLabels(ctx, labels), [SCENARIO_NAMESPACE_LABEL]: ns.name },
    },
  };
}
