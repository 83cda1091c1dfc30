/**
 * The one reader of results.json, for `podnet report` and `podnet replay`: the file through the input
 * file reader (no FIFOs, devices, folders or files over the size cap), a nesting bound, JSON, and the
 * whole document checked against its schema (spec/resultsSchema.ts). Anything else is a
 * `PodnetInputError` (exit 2) naming the file and, for schema errors, the JSON path.
 */
import { PodnetInputError } from './errors.ts';
import { readInputFile } from './inputFile.ts';
import { visibleText } from './quote.ts';
import type { ResultsDocument } from './results.ts';
import { checkResultsDocument } from './resultsSchema.ts';

/**
 * Deepest nesting of lists and objects accepted. A results document nests about 12 levels (a scenario's
 * ipBlock except list is the deepest); the bound keeps every later walk of the value (formatting,
 * copying, JSON.stringify) far from the stack limit.
 */
export const MAX_RESULTS_NESTING = 64;

const HINT = 'pass the results.json that `podnet run` wrote into its --out folder';

/** Reads and checks the results file at `path`. */
export function readResultsFile(path: string): ResultsDocument {
  const text = readInputFile(path, { what: 'results file', hint: HINT });
  return parseResultsText(text, path);
}

/** Parses and checks results.json text as if read from `file`. */
export function parseResultsText(text: string, file: string): ResultsDocument {
  const depth = nestingDepth(text, MAX_RESULTS_NESTING);
  if (depth > MAX_RESULTS_NESTING) {
    throw new PodnetInputError(
      'PODNET_BAD_RESULTS',
      `lists and objects are nested more than ${MAX_RESULTS_NESTING} levels deep, which no results document is`,
      { file },
      HINT,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // SyntaxError for bad JSON (its message quotes a piece of the file); anything else means the parser gave up.
    const message =
      error instanceof SyntaxError ? visible(error.message) : 'the JSON parser gave up on this file';
    throw new PodnetInputError('PODNET_BAD_RESULTS', `not valid JSON: ${message}`, { file }, HINT);
  }
  return checkResultsDocument(value, file);
}

/**
 * How deeply `[` and `{` nest in JSON text, outside strings; stops counting past `limit`. Linear, no
 * recursion, so a file of 10 million `[` costs one pass and no stack.
 */
export function nestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** A parser message made safe to print: control characters visible, cut to one short line. */
function visible(message: string): string {
  const shown = visibleText(message);
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
}
