/** Flatten, Reshape and Permute: move values around without computing. */
import * as a from './args';
import { formatShape, knownProduct } from './shape';
import { toKeras } from './onnx/layout';
import { KerasError, LayerKernel } from './types';

const noCompute = { params: { trainable: 0, nonTrainable: 0 }, macs: 0 };

export const Flatten: LayerKernel<{ dataFormat: a.DataFormat }> = {
  type: 'Flatten',
  family: 'reshape',
  description: 'Flattens every non-batch axis into one (in channels_last order).',
  docUrl: 'https://keras.io/api/layers/reshaping_layers/flatten/',
  params: [{ name: 'data_format', default: null }],
  configure: (args) => ({ dataFormat: a.dataFormat(args) }),
  build(_cfg, [input]) {
    return { ...noCompute, outputShape: [input[0], knownProduct(input.slice(1))], rf: 'global' };
  },
  lower(cfg, ctx) {
    const g = ctx.graph;
    let x = toKeras(ctx, ctx.inputs[0]).name;
    const rank = ctx.inputs[0].shape.length;
    // Keras moves channels_first data to channels_last before flattening.
    if (cfg.dataFormat === 'channels_first' && rank > 2) x = g.node('Transpose', [x], { perm: [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1] });
    return { name: g.node('Flatten', [x], { axis: 1 }, ctx.layerName), shape: ctx.outputShape, channelsFirst: false };
  },
};

export const Reshape: LayerKernel<{ target: number[] }> = {
  type: 'Reshape',
  family: 'reshape',
  description: 'Reshapes the non-batch axes to target_shape (one dimension may be -1).',
  docUrl: 'https://keras.io/api/layers/reshaping_layers/reshape/',
  params: [{ name: 'target_shape' }],
  configure(args) {
    const t = a.raw(args, 'target_shape');
    const list = Array.isArray(t) ? t : [t];
    if (!list.every(a.isInt)) {
      throw new KerasError('keras-arg-type', `Argument \`target_shape\` must be a tuple of integers. Received: target_shape=${a.pyRepr(t)}`);
    }
    const target = list as number[];
    if (target.some((d) => d < -1)) {
      throw new KerasError('keras-reshape', `Each dimension in \`target_shape\` must be a non-negative integer, or \`-1\` for a single unknown dimension. Received: target_shape=${formatShape(target)}.`);
    }
    if (target.filter((d) => d === -1).length > 1) {
      throw new KerasError('keras-reshape', `There must be at most one unknown dimension (-1) in \`target_shape\`. Received: target_shape=${formatShape(target)}.`);
    }
    return { target };
  },
  build(cfg, [input]) {
    const inner = input.slice(1);
    const size = knownProduct(inner);
    const known = cfg.target.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    let out: (number | null)[];
    if (size === null) out = cfg.target.map((d) => (d === -1 ? null : d));
    else if (!cfg.target.includes(-1)) {
      if (known !== size) {
        throw new KerasError('keras-reshape', `The total size of the tensor must be unchanged. Received: input_shape=${formatShape(inner)}, target_shape=${formatShape(cfg.target)}`);
      }
      out = cfg.target;
    } else {
      if (known === 0 || size % known !== 0) {
        throw new KerasError(
          'keras-reshape',
          `The total size of the tensor must be unchanged, however, the input size cannot by divided by the specified dimensions in target_shape. Received: input_shape=${formatShape(inner)}, target_shape=${formatShape(cfg.target)}`,
        );
      }
      out = cfg.target.map((d) => (d === -1 ? size / known : d));
    }
    return { ...noCompute, outputShape: [input[0], ...out], rf: 'unknown' };
  },
  lower(_cfg, ctx) {
    const g = ctx.graph;
    // 0 copies the (dynamic) batch dimension.
    const shape = g.int64s(`${ctx.layerName}/shape`, [0, ...ctx.outputShape.slice(1).map((d) => d as number)]);
    return { name: g.node('Reshape', [toKeras(ctx, ctx.inputs[0]).name, shape], {}, ctx.layerName), shape: ctx.outputShape, channelsFirst: false };
  },
};

export const Permute: LayerKernel<{ dims: number[] }> = {
  type: 'Permute',
  family: 'reshape',
  description: 'Permutes the non-batch axes (dims are 1-indexed).',
  docUrl: 'https://keras.io/api/layers/reshaping_layers/permute/',
  params: [{ name: 'dims' }],
  configure(args) {
    const d = a.raw(args, 'dims');
    const dims = (Array.isArray(d) ? d : [d]) as number[];
    const sorted = [...dims].sort((x, y) => x - y);
    if (!dims.every(a.isInt) || sorted.some((v, i) => v !== i + 1)) {
      throw new KerasError(
        'keras-permute',
        `Invalid permutation argument \`dims\` for Permute Layer. The set of indices in \`dims\` must be consecutive and start from 1. Received dims=${a.pyRepr(d)}`,
      );
    }
    return { dims };
  },
  build(cfg, [input], { layerName }) {
    if (cfg.dims.length !== input.length - 1) {
      throw new KerasError('keras-input-rank', `Input 0 of layer "${layerName}" is incompatible with the layer: expected ndim=${cfg.dims.length + 1}, found ndim=${input.length}. Full shape received: ${formatShape(input)}`);
    }
    const spatialKept = input.length === 4 && cfg.dims[0] === 1 && cfg.dims[1] === 2;
    return { ...noCompute, outputShape: [input[0], ...cfg.dims.map((i) => input[i])], rf: spatialKept ? 'identity' : 'unknown' };
  },
  lower(cfg, ctx) {
    const x = toKeras(ctx, ctx.inputs[0]);
    return { name: ctx.graph.node('Transpose', [x.name], { perm: [0, ...cfg.dims] }, ctx.layerName), shape: ctx.outputShape, channelsFirst: false };
  },
};
