/** Synthetic sample inputs in the model input's layout (channels last or first), seeded. */
import { Rng } from '../../../kernels/initializers';
import type { DataFormat } from '../../../kernels/args';

export type SampleKind = 'random' | 'impulse' | 'checkerboard';

/** Bytes needed for `shape` float32 values (checked against the budget before allocating). */
export function bytesOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1) * 4;
}

/**
 * random: standard normal; impulse: one at the spatial centre (every channel), zero elsewhere;
 * checkerboard: +1/-1 squares of 8 pixels. `shape` is [batch, ...spatial, channels], or
 * [batch, channels, ...spatial] for channels_first.
 */
export function makeSample(kind: SampleKind, shape: number[], seed: number, format: DataFormat = 'channels_last'): Float32Array {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const channelsFirst = format === 'channels_first' && shape.length > 2;
  const channels = channelsFirst ? shape[1] : shape[shape.length - 1];
  const spatial = channelsFirst ? shape.slice(2) : shape.slice(1, -1);
  if (kind === 'random') {
    const rng = new Rng(seed);
    for (let i = 0; i < data.length; i++) data[i] = rng.normal();
    return data;
  }
  const perSample = data.length / shape[0];
  const pixels = perSample / channels;
  for (let p = 0; p < pixels; p++) {
    const coords: number[] = [];
    let rest = p;
    for (let a = spatial.length - 1; a >= 0; a--) {
      coords.unshift(rest % spatial[a]);
      rest = Math.floor(rest / spatial[a]);
    }
    let v: number;
    if (kind === 'impulse') v = coords.every((c, a) => c === Math.floor(spatial[a] / 2)) ? 1 : 0;
    else v = coords.reduce((acc, c) => acc + Math.floor(c / 8), 0) % 2 === 0 ? 1 : -1;
    if (v === 0) continue;
    for (let b = 0; b < shape[0]; b++) for (let c = 0; c < channels; c++) data[b * perSample + (channelsFirst ? c * pixels + p : p * channels + c)] = v;
  }
  return data;
}

/**
 * Random integer indices in [0, count), as float32 (the lowered model casts them): the sample for
 * an input read as indices (Embedding), where normal noise would look up row 0 almost only.
 */
export function makeIndexSample(shape: number[], count: number, seed: number): Float32Array {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const rng = new Rng(seed);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(count - 1, Math.floor(rng.uniform() * count));
  return data;
}
