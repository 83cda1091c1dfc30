/**
 * The flannel release the oracle models, and the one table of what changed between releases. Every
 * switch names the release that brought it (`git tag --contains <commit>` in flannel-io/flannel) and the
 * file and function that show it; the rest of the oracle asks `flannelBehaviour(version)` and never
 * compares versions itself. docs/research/flannel.md §11 tells the same history in prose.
 */

/** The newest flannel release podnet has read (flannel-io/flannel tag v0.28.9; HEAD cdf76059 models the same). */
export const DEFAULT_FLANNEL_VERSION = 'v0.28.9';

/**
 * The oldest release podnet models. Before it the kube subnet manager also ran the etcd manager's subnet
 * checks (subnet/config.go `ParseConfig` held them until f174fe93 moved them to `CheckNetworkConfig`),
 * with other wording, and the NAT rules sat in POSTROUTING itself.
 */
export const OLDEST_FLANNEL_VERSION = 'v0.20.0';

/** What `--flannel-version` and the kube adapter accept: `vMAJOR.MINOR.PATCH`, the `v` optional. */
const VERSION_FORM = /^v?(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})$/;

interface FlannelSwitch {
  /** The first release with the behaviour. */
  readonly since: string;
  /** What the release changed, in flannel's terms. */
  readonly change: string;
  /** Where to read it in flannel-io/flannel (commit, file, function). */
  readonly source: string;
}

/** Behaviours that changed between releases, oldest first. */
export const FLANNEL_SWITCHES = {
  kubeProxyMarkReturn: {
    since: 'v0.20.2',
    change: 'the NAT chain first returns packets kube-proxy marked 0x4000/0x4000 (no double NAT)',
    source: 'network/iptables.go MasqRules (PR #1681)',
  },
  podCidrMasquerade: {
    since: 'v0.21.0',
    change:
      'the current masquerade set: RETURN podCIDR↔Network both ways, then `! -s Network -d podCIDR` RETURN, then the two MASQUERADE rules (before: `-s N -d N` RETURN, MASQUERADE, `! -s N -d podCIDR` RETURN, MASQUERADE)',
    source: 'pkg/iptables/iptables.go MasqRules (243cf7ed)',
  },
  networkLookup: {
    since: 'v0.21.0',
    change:
      'the kube manager finds the Network with Config.GetFlannelNetwork, which fails on an empty Network ("could not find an ipv4 network in the flannel configuration"); ParseConfig empties Networks/IPv6Networks after decoding them (v0.20.x used Networks[0] in place of Network)',
    source:
      'pkg/subnet/config.go GetFlannelNetwork, ParseConfig; pkg/subnet/kube/kube.go AcquireLease (243cf7ed)',
  },
  vxlanMtuOption: {
    since: 'v0.21.3',
    change:
      'vxlan reads Backend.MTU: the device is created with MTU−50 and FLANNEL_MTU is MTU−50 (before: the key was ignored and the kernel derived the device MTU)',
    source: 'pkg/backend/vxlan/vxlan.go RegisterNetwork, device.go newVXLANDevice (bd2e72e3, PR #1736)',
  },
  emptyNetworkSkipsNat: {
    since: 'v0.24.4',
    change:
      'the traffic manager installs no masquerade or forward rules for an empty Network (`!Network.Empty()`); it shows from v0.25.0, when an empty Network passes the kube lease again',
    source:
      'pkg/trafficmngr/iptables/iptables.go SetupAndEnsureMasqRules, SetupAndEnsureForwardRules (8a14e864)',
  },
  nftables: {
    since: 'v0.25.0',
    change: 'EnableNFTables selects the nftables traffic manager (before: an unknown key, ignored)',
    source: 'pkg/subnet/config.go Config, pkg/trafficmngr/nftables (f244861a)',
  },
  networksRemoved: {
    since: 'v0.25.0',
    change:
      'Networks and IPv6Networks leave Config (unknown keys from then on); AcquireLease checks containsCIDR(Network) directly, so an empty Network (0.0.0.0/0) contains every podCIDR again; main.go hands config.Network to the traffic manager whatever EnableIPv4 says',
    source: 'pkg/subnet/config.go Config; pkg/subnet/kube/kube.go AcquireLease; main.go (cf1971b6)',
  },
  vtepLocalIsExtAddr: {
    since: 'v0.27.4',
    change:
      'flannel.N binds `local` to the external address (--public-ip when set), no longer the interface address',
    source: 'pkg/backend/vxlan/vxlan.go createVXLANDevice (73af8ea7, PR #2272)',
  },
  vxlanConfigStruct: {
    since: 'v0.27.4',
    change:
      'vxlan options decode into the named, json-tagged VXLANConfig, so a type error reads "Go struct field VXLANConfig.vni" (before: ".VNI" of an anonymous struct)',
    source: 'pkg/backend/vxlan/vxlan.go parseVXLANConfig (73af8ea7)',
  },
  kubeLeaseRejectsEmptyNetwork: {
    since: 'v0.28.0',
    change:
      'AcquireLease refuses an empty Network / IPv6Network (missing or 0.0.0.0/0, ::/0), and checks the IPv6 podCIDR only with EnableIPv6',
    source: 'pkg/subnet/kube/kube.go AcquireLease (80e1e42f)',
  },
  lowercaseIPErrors: {
    since: 'v0.28.0',
    change: 'ip.ParseIP4 / ParseIP6 say "invalid IP address format" (before: "Invalid IP address format")',
    source: 'pkg/ip/ipnet.go ParseIP4, ip6net.go ParseIP6 (44e09cf2)',
  },
  ipv4RejectsIPv6: {
    since: 'v0.28.9',
    change:
      'an IPv6 value for Network or SubnetMin/Max is an error ("invalid IPv4 CIDR format", "invalid IPv4 address format"); before, ip.FromIP panicked ("Address is not an IPv4 address") and flanneld crashed',
    source: 'pkg/ip/ipnet.go ParseIP4, IP4Net.UnmarshalJSON (823bd5eb)',
  },
} as const satisfies Readonly<Record<string, FlannelSwitch>>;

