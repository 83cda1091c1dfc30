/** The generators' public API: fast-check arbitraries and the helpers that turn their values into probes, files and reports. */
export { clusterArb } from './cluster.ts';
export { FEATURE_NAMES, FEATURES, type Feature, policyFeatures, scenarioFeatures } from './features.ts';
export { flannelNetConfArb } from './flannelNetConf.ts';
export { labelSelectorArb, labelSelectorRequirementArb, type SelectorSubject } from './labelSelector.ts';
export { networkPoliciesArb, networkPolicyArb } from './networkPolicy.ts';
export {
  DEFAULT_SAMPLE_SIZE,
  type Probe,
  type ProbeMatrixOptions,
  probeMatrix,
  probeOptionsOf,
} from './probes.ts';
export { assertProperty, type FailureReport, PropertyFailure, reportFailure } from './reportFailure.ts';
export {
  GENERATOR_SIZES,
  type GeneratorOptions,
  type GeneratorSize,
  sampleScenario,
  scenarioArb,
} from './scenario.ts';
export { realizedClusterYaml, type ScenarioFiles, scenarioFiles } from './scenarioManifests.ts';
export { serviceArb } from './service.ts';
export { type GeneratorStats, generatorStats, renderStats, type StatsOptions } from './stats.ts';
export {
  AsyncStepCommand,
  type AsyncStepSystem,
  asyncStepCommandsArb,
  initialStepModel,
  StepCommand,
  type StepModel,
  type StepSystem,
  stepCommandsArb,
} from './stepCommands.ts';
export { stepsArb } from './steps.ts';
export { SYNTHETIC_DEFAULTS, withSyntheticAddresses } from './syntheticAddresses.ts';
export { trafficSpecArb } from './traffic.ts';
