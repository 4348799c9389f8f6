/**
 * CustomScaleLayer, the residual join of keras.applications' InceptionResNetV2:
 * called on [x, r] it returns x + r * scale. No weights.
 */
import * as a from './args';
import { commonLayout } from './merge';
import { elements, formatShape } from './shape';
import { KerasError, LayerKernel, LoweringError } from './types';

export const CustomScaleLayer: LayerKernel<{ scale: unknown }> = {
  type: 'CustomScaleLayer',
  family: 'merge',
  description: 'CustomScaleLayer (InceptionResNetV2): adds a residual scaled by a constant, x + r * scale.',
  docUrl: 'https://keras.io/api/applications/inceptionresnetv2/',
  params: [{ name: 'scale' }],
  takesList: true,
  configure: (args) => ({ scale: a.opaque(args, 'scale') }),
  build(_cfg, inputs) {
    const [x, r] = inputs;
    if (inputs.length !== 2 || x.length !== r.length || x.some((d, i) => d !== null && r[i] !== null && d !== r[i])) {
      throw new KerasError('keras-merge-shape', `CustomScaleLayer is called on [x, residual] of one shape. Received: ${inputs.map(formatShape).join(', ')}`);
    }
    const out = x.map((d, i) => d ?? r[i]);
    return { outputShape: out, params: { trainable: 0, nonTrainable: 0 }, macs: elements(out), rf: 'merge' };
  },
  lower(cfg, ctx) {
    if (typeof cfg.scale !== 'number') throw new LoweringError('the scale is not a known number');
    const g = ctx.graph;
    const [x, r] = commonLayout(ctx);
    const scaled = g.node('Mul', [r.name, g.scalar(`${ctx.layerName}/scale`, cfg.scale)]);
    return { name: g.node('Add', [x.name, scaled], {}, ctx.layerName), shape: ctx.outputShape, channelsFirst: x.channelsFirst };
  },
};
