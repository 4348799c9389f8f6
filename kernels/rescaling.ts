/** Rescaling: x * scale + offset, elementwise. */
import * as a from './args';
import { toKeras } from './onnx/layout';
import { flatNumbers as flat, numericShape } from './nested_lists';
import { elements } from './shape';
import { ArgValue, LayerKernel, LoweringError } from './types';

export const Rescaling: LayerKernel<{ scale: ArgValue; offset: ArgValue }> = {
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
    const g = ctx.graph;
    const n = ctx.layerName;
    if (typeof cfg.scale === 'number' && typeof cfg.offset === 'number') {
      // Scalars commute with any layout: no transpose needed.
      const x = ctx.inputs[0];
      const scaled = g.node('Mul', [x.name, g.scalar(`${n}/scale`, cfg.scale)]);
      return { ...x, name: g.node('Add', [scaled, g.scalar(`${n}/offset`, ctx.linear ? 0 : cfg.offset)], {}, n) };
    }
    // Lists (EfficientNet's per-channel 1/std) broadcast as numpy arrays against the Keras layout.
    const scaleShape = numericShape(cfg.scale);
    const offsetShape = numericShape(cfg.offset);
    if (!scaleShape || !offsetShape) throw new LoweringError('scale and offset must be numbers or lists of numbers to be lowered');
    const x = toKeras(ctx, ctx.inputs[0]);
    if (scaleShape.length > x.shape.length || offsetShape.length > x.shape.length) throw new LoweringError('scale or offset has more axes than the input');
    const constant = (name: string, v: ArgValue, dims: number[]) => (dims.length ? g.weight(`${n}/${name}`, dims, Float32Array.from(flat(v))) : g.scalar(`${n}/${name}`, v as number));
    const scaled = g.node('Mul', [x.name, constant('scale', cfg.scale, scaleShape)]);
    const offset = ctx.linear ? g.scalar(`${n}/offset`, 0) : constant('offset', cfg.offset, offsetShape);
    return { ...x, name: g.node('Add', [scaled, offset], {}, n) };
  },
};
