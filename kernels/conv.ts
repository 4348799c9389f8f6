/** Conv1D and Conv2D (groups, dilation_rate): keras.layers.ConvND. */
import * as a from './args';
import { positiveFilters, readWindow, requireChannels, slidingWindow, spatialSize, splitInput, WindowConfig, windowOutput, windowRf } from './conv_common';
import { assemble, formatShape } from './shape';
import { channelCount, knownChannels } from './conv_math';
import { emitConv, finishConv, kernelToOnnx } from './onnx/conv_lowering';
import { checkLora, LORA_PARAMS, loraParams, loraRank, loraWeights, refuseLoraLowering } from './lora';
import { ArgValue, BoundArgs, CheaperAlternative, KerasError, LayerKernel, ParamSpec, Shape, WeightSpec } from './types';

export interface ConvConfig extends WindowConfig {
  filters: number;
  groups: number;
  kernelInitializer: ArgValue;
  biasInitializer: ArgValue;
  kernelConstraint: ArgValue;
  loraRank: number | null;
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

/**
 * A plain (ungrouped) Conv2D with a spatial kernel, split the way MobileNet and Xception do: a
 * depthwise conv for the window and a pointwise conv for the channels; same field, fewer weights.
 */
function separableAlternatives(cfg: ConvConfig, input: Shape): CheaperAlternative[] {
  const channels = channelCount(cfg.dataFormat, input);
  // On 1-3 image channels (a stem), a depthwise stage filters each channel once, so every output
  // map mixes at most 3 filtered images: MobileNet and Xception keep a full conv there.
  if (cfg.groups !== 1 || a.product(cfg.kernelSize) === 1 || channels === null || channels <= 3) return [];
  const window = {
    kernel_size: cfg.kernelSize, strides: cfg.strides, padding: cfg.padding, data_format: cfg.dataFormat,
    dilation_rate: cfg.dilation, use_bias: cfg.useBias,
  };
  return [
    { kind: 'SeparableConv2D', layers: [{ type: 'SeparableConv2D', args: { filters: cfg.filters, ...window } }] },
    {
      kind: 'DepthwiseConv2D+Conv2D',
      layers: [
        { type: 'DepthwiseConv2D', args: window },
        { type: 'Conv2D', args: { filters: cfg.filters, kernel_size: 1, data_format: cfg.dataFormat, use_bias: cfg.useBias } },
      ],
    },
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
    // Conv1D / Conv2D pass **kwargs on to BaseConv, which takes them.
    popped: LORA_PARAMS,
    configure(args: BoundArgs): ConvConfig {
      const filters = positiveFilters(args);
      const groups = a.int(args, 'groups');
      if (groups <= 0) throw new KerasError('keras-groups', `The number of groups must be a positive integer. Received: groups=${groups}.`);
      if (filters % groups !== 0) {
        throw new KerasError('keras-groups', `The number of filters must be evenly divisible by the number of groups. Received: groups=${groups}, filters=${filters}.`);
      }
      return {
        ...readWindow(args, rank, rank === 1), filters, groups, kernelInitializer: a.opaque(args, 'kernel_initializer'), biasInitializer: a.opaque(args, 'bias_initializer'),
        kernelConstraint: a.opaque(args, 'kernel_constraint'), loraRank: loraRank(args),
      };
    },
    build(cfg, [input], { layerName }) {
      const inp = splitInput(input, cfg, layerName);
      const cin = requireChannels(inp.channels, layerName, input, { format: cfg.dataFormat, error: "unsupported operand type(s) for %: 'NoneType' and 'int'" });
      if (cin % cfg.groups !== 0) {
        throw new KerasError(
          'keras-groups',
          `The number of input channels must be evenly divisible by the number of groups. Received groups=${cfg.groups}, but the input has ${cin} channels (full input shape is ${formatShape(input)}).`,
        );
      }
      const kernelShape = [...cfg.kernelSize, cin / cfg.groups, cfg.filters];
      const spatial = windowOutput(input, inp, cfg, formatShape(kernelShape));
      checkLora(cfg.loraRank, kernelShape, cfg.kernelConstraint);
      const bias = cfg.useBias ? cfg.filters : 0;
      const positions = spatialSize(spatial);
      return {
        outputShape: assemble(inp.batch, spatial, cfg.filters, cfg.dataFormat),
        params: cfg.loraRank === null ? { trainable: a.product(kernelShape) + bias, nonTrainable: 0 } : loraParams(cfg.loraRank, kernelShape, cfg.filters, bias),
        macs: positions === null ? null : positions * a.product(kernelShape),
        rf: { steps: windowRf(inp, cfg) },
      };
    },
    weights(cfg, [input]): WeightSpec[] {
      const kernel = [...cfg.kernelSize, knownChannels(cfg.dataFormat, input) / cfg.groups, cfg.filters];
      const out: WeightSpec[] = [{ name: 'kernel', shape: kernel, initializer: cfg.kernelInitializer, trainable: cfg.loraRank === null }];
      if (cfg.useBias) out.push({ name: 'bias', shape: [cfg.filters], initializer: cfg.biasInitializer, trainable: true });
      if (cfg.loraRank !== null) out.push(...loraWeights(cfg.loraRank, kernel, cfg.filters));
      return out;
    },
    window: slidingWindow,
    atrous: true,
    activation: (cfg) => cfg.activation,
    cheaperAlternatives: rank === 2 ? (cfg, [input]) => separableAlternatives(cfg, input) : undefined,
    lower(cfg, ctx) {
      refuseLoraLowering(cfg.loraRank);
      const [input] = ctx.inputs;
      const kerasShape = [...cfg.kernelSize, knownChannels(cfg.dataFormat, input.shape) / cfg.groups, cfg.filters];
      const out = emitConv(ctx, cfg, input, {
        weight: kernelToOnnx(ctx.weights[0], kerasShape),
        weightDims: [cfg.filters, kerasShape[kerasShape.length - 2], ...cfg.kernelSize],
        bias: cfg.useBias ? ctx.weights[1] : null,
        groups: cfg.groups,
      });
      return finishConv(ctx, cfg, out);
    },
  };
}

export const Conv1D = makeConv(1);
export const Conv2D = makeConv(2);
