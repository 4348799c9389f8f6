/**
 * LayerScale, the per-channel learned scale of keras.applications' ConvNeXt blocks:
 * x * gamma, gamma of shape (projection_dim,) starting at `init_values`.
 */
import * as a from './args';
import { toKeras } from './onnx/layout';
import { elements, formatShape } from './shape';
import { KerasError, LayerKernel, WeightSpec } from './types';

export const LayerScale: LayerKernel<{ initValues: unknown; projectionDim: number }> = {
  type: 'LayerScale',
  family: 'normalization',
  description: 'LayerScale (ConvNeXt): multiplies each channel by a learned factor, x * gamma.',
  docUrl: 'https://keras.io/api/applications/convnext/',
  params: [{ name: 'init_values' }, { name: 'projection_dim' }],
  configure: (args) => ({ initValues: a.opaque(args, 'init_values'), projectionDim: a.int(args, 'projection_dim') }),
  build(cfg, [input]) {
    const last = input[input.length - 1];
    if (last !== null && last !== cfg.projectionDim && last !== 1 && cfg.projectionDim !== 1) {
      throw new KerasError('keras-broadcast', `Cannot multiply an input of shape ${formatShape(input)} by gamma of shape (${cfg.projectionDim},)`);
    }
    return { outputShape: input, params: { trainable: cfg.projectionDim, nonTrainable: 0 }, macs: elements(input), rf: 'identity' };
  },
  weights: (cfg): WeightSpec[] => [
    { name: 'gamma', shape: [cfg.projectionDim], initializer: { kind: 'object', name: 'Constant', args: { value: cfg.initValues as number } }, trainable: true },
  ],
  lower(cfg, ctx) {
    const x = toKeras(ctx, ctx.inputs[0]);
    const gamma = ctx.graph.weight(`${ctx.layerName}/gamma`, [cfg.projectionDim], ctx.weights[0]);
    return { ...x, name: ctx.graph.node('Mul', [x.name, gamma], {}, ctx.layerName) };
  },
};