export type FlannelSwitchName = keyof typeof FLANNEL_SWITCHES;

/** The switches for one release: each true from its `since` on. */
export type FlannelBehaviour = { readonly version: string } & {
  readonly [K in FlannelSwitchName]: boolean;
};

type Release = readonly [major: number, minor: number, patch: number];

function releaseOf(text: string): Release | undefined {
  const m = VERSION_FORM.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compare(a: Release, b: Release): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export type FlannelVersionResult = { ok: true; version: string } | { ok: false; error: string };

/** A release as `vX.Y.Z`, or why podnet cannot model it. */
export function parseFlannelVersion(text: string): FlannelVersionResult {
  const release = releaseOf(text.trim());
  if (!release) {
    return {
      ok: false,
      error: `"${text}" is not a flannel release: write vMAJOR.MINOR.PATCH, e.g. ${DEFAULT_FLANNEL_VERSION}`,
    };
  }
  const version = `v${release.join('.')}`;
  if (compare(release, releaseOf(OLDEST_FLANNEL_VERSION) as Release) < 0) {
    return {
      ok: false,
      error: `flannel ${version} is older than podnet models (${OLDEST_FLANNEL_VERSION} and later): before ${OLDEST_FLANNEL_VERSION} the kube subnet manager also ran the etcd manager's subnet checks (subnet/config.go ParseConfig)`,
    };
  }
  return { ok: true, version };
}

/** Whether `version` is newer than every release podnet has read (its behaviour is assumed unchanged). */
export function isNewerThanKnown(version: string): boolean {
  const release = releaseOf(version);
  return release !== undefined && compare(release, releaseOf(DEFAULT_FLANNEL_VERSION) as Release) > 0;
}

/** The switches of `version` (a value `parseFlannelVersion` accepted; anything else throws). */
export function flannelBehaviour(version: string = DEFAULT_FLANNEL_VERSION): FlannelBehaviour {
  const parsed = parseFlannelVersion(version);
  if (!parsed.ok) throw new Error(parsed.error);
  const release = releaseOf(parsed.version) as Release;
  const switches = Object.fromEntries(
    Object.entries(FLANNEL_SWITCHES).map(([name, s]) => [
      name,
      compare(release, releaseOf(s.since) as Release) >= 0,
    ]),
  ) as Record<FlannelSwitchName, boolean>;
  return { version: parsed.version, ...switches };
}
