/** The status of one area in a run, read from the summary or, when absent, from the findings. */
import type { Area, ResultsDocument } from '../spec/results.ts';
import { isFailureKind } from './findingOrder.ts';

export type AreaStatus = 'pass' | 'fail' | 'not-run' | 'unsupported';

/** `pass`/`fail` for areas that ran, `not-run` or `unsupported` for the others. */
export function areaStatus(doc: ResultsDocument, area: Area): AreaStatus {
  const recorded = doc.summary.byArea[area]?.status;
  if (recorded) return recorded;
  if (!doc.areas.includes(area)) return 'not-run';
  return doc.findings.some((f) => f.area === area && isFailureKind(f.kind)) ? 'fail' : 'pass';
}

/** Whether the area ran at all (its results mean something). */
export function areaRan(doc: ResultsDocument, area: Area): boolean {
  const status = areaStatus(doc, area);
  return status === 'pass' || status === 'fail';
}
