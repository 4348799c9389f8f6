/**
 * The shape-changing tensor functions of model code (`keras.ops.reshape`, `concatenate`, `stack`,
 * `mean`/`sum`/`max`/`min`/`prod` over axes, `expand_dims`, `squeeze`, `transpose`,
 * `image.resize`, `depth_to_space`, `space_to_depth`, and their `tf.*` forms) as graph nodes that
 * can run. In Keras 3 they are operations, not layers: the tracer computes their output shape
 * (extension/engine/trace/tensor_functions.ts) and records it with the operation's arguments here;
 * this kind only lowers them to ONNX, on Keras-layout (channels_last) tensors.
 */
import type { DataFormat } from './args';
import { lowerImageResize, type ImageResize } from './onnx/image_resize';
import { toKeras, toSpatial, fromSpatial } from './onnx/layout';
import { LayerKernel, LoweringError, Shape, TensorRef } from './types';

export type TensorOperation =
  | { op: 'reshape'; shape: number[] }
  | { op: 'concatenate' | 'stack'; axis: number }
  | { op: 'reduce'; fn: ReduceFn; axes: number[] | null; keepdims: boolean }
  | { op: 'expand_dims'; axis: number }
  | { op: 'squeeze'; axes: number[] | null }
  | { op: 'transpose'; perm: number[] | null }
  | ({ op: 'resize' } & ImageResize)
  | { op: 'depth_to_space' | 'space_to_depth'; blockSize: number; dataFormat: DataFormat };

export type ReduceFn = 'mean' | 'sum' | 'max' | 'min' | 'prod' | 'var' | 'std' | 'logsumexp';

export type TensorOperationConfig = TensorOperation & { outputShape: Shape };

const REDUCE_OPS = { mean: 'ReduceMean', sum: 'ReduceSum', max: 'ReduceMax', min: 'ReduceMin', prod: 'ReduceProd', logsumexp: 'ReduceLogSumExp' } as const;

const canonical = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

export const TensorOperationKind: LayerKernel<TensorOperationConfig> = {
  type: 'TensorOperation',
  family: 'reshape',
  description: 'A function on tensors (keras.ops): an operation of the model, not one of its layers.',
  docUrl: 'https://keras.io/api/ops/',
  params: [],
  takesList: true,
  configure() {
    throw new LoweringError('tensor operations are made by the tracer, not constructed');
  },
  build(cfg) {
    return { outputShape: cfg.outputShape, params: { trainable: 0, nonTrainable: 0 }, macs: null, rf: 'unknown' };
  },
  lower(cfg, ctx) {
    const g = ctx.graph;
    const n = ctx.layerName;
    const out = (name: string): TensorRef => ({ name, shape: ctx.outputShape, channelsFirst: false });
    if (cfg.op === 'resize') return lowerImageResize(ctx, ctx.inputs[0], cfg);
    if (cfg.op === 'depth_to_space' || cfg.op === 'space_to_depth') {
      // ONNX DCR order is TensorFlow's and Keras': channel (i * block + j) * C_out + c.
      const op = cfg.op === 'depth_to_space' ? 'DepthToSpace' : 'SpaceToDepth';
      const y = g.node(op, [toSpatial(ctx, ctx.inputs[0], cfg.dataFormat)], cfg.op === 'depth_to_space' ? { blocksize: cfg.blockSize, mode: 'DCR' } : { blocksize: cfg.blockSize }, n);
      return fromSpatial(ctx, y, cfg.dataFormat);
    }
    const inputs = ctx.inputs.map((r) => toKeras(ctx, r));
    const x = inputs[0];
    const rank = x.shape.length;
    switch (cfg.op) {
      case 'reshape':
        // Keras' target includes the batch axis, like ONNX's; -1 is inferred by both.
        return out(g.node('Reshape', [x.name, g.int64s(`${n}/shape`, cfg.shape)], {}, n));
      case 'concatenate':
        return out(g.node('Concat', inputs.map((r) => r.name), { axis: canonical(cfg.axis, rank) }, n));
      case 'stack': {
        const axis = canonical(cfg.axis, rank + 1);
        const parts = inputs.map((r, i) => g.node('Unsqueeze', [r.name, g.int64s(`${n}/axis_${i}`, [axis])], {}, `${n}/part_${i}`));
        return out(g.node('Concat', parts, { axis }, n));
      }
      case 'reduce': {
        const axes = (cfg.axes ?? x.shape.map((_, i) => i)).map((a) => canonical(a, rank));
        const keepdims = cfg.keepdims ? 1 : 0;
        // Opset 13: ReduceSum takes its axes as an input, the others as an attribute.
        if (cfg.fn === 'sum') return out(g.node('ReduceSum', [x.name, g.int64s(`${n}/axes`, axes)], { keepdims }, n));
        if (cfg.fn === 'var' || cfg.fn === 'std') {
          // Keras: the population variance, mean((x - mean(x))^2); std its square root.
          const centred = g.node('Sub', [x.name, g.node('ReduceMean', [x.name], { axes, keepdims: 1 }, `${n}/mean`)], {}, `${n}/centred`);
          const variance = g.node('ReduceMean', [g.node('Mul', [centred, centred], {}, `${n}/squared`)], { axes, keepdims }, cfg.fn === 'var' ? n : `${n}/var`);
          return out(cfg.fn === 'var' ? variance : g.node('Sqrt', [variance], {}, n));
        }
        return out(g.node(REDUCE_OPS[cfg.fn], [x.name], { axes, keepdims }, n));
      }
      case 'expand_dims':
        return out(g.node('Unsqueeze', [x.name, g.int64s(`${n}/axes`, [canonical(cfg.axis, rank + 1)])], {}, n));
      case 'squeeze': {
        const axes = cfg.axes ? cfg.axes.map((a) => canonical(a, rank)) : x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
        if (!cfg.axes && x.shape.some((d) => d === null)) throw new LoweringError('squeeze without an axis needs every dimension known');
        return out(g.node('Squeeze', [x.name, g.int64s(`${n}/axes`, axes)], {}, n));
      }
      case 'transpose':
        return out(g.node('Transpose', [x.name], { perm: cfg.perm ? cfg.perm.map((p) => canonical(p, rank)) : x.shape.map((_, i) => rank - 1 - i) }, n));
    }
  },
};
