/** BatchNormalization and LayerNormalization. */
import * as a from './args';
import { canonicalAxis, definedDim } from './axis';
import { elements } from './shape';
import { ArgValue, LayerKernel } from './types';

interface NormConfig {
  axes: number[];
  center: boolean;
  scale: boolean;
  epsilon: number;
}

function axisList(v: ArgValue): number[] {
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => {
    if (!a.isInt(x)) throw new Error('axis');
    return x;
  });
}

export const BatchNormalization: LayerKernel<NormConfig> = {
  type: 'BatchNormalization',
  family: 'normalization',
  description: 'Batch normalization: normalizes each channel with batch statistics in training and moving averages (non-trainable) at inference, then scales by gamma and shifts by beta.',
  docUrl: 'https://keras.io/api/layers/normalization_layers/batch_normalization/',
  params: [
    { name: 'axis', default: -1 },
    { name: 'momentum', default: 0.99 },
    { name: 'epsilon', default: 0.001 },
    { name: 'center', default: true },
    { name: 'scale', default: true },
    { name: 'beta_initializer', default: 'zeros' },
    { name: 'gamma_initializer', default: 'ones' },
    { name: 'moving_mean_initializer', default: 'zeros' },
    { name: 'moving_variance_initializer', default: 'ones' },
    { name: 'beta_regularizer', default: null },
    { name: 'gamma_regularizer', default: null },
    { name: 'beta_constraint', default: null },
    { name: 'gamma_constraint', default: null },
    { name: 'synchronized', default: false },
  ],
  configure(args) {
    return { axes: [a.int(args, 'axis')], center: a.bool(args, 'center'), scale: a.bool(args, 'scale'), epsilon: a.num(args, 'epsilon') };
  },
  build(cfg, [input], { layerName }) {
    const axis = canonicalAxis(cfg.axes[0], input.length, layerName, input);
    const c = definedDim(input, axis, layerName);
    const n = elements(input);
    return {
      outputShape: input,
      params: { trainable: c * (Number(cfg.center) + Number(cfg.scale)), nonTrainable: 2 * c },
      // Inference-time BN is one multiply-add per element (foldable into a preceding conv).
      macs: n,
      rf: 'identity',
    };
  },
};

export const LayerNormalization: LayerKernel<NormConfig> = {
  type: 'LayerNormalization',
  family: 'normalization',
  description: 'Layer normalization: normalizes each sample over the given axes (default: the last), then scales and shifts per feature.',
  docUrl: 'https://keras.io/api/layers/normalization_layers/layer_normalization/',
  params: [
    { name: 'axis', default: -1 },
    { name: 'epsilon', default: 0.001 },
    { name: 'center', default: true },
    { name: 'scale', default: true },
    { name: 'rms_scaling', default: false },
    { name: 'beta_initializer', default: 'zeros' },
    { name: 'gamma_initializer', default: 'ones' },
    { name: 'beta_regularizer', default: null },
    { name: 'gamma_regularizer', default: null },
    { name: 'beta_constraint', default: null },
    { name: 'gamma_constraint', default: null },
  ],
  configure(args) {
    return { axes: axisList(a.raw(args, 'axis')), center: a.bool(args, 'center'), scale: a.bool(args, 'scale'), epsilon: a.num(args, 'epsilon') };
  },
  build(cfg, [input], { layerName }) {
    const axes = cfg.axes.map((ax) => canonicalAxis(ax, input.length, layerName, input));
    const size = axes.reduce((p, ax) => p * definedDim(input, ax, layerName), 1);
    return {
      outputShape: input,
      params: { trainable: size * (Number(cfg.center) + Number(cfg.scale)), nonTrainable: 0 },
      macs: elements(input),
      rf: 'identity',
    };
  },
};
