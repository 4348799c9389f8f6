/** Summary statistics of an activation tensor. */

export interface TensorStats {
  min: number;
  max: number;
  mean: number;
  std: number;
  /** Fraction of exact zeros (dead ReLU units show up here). */
  zeros: number;
}

export function tensorStats(data: Float32Array): TensorStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (v === 0) zeros++;
  }
  const n = Math.max(1, data.length);
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < data.length; i++) sq += (data[i] - mean) ** 2;
  return { min, max, mean, std: Math.sqrt(sq / n), zeros: zeros / n };
}

/** Indices of the k largest values per row of a [batch, classes] tensor. */
export function topK(data: Float32Array, classes: number, k: number, row = 0): { index: number; value: number }[] {
  const slice = Array.from(data.subarray(row * classes, (row + 1) * classes), (value, index) => ({ index, value }));
  return slice.sort((a, b) => b.value - a.value).slice(0, k);
}
