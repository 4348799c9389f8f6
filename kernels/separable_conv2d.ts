/** SeparableConv2D: a depthwise conv followed by a pointwise (1x1) conv, in one layer. */
import * as a from './args';
import { positiveFilters, readDepthMultiplier, readWindow, requireChannels, slidingWindow, spatialSize, splitInput, WindowConfig, windowOutput, windowRf } from './conv_common';
import { knownChannels } from './conv_math';
import { depthwiseToOnnx, emitConv, finishConv, kernelToOnnx } from './onnx/conv_lowering';
import { fromSpatial } from './onnx/layout';
import { assemble, formatShape } from './shape';
import { ArgValue, LayerKernel } from './types';

export interface SeparableConfig extends WindowConfig {
  filters: number;
  depthMultiplier: number;
  depthwiseInitializer: ArgValue;
  pointwiseInitializer: ArgValue;
  biasInitializer: ArgValue;
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
    return {
      ...readWindow(args, 2), filters: positiveFilters(args), depthMultiplier: readDepthMultiplier(args),
      depthwiseInitializer: a.opaque(args, 'depthwise_initializer'), pointwiseInitializer: a.opaque(args, 'pointwise_initializer'),
      biasInitializer: a.opaque(args, 'bias_initializer'),
    };
  },
  build(cfg, [input], { layerName }) {
    const inp = splitInput(input, cfg, layerName);
    const cin = requireChannels(inp.channels, layerName, input, { format: cfg.dataFormat, error: "unsupported operand type(s) for *: 'int' and 'NoneType'" });
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
  weights(cfg, [input]) {
    const c = knownChannels(cfg.dataFormat, input);
    const m = cfg.depthMultiplier;
    const out = [
      { name: 'depthwise_kernel', shape: [...cfg.kernelSize, c, m], initializer: cfg.depthwiseInitializer, trainable: true },
      { name: 'pointwise_kernel', shape: [1, 1, c * m, cfg.filters], initializer: cfg.pointwiseInitializer, trainable: true },
    ];
    if (cfg.useBias) out.push({ name: 'bias', shape: [cfg.filters], initializer: cfg.biasInitializer, trainable: true });
    return out;
  },
  window: slidingWindow,
  atrous: true,
  activation: (cfg) => cfg.activation,
  lower(cfg, ctx) {
    // Depthwise conv (no bias; strides, dilation and padding live here), then a 1x1 conv with bias.
    const [input] = ctx.inputs;
    const c = knownChannels(cfg.dataFormat, input.shape);
    const m = cfg.depthMultiplier;
    const [kh, kw] = cfg.kernelSize;
    const depthwise = emitConv(ctx, cfg, input, { weight: depthwiseToOnnx(ctx.weights[0], kh, kw, c, m), weightDims: [c * m, 1, kh, kw], bias: null, groups: c }, '/depthwise');
    // Only the spatial dims of `mid` matter to the 1x1 conv, and they equal the output's.
    const mid = fromSpatial(ctx, depthwise, cfg.dataFormat);
    const pointwiseCfg = { ...cfg, kernelSize: [1, 1], strides: [1, 1], dilation: [1, 1], padding: 'valid' as const };
    const pointwise = emitConv(ctx, pointwiseCfg, mid, {
      weight: kernelToOnnx(ctx.weights[1], [1, 1, c * m, cfg.filters]),
      weightDims: [cfg.filters, c * m, 1, 1],
      bias: cfg.useBias ? ctx.weights[2] : null,
      groups: 1,
    }, '/pointwise');
    return finishConv(ctx, cfg, pointwise);
  },
};
