/** Activation layers: Activation, ReLU (max_value), LeakyReLU, Softmax, ELU. Elementwise, no weights. */
import * as a from './args';
import { canonicalAxis } from './axis';
import { applyActivation, softmax } from './onnx/activation';
import { BuildResult, KerasError, LayerKernel, LoweringError, Shape } from './types';

interface ActivationConfig {
  activation: string;
  [key: string]: unknown;
}

function elementwise(input: Shape): BuildResult {
  return { outputShape: input, params: { trainable: 0, nonTrainable: 0 }, macs: 0, rf: 'identity' };
}

export const Activation: LayerKernel<ActivationConfig> = {
  type: 'Activation',
  family: 'activation',
  description: 'Applies an activation function elementwise.',
  docUrl: 'https://keras.io/api/layers/core_layers/activation/',
  params: [{ name: 'activation' }],
  activation: (cfg) => cfg.activation,
  configure(args) {
    return { activation: a.checkActivation(args) ?? 'linear' };
  },
  build: (_cfg, [input]) => elementwise(input),
  lower: (cfg, ctx) => applyActivation(ctx, ctx.inputs[0], cfg.activation),
};

export const ReLU: LayerKernel<ActivationConfig> = {
  type: 'ReLU',
  family: 'activation',
  description: 'Rectified linear unit, optionally capped at max_value (max_value=6 is ReLU6) with a slope below threshold.',
  docUrl: 'https://keras.io/api/layers/activation_layers/relu/',
  params: [
    { name: 'max_value', default: null },
    { name: 'negative_slope', default: 0.0 },
    { name: 'threshold', default: 0.0 },
  ],
  activation: (cfg) => cfg.activation,
  configure(args) {
    const maxValue = a.raw(args, 'max_value');
    if (maxValue !== null && (typeof maxValue !== 'number' || maxValue < 0)) {
      throw new KerasError('keras-arg-value', `max_value of a ReLU layer cannot be a negative value. Received: ${a.pyRepr(maxValue)}`);
    }
    const slope = a.num(args, 'negative_slope');
    if (slope < 0) throw new KerasError('keras-arg-value', `negative_slope of a ReLU layer cannot be a negative value. Received: ${slope}`);
    const threshold = a.num(args, 'threshold');
    if (threshold < 0) throw new KerasError('keras-arg-value', `threshold of a ReLU layer cannot be a negative value. Received: ${threshold}`);
    return { activation: maxValue === 6 ? 'relu6' : 'relu', maxValue, slope, threshold };
  },
  build: (_cfg, [input]) => elementwise(input),
  lower(cfg, ctx) {
    const g = ctx.graph;
    const n = ctx.layerName;
    const x = ctx.inputs[0];
    if (ctx.linear) return x;
    if (cfg.threshold !== 0) throw new LoweringError('ReLU with a threshold cannot be lowered yet');
    if (cfg.slope === 0) {
      if (cfg.maxValue === null) return applyActivation(ctx, x, 'relu');
      return { ...x, name: g.node('Clip', [x.name, g.scalar(`${n}/min`, 0), g.scalar(`${n}/max`, cfg.maxValue as number)], {}, n) };
    }
    const leaky = g.node('LeakyRelu', [x.name], { alpha: { float: cfg.slope as number } }, cfg.maxValue === null ? n : undefined);
    if (cfg.maxValue === null) return { ...x, name: leaky };
    return { ...x, name: g.node('Min', [leaky, g.scalar(`${n}/max`, cfg.maxValue as number)], {}, n) };
  },
};

export const LeakyReLU: LayerKernel<ActivationConfig> = {
  type: 'LeakyReLU',
  family: 'activation',
  description: 'Leaky ReLU: x for x >= 0, negative_slope * x otherwise.',
  docUrl: 'https://keras.io/api/layers/activation_layers/leaky_relu/',
  params: [{ name: 'negative_slope', default: 0.3 }],
  // Keras 3 still takes the Keras 2 name, and it wins over negative_slope.
  popped: [{ name: 'alpha' }],
  warnings: (args) => (args.given.has('alpha') ? ['Argument `alpha` is deprecated. Use `negative_slope` instead.'] : []),
  activation: (cfg) => cfg.activation,
  configure(args) {
    const slope = a.raw(args, args.given.has('alpha') ? 'alpha' : 'negative_slope');
    if (slope === null || (typeof slope === 'number' && slope < 0)) {
      throw new KerasError('keras-arg-value', `The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a float. Received: negative_slope=${a.pyRepr(slope)}`);
    }
    if (typeof slope !== 'number') throw new KerasError('keras-arg-type', `Argument \`negative_slope\` must be a number. Received: negative_slope=${a.pyRepr(slope)}`);
    return { activation: 'leaky_relu', slope };
  },
  build: (_cfg, [input]) => elementwise(input),
  lower: (cfg, ctx) => (ctx.linear ? ctx.inputs[0] : { ...ctx.inputs[0], name: ctx.graph.node('LeakyRelu', [ctx.inputs[0].name], { alpha: { float: cfg.slope as number } }, ctx.layerName) }),
};

export const ELU: LayerKernel<ActivationConfig> = {
  type: 'ELU',
  family: 'activation',
  description: 'Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) otherwise.',
  docUrl: 'https://keras.io/api/layers/activation_layers/elu/',
  params: [{ name: 'alpha', default: 1.0 }],
  activation: (cfg) => cfg.activation,
  configure: (args) => ({ activation: 'elu', alpha: a.num(args, 'alpha') }),
  build: (_cfg, [input]) => elementwise(input),
  lower: (cfg, ctx) => (ctx.linear ? ctx.inputs[0] : { ...ctx.inputs[0], name: ctx.graph.node('Elu', [ctx.inputs[0].name], { alpha: { float: cfg.alpha as number } }, ctx.layerName) }),
};

export const Softmax: LayerKernel<ActivationConfig> = {
  type: 'Softmax',
  family: 'activation',
  description: 'Softmax along an axis (default: the last): outputs are positive and sum to 1.',
  docUrl: 'https://keras.io/api/layers/activation_layers/softmax/',
  params: [{ name: 'axis', default: -1 }],
  // An unknown axis is not checked: the shape never depends on it.
  activation: (cfg) => cfg.activation,
  configure: (args) => ({ activation: 'softmax', axis: a.opaque(args, 'axis') }),
  build(cfg, [input], { layerName }) {
    const axes = Array.isArray(cfg.axis) ? cfg.axis : [cfg.axis];
    for (const ax of axes) if (typeof ax === 'number') canonicalAxis(ax, input.length, layerName, input);
    return elementwise(input);
  },
  lower(cfg, ctx) {
    if (typeof cfg.axis !== 'number') throw new LoweringError('Softmax over several axes cannot be lowered yet');
    return softmax(ctx, ctx.inputs[0], cfg.axis);
  },
};
