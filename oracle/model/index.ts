/** The Kubernetes network model oracle: pure rules the runner compares observations with. */
export type { ModelRule, ModelViolation, StaticViolation } from './rules.ts';
export {
  masqueradeChecks,
  masqueradeViolation,
  NODE_TO_POD_RULE,
  nodeToPodChecks,
  nodeToPodExplanation,
  nodeToPodViolation,
  podToPodChecks,
  podToPodViolation,
  staticModelChecks,
  staticModelViolations,
} from './rules.ts';
export { serviceBackends, serviceVerdict } from './serviceBackends.ts';
