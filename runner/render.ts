/** Writes the human and CI renderings of a run beside results.json. */
import type { ResultsDocument } from '../spec/results.ts';

export async function renderRun(doc: ResultsDocument, outDir: string): Promise<void> {
  const { renderAll } = await import('../reports/index.ts');
  await renderAll(doc, outDir);
}
