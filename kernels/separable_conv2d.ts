/** SeparableConv2D: a depthwise conv followed by a pointwise (1x1) conv, in one layer. */
import * as a from './args';
import { positiveFilters, readWindow, requireChannels, spatialSize, splitInput, WindowConfig, windowOutput, windowRf } from './conv_common';
import { readDepthMultiplier } from './depthwise_conv2d';
import { assemble, formatShape } from './shape';
import { LayerKernel } from './types';

export interface SeparableConfig extends WindowConfig {
  filters: number;
  depthMultiplier: number;
}

export const SeparableConv2D: LayerKernel<SeparableConfig> = {
  type: 'SeparableConv2D',
  aliases: ['SeparableConvolution2D'],
  family: 'separable',
  description: 'Depthwise separable convolution: a per-channel kh x kw convolution, then a 1x1 convolution that mixes channels.',
  docUrl: 'https://keras.io/api/layers/convolution_layers/separable_convolution2d/',
  params: [
    { name: 'filters' },
    { name: 'kernel_size' },
    { name: 'strides', default: [1, 1] },
    { name: 'padding', default: 'valid' },
    { name: 'data_format', default: null },
    { name: 'dilation_rate', default: [1, 1] },
    { name: 'depth_multiplier', default: 1 },
    { name: 'activation', default: null },
    { name: 'use_bias', default: true },
    { name: 'depthwise_initializer', default: 'glorot_uniform' },
    { name: 'pointwise_initializer', default: 'glorot_uniform' },
    { name: 'bias_initializer', default: 'zeros' },
    { name: 'depthwise_regularizer', default: null },
    { name: 'pointwise_regularizer', default: null },
    { name: 'bias_regularizer', default: null },
    { name: 'activity_regularizer', default: null },
    { name: 'depthwise_constraint', default: null },
    { name: 'pointwise_constraint', default: null },
    { name: 'bias_constraint', default: null },
  ],
  configure(args) {
    return { ...readWindow(args, 2), filters: positiveFilters(args), depthMultiplier: readDepthMultiplier(args) };
  },
  build(cfg, [input], { layerName }) {
    const inp = splitInput(input, cfg, layerName);
    const cin = requireChannels(inp.channels, layerName, input);
    const depthwise = a.product(cfg.kernelSize) * cin * cfg.depthMultiplier;
    const pointwise = cin * cfg.depthMultiplier * cfg.filters;
    const spatial = windowOutput(input, inp, cfg, formatShape([...cfg.kernelSize, cin, cfg.depthMultiplier]));
    const positions = spatialSize(spatial);
    return {
      outputShape: assemble(inp.batch, spatial, cfg.filters, cfg.dataFormat),
      params: { trainable: depthwise + pointwise + (cfg.useBias ? cfg.filters : 0), nonTrainable: 0 },
      macs: positions === null ? null : positions * (depthwise + pointwise),
      rf: { steps: windowRf(inp, cfg) },
    };
  },
};
