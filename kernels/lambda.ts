/**
 * Lambda: wraps a Python function as a layer. Its output shape is `output_shape` (without the batch
 * axis, which comes from the first input), or what the function gives on symbolic inputs, which the
 * tracer works out and hands over as `inferred`. No weights.
 */
import { LayerKernel, NeedsUnknown, Shape, Unknown } from './types';

export interface LambdaConfig {
  /** `output_shape` without the batch axis; null when not given, 'unknown' when not evaluable (or a callable). */
  outputShape: (number | null)[] | null | 'unknown';
  /** Set by the tracer for one call when the function's output shape was traced. */
  inferred?: Shape | null;
}

function readOutputShape(v: unknown): LambdaConfig['outputShape'] {
  if (v === null || v === undefined) return null;
  // A tuple of ints / None. (A list fails in Keras 3.15 when the batch axis is prepended; it arrives as an object, left unknown.)
  if (Array.isArray(v) && v.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 0))) return v as (number | null)[];
  return 'unknown';
}

export const Lambda: LayerKernel<LambdaConfig> = {
  type: 'Lambda',
  // Not an activation: nothing may be fused into it.
  family: 'reshape',
  description: 'Lambda: applies a Python function to its input(s); no weights.',
  docUrl: 'https://keras.io/api/layers/core_layers/lambda/',
  params: [
    { name: 'function' },
    { name: 'output_shape', default: null, tupleOnly: true },
    { name: 'mask', default: null },
    { name: 'arguments', default: null },
  ],
  configure: (args) => {
    const v = args.values.get('output_shape');
    return { outputShape: v instanceof Unknown ? 'unknown' : readOutputShape(v) };
  },
  tracedShape: {
    needed: (cfg) => cfg.outputShape === null,
    withShape: (cfg, inferred) => ({ ...cfg, inferred }),
  },
  build(cfg, inputs) {
    let outputShape: Shape;
    if (Array.isArray(cfg.outputShape)) outputShape = [inputs[0]?.[0] ?? null, ...cfg.outputShape];
    else if (cfg.outputShape === null && cfg.inferred) outputShape = cfg.inferred;
    else throw new NeedsUnknown(cfg.outputShape === null ? 'shape' : 'output_shape');
    return { outputShape, params: { trainable: 0, nonTrainable: 0 }, macs: null, rf: 'unknown' };
  },
};
