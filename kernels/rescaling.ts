/** Rescaling: x * scale + offset, elementwise. */
import * as a from './args';
import { elements } from './shape';
import { LayerKernel, LoweringError } from './types';

export const Rescaling: LayerKernel<{ scale: unknown; offset: unknown }> = {
  type: 'Rescaling',
  family: 'normalization',
  description: 'Rescales inputs elementwise: x * scale + offset (e.g. 1/255 to map pixels to [0, 1]).',
  docUrl: 'https://keras.io/api/layers/preprocessing_layers/image_preprocessing/rescaling/',
  params: [
    { name: 'scale' },
    { name: 'offset', default: 0.0 },
  ],
  // The shape never depends on scale and offset: unknown ones only stop running the layer.
  configure: (args) => ({ scale: a.opaque(args, 'scale'), offset: a.opaque(args, 'offset') }),
  build: (_cfg, [input]) => ({ outputShape: input, params: { trainable: 0, nonTrainable: 0 }, macs: elements(input), rf: 'identity' }),
  lower(cfg, ctx) {
    if (typeof cfg.scale !== 'number' || typeof cfg.offset !== 'number') throw new LoweringError('only scalar scale and offset can be lowered yet');
    const g = ctx.graph;
    const n = ctx.layerName;
    const x = ctx.inputs[0];
    const scaled = g.node('Mul', [x.name, g.scalar(`${n}/scale`, cfg.scale)]);
    return { ...x, name: g.node('Add', [scaled, g.scalar(`${n}/offset`, ctx.linear ? 0 : cfg.offset)], {}, n) };
  },
};
