/** keras.Input / InputLayer: the symbolic placeholder a functional model starts from. */
import * as a from './args';
import { pyRepr } from './args';
import { ArgValue, BoundArgs, KerasError, LayerKernel, NeedsUnknown, Shape } from './types';

export interface InputConfig {
  shape: Shape;
}

function dims(v: ArgValue, name: string): (number | null)[] {
  const list = Array.isArray(v) ? v : [v];
  return list.map((d) => {
    if (d === null) return null;
    if (a.isInt(d) && d >= 0) return d;
    throw new KerasError('keras-input-shape', `Argument \`${name}\` must be a tuple of integers or None. Received: ${name}=${pyRepr(v)}`);
  });
}

/** Reads shape / batch_shape / batch_size (and Keras-2 input_shape / batch_input_shape) into a full shape. */
export function readInputShape(args: BoundArgs): Shape {
  // The shape comes from the tensor, which ConvLens does not follow here.
  if (args.given.has('input_tensor') && args.values.get('input_tensor') !== null) throw new NeedsUnknown('input_tensor');
  // Keras 2 spellings replace the Keras 3 ones when given.
  const batchShape = a.raw(args, args.given.has('batch_input_shape') ? 'batch_input_shape' : 'batch_shape');
  const shape = a.raw(args, args.given.has('input_shape') ? 'input_shape' : 'shape');
  if (batchShape !== null) {
    if (shape !== null) {
      throw new KerasError('keras-input-shape', 'You cannot pass both `shape` and `batch_shape` at the same time.');
    }
    return dims(batchShape, 'batch_shape');
  }
  if (shape === null) {
    throw new KerasError('keras-input-shape', 'You must pass a `shape` argument.');
  }
  const batch = args.values.has('batch_size') ? a.optInt(args, 'batch_size') : null;
  return [batch, ...dims(shape, 'shape')];
}

export const InputLayer: LayerKernel<InputConfig> = {
  type: 'InputLayer',
  aliases: ['Input'],
  family: 'input',
  description: 'The model input: a symbolic tensor of the given shape (batch dimension first, usually None).',
  docUrl: 'https://keras.io/api/layers/core_layers/input/',
  params: [
    { name: 'shape', default: null },
    { name: 'batch_size', default: null },
    { name: 'dtype', default: null },
    { name: 'sparse', default: null },
    { name: 'ragged', default: null },
    { name: 'batch_shape', default: null },
    { name: 'input_tensor', default: null },
    { name: 'optional', default: false },
    { name: 'name', default: null },
  ],
  popped: [{ name: 'input_shape' }, { name: 'batch_input_shape' }],
  warnings: (args) => (args.given.has('input_shape') ? ['Argument `input_shape` is deprecated. Use `shape` instead.'] : []),
  configure(args) {
    return { shape: readInputShape(args) };
  },
  build(cfg) {
    return { outputShape: cfg.shape, params: { trainable: 0, nonTrainable: 0 }, macs: 0, rf: 'identity' };
  },
};
