/**
 * Normalization (the preprocessing layer): (x - mean) / sqrt(variance) per kept axis, or the
 * inverse. Given `mean` and `variance` it has no weights; otherwise it holds mean, variance and
 * count (set by `adapt()`), all non-trainable.
 */
import * as a from './args';
import { canonicalAxis } from './axis';
import { flatNumbers as flat } from './nested_lists';
import { toKeras } from './onnx/layout';
import { elements, formatShape } from './shape';
import { ArgValue, KerasError, LayerKernel, LoweringError, WeightSpec } from './types';

interface NormalizationConfig {
  axes: number[];
  /** Given values (numbers or nested lists), or null when the layer adapts them. */
  mean: ArgValue;
  variance: ArgValue;
  invert: boolean;
}

/** numpy's shape of a number or nested list. */
function npShape(v: ArgValue): number[] {
  if (!Array.isArray(v)) return [];
  return [v.length, ...(v.length ? npShape(v[0]) : [])];
}

const tupleText = (dims: number[]) => (dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`);


/** Keras' backend epsilon: the floor of the standard deviation. */
const EPSILON = 1e-7;

export const Normalization: LayerKernel<NormalizationConfig> = {
  type: 'Normalization',
  family: 'normalization',
  description: 'Normalization: shifts and scales inputs to zero mean and unit variance along the kept axes (given, or learned by adapt()).',
  docUrl: 'https://keras.io/api/layers/preprocessing_layers/numerical/normalization/',
  params: [
    { name: 'axis', default: -1 },
    { name: 'mean', default: null },
    { name: 'variance', default: null },
    { name: 'invert', default: false },
  ],
  configure(args) {
    const axis = a.raw(args, 'axis');
    const axes = axis === null ? [] : Array.isArray(axis) ? axis.map((x) => x as number) : [axis as number];
    const mean = a.raw(args, 'mean');
    const variance = a.raw(args, 'variance');
    if ((mean === null) !== (variance === null)) {
      throw new KerasError('keras-normalization', `When setting values directly, both \`mean\` and \`variance\` must be set. Received: mean=${a.pyRepr(mean)} and variance=${a.pyRepr(variance)}`);
    }
    if (mean !== null) {
      const ms = npShape(mean);
      const vs = npShape(variance);
      if (tupleText(ms) !== tupleText(vs)) {
        throw new KerasError('keras-normalization', `When setting values directly, \`mean\` and \`variance\` must have the same shape. Received: mean shape ${ms.length ? tupleText(ms) : '()'} and variance shape ${vs.length ? tupleText(vs) : '()'}`);
      }
      if (ms.length > axes.length) {
        throw new KerasError('keras-normalization', `The rank of \`mean\` must be less than or equal to the number of axes (${axes.length}). Received: mean shape ${tupleText(ms)} for axis ${tupleText(axes)}`);
      }
    }
    return { axes, mean, variance, invert: a.bool(args, 'invert') };
  },
  build(cfg, [input], { layerName }) {
    const kept = cfg.axes.map((ax) => canonicalAxis(ax, input.length, layerName, input));
    const keptDims: number[] = [];
    for (const d of [...kept].sort((p, q) => p - q)) {
      const dim = input[d];
      if (dim === null) {
        throw new KerasError('keras-unknown-dim', `All \`axis\` values to be kept must have a known shape. Received axis=${tupleText(cfg.axes)}, inputs.shape=${formatShape(input)}, with unknown axis at index ${d}`);
      }
      keptDims.push(dim);
    }
    const size = keptDims.reduce((p, d) => p * d, 1);
    return {
      outputShape: input,
      params: { trainable: 0, nonTrainable: cfg.mean === null ? 2 * size + 1 : 0 },
      macs: elements(input),
      rf: 'identity',
    };
  },
  weights(cfg, [input]): WeightSpec[] {
    if (cfg.mean !== null) return [];
    const dims = cfg.axes.map((ax) => (ax < 0 ? ax + input.length : ax)).sort((p, q) => p - q).map((d) => input[d] as number);
    return [
      { name: 'mean', shape: dims, initializer: 'zeros', trainable: false },
      { name: 'variance', shape: dims, initializer: 'ones', trainable: false },
      { name: 'count', shape: [], initializer: 'zeros', trainable: false },
    ];
  },
  lower(cfg, ctx) {
    const x = toKeras(ctx, ctx.inputs[0]);
    const rank = x.shape.length;
    const kept = cfg.axes.map((ax) => (ax < 0 ? ax + rank : ax));
    if (kept.length !== 1) throw new LoweringError('only a Normalization over one axis can be lowered yet');
    const c = x.shape[kept[0]] as number;
    // Per-channel constants broadcast along the kept axis (the last, or 1 under channels_first).
    const along = [c, ...Array(rank - 1 - kept[0]).fill(1)];
    const per = (v: Float32Array | number[]) => (v.length === 1 ? new Float32Array(c).fill(v[0]) : Float32Array.from(v));
    const mean = per(cfg.mean === null ? ctx.weights[0] : flat(cfg.mean));
    const variance = per(cfg.variance === null ? ctx.weights[1] : flat(cfg.variance));
    if (mean.length !== c || variance.length !== c) throw new LoweringError('mean and variance do not match the channels');
    const std = variance.map((v) => Math.max(Math.sqrt(v), EPSILON));
    const g = ctx.graph;
    const n = ctx.layerName;
    const m = g.weight(`${n}/mean`, along, mean);
    const s = g.weight(`${n}/std`, along, std);
    const out = cfg.invert ? g.node('Add', [g.node('Mul', [x.name, s]), m], {}, n) : g.node('Div', [g.node('Sub', [x.name, m]), s], {}, n);
    return { ...x, name: out };
  },
};
