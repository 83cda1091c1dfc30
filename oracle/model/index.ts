/** The Kubernetes network model oracle: pure rules the runner compares observations with. */
export type { ModelViolation, StaticViolation } from './rules.ts';
export {
  masqueradeViolation,
  NODE_TO_POD_RULE,
  nodeToPodExplanation,
  nodeToPodViolation,
  podToPodViolation,
  staticModelViolations,
} from './rules.ts';
export { serviceBackends, serviceVerdict } from './serviceBackends.ts';
