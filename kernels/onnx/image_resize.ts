/**
 * Image resizing as Keras 3 computes it (keras.ops.image.resize on the JAX backend, which the
 * Resizing layer calls): an optional centred crop or pad to the target's aspect ratio, then
 * jax.image.resize (half-pixel centres; antialiasing only when asked).
 */
import type { DataFormat } from '../args';
import { LoweringError, type LowerContext, type TensorRef } from '../types';
import type { AttrValue } from './graph';
import { fromSpatial, toSpatial } from './layout';

export interface ImageResize {
  height: number;
  width: number;
  interpolation: string;
  cropToAspectRatio: boolean;
  padToAspectRatio: boolean;
  fillValue: number;
  antialias: boolean;
  dataFormat: DataFormat;
}

/**
 * ONNX Resize attributes reproducing jax.image.resize. Nearest picks floor((i + 0.5) * in / out);
 * linear and cubic (Keys, a = -0.5) renormalise the taps that fall inside the image.
 */
const RESIZE_MODES: Record<string, Record<string, AttrValue>> = {
  // round_prefer_ceil(x) = floor(x + 0.5), and half-pixel x = (i + 0.5) * in / out - 0.5.
  nearest: { mode: 'nearest', coordinate_transformation_mode: 'half_pixel', nearest_mode: 'round_prefer_ceil' },
  bilinear: { mode: 'linear', coordinate_transformation_mode: 'half_pixel' },
  bicubic: { mode: 'cubic', coordinate_transformation_mode: 'half_pixel', cubic_coeff_a: { float: -0.5 }, exclude_outside: 1 },
};

export function lowerImageResize(ctx: LowerContext, input: TensorRef, spec: ImageResize): TensorRef {
  const g = ctx.graph;
  const n = ctx.layerName;
  if (input.shape.length !== 4) throw new LoweringError('only batched images (rank 4) can be run');
  if (!(spec.interpolation in RESIZE_MODES)) {
    throw new LoweringError(`interpolation="${spec.interpolation}" cannot be lowered to ONNX (nearest, bilinear and bicubic can)`);
  }
  const [height, width] = spec.dataFormat === 'channels_first' ? input.shape.slice(2) : input.shape.slice(1, 3);
  if (typeof height !== 'number' || typeof width !== 'number') throw new LoweringError('the input image size is unknown');
  let x = toSpatial(ctx, input, spec.dataFormat);
  let [h, w] = [height, width];
  if (spec.cropToAspectRatio) {
    // Keras: the largest centred box with the target's aspect ratio (its integer arithmetic).
    h = Math.max(Math.min(height, Math.trunc((width * spec.height) / spec.width)), 1);
    w = Math.max(Math.min(width, Math.trunc((height * spec.width) / spec.height)), 1);
    const top = Math.trunc((height - h) / 2);
    const left = Math.trunc((width - w) / 2);
    x = g.node('Slice', [x, g.int64s(`${n}/crop_start`, [top, left]), g.int64s(`${n}/crop_end`, [top + h, left + w]), g.int64s(`${n}/crop_axes`, [2, 3])], {}, `${n}/crop`);
  } else if (spec.padToAspectRatio) {
    // Keras pads the same amount on both sides of one axis (height first) with fill_value.
    const top = Math.trunc((Math.max(height, Math.trunc((width * spec.height) / spec.width)) - height) / 2);
    const left = top > 0 ? 0 : Math.trunc((Math.max(width, Math.trunc((height * spec.width) / spec.height)) - width) / 2);
    if (top > 0 || left > 0) {
      x = g.node('Pad', [x, g.int64s(`${n}/pads`, [0, 0, top, left, 0, 0, top, left]), g.scalar(`${n}/fill_value`, spec.fillValue)], { mode: 'constant' }, `${n}/pad`);
      [h, w] = [height + 2 * top, width + 2 * left];
    }
  }
  // Antialiasing widens the kernel when shrinking; ONNX Resize has no antialias before opset 18.
  if (spec.antialias && spec.interpolation !== 'nearest' && (spec.height < h || spec.width < w)) {
    throw new LoweringError('antialias=True when shrinking cannot be lowered to ONNX yet');
  }
  // Batch and channels as they are, the spatial size as asked.
  const batchChannels = g.node('Slice', [g.node('Shape', [x], {}, `${n}/shape`), g.int64s(`${n}/bc_start`, [0]), g.int64s(`${n}/bc_end`, [2])], {}, `${n}/batch_channels`);
  const target = g.node('Concat', [batchChannels, g.int64s(`${n}/hw`, [spec.height, spec.width])], { axis: 0 }, `${n}/target_size`);
  const out = g.node('Resize', [x, '', '', target], RESIZE_MODES[spec.interpolation], n);
  return fromSpatial(ctx, out, spec.dataFormat);
}
