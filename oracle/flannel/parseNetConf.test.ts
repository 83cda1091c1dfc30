// Rules from docs/research/flannel.md §1 (source: flannel-io/flannel pkg/subnet/config.go `ParseConfig`,
// `CheckNetworkConfig`, `parseBackendType`; pkg/ip/ipnet.go; pkg/subnet/config_test.go for the T examples).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BACKEND_DEFAULT_NOTE, parseNetConf } from './parseNetConf.ts';

const etcd = (conf: unknown) => parseNetConf(JSON.stringify(conf), { subnetManager: 'etcd' });
const kube = (conf: unknown) => parseNetConf(JSON.stringify(conf), { subnetManager: 'kube' });

function ok(r: ReturnType<typeof parseNetConf>) {
  if (!r.ok) throw new Error(`expected a valid config, got: ${r.error}`);
  return r.config;
}
function err(r: ReturnType<typeof parseNetConf>) {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.config)}`);
  return r.error;
}

describe('CheckNetworkConfig, IPv4 (pkg/subnet/config.go, docs/research/flannel.md §1.3)', () => {
  test('rule 1: no Network → "please define a correct Network parameter in the flannel config"', () => {
    expect(err(etcd({ Backend: { Type: 'vxlan' } }))).toBe(
      'please define a correct Network parameter in the flannel config',
    );
    // ip.IP4Net.Empty(): 0.0.0.0/0 is the zero value, so it counts as missing too.
    expect(err(etcd({ Network: '0.0.0.0/0' }))).toBe(
      'please define a correct Network parameter in the flannel config',
    );
  });

  test('rule 2: explicit SubnetLen > 30 → "SubnetLen must be less than /31"; 30 is accepted', () => {
    expect(err(etcd({ Network: '10.0.0.0/16', SubnetLen: 31 }))).toBe('SubnetLen must be less than /31');
    expect(ok(etcd({ Network: '10.0.0.0/16', SubnetLen: 30 })).subnetLen).toBe(30);
  });

  test('rule 2: explicit SubnetLen < prefix+2 → "network must be able to accommodate at least four subnets"', () => {
    expect(err(etcd({ Network: '10.0.0.0/16', SubnetLen: 17 }))).toBe(
      'network must be able to accommodate at least four subnets',
    );
    expect(ok(etcd({ Network: '10.0.0.0/16', SubnetLen: 18 })).subnetLen).toBe(18);
  });

  test('rule 3: default SubnetLen with prefix > 28 → "network is too small. Minimum useful network prefix is /28"', () => {
    expect(err(etcd({ Network: '10.1.0.0/29' }))).toBe(
      'network is too small. Minimum useful network prefix is /28',
    );
    expect(ok(etcd({ Network: '10.1.0.0/28' })).subnetLen).toBe(30);
  });

  test('rule 3: default SubnetLen is 24 up to /22, then prefix+2', () => {
    expect(ok(etcd({ Network: '10.0.0.0/8' })).subnetLen).toBe(24);
    expect(ok(etcd({ Network: '10.1.0.0/22' })).subnetLen).toBe(24);
    expect(ok(etcd({ Network: '10.1.0.0/23' })).subnetLen).toBe(25);
    expect(ok(etcd({ Network: '10.1.0.0/26' })).subnetLen).toBe(28);
  });

  test('rules 4-6: SubnetMin defaults to the second subnet (the first is skipped), SubnetMax to the last', () => {
    const c = ok(etcd({ Network: '10.244.0.0/16' }));
    expect([c.subnetMin, c.subnetMax, c.subnetCount]).toEqual(['10.244.1.0', '10.244.255.0', 255]);
  });

  test("rules 4-6 at the top of the address space: Go's uint32 sum wraps, and SubnetMax is still the last subnet", () => {
    // config.go: `n.IP + 1<<(32-n.PrefixLen) - 1<<(32-SubnetLen)` overflows to 0 before it subtracts.
    const c = ok(etcd({ Network: '255.255.0.0/16' }));
    expect([c.subnetMin, c.subnetMax, c.subnetCount]).toEqual(['255.255.1.0', '255.255.255.0', 255]);
  });

  test('rule 5: explicit SubnetMin outside Network → "SubnetMin is not in the range of the Network"', () => {
    expect(err(etcd({ Network: '10.3.0.0/16', SubnetMin: '10.4.0.0' }))).toBe(
      'SubnetMin is not in the range of the Network',
    );
  });

  test('rule 6: explicit SubnetMax outside Network → "SubnetMax is not in the range of the Network"', () => {
    expect(err(etcd({ Network: '10.3.0.0/16', SubnetMax: '10.2.255.0' }))).toBe(
      'SubnetMax is not in the range of the Network',
    );
  });

  test('rule 7: SubnetMin/SubnetMax must sit on a SubnetLen boundary (message names the address)', () => {
    // The shape of issue #598 (SubnetMin 10.200.0.2).
    expect(err(etcd({ Network: '10.200.0.0/16', SubnetLen: 26, SubnetMin: '10.200.0.2' }))).toBe(
      'SubnetMin is not on a SubnetLen boundary: 10.200.0.2',
    );
    expect(err(etcd({ Network: '10.3.0.0/16', SubnetMax: '10.3.8.1' }))).toBe(
      'SubnetMax is not on a SubnetLen boundary: 10.3.8.1',
    );
  });

  test('not checked by flannel: an inverted range is accepted and holds no subnet', () => {
    const c = ok(etcd({ Network: '10.3.0.0/16', SubnetMin: '10.3.9.0', SubnetMax: '10.3.2.0' }));
    expect(c.subnetCount).toBe(0);
  });

  test('not checked by flannel: an explicit SubnetMin may be the network base address', () => {
    expect(ok(etcd({ Network: '10.3.0.0/16', SubnetMin: '10.3.0.0' })).subnetMin).toBe('10.3.0.0');
  });

  test('an explicit 0.0.0.0 SubnetMin means "unset" (flannel compares with ip.IP4(0))', () => {
    expect(ok(etcd({ Network: '10.3.0.0/16', SubnetMin: '0.0.0.0' })).subnetMin).toBe('10.3.1.0');
  });

  test.each([
    // [Network, SubnetLen, SubnetMin, SubnetMax, count]; T = pkg/subnet/config_test.go
    ['10.3.0.0/16 (T)', { Network: '10.3.0.0/16' }, 24, '10.3.1.0', '10.3.255.0', 255],
    ['10.0.0.0/8', { Network: '10.0.0.0/8' }, 24, '10.0.1.0', '10.255.255.0', 65535],
    ['10.1.0.0/23', { Network: '10.1.0.0/23' }, 25, '10.1.0.128', '10.1.1.128', 3],
    ['10.1.0.0/28', { Network: '10.1.0.0/28' }, 30, '10.1.0.4', '10.1.0.12', 3],
    [
      '10.3.0.0/16 + explicit (T)',
      { Network: '10.3.0.0/16', SubnetLen: 28, SubnetMin: '10.3.5.0', SubnetMax: '10.3.8.0' },
      28,
      '10.3.5.0',
      '10.3.8.0',
      49,
    ],
  ])('worked example %s (docs/research/flannel.md §1.3)', (_name, conf, len, min, max, count) => {
    const c = ok(etcd(conf));
    expect([c.subnetLen, c.subnetMin, c.subnetMax, c.subnetCount]).toEqual([len, min, max, count]);
  });

  test('property: default Min/Max bracket every subnet but the first, aligned (CheckNetworkConfig)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (prefix, addr) => {
          const ip = [24, 16, 8, 0].map((s) => (addr >>> s) & 0xff).join('.');
          const r = etcd({ Network: `${ip}/${prefix}` });
          // Only 0.0.0.0/0 is Empty(); 0.0.0.0/8 is a valid Network.
          const base = Math.floor(addr / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
          const c = ok(r);
          const len = prefix <= 22 ? 24 : prefix + 2;
          const size = 2 ** (32 - len);
          const toNum = (s: string) => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
          return (
            c.subnetLen === len &&
            toNum(c.subnetMin!) === base + size &&
            toNum(c.subnetMax!) === base + 2 ** (32 - prefix) - size &&
            c.subnetCount === 2 ** (len - prefix) - 1
          );
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('CheckNetworkConfig, IPv6 mirror (pkg/subnet/config.go, pkg/ip/ip6net.go)', () => {
  const v6 = (extra: Record<string, unknown>) => etcd({ EnableIPv4: false, EnableIPv6: true, ...extra });

  test('IPv6-only fc00::/48 defaults: /64, fc00:0:0:1:: … fc00:0:0:ffff:: (T, config_test.go)', () => {
    const c = ok(v6({ IPv6Network: 'fc00::/48' }));
    expect([c.ipv6SubnetLen, c.ipv6SubnetMin, c.ipv6SubnetMax]).toEqual([
      64,
      'fc00:0:0:1::',
      'fc00:0:0:ffff::',
    ]);
    expect(c.subnetLen).toBeUndefined();
  });

  test('explicit IPv6SubnetLen 124 with Min/Max as given (T, config_test.go)', () => {
    const c = ok(
      v6({
        IPv6Network: 'fc00::/48',
        IPv6SubnetLen: 124,
        IPv6SubnetMin: 'fc00:0:0:1::',
        IPv6SubnetMax: 'fc00:0:0:f::',
      }),
    );
    expect([c.ipv6SubnetLen, c.ipv6SubnetMin, c.ipv6SubnetMax]).toEqual([
      124,
      'fc00:0:0:1::',
      'fc00:0:0:f::',
    ]);
  });

  test('no IPv6Network → "please define a correct IPv6Network parameter in the flannel config"', () => {
    expect(err(v6({}))).toBe('please define a correct IPv6Network parameter in the flannel config');
  });

  test('IPv6SubnetLen > 126 → "SubnetLen must be less than /127"', () => {
    expect(err(v6({ IPv6Network: 'fc00::/48', IPv6SubnetLen: 127 }))).toBe(
      'SubnetLen must be less than /127',
    );
  });

  test('IPv6SubnetLen < prefix+2 → "network must be able to accommodate at least four subnets"', () => {
    expect(err(v6({ IPv6Network: 'fc00::/48', IPv6SubnetLen: 49 }))).toBe(
      'network must be able to accommodate at least four subnets',
    );
  });

  test('default with prefix > 124 → "IPv6Network is too small. Minimum useful network prefix is /124"', () => {
    expect(err(v6({ IPv6Network: 'fc00::/125' }))).toBe(
      'IPv6Network is too small. Minimum useful network prefix is /124',
    );
    expect(ok(v6({ IPv6Network: 'fc00::/124' })).ipv6SubnetLen).toBe(126);
    expect(ok(v6({ IPv6Network: 'fc00::/62' })).ipv6SubnetLen).toBe(64);
    expect(ok(v6({ IPv6Network: 'fc00::/63' })).ipv6SubnetLen).toBe(65);
  });

  test('IPv6SubnetMin/Max outside the network or off the boundary', () => {
    expect(err(v6({ IPv6Network: 'fc00::/48', IPv6SubnetMin: 'fd00::' }))).toBe(
      'IPv6SubnetMin is not in the range of the IPv6Network',
    );
    expect(err(v6({ IPv6Network: 'fc00::/48', IPv6SubnetMax: 'fd00::' }))).toBe(
      'IPv6SubnetMax is not in the range of the IPv6Network',
    );
    expect(err(v6({ IPv6Network: 'fc00::/48', IPv6SubnetMin: 'fc00:0:0:1::1' }))).toBe(
      'IPv6SubnetMin is not on a SubnetLen boundary: fc00:0:0:1::1',
    );
    expect(err(v6({ IPv6Network: 'fc00::/48', IPv6SubnetMax: 'fc00:0:0:2::1' }))).toBe(
      'IPv6SubnetMax is not on a SubnetLen boundary: fc00:0:0:2::1',
    );
  });

  test('dual stack checks both families, IPv4 first', () => {
    expect(err(etcd({ EnableIPv6: true, Network: '10.0.0.0/29', IPv6Network: 'fc00::/125' }))).toBe(
      'network is too small. Minimum useful network prefix is /28',
    );
  });
});

describe('ParseConfig decoding (pkg/subnet/config.go, pkg/ip/ipnet.go, Go encoding/json)', () => {
  test('keys are case-insensitive as Go matches struct fields (config_test.go uses "network", "enableIPv6")', () => {
    const c = ok(
      etcd({
        network: '10.3.0.0/16',
        enableIPv6: true,
        ipv6Network: 'fc00::/48',
        backend: { type: 'vxlan' },
      }),
    );
    expect([c.network, c.enableIPv6, c.ipv6Network, c.backend.type]).toEqual([
      '10.3.0.0/16',
      true,
      'fc00::/48',
      'vxlan',
    ]);
  });

  test('of two keys for one field, the later one wins', () => {
    expect(ok(parseNetConf('{"Network":"10.1.0.0/16","NETWORK":"10.2.0.0/16"}')).network).toBe('10.2.0.0/16');
  });

  test('host bits in Network are silently masked off (FromIPNet), with a note', () => {
    const c = ok(etcd({ Network: '10.244.1.5/16' }));
    expect(c.network).toBe('10.244.0.0/16');
    expect(c.notes.some((n) => n.includes('host bits'))).toBe(true);
  });

  test('a non-IPv4 Network → "invalid IPv4 CIDR format" (docs/research/flannel.md §1.1)', () => {
    expect(err(etcd({ Network: 'fc00::/48' }))).toBe('invalid IPv4 CIDR format');
  });

  test('an unparsable Network → Go net.ParseCIDR error "invalid CIDR address: …"', () => {
    expect(err(etcd({ Network: '10.0.0/16' }))).toBe('invalid CIDR address: 10.0.0/16');
    expect(err(etcd({ Network: '10.0.0.0/33' }))).toBe('invalid CIDR address: 10.0.0.0/33');
    // Go ≥ 1.17 rejects leading zeros in IPv4 octets.
    expect(err(etcd({ Network: '10.01.0.0/16' }))).toBe('invalid CIDR address: 10.01.0.0/16');
  });

  test('EnableIPv4 defaults to true; unknown keys are ignored', () => {
    const c = ok(etcd({ Network: '10.0.0.0/16', Colour: 'blue' }));
    expect([c.enableIPv4, c.enableIPv6, c.enableNFTables]).toEqual([true, false, false]);
  });

  test("a wrongly typed field gives Go's UnmarshalTypeError", () => {
    expect(err(etcd({ Network: '10.0.0.0/16', SubnetLen: '24' }))).toBe(
      'json: cannot unmarshal string into Go struct field Config.SubnetLen of type uint',
    );
    expect(err(etcd({ Network: '10.0.0.0/16', SubnetLen: -1 }))).toBe(
      'json: cannot unmarshal number -1 into Go struct field Config.SubnetLen of type uint',
    );
    expect(err(etcd({ Network: '10.0.0.0/16', EnableIPv6: 'yes' }))).toBe(
      'json: cannot unmarshal string into Go struct field Config.EnableIPv6 of type bool',
    );
  });

  test('a bad SubnetMin → ip.ParseIP4 "invalid IP address format" (pkg/ip/ipnet.go ParseIP4, since v0.28.0)', () => {
    expect(err(etcd({ Network: '10.0.0.0/16', SubnetMin: '10.0.1' }))).toBe('invalid IP address format');
  });

  test('not JSON, or not an object', () => {
    expect(err(parseNetConf('{"Network": '))).toMatch(/^invalid JSON: /);
    expect(err(parseNetConf('[1]'))).toBe('json: cannot unmarshal array into Go value of type subnet.Config');
  });
});

describe('Backend (parseBackendType in pkg/subnet/config.go; pkg/backend/manager.go)', () => {
  test('absent Backend means udp (the code), not vxlan (the docs), and the result says so', () => {
    const c = ok(kube({ Network: '10.244.0.0/16' }));
    expect(c.backend).toEqual({ type: 'udp', port: 8285 });
    expect(c.backendDefaulted).toBe(true);
    expect(c.notes).toContain(BACKEND_DEFAULT_NOTE);
  });

  test('Backend without Type → "unknown backend type: "', () => {
    expect(err(kube({ Network: '10.244.0.0/16', Backend: {} }))).toBe('unknown backend type: ');
    expect(err(kube({ Network: '10.244.0.0/16', Backend: null }))).toBe('unknown backend type: ');
    expect(err(kube({ Network: '10.244.0.0/16', Backend: { Type: 'geneve' } }))).toBe(
      'unknown backend type: geneve',
    );
  });

  test('the backend lookup lower-cases the type, so "VXLAN" works', () => {
    expect(ok(kube({ Network: '10.244.0.0/16', Backend: { Type: 'VXLAN' } })).backend.type).toBe('vxlan');
  });

  test('a malformed Backend → "error decoding Backend property of config: …"', () => {
    expect(err(kube({ Network: '10.244.0.0/16', Backend: 'vxlan' }))).toBe(
      'error decoding Backend property of config: json: cannot unmarshal string into Go value of type struct { Type string }',
    );
  });

  test('vxlan defaults: VNI 1, Port 0 (kernel 8472), MTU unset (= interface), no GBP/Learning/DirectRouting (vxlan.go)', () => {
    expect(ok(kube({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan' } })).backend).toEqual({
      type: 'vxlan',
      vni: 1,
      port: 0,
      effectivePort: 8472,
      gbp: false,
      learning: false,
      directRouting: false,
    });
  });

  test('vxlan options are read case-insensitively; a bad one → "error decoding VXLAN backend config: …"', () => {
    const b = ok(
      kube({ Network: '10.244.0.0/16', Backend: { type: 'vxlan', vni: 4, port: 4789, directrouting: true } }),
    ).backend;
    expect(b).toMatchObject({ vni: 4, port: 4789, effectivePort: 4789, directRouting: true });
    // pkg/backend/vxlan/vxlan.go parseVXLANConfig decodes into the json-tagged VXLANConfig (v0.27.4 on).
    expect(err(kube({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan', VNI: 'one' } }))).toBe(
      'error decoding VXLAN backend config: json: cannot unmarshal string into Go struct field VXLANConfig.vni of type int',
    );
  });

  test('udp Port defaults to 8285 (udp_amd64.go)', () => {
    expect(ok(kube({ Network: '10.244.0.0/16', Backend: { Type: 'udp', Port: 9000 } })).backend).toEqual({
      type: 'udp',
      port: 9000,
    });
  });
});

describe('kube subnet manager (pkg/subnet/kube/kube.go; docs/research/flannel.md §1.2)', () => {
  test('is the default and never runs CheckNetworkConfig: SubnetLen 31 passes, with a note that it is ignored', () => {
    const c = ok(
      parseNetConf(JSON.stringify({ Network: '10.244.0.0/16', SubnetLen: 31, Backend: { Type: 'vxlan' } })),
    );
    expect(c.subnetManager).toBe('kube');
    expect(c.subnetLen).toBeUndefined();
    expect(c.subnetMin).toBeUndefined();
    expect(c.notes.join('\n')).toMatch(/SubnetLen ignored/);
  });

  test('a /29 Network passes (no size check) where etcd rejects it', () => {
    expect(kube({ Network: '10.1.0.0/29', Backend: { Type: 'vxlan' } }).ok).toBe(true);
    expect(etcd({ Network: '10.1.0.0/29', Backend: { Type: 'vxlan' } }).ok).toBe(false);
  });

  test('no Network: every node would fail AcquireLease ("… doesn\'t contain … PodCIDR")', () => {
    expect(err(kube({ Backend: { Type: 'vxlan' } }))).toMatch(
      /specified in the flannel net config doesn't contain/,
    );
  });
});

// Go src/encoding/json/scanner.go: maxNestingDepth = 10000, "exceeded max depth".
test('nesting past encoding/json max depth is invalid JSON for flannel, even in a key it ignores', () => {
  const deep = (n: number) => `{"Network": "10.244.0.0/16", "x": ${'['.repeat(n)}${']'.repeat(n)}}`;
  expect(parseNetConf(deep(9999)).ok).toBe(true);
  const result = parseNetConf(deep(10_001));
  expect(result.ok).toBe(false);
  expect(result.ok ? '' : result.error).toMatch(/exceeded max depth/);
});

const at = (version: string, conf: unknown, subnetManager: 'kube' | 'etcd' = 'kube') =>
  parseNetConf(JSON.stringify(conf), { subnetManager, flannelVersion: version });

describe('flanneld order: ParseConfig, [etcd] CheckNetworkConfig, GetIPFamily, backend, device, [kube] AcquireLease (main.go)', () => {
  test('etcd: CheckNetworkConfig fails before an unknown backend is looked up', () => {
    expect(err(etcd({ Network: '10.1.0.0/29', Backend: { Type: 'nope' } }))).toBe(
      'network is too small. Minimum useful network prefix is /28',
    );
    expect(err(kube({ Network: '10.1.0.0/29', Backend: { Type: 'nope' } }))).toBe(
      'unknown backend type: nope',
    );
  });
});

describe('1. kube manager with an empty Network (pkg/subnet/kube/kube.go AcquireLease)', () => {
  const empty = [{ Network: '0.0.0.0/0' }, {}].map((n) => ({ ...n, Backend: { Type: 'vxlan' } }));

  test('v0.28.0 on: Network.Empty() fails the lease on every node, missing or 0.0.0.0/0 alike', () => {
    for (const conf of empty) {
      expect(err(at('v0.28.0', conf))).toMatch(
        /^subnet "0.0.0.0\/0" specified in the flannel net config doesn't contain any node's PodCIDR/,
      );
      expect(err(kube(conf))).toMatch(/fails to acquire a lease on every node/);
    }
  });

  test('v0.25.0–v0.27.x: containsCIDR(0.0.0.0/0, podCIDR) holds, flannel runs on 0.0.0.0/0 without NAT rules', () => {
    for (const version of ['v0.25.0', 'v0.27.4']) {
      for (const conf of empty) {
        const c = ok(at(version, conf));
        expect(c.network).toBe('0.0.0.0/0');
        expect(c.notes.join('\n')).toMatch(/installs no masquerade or forward rules/);
      }
    }
  });

  test('udp on 0.0.0.0/0 would route everything to flannel0 beside the default route: not predicted (udp_network_amd64.go)', () => {
    expect(ok(at('v0.27.4', { Network: '0.0.0.0/0' })).unmodelled).toMatch(/second default route/);
  });

  test('v0.21.0–v0.24.x: Config.GetFlannelNetwork refuses the empty Network (pkg/subnet/config.go)', () => {
    for (const version of ['v0.21.0', 'v0.24.4']) {
      for (const conf of empty) {
        expect(err(at(version, conf))).toMatch(
          /^could not find an ipv4 network in the flannel configuration/,
        );
      }
    }
  });

  test('v0.20.x: runs on 0.0.0.0/0, its NAT rules naming it (subnet.GetFlannelNetwork returns the zero Network)', () => {
    const c = ok(at('v0.20.2', empty[1]));
    expect(c.network).toBe('0.0.0.0/0');
    expect(c.notes.join('\n')).toMatch(/masquerade and forward rules name 0.0.0.0\/0/);
  });

  test('etcd mode refuses it in every release (CheckNetworkConfig)', () => {
    expect(err(at('v0.25.0', empty[0], 'etcd'))).toBe(
      'please define a correct Network parameter in the flannel config',
    );
  });

  test('IPv6Network ::/0 fails from v0.28.0 only; a missing one fails in every release, each its own way', () => {
    const v6 = (IPv6Network?: string) => ({
      Network: '10.244.0.0/16',
      EnableIPv6: true,
      ...(IPv6Network ? { IPv6Network } : {}),
      Backend: { Type: 'vxlan' },
    });
    expect(err(at('v0.28.0', v6('::/0')))).toMatch(/^subnet "::\/0" specified in the flannel net config/);
    expect(ok(at('v0.27.4', v6('::/0'))).notes.join('\n')).toMatch(/IPv6Network is ::\/0/);
    expect(err(at('v0.28.9', v6()))).toMatch(/IPv6Network is missing \(ip.IP6Net.Empty\)/);
    expect(err(at('v0.27.4', v6()))).toMatch(/panics in AcquireLease.*\[inference\]/);
    expect(err(at('v0.24.4', v6()))).toMatch(/^could not find an ipv6 network in the flannel configuration/);
    expect(err(at('v0.20.2', v6()))).toMatch(
      /specified in the PodCIDR, but doesn't exist in the flannel net config/,
    );
  });
});

describe('3. Backend.MTU 0 or negative is not "unset" (pkg/backend/vxlan/vxlan.go parseVXLANConfig, MTU())', () => {
  test('0 and −1 are kept as written, with a note that FLANNEL_MTU goes negative or zero', () => {
    const zero = ok(kube({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan', MTU: 0 } }));
    expect(zero.backend).toMatchObject({ type: 'vxlan', mtu: 0 });
    expect(zero.notes.join('\n')).toMatch(/Backend.MTU 0 is not "unset": flannel writes FLANNEL_MTU=-50/);
    const minus = ok(kube({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan', MTU: -1 } }));
    expect(minus.backend).toMatchObject({ mtu: -1 });
    expect(minus.notes.join('\n')).toMatch(/FLANNEL_MTU=-51.*CNI plugin refuses/);
  });

  test('a device MTU the kernel refuses (1–67 or above 65535) stops flanneld (net/core/dev.c dev_validate_mtu)', () => {
    expect(err(kube({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan', MTU: 100 } }))).toMatch(
      /^failed to create vxlan device: .*MTU 50, below the kernel's minimum 68/,
    );
    expect(err(kube({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan', MTU: 65_600 } }))).toMatch(
      /above the kernel's maximum 65535/,
    );
    expect(kube({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan', MTU: 118 } }).ok).toBe(true);
  });

  test('before v0.21.3 vxlan has no MTU option: the key is unknown, ignored even when it is no number', () => {
    const conf = { Network: '10.244.0.0/16', Backend: { Type: 'vxlan', MTU: 1400 } };
    const old = ok(at('v0.21.2', conf));
    expect(old.backend).not.toHaveProperty('mtu');
    expect(old.notes.join('\n')).toMatch(/Backend.MTU ignored.*v0.21.3/);
    expect(ok(at('v0.21.3', conf)).backend).toMatchObject({ mtu: 1400 });
    const typed = { Network: '10.244.0.0/16', Backend: { Type: 'vxlan', MTU: 'big' } };
    expect(at('v0.21.2', typed).ok).toBe(true);
    expect(err(at('v0.21.3', typed))).toBe(
      'error decoding VXLAN backend config: json: cannot unmarshal string into Go struct field .MTU of type int',
    );
  });
});

describe('4. EnableIPv4 and EnableIPv6 (pkg/ipmatch/match.go GetIPFamily; main.go)', () => {
  test('both false: "none defined stack" for either manager', () => {
    for (const manager of ['kube', 'etcd'] as const) {
      expect(err(at('v0.28.9', { Network: '10.244.0.0/16', EnableIPv4: false }, manager))).toMatch(
        /^none defined stack/,
      );
    }
  });

  test('IPv6-only with Network set: flannel runs, but no IPv4 node state exists for podnet to predict', () => {
    const c = ok(
      kube({
        EnableIPv4: false,
        EnableIPv6: true,
        Network: '10.244.0.0/16',
        IPv6Network: 'fc00::/48',
        Backend: { Type: 'vxlan' },
      }),
    );
    expect(c.unmodelled).toMatch(/EnableIPv4 is false/);
    expect(c.notes.join('\n')).toMatch(
      /no flannel.N, route or FLANNEL_NETWORK\/FLANNEL_SUBNET for Network 10.244.0.0\/16/,
    );
  });
});

describe('6. Networks / IPv6Networks (pkg/subnet/config.go Config)', () => {
  test('v0.25.0 on: unknown keys, ignored whatever they hold', () => {
    const c = ok(kube({ Network: '10.244.0.0/16', Networks: ['bad'], IPv6Networks: 7 }));
    expect(c.notes.join('\n')).toMatch(
      /Networks \/ IPv6Networks ignored: flannel removed these keys in v0.25.0/,
    );
  });

  test('v0.20.0–v0.24.x: decoded, so a bad value is an error', () => {
    expect(err(at('v0.24.4', { Network: '10.244.0.0/16', Networks: ['bad'] }))).toBe(
      'invalid CIDR address: bad',
    );
    expect(err(at('v0.20.0', { Network: '10.244.0.0/16', Networks: 'x' }))).toBe(
      'json: cannot unmarshal string into Go struct field Config.Networks of type []ip.IP4Net',
    );
  });

  test('v0.21.0–v0.24.x empty them after decoding; v0.20.x uses Networks[0], which podnet does not model', () => {
    const conf = { Network: '10.244.0.0/16', Networks: ['10.9.0.0/16'], Backend: { Type: 'vxlan' } };
    expect(ok(at('v0.21.0', conf)).unmodelled).toBeUndefined();
    expect(ok(at('v0.20.2', conf)).unmodelled).toMatch(
      /uses Networks\[0\] \(10.9.0.0\/16\) in place of Network/,
    );
  });
});

describe("7. Go's decoder and CIDR parser, not JSON.parse (encoding/json decode.go; net.ParseCIDR)", () => {
  test('SubnetLen 24.0 is a type error in either manager (strconv.ParseUint of the literal)', () => {
    for (const manager of ['kube', 'etcd'] as const) {
      expect(
        err(parseNetConf('{"Network": "10.244.0.0/16", "SubnetLen": 24.0}', { subnetManager: manager })),
      ).toBe('json: cannot unmarshal number 24.0 into Go struct field Config.SubnetLen of type uint');
    }
    expect(
      err(parseNetConf('{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan", "VNI": 1e0}}')),
    ).toMatch(/cannot unmarshal number 1e0 into Go struct field VXLANConfig.vni of type int/);
  });

  test('duplicate keys are no error, but each one is decoded in turn: a bad earlier one fails', () => {
    expect(ok(parseNetConf('{"Network": "10.1.0.0/16", "Network": "10.2.0.0/16"}')).network).toBe(
      '10.2.0.0/16',
    );
    // JSON.parse would keep only the last, valid value.
    expect(err(parseNetConf('{"Network": "bad", "Network": "10.2.0.0/16"}'))).toBe(
      'invalid CIDR address: bad',
    );
  });

  test('a prefix with leading zeros is fine (dtoi), an escaped slash is not (UnmarshalJSON sees the raw bytes)', () => {
    const c = ok(kube({ Network: '10.244.0.0/016', Backend: { Type: 'vxlan' } }));
    expect(c.network).toBe('10.244.0.0/16');
    expect(c.notes.join('\n')).toMatch(/"10.244.0.0\/016" is read as 10.244.0.0\/16/);
    expect(err(parseNetConf('{"Network": "10.244.0.0\\/16"}'))).toBe('invalid CIDR address: 10.244.0.0\\/16');
  });

  test("syntax errors use Go's wording", () => {
    expect(err(parseNetConf('{"Network": "10.244.0.0/16",}'))).toBe(
      "invalid JSON: invalid character '}' looking for beginning of object key string",
    );
  });
});

describe('8. wording, release by release', () => {
  test('a bad SubnetMin: "Invalid …" until v0.27.x, "invalid …" from v0.28.0 (pkg/ip/ipnet.go ParseIP4)', () => {
    const conf = { Network: '10.0.0.0/16', SubnetMin: '10.0.1' };
    expect(err(at('v0.27.4', conf, 'etcd'))).toBe('Invalid IP address format');
    expect(err(at('v0.28.0', conf, 'etcd'))).toBe('invalid IP address format');
  });

  test('an IPv6 SubnetMin or Network: a panic until v0.28.8, an error from v0.28.9 (ParseIP4, IP4Net.UnmarshalJSON)', () => {
    expect(err(at('v0.28.8', { Network: '10.0.0.0/16', SubnetMin: 'fc00::' }, 'etcd'))).toMatch(
      /^flanneld panics: Address is not an IPv4 address/,
    );
    expect(err(at('v0.28.9', { Network: '10.0.0.0/16', SubnetMin: 'fc00::' }, 'etcd'))).toBe(
      'invalid IPv4 address format',
    );
    expect(err(at('v0.28.8', { Network: 'fc00::/48' }))).toMatch(
      /^flanneld panics: Address is not an IPv4 address/,
    );
    expect(err(at('v0.28.9', { Network: 'fc00::/48' }))).toBe('invalid IPv4 CIDR format');
  });

  test('the vxlan type error: ".VNI" of an anonymous struct until v0.27.3, "VXLANConfig.vni" from v0.27.4', () => {
    const conf = { Network: '10.244.0.0/16', Backend: { Type: 'vxlan', VNI: 'one' } };
    expect(err(at('v0.27.3', conf))).toMatch(/Go struct field \.VNI of type int$/);
    expect(err(at('v0.27.4', conf))).toMatch(/Go struct field VXLANConfig\.vni of type int$/);
  });

  test("the kube-mode note gives kube-controller-manager's node mask for both families (24 and 64)", () => {
    const c = ok(kube({ Network: '10.244.0.0/16', IPv6SubnetLen: 80 }));
    expect(c.notes.join('\n')).toMatch(/24 for IPv4, 64 for IPv6/);
  });

  test('EnableNFTables before v0.25.0 is an unknown key: iptables, and a note', () => {
    const conf = { Network: '10.244.0.0/16', EnableNFTables: true };
    const old = ok(at('v0.24.4', conf));
    expect(old.enableNFTables).toBe(false);
    expect(old.notes.join('\n')).toMatch(/EnableNFTables ignored/);
    expect(ok(at('v0.25.0', conf)).enableNFTables).toBe(true);
  });
});

describe("podnet flannel validate on flannel's own config_test.go cases, at every modelled release line", () => {
  // pkg/subnet/config_test.go TestConfigDefaults, TestConfigOverrides and their IPv6 twins; unchanged since v0.20.0.
  test.each(['v0.20.0', 'v0.21.3', 'v0.25.0', 'v0.27.4', 'v0.28.9'])('%s', (version) => {
    const c = ok(at(version, { network: '10.3.0.0/16' }, 'etcd'));
    expect([c.subnetLen, c.subnetMin, c.subnetMax]).toEqual([24, '10.3.1.0', '10.3.255.0']);
    const o = ok(
      at(
        version,
        { Network: '10.3.0.0/16', SubnetLen: 28, SubnetMin: '10.3.5.0', SubnetMax: '10.3.8.0' },
        'etcd',
      ),
    );
    expect([o.subnetLen, o.subnetMin, o.subnetMax]).toEqual([28, '10.3.5.0', '10.3.8.0']);
    const v6 = ok(at(version, { enableIPv4: false, enableIPv6: true, ipv6Network: 'fc00::/48' }, 'etcd'));
    expect([v6.ipv6SubnetLen, v6.ipv6SubnetMin, v6.ipv6SubnetMax]).toEqual([
      64,
      'fc00:0:0:1::',
      'fc00:0:0:ffff::',
    ]);
  });
});
