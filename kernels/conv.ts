/** Conv1D and Conv2D (groups, dilation_rate): keras.layers.ConvND. */
import * as a from './args';
import { positiveFilters, readWindow, requireChannels, spatialSize, splitInput, WindowConfig, windowOutput, windowRf } from './conv_common';
import { assemble, formatShape } from './shape';
import { BoundArgs, KerasError, LayerKernel, ParamSpec } from './types';

export interface ConvConfig extends WindowConfig {
  filters: number;
  groups: number;
}

function signature(rank: number): ParamSpec[] {
  const ones = rank === 1 ? 1 : Array(rank).fill(1);
  return [
    { name: 'filters' },
    { name: 'kernel_size' },
    { name: 'strides', default: ones },
    { name: 'padding', default: 'valid' },
    { name: 'data_format', default: null },
    { name: 'dilation_rate', default: ones },
    { name: 'groups', default: 1 },
    { name: 'activation', default: null },
    { name: 'use_bias', default: true },
    ...a.WEIGHT_PARAMS,
  ];
}

function makeConv(rank: 1 | 2): LayerKernel<ConvConfig> {
  return {
    type: `Conv${rank}D`,
    aliases: [`Convolution${rank}D`],
    family: 'conv',
    description: `${rank}D convolution: slides learned ${rank === 2 ? 'kh x kw' : 'k'} filters over the input, optionally dilated (atrous) or grouped.`,
    docUrl: `https://keras.io/api/layers/convolution_layers/convolution${rank}d/`,
    params: signature(rank),
    configure(args: BoundArgs): ConvConfig {
      const filters = positiveFilters(args);
      const groups = a.int(args, 'groups');
      if (groups <= 0) throw new KerasError('keras-groups', `The number of groups must be a positive integer. Received: groups=${groups}.`);
      if (filters % groups !== 0) {
        throw new KerasError('keras-groups', `The number of filters must be evenly divisible by the number of groups. Received: groups=${groups}, filters=${filters}.`);
      }
      return { ...readWindow(args, rank, rank === 1), filters, groups };
    },
    build(cfg, [input], { layerName }) {
      const inp = splitInput(input, cfg, layerName);
      const cin = requireChannels(inp.channels, layerName, input);
      if (cin % cfg.groups !== 0) {
        throw new KerasError(
          'keras-groups',
          `The number of input channels must be evenly divisible by the number of groups. Received groups=${cfg.groups}, but the input has ${cin} channels (full input shape is ${formatShape(input)}).`,
        );
      }
      const kernelShape = [...cfg.kernelSize, cin / cfg.groups, cfg.filters];
      const spatial = windowOutput(input, inp, cfg, formatShape(kernelShape));
      const weights = a.product(kernelShape) + (cfg.useBias ? cfg.filters : 0);
      const positions = spatialSize(spatial);
      return {
        outputShape: assemble(inp.batch, spatial, cfg.filters, cfg.dataFormat),
        params: { trainable: weights, nonTrainable: 0 },
        macs: positions === null ? null : positions * a.product(kernelShape),
        rf: { steps: windowRf(inp, cfg) },
      };
    },
  };
}

export const Conv1D = makeConv(1);
export const Conv2D = makeConv(2);
