/** DepthwiseConv2D: one kh x kw filter (times depth_multiplier) per input channel, no mixing across channels. */
import * as a from './args';
import { readDepthMultiplier, readWindow, requireChannels, slidingWindow, spatialSize, splitInput, WindowConfig, windowOutput, windowRf } from './conv_common';
import { assemble, formatShape } from './shape';
import { knownChannels } from './conv_math';
import { depthwiseToOnnx, emitConv, finishConv } from './onnx/conv_lowering';
import { ArgValue, LayerKernel } from './types';

export interface DepthwiseConfig extends WindowConfig {
  depthMultiplier: number;
  depthwiseInitializer: ArgValue;
  biasInitializer: ArgValue;
}

export const DepthwiseConv2D: LayerKernel<DepthwiseConfig> = {
  type: 'DepthwiseConv2D',
  family: 'depthwise',
  description: 'Depthwise convolution: each input channel is convolved with its own depth_multiplier filters; channels are not mixed (pair it with a 1x1 Conv2D).',
  docUrl: 'https://keras.io/api/layers/convolution_layers/depthwise_convolution2d/',
  params: [
    { name: 'kernel_size' },
    { name: 'strides', default: [1, 1] },
    { name: 'padding', default: 'valid' },
    { name: 'depth_multiplier', default: 1 },
    { name: 'data_format', default: null },
    { name: 'dilation_rate', default: [1, 1] },
    { name: 'activation', default: null },
    { name: 'use_bias', default: true },
    { name: 'depthwise_initializer', default: 'glorot_uniform' },
    { name: 'bias_initializer', default: 'zeros' },
    { name: 'depthwise_regularizer', default: null },
    { name: 'bias_regularizer', default: null },
    { name: 'activity_regularizer', default: null },
    { name: 'depthwise_constraint', default: null },
    { name: 'bias_constraint', default: null },
  ],
  configure(args) {
    return {
      ...readWindow(args, 2), depthMultiplier: readDepthMultiplier(args),
      depthwiseInitializer: a.opaque(args, 'depthwise_initializer'), biasInitializer: a.opaque(args, 'bias_initializer'),
    };
  },
  build(cfg, [input], { layerName }) {
    const inp = splitInput(input, cfg, layerName);
    const cin = requireChannels(inp.channels, layerName, input, { format: cfg.dataFormat, error: "unsupported operand type(s) for *: 'int' and 'NoneType'" });
    const kernelShape = [...cfg.kernelSize, cin, cfg.depthMultiplier];
    const spatial = windowOutput(input, inp, cfg, formatShape(kernelShape));
    const outChannels = cin * cfg.depthMultiplier;
    const positions = spatialSize(spatial);
    return {
      outputShape: assemble(inp.batch, spatial, outChannels, cfg.dataFormat),
      params: { trainable: a.product(kernelShape) + (cfg.useBias ? outChannels : 0), nonTrainable: 0 },
      macs: positions === null ? null : positions * a.product(kernelShape),
      rf: { steps: windowRf(inp, cfg) },
    };
  },
  weights(cfg, [input]) {
    const c = knownChannels(cfg.dataFormat, input);
    const out = [{ name: 'kernel', shape: [...cfg.kernelSize, c, cfg.depthMultiplier], initializer: cfg.depthwiseInitializer, trainable: true }];
    if (cfg.useBias) out.push({ name: 'bias', shape: [c * cfg.depthMultiplier], initializer: cfg.biasInitializer, trainable: true });
    return out;
  },
  window: slidingWindow,
  atrous: true,
  activation: (cfg) => cfg.activation,
  lower(cfg, ctx) {
    const [input] = ctx.inputs;
    const c = knownChannels(cfg.dataFormat, input.shape);
    const [kh, kw] = cfg.kernelSize;
    const out = emitConv(ctx, cfg, input, {
      weight: depthwiseToOnnx(ctx.weights[0], kh, kw, c, cfg.depthMultiplier),
      weightDims: [c * cfg.depthMultiplier, 1, kh, kw],
      bias: cfg.useBias ? ctx.weights[1] : null,
      groups: c,
    });
    return finishConv(ctx, cfg, out);
  },
};
