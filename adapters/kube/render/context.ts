/** What rendering needs beyond the scenario: the run, the image, and where scenario nodes really are. */
import type { Labels } from '../../../spec/model.ts';
import { namespaceName, runLabels } from '../names.ts';

/** agnhost, as the upstream NetworkPolicy e2e tests and Cyclonus use it (serve-hostname, porter, connect). */
export const DEFAULT_AGNHOST_IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.53';

export interface RenderContext {
  readonly runId: string;
  /** The probe/server image (agnhost or a mirror of it). */
  readonly image: string;
  /** Scenario node name → real node name; undefined leaves the pod to the scheduler. */
  readonly nodeFor: (scenarioNode: string | undefined) => string | undefined;
}

/** The real namespace name of a scenario namespace. */
export function realNamespace(ctx: RenderContext, scenarioNamespace: string): string {
  return namespaceName(ctx.runId, scenarioNamespace);
}

/** Ownership labels on top of the object's own (ownership wins: scenarios may not use these keys). */
export function withRunLabels(ctx: RenderContext, labels: Labels = {}): Record<string, string> {
  return { ...labels, ...runLabels(ctx.runId) };
}
