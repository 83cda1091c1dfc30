/** The NetworkPolicy oracle: verdicts with explanations, from a reference evaluator and a fast engine. */

export { parseCidr, parseIP } from './cidr.ts';
export type {
  Decision,
  Direction,
  DirectionExplanation,
  Explanation,
  PolicyProbe,
  PredictionRow,
  RuleMatch,
  RuleMiss,
  ShortCircuit,
} from './decision.ts';
export { compileFast, type FastEngine } from './fast.ts';
export { profileLine } from './profileLine.ts';
export { evaluateReference } from './reference.ts';
export {
  declaredPorts,
  type PortProtocol,
  type PredictOptions,
  predictMatrix,
  renderTruthTables,
  TRUTH_TABLE_LEGEND,
} from './truthTable.ts';
