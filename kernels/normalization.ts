/** BatchNormalization and LayerNormalization. */
import * as a from './args';
import { canonicalAxis, definedDim } from './axis';
import { elements } from './shape';
import { onnxAxis, toKeras } from './onnx/layout';
import { ArgValue, BoundArgs, KerasError, LayerKernel, LoweringError, LowerContext, NeedsUnknown, WeightSpec } from './types';

interface NormConfig {
  axes: number[];
  center: boolean;
  scale: boolean;
  epsilon: number;
  initializers: Record<string, ArgValue>;
  rmsScaling?: boolean;
  /** BatchNormalization(renorm=True): three more statistics, used in training only. */
  renorm?: boolean;
}

function initializersOf(args: BoundArgs, names: string[]): Record<string, ArgValue> {
  return Object.fromEntries(names.map((n) => [n, a.opaque(args, `${n}_initializer`)]));
}

/** gamma/beta (when enabled) then any extra statistics, in Keras' build() order. */
function normWeights(cfg: NormConfig, shape: number[], stats: string[]): WeightSpec[] {
  const out: WeightSpec[] = [];
  if (cfg.scale) out.push({ name: 'gamma', shape, initializer: cfg.initializers.gamma, trainable: true });
  if (cfg.center) out.push({ name: 'beta', shape, initializer: cfg.initializers.beta, trainable: true });
  for (const s of stats) out.push({ name: s, shape, initializer: cfg.initializers[s], trainable: false });
  return out;
}

/** Broadcastable dims for a per-channel vector along ONNX axis `axis` of a rank-`rank` tensor. */
function alongAxis(c: number, axis: number, rank: number): number[] {
  return [c, ...Array(rank - axis - 1).fill(1)];
}

function batchNormLower(cfg: NormConfig, ctx: LowerContext) {
  const g = ctx.graph;
  const n = ctx.layerName;
  const [input] = ctx.inputs;
  const rank = input.shape.length;
  const kerasAxis = cfg.axes[0] < 0 ? cfg.axes[0] + rank : cfg.axes[0];
  const c = input.shape[kerasAxis] as number;
  let i = 0;
  const gamma = cfg.scale ? ctx.weights[i++] : new Float32Array(c).fill(1);
  const beta = cfg.center ? ctx.weights[i++] : new Float32Array(c);
  const mean = ctx.weights[i++];
  const variance = ctx.weights[i++];
  const axis = onnxAxis(input, kerasAxis);
  if (axis === 1 && rank >= 2) {
    // Keras' epsilon default (1e-3) differs from ONNX's (1e-5): always set it.
    const out = g.node('BatchNormalization', [input.name, g.weight(`${n}/gamma`, [c], gamma), g.weight(`${n}/beta`, [c], beta), g.weight(`${n}/moving_mean`, [c], mean), g.weight(`${n}/moving_variance`, [c], variance)], { epsilon: { float: cfg.epsilon } }, n);
    return { ...input, name: out };
  }
  // Any other axis: the inference-time affine form, y = x * scale + shift.
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    scale[k] = gamma[k] / Math.sqrt(variance[k] + cfg.epsilon);
    shift[k] = beta[k] - mean[k] * scale[k];
  }
  const dims = alongAxis(c, axis, rank);
  const scaled = g.node('Mul', [input.name, g.weight(`${n}/scale`, dims, scale)]);
  return { ...input, name: g.node('Add', [scaled, g.weight(`${n}/shift`, dims, shift)], {}, n) };
}

function axisList(v: ArgValue): number[] {
  if (!Array.isArray(v) && !a.isInt(v)) {
    throw new KerasError('keras-arg-type', `Expected an int or a list/tuple of ints for the argument 'axis', but received: ${a.pyRepr(v)}`);
  }
  const list = Array.isArray(v) ? v : [v];
  // Keras fails later on other elements, with a Python TypeError ConvLens does not reproduce.
  if (!list.every(a.isInt)) throw new NeedsUnknown('axis');
  return list;
}

export const BatchNormalization: LayerKernel<NormConfig> = {
  type: 'BatchNormalization',
  family: 'normalization',
  description: 'Batch normalization: normalizes each channel with batch statistics in training and moving averages (non-trainable) at inference, then scales by gamma and shifts by beta.',
  docUrl: 'https://keras.io/api/layers/normalization_layers/batch_normalization/',
  params: [
    { name: 'axis', default: -1 },
    { name: 'momentum', default: 0.99 },
    { name: 'epsilon', default: 0.001 },
    { name: 'center', default: true },
    { name: 'scale', default: true },
    { name: 'beta_initializer', default: 'zeros' },
    { name: 'gamma_initializer', default: 'ones' },
    { name: 'moving_mean_initializer', default: 'zeros' },
    { name: 'moving_variance_initializer', default: 'ones' },
    { name: 'beta_regularizer', default: null },
    { name: 'gamma_regularizer', default: null },
    { name: 'beta_constraint', default: null },
    { name: 'gamma_constraint', default: null },
    { name: 'renorm', default: false },
    { name: 'renorm_clipping', default: null },
    { name: 'renorm_momentum', default: 0.99 },
    { name: 'synchronized', default: false },
  ],
  configure(args) {
    const initializers = initializersOf(args, ['gamma', 'beta', 'moving_mean', 'moving_variance']);
    // Keras starts the stddevs at sqrt(moving_variance_initializer): ones for its default. Inference never reads them.
    Object.assign(initializers, { moving_stddev: 'ones', renorm_mean: initializers.moving_mean, renorm_stddev: 'ones' });
    return {
      axes: [a.int(args, 'axis')], center: a.bool(args, 'center'), scale: a.bool(args, 'scale'), epsilon: a.num(args, 'epsilon'),
      initializers, renorm: a.bool(args, 'renorm'),
    };
  },
  weights(cfg, [input]) {
    const axis = cfg.axes[0] < 0 ? cfg.axes[0] + input.length : cfg.axes[0];
    return normWeights(cfg, [input[axis] as number], ['moving_mean', 'moving_variance', ...(cfg.renorm ? ['moving_stddev', 'renorm_mean', 'renorm_stddev'] : [])]);
  },
  lower: batchNormLower,
  build(cfg, [input], { layerName }) {
    const axis = canonicalAxis(cfg.axes[0], input.length, layerName, input);
    const c = definedDim(input, axis, layerName);
    const n = elements(input);
    return {
      outputShape: input,
      params: { trainable: c * (Number(cfg.center) + Number(cfg.scale)), nonTrainable: (cfg.renorm ? 5 : 2) * c },
      // Inference-time BN is one multiply-add per element (foldable into a preceding conv).
      macs: n,
      rf: 'identity',
    };
  },
};

