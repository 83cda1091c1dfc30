/**
 * What `podnet run --require-coverage` asks for: `all` (every catalogue rule and feature of the enabled areas
 * that the target can test), or a file (YAML or JSON) naming rules and features by area:
 *
 *   rules: [NP-ALLOW, NP-STEP]
 *   features:
 *     policy: [peer ipBlock except, port name]
 *     lb: [policy after DNAT]
 *
 * Unknown keys, rules or features are input errors (exit 2) naming the file, line and field, read before
 * the run starts.
 */
import { LineCounter, parseDocument } from 'yaml';
import { FEATURE_CATALOGUE } from './coverageFeatures.ts';
import { PodnetInputError, PodnetInputErrors } from './errors.ts';
import { readInputFile } from './inputFile.ts';
import { isStackOverflow } from './nesting.ts';
import { quoteValue } from './quote.ts';
import type { Area } from './results.ts';
import { RULES } from './rules.ts';
import { guardedParse, tooDeepError, yamlToValue } from './yamlValue.ts';

export type CoverageRequirement =
  | 'all'
  | {
      readonly rules: readonly string[];
      readonly features: readonly { readonly area: Area; readonly feature: string }[];
    };

const HINT =
  'write `rules: [RULE-ID, …]` and `features: { <area>: [<feature>, …] }`; docs/rules.md lists the rules and "Coverage" the features';

/** `all`, or the requirement in the file at `path`. */
export function loadCoverageRequirement(value: string): CoverageRequirement {
  if (value === 'all') return 'all';
  return parseCoverageRequirement(readInputFile(value, { what: 'coverage requirement file' }), value);
}

/** Parses requirement text (YAML or JSON) as if read from `file`. */
export function parseCoverageRequirement(text: string, file = '<coverage>'): CoverageRequirement {
  const lineCounter = new LineCounter();
  const doc = guardedParse(() => parseDocument(text, { lineCounter, version: '1.2', prettyErrors: false }), {
    file,
  });
  if (doc.errors.length > 0) {
    throw new PodnetInputErrors(
      doc.errors.map((e) => {
        if (isStackOverflow(e)) throw tooDeepError({ file });
        return new PodnetInputError(
          'PODNET_YAML_SYNTAX',
          `YAML syntax error: ${e.message.split('\n')[0]}`,
          { file, line: e.linePos?.[0].line ?? lineCounter.linePos(e.pos[0]).line },
          'fix the syntax at this line',
        );
      }),
    );
  }
  const errors: PodnetInputError[] = [];
  const fail = (path: readonly (string | number)[], problem: string, hint = HINT): void => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    errors.push(
      new PodnetInputError(
        'PODNET_INVALID_COVERAGE',
        problem,
        { file, ...(line ? { line } : {}), ...(path.length > 0 ? { field: path.join('.') } : {}) },
        hint,
      ),
    );
  };
  const raw = yamlToValue(doc, { file });
  const rules: string[] = [];
  const features: { area: Area; feature: string }[] = [];
  if (!isRecord(raw)) {
    fail([], 'expected a mapping with `rules` and/or `features`');
    throw new PodnetInputErrors(errors);
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'rules' && key !== 'features') fail([key], `unknown key ${quoteValue(key)}`);
  }
  const ruleList = raw.rules ?? [];
  if (!Array.isArray(ruleList)) fail(['rules'], '`rules` must be a list of rule ids');
  else
    ruleList.forEach((id, i) => {
      if (typeof id === 'string' && RULES.some((r) => r.id === id)) rules.push(id);
      else
        fail(
          ['rules', i],
          `unknown rule ${quoteValue(id)}`,
          `rules are ${RULES.map((r) => r.id).join(', ')}`,
        );
    });
  const byArea = raw.features ?? {};
  if (!isRecord(byArea)) fail(['features'], '`features` must map an area to a list of features');
  else
    for (const [area, list] of Object.entries(byArea)) {
      const known = FEATURE_CATALOGUE.filter((f) => f.area === area).map((f) => f.feature);
      if (known.length === 0) {
        fail(['features', area], `no features are catalogued for area ${quoteValue(area)}`);
        continue;
      }
      if (!Array.isArray(list)) {
        fail(['features', area], `the features of ${area} must be a list`);
        continue;
      }
      list.forEach((feature, i) => {
        if (typeof feature === 'string' && known.includes(feature)) features.push({ area, feature });
        else
          fail(
            ['features', area, i],
            `unknown ${area} feature ${quoteValue(feature)}`,
            `${area} features are ${known.join(', ')}`,
          );
      });
    }
  if (errors.length === 0 && rules.length === 0 && features.length === 0)
    fail(
      [],
      'the file requires nothing: name at least one rule or feature, or pass `--require-coverage all`',
    );
  if (errors.length > 0) throw new PodnetInputErrors(errors);
  return { rules, features };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
