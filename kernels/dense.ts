/** Dense: a fully connected layer applied to the last axis (of any rank >= 2). */
import * as a from './args';
import { formatShape, knownProduct } from './shape';
import { applyActivation } from './onnx/activation';
import { toKeras } from './onnx/layout';
import { checkLora, LORA_PARAMS, loraParams, loraRank, loraWeights, refuseLoraLowering } from './lora';
import { ArgValue, KerasError, LayerKernel, NeedsUnknown, WeightSpec } from './types';

interface DenseConfig {
  units: number;
  useBias: boolean;
  activation: string | null;
  kernelInitializer: ArgValue;
  biasInitializer: ArgValue;
  kernelConstraint: ArgValue;
  loraRank: number | null;
}

export const Dense: LayerKernel<DenseConfig> = {
  type: 'Dense',
  family: 'dense',
  description: 'Fully connected layer: output = activation(x @ kernel + bias) over the last axis.',
  docUrl: 'https://keras.io/api/layers/core_layers/dense/',
  params: [
    { name: 'units', pythonIntOnly: true },
    { name: 'activation', default: null },
    { name: 'use_bias', default: true },
    ...a.WEIGHT_PARAMS,
    ...LORA_PARAMS,
    { name: 'quantization_config', default: null },
  ],
  configure(args) {
    const units = a.raw(args, 'units');
    if (!a.isInt(units) || units <= 0) {
      throw new KerasError('keras-units', `Received an invalid value for \`units\`, expected a positive integer. Received: units=${a.pyRepr(units)}`);
    }
    // A quantized kernel has other weights (int8 values and scales), not modelled.
    if (a.opaque(args, 'quantization_config') !== null) throw new NeedsUnknown('quantization_config');
    return {
      units, useBias: a.bool(args, 'use_bias'), activation: a.checkActivation(args),
      kernelInitializer: a.opaque(args, 'kernel_initializer'), biasInitializer: a.opaque(args, 'bias_initializer'),
      kernelConstraint: a.opaque(args, 'kernel_constraint'), loraRank: loraRank(args),
    };
  },
  build(cfg, [input], { layerName }) {
    if (input.length < 2) {
      throw new KerasError('keras-input-rank', `Input 0 of layer "${layerName}" is incompatible with the layer: expected min_ndim=2, found ndim=${input.length}. Full shape received: ${formatShape(input)}`);
    }
    const inUnits = input[input.length - 1];
    if (inUnits === null) {
      throw new KerasError(
        'keras-unknown-dim',
        `The last dimension of the inputs to a Dense layer should be defined. Found None. Full input shape received: ${formatShape(input)}`,
      );
    }
    checkLora(cfg.loraRank, [inUnits, cfg.units], cfg.kernelConstraint);
    const rows = knownProduct(input.slice(1, -1));
    const weights = inUnits * cfg.units;
    const rank = input.length;
    const bias = cfg.useBias ? cfg.units : 0;
    return {
      outputShape: [...input.slice(0, -1), cfg.units],
      params: cfg.loraRank === null ? { trainable: weights + bias, nonTrainable: 0 } : loraParams(cfg.loraRank, [inUnits, cfg.units], cfg.units, bias),
      macs: rows === null ? null : rows * weights,
      // On a feature map, Dense mixes channels only (a 1x1 conv); on vectors it sees everything upstream.
      rf: rank >= 4 ? { steps: input.slice(1, -1).map(() => ({ op: 'window' as const, kernel: 1, stride: 1, pad: 0, dilation: 1 })) } : 'identity',
    };
  },
  weights(cfg, [input]) {
    const inUnits = input[input.length - 1] as number;
    const out: WeightSpec[] = [{ name: 'kernel', shape: [inUnits, cfg.units], initializer: cfg.kernelInitializer, trainable: cfg.loraRank === null }];
    if (cfg.useBias) out.push({ name: 'bias', shape: [cfg.units], initializer: cfg.biasInitializer, trainable: true });
    if (cfg.loraRank !== null) out.push(...loraWeights(cfg.loraRank, [inUnits, cfg.units], cfg.units));
    return out;
  },
  activation: (cfg) => cfg.activation,
  lower(cfg, ctx) {
    refuseLoraLowering(cfg.loraRank);
    const g = ctx.graph;
    const n = ctx.layerName;
    const x = toKeras(ctx, ctx.inputs[0]);
    const inUnits = x.shape[x.shape.length - 1] as number;
    let y = g.node('MatMul', [x.name, g.weight(`${n}/kernel`, [inUnits, cfg.units], ctx.weights[0])], {}, cfg.useBias ? undefined : n);
    if (cfg.useBias) y = g.node('Add', [y, g.weight(`${n}/bias`, [cfg.units], ctx.weights[1])], {}, n);
    return applyActivation(ctx, { name: y, shape: ctx.outputShape, channelsFirst: false }, cfg.activation);
  },
};