export const LayerNormalization: LayerKernel<NormConfig> = {
  type: 'LayerNormalization',
  family: 'normalization',
  description: 'Layer normalization: normalizes each sample over the given axes (default: the last), then scales and shifts per feature.',
  docUrl: 'https://keras.io/api/layers/normalization_layers/layer_normalization/',
  params: [
    { name: 'axis', default: -1 },
    { name: 'epsilon', default: 0.001 },
    { name: 'center', default: true },
    { name: 'scale', default: true },
    { name: 'beta_initializer', default: 'zeros' },
    { name: 'gamma_initializer', default: 'ones' },
    { name: 'beta_regularizer', default: null },
    { name: 'gamma_regularizer', default: null },
    { name: 'beta_constraint', default: null },
    { name: 'gamma_constraint', default: null },
  ],
  // Deprecated, and keyword-only: Keras pops it from **kwargs.
  popped: [{ name: 'rms_scaling', default: false }],
  warnings: (args) => (args.given.has('rms_scaling') && a.bool(args, 'rms_scaling')
    ? ['You passed `rms_scaling=True`, which is deprecated. This argument incorrectly scales the input by the variance, not the root mean square. To correctly use RMS Normalization, please use `keras.layers.RMSNormalization` instead.']
    : []),
  configure(args) {
    const rmsScaling = a.bool(args, 'rms_scaling');
    // With rms_scaling Keras builds gamma whatever `scale` says, and never beta.
    return {
      axes: axisList(a.raw(args, 'axis')), center: a.bool(args, 'center') && !rmsScaling, scale: a.bool(args, 'scale') || rmsScaling, epsilon: a.num(args, 'epsilon'),
      initializers: initializersOf(args, ['gamma', 'beta']), rmsScaling,
    };
  },
  weights(cfg, [input]) {
    const axes = cfg.axes.map((ax) => (ax < 0 ? ax + input.length : ax));
    return normWeights(cfg, axes.map((ax) => input[ax] as number), []);
  },
  lower(cfg, ctx) {
    if (cfg.rmsScaling) throw new LoweringError('rms_scaling=True cannot be lowered yet');
    const g = ctx.graph;
    const n = ctx.layerName;
    const x = toKeras(ctx, ctx.inputs[0]);
    const rank = x.shape.length;
    const axes = cfg.axes.map((ax) => (ax < 0 ? ax + rank : ax)).sort((p, q) => p - q);
    // (x - mean) / sqrt(var + eps), statistics over `axes` per sample (opset 13 has no LayerNormalization).
    const mean = g.node('ReduceMean', [x.name], { axes, keepdims: 1 });
    const centred = g.node('Sub', [x.name, mean]);
    const variance = g.node('ReduceMean', [g.node('Mul', [centred, centred])], { axes, keepdims: 1 });
    let y = g.node('Div', [centred, g.node('Sqrt', [g.node('Add', [variance, g.scalar(`${n}/epsilon`, cfg.epsilon)])])]);
    // gamma / beta have the normalized axes' sizes; broadcast with 1 elsewhere (from the first axis on).
    const dims = Array.from({ length: rank - axes[0] }, (_, k) => (axes.includes(axes[0] + k) ? (x.shape[axes[0] + k] as number) : 1));
    let i = 0;
    if (cfg.scale) y = g.node('Mul', [y, g.weight(`${n}/gamma`, dims, ctx.weights[i++])]);
    if (cfg.center) y = g.node('Add', [y, g.weight(`${n}/beta`, dims, ctx.weights[i++])]);
    return { ...x, name: g.node('Identity', [y], {}, n) };
  },
  build(cfg, [input], { layerName }) {
    const axes = cfg.axes.map((ax) => canonicalAxis(ax, input.length, layerName, input));
    const size = axes.reduce((p, ax) => p * definedDim(input, ax, layerName), 1);
    return {
      outputShape: input,
      params: { trainable: size * (Number(cfg.center) + Number(cfg.scale)), nonTrainable: 0 },
      macs: elements(input),
      rf: 'identity',
    };
  },
};
