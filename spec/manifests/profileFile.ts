/**
 * Reads a semantic profile file (YAML or JSON) holding partial overrides of DEFAULT_PROFILE, e.g.
 *
 *   ipBlockMatchesPodIPs: false
 *   support: { sctp: false }
 *
 * Unknown keys and wrong values are errors (exit 2) that name the key and list what is valid.
 */
import { LineCounter, parseDocument } from 'yaml';
import { PodnetInputError, PodnetInputErrors } from '../errors.ts';
import { readInputFile } from '../inputFile.ts';
import { DEFAULT_PROFILE, type SemanticProfile } from '../profile.ts';

type Choice = { readonly kind: 'boolean' } | { readonly kind: 'enum'; readonly values: readonly string[] };

/** What each key accepts. Keep in step with SemanticProfile (spec/profile.ts). */
const TOP_LEVEL: Readonly<Record<Exclude<keyof SemanticProfile, 'support'>, Choice>> = {
  ipBlockMatchesPodIPs: { kind: 'boolean' },
  loopback: { kind: 'enum', values: ['undefined', 'allow', 'policy'] },
  hostNetwork: { kind: 'enum', values: ['undefined', 'policy'] },
  serviceTraffic: { kind: 'enum', values: ['after-dnat'] },
};
const SUPPORT: Readonly<Record<keyof SemanticProfile['support'], Choice>> = {
  sctp: { kind: 'boolean' },
  endPort: { kind: 'boolean' },
  namedPorts: { kind: 'boolean' },
  ipv6: { kind: 'boolean' },
};

/** The profile in `path` merged over DEFAULT_PROFILE; DEFAULT_PROFILE when no path is given. */
export function loadProfile(path?: string): SemanticProfile {
  if (path === undefined) return DEFAULT_PROFILE;
  const text = readInputFile(path, { what: 'profile file' });
  return parseProfile(text, path);
}

/** Parses profile text (YAML or JSON) as if read from `file`. */
export function parseProfile(text: string, file = '<profile>'): SemanticProfile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: '1.2', prettyErrors: false });
  const errors: PodnetInputError[] = [];
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      errors.push(
        new PodnetInputError(
          'PODNET_YAML_SYNTAX',
          `YAML syntax error: ${e.message.split('\n')[0]}`,
          { file, line: e.linePos?.[0].line ?? lineCounter.linePos(e.pos[0]).line },
          'fix the syntax at this line',
        ),
      );
    }
    throw new PodnetInputErrors(errors);
  }
  const lineOf = (path: readonly string[]): number | undefined => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  };
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) return DEFAULT_PROFILE;
  const fail = (path: readonly string[], problem: string, hint: string): void => {
    const line = lineOf(path);
    errors.push(
      new PodnetInputError(
        'PODNET_INVALID_PROFILE',
        problem,
        { file, ...(line ? { line } : {}), field: path.join('.') },
        hint,
      ),
    );
  };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PodnetInputError(
      'PODNET_INVALID_PROFILE',
      'a profile must be a mapping of settings',
      { file },
      `valid keys: ${[...Object.keys(TOP_LEVEL), 'support'].join(', ')}`,
    );
  }
  const top: Record<string, unknown> = { ...DEFAULT_PROFILE };
  const support: Record<string, unknown> = { ...DEFAULT_PROFILE.support };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'support') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        fail(
          ['support'],
          'must be a mapping',
          `e.g. support: { sctp: false }; valid keys: ${Object.keys(SUPPORT).join(', ')}`,
        );
        continue;
      }
      for (const [sk, sv] of Object.entries(value)) {
        const choice = (SUPPORT as Record<string, Choice>)[sk];
        if (!choice) {
          fail(
            ['support', sk],
            `unknown key "${sk}"`,
            `valid keys under support: ${Object.keys(SUPPORT).join(', ')}`,
          );
          continue;
        }
        if (check(choice, sv, ['support', sk], fail)) support[sk] = sv;
      }
      continue;
    }
    const choice = (TOP_LEVEL as Record<string, Choice>)[key];
    if (!choice) {
      fail([key], `unknown key "${key}"`, `valid keys: ${[...Object.keys(TOP_LEVEL), 'support'].join(', ')}`);
      continue;
    }
    if (check(choice, value, [key], fail)) top[key] = value;
  }
  if (errors.length > 0) throw new PodnetInputErrors(errors);
  return {
    ...(top as unknown as SemanticProfile),
    support: support as unknown as SemanticProfile['support'],
  };
}

function check(
  choice: Choice,
  value: unknown,
  path: readonly string[],
  fail: (path: readonly string[], problem: string, hint: string) => void,
): boolean {
  if (choice.kind === 'boolean') {
    if (typeof value === 'boolean') return true;
    fail(path, `must be true or false, got ${JSON.stringify(value)}`, 'write true or false without quotes');
    return false;
  }
  if (typeof value === 'string' && choice.values.includes(value)) return true;
  fail(path, `invalid value ${JSON.stringify(value)}`, `use one of: ${choice.values.join(', ')}`);
  return false;
}
