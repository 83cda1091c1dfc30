/** The load-balancing oracle: eligible endpoints, predicted distributions, and their statistical tests. */
export { affinityWindows, type TimedSample } from './affinityWindows.ts';
export { eligibleEndpoints } from './eligibleEndpoints.ts';
export { evaluateServicePort, type LbObservation } from './evaluate.ts';
export { lbDetailOf } from './lbDetail.ts';
export { type LbOptions, lbOptions } from './options.ts';
export { predictServicePort, type ServicePortPrediction } from './predict.ts';
export { formatSamplePlan, planSamples, type SamplePlan } from './samplePlan.ts';
export { binomialCdf, binomialUpperTail } from './stats/binomial.ts';
export { holm } from './stats/holm.ts';
export type { LbTestResult } from './stats/testResult.ts';
export { expectedSuccess } from './successRate.ts';
