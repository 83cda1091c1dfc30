/**
 * podnet as a library: the oracles and readers the CLI is built on, for tools that want verdicts without
 * the command line. Everything else in the package is internal and may change between versions.
 */

export { parseNetConf } from './oracle/flannel/index.ts';
export { evaluateReference, predictMatrix } from './oracle/policy/index.ts';
export { loadClusterFromPaths, loadManifestsFromText } from './spec/manifests/load.ts';
export type { Cluster, NetworkPolicy, Pod, Service } from './spec/model.ts';
export type { ResultsDocument } from './spec/results.ts';
export { RESULTS_SCHEMA_VERSION } from './spec/results.ts';
export { readResultsFile } from './spec/resultsFile.ts';
export { PODNET_VERSION } from './spec/version.ts';
