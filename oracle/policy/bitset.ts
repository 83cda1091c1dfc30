/** Fixed-size bitsets over pod indices, as Uint32Array words: the fast engine's one data structure. */

/** Words needed for `size` bits. */
export function wordsFor(size: number): number {
  return (size + 31) >>> 5;
}

export function emptyBits(size: number): Uint32Array {
  return new Uint32Array(wordsFor(size));
}

/** Every bit below `size` set. */
export function fullBits(size: number): Uint32Array {
  const bits = emptyBits(size);
  for (let i = 0; i < size; i++) setBit(bits, i);
  return bits;
}

export function setBit(bits: Uint32Array, i: number): void {
  bits[i >>> 5] = (bits[i >>> 5] ?? 0) | (1 << (i & 31));
}

/** `target[offset + w] |= source[w]` for every word of `source`. */
export function orInto(target: Uint32Array, offset: number, source: Uint32Array): void {
  for (let w = 0; w < source.length; w++) target[offset + w] = (target[offset + w] ?? 0) | (source[w] ?? 0);
}

/** `target[offset + w] |= a[w] & b[w]`. */
export function orAndInto(target: Uint32Array, offset: number, a: Uint32Array, b: Uint32Array): void {
  for (let w = 0; w < a.length; w++)
    target[offset + w] = (target[offset + w] ?? 0) | ((a[w] ?? 0) & (b[w] ?? 0));
}
