/**
 * The reports shell: writes every artifact of a run into one folder (`report.html`, `junit.xml`,
 * `summary.md` with --github; runner/session.ts writes `results.json`). The renderers it calls are pure;
 * only this file touches the file system. Reading a results file back is spec/resultsFile.ts's job.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeOutputFile } from '../spec/inputFile.ts';
import type { ResultsDocument } from '../spec/results.ts';
import { renderAnnotations, renderGithubSummary } from './github.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';

export { renderGithubSummary } from './github.ts';
export { renderCoverageGate, renderTerminal } from './terminal.ts';

export interface RenderAllOptions {
  /** Also write `summary.md` and return the `::error` annotation lines. */
  readonly github?: boolean;
  /** Where to write the HTML (default `<outDir>/report.html`). */
  readonly htmlPath?: string;
  /** Where to write the JUnit XML (default `<outDir>/junit.xml`). */
  readonly junitPath?: string;
}

export interface RenderedFiles {
  readonly html: string;
  readonly junit: string;
  readonly summary?: string;
  /** `::error` lines for GitHub Actions (empty unless `github`); the caller prints them to stdout. */
  readonly annotations: readonly string[];
}

/** Render every artifact of `doc` into `outDir`; returns the paths written. */
export async function renderAll(
  doc: ResultsDocument,
  outDir: string,
  options: RenderAllOptions = {},
): Promise<RenderedFiles> {
  const html = options.htmlPath ?? join(outDir, 'report.html');
  const junit = options.junitPath ?? join(outDir, 'junit.xml');
  await writeText(html, renderHtml(doc));
  await writeText(junit, renderJunit(doc));
  if (!options.github) return { html, junit, annotations: [] };
  const summary = join(outDir, 'summary.md');
  await writeText(summary, renderGithubSummary(doc));
  return { html, junit, summary, annotations: renderAnnotations(doc) };
}

/** Append the job summary to `$GITHUB_STEP_SUMMARY` when GitHub Actions provides one. */
export async function appendStepSummary(stepSummaryPath: string, markdown: string): Promise<void> {
  await appendFile(stepSummaryPath, markdown.endsWith('\n') ? markdown : `${markdown}\n`, 'utf8');
}

async function writeText(path: string, text: string): Promise<void> {
  // Whole or not at all: a reader (or a crash) never sees half a report.
  writeOutputFile(path, text);
}
