/** Embedding: integer indices -> rows of a (input_dim, output_dim) table; a new last axis of output_dim. */
import * as a from './args';
import { toKeras } from './onnx/layout';
import { knownProduct } from './shape';
import { ArgValue, KerasError, LayerKernel, NeedsUnknown } from './types';

interface EmbeddingConfig {
  inputDim: number;
  outputDim: number;
  initializer: ArgValue;
  /** Index 0 is padding: Keras passes a mask to the next layers (the output itself is unchanged). */
  maskZero: boolean;
}

function positive(args: Parameters<typeof a.raw>[0], name: string): number {
  const v = a.raw(args, name);
  if (!a.isInt(v) || v <= 0) {
    throw new KerasError('keras-arg-value', `\`${name}\` must be a positive integer. Received: ${name}=${a.pyRepr(v)}${typeof v === 'number' ? ` (of type ${Number.isInteger(v) ? 'int' : 'float'})` : ''}.`);
  }
  return v;
}

export const Embedding: LayerKernel<EmbeddingConfig> = {
  type: 'Embedding',
  family: 'dense',
  description: 'Turns integer indices into dense vectors: row i of a (input_dim, output_dim) table.',
  docUrl: 'https://keras.io/api/layers/core_layers/embedding/',
  params: [
    { name: 'input_dim' },
    { name: 'output_dim' },
    { name: 'embeddings_initializer', default: 'uniform' },
    { name: 'embeddings_regularizer', default: null },
    { name: 'embeddings_constraint', default: null },
    { name: 'mask_zero', default: false },
    { name: 'weights', default: null },
    { name: 'lora_rank', default: null },
    { name: 'lora_alpha', default: null },
    { name: 'quantization_config', default: null },
  ],
  configure(args) {
    const inputDim = positive(args, 'input_dim');
    const outputDim = positive(args, 'output_dim');
    // LoRA and quantization change the weights: not modelled.
    for (const name of ['lora_rank', 'quantization_config']) if (a.opaque(args, name) !== null) throw new NeedsUnknown(name);
    return { inputDim, outputDim, initializer: a.opaque(args, 'embeddings_initializer'), maskZero: a.bool(args, 'mask_zero') };
  },
  build(cfg, [input]) {
    const lookups = knownProduct(input.slice(1));
    return {
      outputShape: [...input, cfg.outputDim],
      params: { trainable: cfg.inputDim * cfg.outputDim, nonTrainable: 0 },
      macs: lookups === null ? null : 0,
      rf: 'unknown',
    };
  },
  indexInputCount: (cfg) => cfg.inputDim,
  weights: (cfg) => [{ name: 'embeddings', shape: [cfg.inputDim, cfg.outputDim], initializer: cfg.initializer, trainable: true }],
  lower(cfg, ctx) {
    const g = ctx.graph;
    const n = ctx.layerName;
    const x = toKeras(ctx, ctx.inputs[0]);
    // Keras casts non-integer inputs to int32 (truncating). Indices outside the table are an error
    // in TensorFlow and NaN in JAX; clipping keeps a run on noise going and changes no valid index.
    const indices = g.node('Clip', [g.node('Cast', [x.name], { to: 7 /* INT64 */ }, `${n}/indices`), g.int64Scalar(`${n}/first`, 0), g.int64Scalar(`${n}/last`, cfg.inputDim - 1)], {}, `${n}/clipped`);
    const table = g.weight(`${n}/embeddings`, [cfg.inputDim, cfg.outputDim], ctx.weights[0]);
    return { name: g.node('Gather', [table, indices], { axis: 0 }, n), shape: ctx.outputShape, channelsFirst: false, masked: cfg.maskZero };
  },
};
