import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PodnetInputError, PodnetInputErrors } from '../errors.ts';
import { DEFAULT_PROFILE } from '../profile.ts';
import { loadProfile, parseProfile } from './profileFile.ts';

describe('profile files', () => {
  test('no path gives DEFAULT_PROFILE', () => {
    expect(loadProfile()).toBe(DEFAULT_PROFILE);
  });

  test('partial overrides merge over the defaults, nested support too', () => {
    expect(parseProfile('ipBlockMatchesPodIPs: false\nloopback: policy\nsupport:\n  sctp: false\n')).toEqual({
      ...DEFAULT_PROFILE,
      ipBlockMatchesPodIPs: false,
      loopback: 'policy',
      support: { ...DEFAULT_PROFILE.support, sctp: false },
    });
  });

  test('JSON files are read from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'podnet-profile-'));
    try {
      const file = join(dir, 'p.json');
      await writeFile(file, JSON.stringify({ hostNetwork: 'policy' }));
      expect(loadProfile(file).hostNetwork).toBe('policy');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('an empty file is the default profile', () => {
    expect(parseProfile('')).toEqual(DEFAULT_PROFILE);
  });

  test('an unknown key is an error naming it and listing the valid keys, with its line', () => {
    const err = (() => {
      try {
        parseProfile(
          'loopback: allow\nipblockMatchesPodIPs: false\nsupport: {sctp: false, icmp: true}\n',
          'p.yaml',
        );
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PodnetInputErrors);
    const errors = (err as PodnetInputErrors).errors;
    expect(errors.map((e) => [e.problem, e.location.line, e.location.field])).toEqual([
      ['unknown key "ipblockMatchesPodIPs"', 2, 'ipblockMatchesPodIPs'],
      ['unknown key "icmp"', 3, 'support.icmp'],
    ]);
    expect(errors[0]?.hint).toBe(
      'valid keys: ipBlockMatchesPodIPs, loopback, hostNetwork, serviceTraffic, support',
    );
    expect(errors[1]?.hint).toBe('valid keys under support: sctp, endPort, namedPorts, ipv6');
  });

  test('wrong values are errors listing the allowed ones', () => {
    const err = (() => {
      try {
        parseProfile('loopback: deny\nipBlockMatchesPodIPs: "yes"\nsupport: true\n');
      } catch (e) {
        return e as PodnetInputErrors;
      }
    })();
    expect(err?.errors.map((e) => [e.location.field, e.hint])).toEqual([
      ['loopback', 'use one of: undefined, allow, policy'],
      ['ipBlockMatchesPodIPs', 'write true or false without quotes'],
      ['support', 'e.g. support: { sctp: false }; valid keys: sctp, endPort, namedPorts, ipv6'],
    ]);
  });

  test('a missing file and a syntax error are input errors (exit 2)', () => {
    expect(() => loadProfile('/nonexistent/podnet-profile.yaml')).toThrow(PodnetInputError);
    expect(() => parseProfile('loopback: [\n')).toThrow(PodnetInputErrors);
    expect(() => parseProfile('- a\n')).toThrow(/must be a mapping/);
  });
});
