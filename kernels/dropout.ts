/** Dropout and SpatialDropout2D: identity at inference, random zeroing in training. */
import * as a from './args';
import { requireRank } from './shape';
import { BoundArgs, KerasError, LayerKernel, Unknown } from './types';

interface DropoutConfig {
  /** Null when unknown: the shape never depends on it, and inference ignores it. */
  rate: number | null;
}

function readRate(args: BoundArgs): number | null {
  if (args.values.get('rate') instanceof Unknown) return null;
  const rate = a.raw(args, 'rate');
  if (typeof rate !== 'number' || rate < 0 || rate > 1) {
    throw new KerasError('keras-dropout-rate', `Invalid value received for argument \`rate\`. Expected a float value between 0 and 1. Received: rate=${a.pyRepr(rate)}`);
  }
  return rate;
}

export const Dropout: LayerKernel<DropoutConfig> = {
  type: 'Dropout',
  family: 'regularization',
  description: 'Dropout: in training, zeroes each input unit with probability rate and rescales the rest; identity at inference.',
  docUrl: 'https://keras.io/api/layers/regularization_layers/dropout/',
  params: [
    { name: 'rate' },
    { name: 'noise_shape', default: null },
    { name: 'seed', default: null },
  ],
  configure: (args) => ({ rate: readRate(args) }),
  build: (_cfg, [input]) => ({ outputShape: input, params: { trainable: 0, nonTrainable: 0 }, macs: 0, rf: 'identity' }),
  // Inference: identity.
  lower: (_cfg, ctx) => ctx.inputs[0],
};

export const SpatialDropout2D: LayerKernel<DropoutConfig> = {
  type: 'SpatialDropout2D',
  family: 'regularization',
  description: 'Spatial dropout: in training, drops whole feature maps (channels) instead of single units; identity at inference.',
  docUrl: 'https://keras.io/api/layers/regularization_layers/spatial_dropout2d/',
  params: [
    { name: 'rate' },
    { name: 'data_format', default: null },
    { name: 'seed', default: null },
  ],
  configure(args) {
    a.dataFormat(args);
    return { rate: readRate(args) };
  },
  build(_cfg, [input], { layerName }) {
    requireRank(input, layerName, 4);
    return { outputShape: input, params: { trainable: 0, nonTrainable: 0 }, macs: 0, rf: 'identity' };
  },
  lower: (_cfg, ctx) => ctx.inputs[0],
};
