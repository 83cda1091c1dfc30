/** Every case, in table order; names are unique (checked here) and stable across runs. */
import type { HostileCase } from '../types.ts';
import { argvCases } from './argv.ts';
import { controlCases } from './controls.ts';
import { fileCases } from './files.ts';
import { kubeconfigCases } from './kubeconfig.ts';
import { numericCases } from './numeric.ts';
import { outputCases } from './outputs.ts';
import { reportCases } from './reports.ts';
import { resultsCases } from './results.ts';
import { valueCases } from './values.ts';
import { yamlCases } from './yaml.ts';

export function allCases(): HostileCase[] {
  const cases = [
    ...fileCases(),
    ...yamlCases(),
    ...valueCases(),
    ...numericCases(),
    ...resultsCases(),
    ...outputCases(),
    ...argvCases(),
    ...reportCases(),
    ...kubeconfigCases(),
    ...controlCases(),
  ];
  const seen = new Set<string>();
  for (const c of cases) {
    const key = `${c.kind}/${c.name}`;
    if (seen.has(key)) throw new Error(`two cases are named ${key}`);
    seen.add(key);
  }
  return cases;
}
