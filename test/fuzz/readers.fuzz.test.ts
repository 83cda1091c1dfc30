// Fuzzing the readers of user input (issue 14): the manifest reader, the net-conf reader, the profile
// reader and the command line. Whatever comes in, a reader returns a value or throws podnet's input
// error (exit 2): never another exception, never a stack trace, never "internal error". Time is bounded
// by bounding the input size, not by a clock.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { main } from '../../cli/main.ts';
import { parseNetConf } from '../../oracle/flannel/parseNetConf.ts';
import { PodnetInputError, PodnetInputErrors } from '../../spec/errors.ts';
import { loadManifestsFromText } from '../../spec/manifests/load.ts';
import { parseProfile } from '../../spec/manifests/profileFile.ts';
import { anyDocument, anyText, mutationsOf } from './fuzzInputs.ts';

const SEED = 20261202;
const example = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../examples/seed-policy/${name}`, import.meta.url)), 'utf8');
const MANIFESTS = ['namespaces.yaml', 'pods.yaml', 'policy.yaml'].map(example).join('---\n');

/** Runs `read`; only success or podnet's input errors are allowed. */
function readsOrRefuses(read: () => unknown): void {
  try {
    read();
  } catch (error) {
    if (error instanceof PodnetInputError || error instanceof PodnetInputErrors) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
      expect(error.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      return;
    }
    throw error;
  }
}

describe('the manifest reader never fails but with an input error', () => {
  test('random text', () => {
    fc.assert(
      fc.property(anyText(), (text) => readsOrRefuses(() => loadManifestsFromText(text))),
      { seed: SEED, numRuns: 400 },
    );
  });
  test('random YAML and JSON values', () => {
    fc.assert(
      fc.property(anyDocument, (text) => readsOrRefuses(() => loadManifestsFromText(text))),
      { seed: SEED, numRuns: 400 },
    );
  });
  test('mutations of the seed example', () => {
    fc.assert(
      fc.property(mutationsOf(MANIFESTS), (text) => readsOrRefuses(() => loadManifestsFromText(text))),
      { seed: SEED, numRuns: 600 },
    );
  });
  test('random values in the fields of valid objects', () => {
    const object = fc.record({
      kind: fc.constantFrom('Namespace', 'Pod', 'Service', 'NetworkPolicy', 'Node', 'List', 'PodList'),
      apiVersion: fc.constantFrom('v1', 'networking.k8s.io/v1', 'x'),
      metadata: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ name: fc.jsonValue({ maxDepth: 1 }) })),
      spec: fc.jsonValue({ maxDepth: 4 }),
      status: fc.jsonValue({ maxDepth: 3 }),
      items: fc.jsonValue({ maxDepth: 3 }),
    });
    fc.assert(
      fc.property(object, (o) => readsOrRefuses(() => loadManifestsFromText(JSON.stringify(o)))),
      { seed: SEED, numRuns: 600 },
    );
  });
});

describe('the net-conf and profile readers', () => {
  const NET_CONF = '{"Network": "10.244.0.0/16", "SubnetLen": 24, "Backend": {"Type": "vxlan", "VNI": 1}}';
  test('parseNetConf answers ok or not ok, and never throws', () => {
    const input = fc.oneof(anyText(), anyDocument, mutationsOf(NET_CONF));
    fc.assert(
      fc.property(input, fc.constantFrom('kube' as const, 'etcd' as const), (text, subnetManager) => {
        const result = parseNetConf(text, { subnetManager });
        expect(typeof result.ok).toBe('boolean');
      }),
      { seed: SEED, numRuns: 800 },
    );
  });
  test('parseProfile returns a profile or an input error', () => {
    const input = fc.oneof(
      anyText(),
      anyDocument,
      mutationsOf('ipBlockMatchesPodIPs: false\nsupport: {sctp: false}\n'),
    );
    fc.assert(
      fc.property(input, (text) => readsOrRefuses(() => parseProfile(text))),
      { seed: SEED, numRuns: 600 },
    );
  });
});

describe('the command line', () => {
  const output = () => {
    const out: string[] = [];
    return {
      out,
      io: {
        stdout: (t: string) => out.push(t),
        stderr: (t: string) => out.push(t),
        cwd: '/nonexistent-podnet-fuzz',
        env: {},
        isTTY: false,
      },
    };
  };
  // Commands that read or print only: none of them may build a lab, reach a cluster or write a file here
  // (the working directory does not exist, and no option value below names a real path).
  const command = fc.constantFrom(
    'predict',
    'explain',
    'generate',
    'flannel',
    'report',
    'lab',
    'help',
    'bogus',
  );
  const token = fc.oneof(
    fc.constantFrom(
      '--help',
      '-h',
      '-f',
      '--from',
      '--to',
      '--port',
      '--format',
      '--seed',
      '--runs',
      '--stats',
      '--size',
      '--profile',
      '--max-input-size',
      '--',
      '-',
      '--=',
      '--seed=',
      'validate',
      'faults',
      'json',
      'table',
      '80/TCP',
      'x/a',
      '4294967296',
      '-1',
      '1e3',
      '0x10',
    ),
    fc
      .string({ maxLength: 30, unit: 'binary' })
      .filter((s) => !s.includes('/') && !/^(up|down|exec|status|-o|--output)$/.test(s)),
  );
  test('random arguments end with 0, 1 or 2, and a message without a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(command, fc.array(token, { maxLength: 8 }), async (name, args) => {
        // `lab` may only list faults or print help: the rest would touch the machine.
        if (name === 'lab' && !['faults', '--help', '-h'].includes(args[0] ?? '')) return;
        if (name === 'generate' && args.some((a) => a === '-o' || a.startsWith('--output'))) return;
        const { out, io } = output();
        const code = await main([name, ...args], io);
        const text = out.join('');
        expect([0, 1, 2]).toContain(code);
        expect(text).not.toContain('internal error');
        expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
