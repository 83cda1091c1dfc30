/** The Kubernetes network model oracle: pure rules the runner compares observations with. */
export type { Answer, ModelRule, ModelViolation, StaticViolation } from './rules.ts';
export {
  masqueradeViolation,
  NODE_TO_POD_RULE,
  nodeToPodExplanation,
  nodeToPodViolation,
  podToPodViolation,
  staticModelViolations,
} from './rules.ts';
export type { Backend } from './serviceBackends.ts';
export { serviceBackends, serviceVerdict } from './serviceBackends.ts';
