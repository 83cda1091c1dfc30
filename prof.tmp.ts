import { createLabTarget } from './adapters/lab/labTarget.ts';
import { runConformance } from './runner/conformance.ts';
import { DEFAULT_RUN_OPTIONS } from './runner/options.ts';
import { LAB_CONFORMANCE } from './runner/wiring.ts';
const lab = createLabTarget({ nodes: 2, signalHandlers: false });
const start = Date.now();
try {
  const r = await runConformance({ target: lab, scenarios: LAB_CONFORMANCE.scenarios(DEFAULT_RUN_OPTIONS), prepare: LAB_CONFORMANCE.prepare, oracleFactory: LAB_CONFORMANCE.oracleFactory, resolvePolicies: LAB_CONFORMANCE.resolvePolicies, toYaml: LAB_CONFORMANCE.toYaml },
    { options: { ...DEFAULT_RUN_OPTIONS, runs: 25 }, protocols: ['TCP', 'UDP'], targetName: 'lab', resultsPath: 'x' });
  console.log(process.argv[2], { scenarios: r.scenarios, ms: Date.now() - start, probes: r.probes });
} finally { await lab.teardown(); }
