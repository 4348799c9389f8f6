/** MaxPooling2D and AveragePooling2D (and their 1D forms): windowed reductions with no weights. */
import * as a from './args';
import { slidingWindow, splitInput, spatialSize, WindowConfig, windowRf } from './conv_common';
import { convOutLength } from './conv_math';
import { assemble, formatNumpyShape, formatShape } from './shape';
import { explicitPads, spatialDims } from './onnx/conv_lowering';
import { fromSpatial, toSpatial } from './onnx/layout';
import { KerasError, LayerKernel } from './types';

function makePooling(kind: 'Max' | 'Average', rank: 1 | 2): LayerKernel<WindowConfig> {
  const window = rank === 2 ? [2, 2] : 2;
  return {
    type: `${kind}Pooling${rank}D`,
    aliases: [`${kind === 'Max' ? 'Max' : 'Avg'}Pool${rank}D`],
    family: 'pooling',
    description: `${kind === 'Max' ? 'Max' : 'Average'} pooling: takes the ${kind === 'Max' ? 'maximum' : 'mean'} over each pool_size window, moving by strides (default: pool_size).`,
    docUrl: `https://keras.io/api/layers/pooling_layers/${kind.toLowerCase()}_pooling${rank}d/`,
    params: [
      // Keras 3: MaxPooling has a default window, AveragePooling requires one.
      { name: 'pool_size', default: kind === 'Max' ? window : undefined },
      { name: 'strides', default: null },
      { name: 'padding', default: 'valid' },
      { name: 'data_format', default: null },
    ],
    configure(args) {
      const kernelSize = a.intTuple(args, 'pool_size', rank);
      const strides = a.raw(args, 'strides') === null ? kernelSize : a.intTuple(args, 'strides', rank);
      return {
        rank, kernelSize, strides, dilation: Array(rank).fill(1),
        padding: a.padding(args), dataFormat: a.dataFormat(args), useBias: false, activation: null,
      };
    },
    build(cfg, [input], { layerName }) {
      const inp = splitInput(input, cfg, layerName);
      const spatial = inp.spatial.map((d, i) => convOutLength(d, cfg.kernelSize[i], cfg.strides[i], 1, cfg.padding));
      if (spatial.some((d) => d !== null && d <= 0)) {
        throw new KerasError(
          'keras-negative-size',
          `Computed output size would be zero or negative. Received: \`inputs.shape=${formatNumpyShape(input)}\`, \`pool_size=${formatNumpyShape(cfg.kernelSize)}\`, \`strides=${formatShape(cfg.strides)}\`, \`padding=${cfg.padding}\`.`,
        );
      }
      const out = assemble(inp.batch, spatial, inp.channels, cfg.dataFormat);
      const positions = spatialSize(spatial);
      // Averaging is a weighted sum (weights 1/k): count its MACs; max is comparisons only.
      const macs = kind === 'Max' ? 0 : positions === null || inp.channels === null ? null : positions * inp.channels * a.product(cfg.kernelSize);
      return { outputShape: out, params: { trainable: 0, nonTrainable: 0 }, macs, rf: { steps: windowRf(inp, cfg) } };
    },
    window: slidingWindow,
    lower(cfg, ctx) {
      const [input] = ctx.inputs;
      const attrs: Record<string, number | number[]> = { kernel_shape: cfg.kernelSize, strides: cfg.strides, pads: explicitPads(cfg, spatialDims(input, cfg)) };
      // Keras averages over the valid (unpadded) pixels only.
      if (kind === 'Average') attrs.count_include_pad = 0;
      const out = ctx.graph.node(kind === 'Max' ? 'MaxPool' : 'AveragePool', [toSpatial(ctx, input, cfg.dataFormat)], attrs, ctx.layerName);
      return fromSpatial(ctx, out, cfg.dataFormat);
    },
  };
}

export const MaxPooling2D = makePooling('Max', 2);
export const AveragePooling2D = makePooling('Average', 2);
export const MaxPooling1D = makePooling('Max', 1);
export const AveragePooling1D = makePooling('Average', 1);
