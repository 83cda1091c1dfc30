/**
 * `npm run bench -- ipnum`: what ip-num costs where podnet keeps numeric code instead, measured side by side
 * in one run. (1) Containment as the policy engines test it once per probe and peer: ip-num's
 * `IPv4CidrRange.contains` against the numeric bounds of oracle/policy/cidr.ts. (2) Reading an address that
 * the engines see again and again: the Go syntax check and ip-num's conversion each time, against the
 * memoized `parseIP`. (3) Loading ip-num in a fresh process: `require` (spec/ipNum.ts) against `import()`.
 * Options: `--seed N` (default 1), `--addresses N` (default 2,000), `--cidrs N` (default 50), `--loads N` (default 5).
 */

import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { parseGoIPv4 } from '../oracle/flannel/goNet.ts';
import { type IPAddress, parseCidr, parseIP, rangeContains } from '../oracle/policy/cidr.ts';
import { addressValue, cidrRange, formatAddress, ipNum } from '../spec/ipNum.ts';
import { mulberry32 } from '../spec/random.ts';

export const BENCH_DEFAULTS = { seed: 1, addresses: 2_000, cidrs: 50, loads: 5 } as const;

function option(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} takes a positive integer`);
  return value;
}

/** Nanoseconds per call of `body` over `count` calls, after one warm-up pass. */
function nsPerCall(count: number, body: () => void): number {
  body();
  const start = performance.now();
  body();
  return ((performance.now() - start) * 1e6) / count;
}

/** Median milliseconds to load ip-num in a fresh node process, the way `how` says. */
function loadMs(how: 'require' | 'import', loads: number): number {
  const load = how === 'require' ? "require('ip-num')" : "await import('ip-num')";
  const script = `const t = performance.now(); ${load}; process.stdout.write(String(performance.now() - t));`;
  const flags = how === 'require' ? ['-e', script] : ['--input-type=module', '-e', script];
  const times = Array.from({ length: loads }, () =>
    Number(spawnSync(process.execPath, flags, { cwd: import.meta.dirname, encoding: 'utf8' }).stdout),
  ).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

export async function main(args: readonly string[]): Promise<number> {
  const seed = option(args, 'seed', BENCH_DEFAULTS.seed);
  const n = option(args, 'addresses', BENCH_DEFAULTS.addresses);
  const m = option(args, 'cidrs', BENCH_DEFAULTS.cidrs);
  const loads = option(args, 'loads', BENCH_DEFAULTS.loads);
  const rand = mulberry32(seed);
  const u32 = () => Math.floor(rand() * 2 ** 32);
  const addresses = Array.from({ length: n }, () => formatAddress(BigInt(u32()), 4));
  const bases = Array.from({ length: m }, u32);
  const prefixes = bases.map(() => 8 + (u32() % 23));
  const cidrs = bases.map((b, i) => `${formatAddress(BigInt(b), 4)}/${prefixes[i]}`);
  process.stdout.write(`ip-num benchmark: ${n} IPv4 addresses × ${m} CIDRs (/8 to /30), seed ${seed}\n`);

  // (1) Containment, every address against every CIDR; both sides must agree on every pair.
  const numericRanges = cidrs.map((c) => parseCidr(c)!);
  const numericIPs = addresses.map((a) => parseIP(a) as IPAddress);
  const ipNumRanges = prefixes.map((prefix, i) => cidrRange(BigInt(bases[i]!), prefix, 4));
  const ipNumIPs = addresses.map((a) => ipNum().IPv4.fromNumber(addressValue(a, 4)!));
  let numericHits = 0;
  let ipNumHits = 0;
  const pairs = n * m;
  const containsNumeric = nsPerCall(pairs, () => {
    numericHits = 0;
    for (const ip of numericIPs) for (const r of numericRanges) if (rangeContains(r, ip)) numericHits++;
  });
  const containsIpNum = nsPerCall(pairs, () => {
    ipNumHits = 0;
    for (const ip of ipNumIPs) for (const r of ipNumRanges) if (r.contains(ip)) ipNumHits++;
  });
  process.stdout.write(
    `contains: ip-num ${containsIpNum.toFixed(0)} ns, numeric bounds ${containsNumeric.toFixed(1)} ns per pair ` +
      `(ratio ${(containsIpNum / containsNumeric).toFixed(0)}), ${numericHits}/${pairs} inside, ` +
      `${numericHits === ipNumHits ? 'both agree' : `DISAGREE (ip-num ${ipNumHits})`}\n`,
  );

  // (2) Reading an address again: syntax check and ip-num each time, or the memoized parseIP.
  const parseIpNum = nsPerCall(n, () => {
    for (const a of addresses) parseGoIPv4(a);
  });
  const parseMemo = nsPerCall(n, () => {
    for (const a of addresses) parseIP(a);
  });
  process.stdout.write(
    `parse: Go syntax + ip-num ${parseIpNum.toFixed(0)} ns, memoized parseIP ${parseMemo.toFixed(0)} ns per address ` +
      `(ratio ${(parseIpNum / parseMemo).toFixed(0)})\n`,
  );

  // (3) Loading ip-num in a fresh process.
  const requireMs = loadMs('require', loads);
  const importMs = loadMs('import', loads);
  process.stdout.write(
    `load (median of ${loads} fresh processes): require ${requireMs.toFixed(1)} ms, import() ${importMs.toFixed(1)} ms\n`,
  );

  process.stdout.write(
    `ipnum contains_ipnum_ns=${containsIpNum.toFixed(0)} contains_numeric_ns=${containsNumeric.toFixed(1)} ` +
      `contains_ratio=${(containsIpNum / containsNumeric).toFixed(0)} parse_ipnum_ns=${parseIpNum.toFixed(0)} ` +
      `parse_memo_ns=${parseMemo.toFixed(0)} parse_ratio=${(parseIpNum / parseMemo).toFixed(0)} ` +
      `require_ms=${requireMs.toFixed(1)} import_ms=${importMs.toFixed(1)}\n`,
  );
  return numericHits === ipNumHits ? 0 : 1;
}
