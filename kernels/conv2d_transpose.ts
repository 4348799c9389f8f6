/** Conv2DTranspose: a transposed (fractionally strided) convolution; not an atrous/dilated one. */
import * as a from './args';
import { positiveFilters, readWindow, requireChannels, spatialSize, splitInput, WindowConfig } from './conv_common';
import { transposeCropBefore, transposeOutLength } from './conv_math';
import { assemble, formatShape } from './shape';
import { KerasError, LayerKernel } from './types';

export interface ConvTransposeConfig extends WindowConfig {
  filters: number;
  outputPadding: number[] | null;
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
    return { ...win, filters, outputPadding };
  },
  build(cfg, [input], { layerName }) {
    const inp = splitInput(input, cfg, layerName);
    const cin = requireChannels(inp.channels, layerName, input);
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
          kernel: cfg.dilation[i] * (k - 1) + 1,
          stride: cfg.strides[i],
          pad: transposeCropBefore(k, cfg.strides[i], cfg.dilation[i], cfg.padding, cfg.outputPadding?.[i] ?? null),
        })),
      },
    };
  },
};
