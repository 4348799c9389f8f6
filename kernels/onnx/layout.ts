/** Moving tensors between Keras (channels_last) and ONNX (channels at axis 1) layouts. */
import type { DataFormat } from '../args';
import { LoweringError, type LowerContext, type TensorRef } from '../types';

/** ONNX axis order of a channels_last rank-r tensor held channels-first: [0, r-1, 1, ..., r-2]. */
export function channelsFirstPerm(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

function inverse(perm: number[]): number[] {
  const inv = Array(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** The tensor in Keras' own layout (inserts a Transpose when it is held channels-first). */
export function toKeras(ctx: LowerContext, ref: TensorRef): TensorRef {
  if (!ref.channelsFirst) return ref;
  const name = ctx.graph.node('Transpose', [ref.name], { perm: inverse(channelsFirstPerm(ref.shape.length)) }, `${ctx.layerName}/to_channels_last`);
  return { name, shape: ref.shape, channelsFirst: false };
}

/**
 * The tensor as N, C, spatial... for ONNX spatial ops. channels_first Keras data already is;
 * channels_last data is transposed (once, unless it already is held that way).
 */
export function toSpatial(ctx: LowerContext, ref: TensorRef, format: DataFormat): string {
  if (format === 'channels_first') return toKeras(ctx, ref).name;
  if (ref.channelsFirst) return ref.name;
  if (ref.shape.length < 3) throw new LoweringError(`${ctx.layerName}: expected a spatial tensor, got rank ${ref.shape.length}`);
  return ctx.graph.node('Transpose', [ref.name], { perm: channelsFirstPerm(ref.shape.length) }, `${ctx.layerName}/to_channels_first`);
}

/** Wraps an N, C, spatial... ONNX result back into a TensorRef with the layer's Keras shape. */
export function fromSpatial(ctx: LowerContext, name: string, format: DataFormat): TensorRef {
  return { name, shape: ctx.outputShape, channelsFirst: format === 'channels_last' };
}

/** The ONNX axis holding Keras axis `axis` (already canonical) of `ref`. */
export function onnxAxis(ref: TensorRef, axis: number): number {
  return ref.channelsFirst ? channelsFirstPerm(ref.shape.length).indexOf(axis) : axis;
}

/** Reorders a Keras HWIO-style kernel [k..., a, b] to ONNX [b, a, k...] (and the like) by a permutation. */
export function permuteWeights(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = Array(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * shape[i + 1];
  const out = new Float32Array(data.length);
  const idx = Array(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += idx[i] * inStrides[perm[i]];
    out[o] = data[src];
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i] < outShape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}
