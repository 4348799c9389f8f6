/** A deterministic PRNG (an LCG) for seeded test inputs: a failure names a reproducible case. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
