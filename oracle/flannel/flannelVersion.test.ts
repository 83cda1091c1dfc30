// The release table (flannel-io/flannel tags; each switch names its commit and file in flannelVersion.ts).
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_FLANNEL_VERSION,
  FLANNEL_SWITCHES,
  type FlannelSwitchName,
  flannelBehaviour,
  isNewerThanKnown,
  OLDEST_FLANNEL_VERSION,
  parseFlannelVersion,
} from './flannelVersion.ts';

describe('parseFlannelVersion', () => {
  test('vMAJOR.MINOR.PATCH, the v optional, printed with it', () => {
    expect(parseFlannelVersion('v0.26.1')).toEqual({ ok: true, version: 'v0.26.1' });
    expect(parseFlannelVersion('0.26.1')).toEqual({ ok: true, version: 'v0.26.1' });
  });

  test('anything else is refused with the accepted form', () => {
    for (const bad of ['v0.26', 'latest', 'v0.26.1-rc1', 'v0.026.1', '']) {
      const r = parseFlannelVersion(bad);
      expect(r.ok, bad).toBe(false);
      expect(r.ok ? '' : r.error).toMatch(/write vMAJOR\.MINOR\.PATCH, e\.g\. v0\.28\.9/);
    }
  });

  test('before v0.20.0 the kube manager also ran the subnet checks (subnet/config.go ParseConfig): not modelled', () => {
    expect(OLDEST_FLANNEL_VERSION).toBe('v0.20.0');
    const r = parseFlannelVersion('v0.19.2');
    expect(r).toEqual({
      ok: false,
      error: expect.stringMatching(/older than podnet models \(v0.20.0 and later\).*ParseConfig/),
    });
    expect(parseFlannelVersion('v0.20.0').ok).toBe(true);
  });

  test('the default is the newest tag read (v0.28.9); later releases are accepted and flagged as newer', () => {
    expect(DEFAULT_FLANNEL_VERSION).toBe('v0.28.9');
    expect(isNewerThanKnown('v0.28.9')).toBe(false);
    expect(isNewerThanKnown('v0.29.0')).toBe(true);
    expect(flannelBehaviour('v0.29.0').ipv4RejectsIPv6).toBe(true);
  });
});

// Each switch flips exactly at its release: off at the release before, on from it.
const RELEASE_BEFORE: Record<FlannelSwitchName, string> = {
  kubeProxyMarkReturn: 'v0.20.1',
  podCidrMasquerade: 'v0.20.2',
  networkLookup: 'v0.20.2',
  vxlanMtuOption: 'v0.21.2',
  emptyNetworkSkipsNat: 'v0.24.3',
  nftables: 'v0.24.4',
  networksRemoved: 'v0.24.4',
  vtepLocalIsExtAddr: 'v0.27.3',
  vxlanConfigStruct: 'v0.27.3',
  kubeLeaseRejectsEmptyNetwork: 'v0.27.4',
  lowercaseIPErrors: 'v0.27.4',
  ipv4RejectsIPv6: 'v0.28.8',
};

describe('flannelBehaviour: one switch per change, on from the release that brought it', () => {
  test.each(Object.entries(FLANNEL_SWITCHES))('%s since %s', (name, s) => {
    const key = name as FlannelSwitchName;
    expect(flannelBehaviour(RELEASE_BEFORE[key])[key]).toBe(false);
    expect(flannelBehaviour(s.since)[key]).toBe(true);
    expect(flannelBehaviour(DEFAULT_FLANNEL_VERSION)[key]).toBe(true);
    expect(s.source).toMatch(/\.go/);
  });

  test('the releases named in the table', () => {
    expect(Object.fromEntries(Object.entries(FLANNEL_SWITCHES).map(([k, s]) => [k, s.since]))).toEqual({
      kubeProxyMarkReturn: 'v0.20.2',
      podCidrMasquerade: 'v0.21.0',
      networkLookup: 'v0.21.0',
      vxlanMtuOption: 'v0.21.3',
      emptyNetworkSkipsNat: 'v0.24.4',
      nftables: 'v0.25.0',
      networksRemoved: 'v0.25.0',
      vtepLocalIsExtAddr: 'v0.27.4',
      vxlanConfigStruct: 'v0.27.4',
      kubeLeaseRejectsEmptyNetwork: 'v0.28.0',
      lowercaseIPErrors: 'v0.28.0',
      ipv4RejectsIPv6: 'v0.28.9',
    });
  });

  test('a version it cannot model throws (callers check with parseFlannelVersion first)', () => {
    expect(() => flannelBehaviour('v0.19.0')).toThrow(/older than podnet models/);
  });
});
