/**
 * Resizing: images to (height, width), channels unchanged. Like Keras, a rank-3 input is one
 * unbatched image (h, w, c); a rank-4 input a batch. No weights. Lowered as keras.ops.image.resize.
 */
import * as a from './args';
import { lowerImageResize } from './onnx/image_resize';
import { ArgValue, KerasError, LayerKernel, LoweringError, NeedsUnknown } from './types';

interface ResizingConfig {
  height: number;
  width: number;
  channelsFirst: boolean;
  /** As given; checked when lowered (Keras checks them only when the layer runs). */
  interpolation: ArgValue;
  cropToAspectRatio: ArgValue;
  padToAspectRatio: ArgValue;
  fillValue: ArgValue;
  antialias: ArgValue;
}

function size(args: Parameters<typeof a.raw>[0], name: string): number {
  const v = a.raw(args, name);
  if (!a.isInt(v)) throw new NeedsUnknown(name);
  if (v <= 0) throw new NeedsUnknown(name);
  return v;
}

/** A boolean argument at run time (an unknown one cannot be run). */
const flag = (v: ArgValue, name: string): boolean => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (v === null) return false;
  throw new LoweringError(`${name} is not known`);
};

export const Resizing: LayerKernel<ResizingConfig> = {
  type: 'Resizing',
  family: 'resize',
  description: 'Resizes images to (height, width) by interpolation, optionally cropping or padding to keep the aspect ratio.',
  docUrl: 'https://keras.io/api/layers/preprocessing_layers/image_preprocessing/resizing/',
  params: [
    { name: 'height' },
    { name: 'width' },
    { name: 'interpolation', default: 'bilinear' },
    { name: 'crop_to_aspect_ratio', default: false },
    { name: 'pad_to_aspect_ratio', default: false },
    { name: 'fill_mode', default: 'constant' },
    { name: 'fill_value', default: 0.0 },
    { name: 'antialias', default: false },
    { name: 'data_format', default: null },
  ],
  configure(args) {
    return {
      height: size(args, 'height'), width: size(args, 'width'), channelsFirst: a.dataFormat(args) === 'channels_first',
      interpolation: a.opaque(args, 'interpolation'), cropToAspectRatio: a.opaque(args, 'crop_to_aspect_ratio'),
      padToAspectRatio: a.opaque(args, 'pad_to_aspect_ratio'), fillValue: a.opaque(args, 'fill_value'), antialias: a.opaque(args, 'antialias'),
    };
  },
  build(cfg, [input]) {
    if (input.length !== 3 && input.length !== 4) throw new KerasError('keras-input-rank', `Resizing expects images of rank 3 (unbatched) or 4 (batched); received rank ${input.length}.`);
    const { height: h, width: w } = cfg;
    const batch = input.length === 4 ? [input[0]] : [];
    const channels = cfg.channelsFirst ? input[input.length - 3] : input[input.length - 1];
    return {
      outputShape: cfg.channelsFirst ? [...batch, channels, h, w] : [...batch, h, w, channels],
      params: { trainable: 0, nonTrainable: 0 },
      macs: 0,
      rf: 'unknown',
    };
  },
  lower(cfg, ctx) {
    if (typeof cfg.interpolation !== 'string') throw new LoweringError('interpolation is not known');
    const fill = cfg.fillValue;
    if (typeof fill !== 'number') throw new LoweringError('fill_value is not a known number');
    return lowerImageResize(ctx, ctx.inputs[0], {
      height: cfg.height, width: cfg.width, interpolation: cfg.interpolation, fillValue: fill,
      cropToAspectRatio: flag(cfg.cropToAspectRatio, 'crop_to_aspect_ratio'), padToAspectRatio: flag(cfg.padToAspectRatio, 'pad_to_aspect_ratio'),
      antialias: flag(cfg.antialias, 'antialias'), dataFormat: cfg.channelsFirst ? 'channels_first' : 'channels_last',
    });
  },
};
