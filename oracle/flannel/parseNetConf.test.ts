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

  test('a bad SubnetMin → ip.ParseIP4 "Invalid IP address format"', () => {
    expect(err(etcd({ Network: '10.0.0.0/16', SubnetMin: '10.0.1' }))).toBe('Invalid IP address format');
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

  test('vxlan defaults: VNI 1, Port 0 (kernel 8472), MTU 0 (= interface), no GBP/Learning/DirectRouting (vxlan.go)', () => {
    expect(ok(kube({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan' } })).backend).toEqual({
      type: 'vxlan',
      vni: 1,
      port: 0,
      effectivePort: 8472,
      mtu: 0,
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
    expect(err(kube({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan', VNI: 'one' } }))).toBe(
      'error decoding VXLAN backend config: json: cannot unmarshal string into Go struct field .VNI of type int',
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
