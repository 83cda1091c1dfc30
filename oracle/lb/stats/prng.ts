/**
 * A small seeded generator (xoshiro128**, Blackman & Vigna) for simulations and Monte-Carlo checks.
 * Reproducible from a 32-bit seed; not for anything that needs unpredictability.
 */
export interface Prng {
  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform float in [0, 1) with 32 random bits. */
  nextFloat(): number;
  /** A uniform integer in [0, n), without modulo bias. */
  nextInt(n: number): number;
}

/** Seeds xoshiro128** through splitmix32 so that nearby seeds give unrelated streams. */
export function createPrng(seed: number): Prng {
  let x = seed >>> 0;
  const splitmix = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  const nextUint32 = () => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 = (s2 ^ t) >>> 0;
    s3 = rotl(s3, 11);
    s0 >>>= 0;
    s1 >>>= 0;
    s2 >>>= 0;
    return result;
  };
  return {
    nextUint32,
    nextFloat: () => nextUint32() / 4294967296,
    nextInt: (n: number) => {
      if (!Number.isInteger(n) || n < 1 || n > 4294967296)
        throw new RangeError(`nextInt needs 1 <= n <= 2^32, got ${n}`);
      // Rejection sampling: drop the top partial block so every residue is equally likely.
      const limit = 4294967296 - (4294967296 % n);
      for (;;) {
        const r = nextUint32();
        if (r < limit) return r % n;
      }
    },
  };
}

function rotl(v: number, k: number): number {
  return ((v << k) | (v >>> (32 - k))) >>> 0;
}
