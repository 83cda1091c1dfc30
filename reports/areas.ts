/**
 * The areas a document reports, in its own order: `summary.byArea` lists every area of the registry that
 * ran (with its title); an area that only a finding names comes after them. Reports keep no list of
 * their own, so an area added to the runner shows up without an edit here.
 */
import type { Area, ResultsDocument } from '../spec/results.ts';

export function areasOf(doc: ResultsDocument): Area[] {
  const listed = Object.keys(doc.summary.byArea);
  const extra = [...new Set(doc.findings.map((f) => f.area))].filter((a) => !listed.includes(a)).sort();
  return [...listed, ...extra];
}

/** The area's title for people, or its name when the document has none. */
export function areaTitle(doc: ResultsDocument, area: Area): string {
  return doc.summary.byArea[area]?.title ?? area;
}
