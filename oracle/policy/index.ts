/** The NetworkPolicy oracle: verdicts with explanations, from a reference evaluator and a fast engine. */

export { parseCidr, parseIP } from './cidr.ts';
export type { PolicyDecided } from './decidedBy.ts';
export { decidedBy } from './decidedBy.ts';
export { declaredPorts } from './declaredPorts.ts';
export { compileFast } from './fast.ts';
export { predictGroups } from './groups.ts';
export { renderGroupsTable, writeGroupsJson } from './groupsRender.ts';
export { writePredictionCsv } from './predictionCsv.ts';
export { writePredictionJson } from './predictionJson.ts';
export { profileLine } from './profileLine.ts';
export { evaluateReference } from './reference.ts';
export { predictSummary, renderSummary } from './summary.ts';
export {
  predictMatrix,
  renderTruthTables,
  TRUTH_TABLE_LEGEND,
} from './truthTable.ts';
