/** Conv2DTranspose: a transposed (fractionally strided) convolution; not an atrous/dilated one. */
import * as a from './args';
import { positiveFilters, readWindow, requireChannels, slidingWindow, spatialSize, splitInput, WindowConfig } from './conv_common';
import { dilatedKernel, knownChannels, transposeOutLength, transposePads } from './conv_math';
import { assemble, formatShape } from './shape';
import { finishConv } from './onnx/conv_lowering';
import { permuteWeights, toSpatial } from './onnx/layout';
import { ArgValue, KerasError, LayerKernel } from './types';

export interface ConvTransposeConfig extends WindowConfig {
  filters: number;
  outputPadding: number[] | null;
  kernelInitializer: ArgValue;
  biasInitializer: ArgValue;
}

export const Conv2DTranspose: LayerKernel<ConvTransposeConfig> = {
  type: 'Conv2DTranspose',
  aliases: ['Convolution2DTranspose'],
  family: 'transposed',
  description: 'Transposed convolution (sometimes misnamed "deconvolution"): the gradient of a strided Conv2D, used to upsample by its stride with learned kernels.',
  docUrl: 'https://keras.io/api/layers/convolution_layers/convolution2d_transpose/',
  params: [
    { name: 'filters' },
    { name: 'kernel_size' },
    { name: 'strides', default: [1, 1] },
    { name: 'padding', default: 'valid' },
    { name: 'output_padding', default: null },
    { name: 'data_format', default: null },
    { name: 'dilation_rate', default: [1, 1] },
    { name: 'activation', default: null },
    { name: 'use_bias', default: true },
    ...a.WEIGHT_PARAMS,
  ],
  configure(args) {
    const filters = positiveFilters(args);
    const op = a.raw(args, 'output_padding');
    const outputPadding = op === null ? null : a.standardizeTuple(op, 2, 'output_padding', true);
    const win = readWindow(args, 2);
    if (outputPadding) {
      outputPadding.forEach((p, i) => {
        if (p >= win.strides[i]) {
          throw new KerasError(
            'keras-output-padding',
            `\`output_padding\` must be < \`strides\`. output_padding=${formatShape(outputPadding)}, strides=${formatShape(win.strides)}`,
          );
        }
      });
    }
    return { ...win, filters, outputPadding, kernelInitializer: a.opaque(args, 'kernel_initializer'), biasInitializer: a.opaque(args, 'bias_initializer') };
  },
  build(cfg, [input], { layerName }) {
    const inp = splitInput(input, cfg, layerName);
    const cin = requireChannels(inp.channels, layerName, input, {
      format: cfg.dataFormat,
      error: `Shapes used to initialize variables must be fully-defined (no \`None\` dimensions). Received: shape=${formatShape([...cfg.kernelSize, cfg.filters, null])} for variable path='${layerName}/kernel'`,
    });
    const spatial = inp.spatial.map((len, i) =>
      transposeOutLength(len, cfg.kernelSize[i], cfg.strides[i], cfg.dilation[i], cfg.padding, cfg.outputPadding?.[i] ?? null));
    const kernelWeights = a.product(cfg.kernelSize) * cfg.filters * cin;
    // Every input position scatters a kh*kw*filters block: MACs scale with the input size.
    const inPositions = spatialSize(inp.spatial);
    return {
      outputShape: assemble(inp.batch, spatial, cfg.filters, cfg.dataFormat),
      params: { trainable: kernelWeights + (cfg.useBias ? cfg.filters : 0), nonTrainable: 0 },
      macs: inPositions === null ? null : inPositions * kernelWeights,
      rf: {
        steps: cfg.kernelSize.map((k, i) => ({
          op: 'transposed' as const,
          kernel: dilatedKernel(k, cfg.dilation[i]),
          stride: cfg.strides[i],
          pad: transposePads(k, cfg.strides[i], cfg.dilation[i], cfg.padding, cfg.outputPadding?.[i] ?? null).begin,
        })),
      },
    };
  },
  weights(cfg, [input]) {
    const cin = knownChannels(cfg.dataFormat, input);
    const out = [{ name: 'kernel', shape: [...cfg.kernelSize, cfg.filters, cin], initializer: cfg.kernelInitializer, trainable: true }];
    if (cfg.useBias) out.push({ name: 'bias', shape: [cfg.filters], initializer: cfg.biasInitializer, trainable: true });
    return out;
  },
  window: slidingWindow,
  activation: (cfg) => cfg.activation,
  evenOverlapKernel(cfg) {
    const uneven = cfg.kernelSize.some((k, i) => cfg.strides[i] > 1 && k % cfg.strides[i] !== 0);
    return uneven ? cfg.kernelSize.map((k, i) => Math.ceil(k / cfg.strides[i]) * cfg.strides[i]) : null;
  },
  lower(cfg, ctx) {
    const [input] = ctx.inputs;
    const g = ctx.graph;
    const cin = knownChannels(cfg.dataFormat, input.shape);
    const [kh, kw] = cfg.kernelSize;
    // Keras [kh, kw, filters, in] -> ONNX [in, filters, kh, kw]; no kernel flip.
    const weight = permuteWeights(ctx.weights[0], [kh, kw, cfg.filters, cin], [3, 2, 0, 1]);
    const pads = cfg.kernelSize.map((k, i) => transposePads(k, cfg.strides[i], cfg.dilation[i], cfg.padding, cfg.outputPadding?.[i] ?? null));
    const inputs = [toSpatial(ctx, input, cfg.dataFormat), g.weight(`${ctx.layerName}/kernel`, [cin, cfg.filters, kh, kw], weight)];
    if (cfg.useBias) inputs.push(g.weight(`${ctx.layerName}/bias`, [cfg.filters], ctx.weights[1]));
    const out = g.node('ConvTranspose', inputs, {
      kernel_shape: cfg.kernelSize,
      strides: cfg.strides,
      dilations: cfg.dilation,
      pads: [...pads.map((p) => p.begin), ...pads.map((p) => p.end)],
      output_padding: pads.map((p) => p.extra),
    }, ctx.layerName);
    return finishConv(ctx, cfg, out);
  },
};
