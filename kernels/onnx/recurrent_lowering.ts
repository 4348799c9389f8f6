/**
 * Keras' recurrent layers as ONNX RNN / LSTM / GRU nodes (opset 13: time-major X [T, B, F]).
 * Keras' weights are [F, gates*units] with its own gate order; ONNX wants [1, gates*units, F]
 * with LSTM gates i, o, f, c (Keras: i, f, c, o) and GRU gates z, r, h (the same as Keras').
 */
import { LoweringError, type LowerContext, type TensorRef } from '../types';
import type { AttrValue } from './graph';
import { toKeras } from './layout';

export type RecurrentOp = 'RNN' | 'LSTM' | 'GRU';

export interface RecurrentLowering {
  op: RecurrentOp;
  units: number;
  /** Keras' `activation` (and `recurrent_activation` for LSTM and GRU), by Keras name. */
  activation: string | null;
  recurrentActivation: string | null;
  useBias: boolean;
  /** GRU: Keras' reset_after (ONNX linear_before_reset). */
  resetAfter: boolean;
  returnSequences: boolean;
  goBackwards: boolean;
}

/** For each ONNX gate, the Keras gate that holds its weights. */
const GATE_ORDER: Record<RecurrentOp, number[]> = { RNN: [0], LSTM: [0, 3, 1, 2], GRU: [0, 1, 2] };

/** Keras activation -> ONNX recurrent activation (name, alpha, beta when it takes them). */
function onnxActivation(keras: string | null, which: string): { name: string; alpha?: number; beta?: number } {
  switch (keras ?? 'linear') {
    case 'tanh': return { name: 'Tanh' };
    case 'sigmoid': return { name: 'Sigmoid' };
    case 'relu': return { name: 'Relu' };
    case 'linear': return { name: 'Affine', alpha: 1, beta: 0 };
    // Keras 3: relu6(x + 3) / 6.
    case 'hard_sigmoid': return { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 };
    case 'softsign': return { name: 'Softsign' };
    case 'softplus': return { name: 'Softplus' };
    case 'elu': return { name: 'Elu', alpha: 1 };
    default: throw new LoweringError(`${which}="${keras}" inside a recurrent layer cannot be lowered to ONNX (tanh, sigmoid, relu, linear, hard_sigmoid, softsign, softplus and elu can)`);
  }
}

/** Keras [rows, gates*units] -> ONNX [1, gates*units, rows] in ONNX gate order. */
function gateMajor(data: Float32Array, rows: number, units: number, order: number[]): Float32Array {
  const width = order.length * units;
  const out = new Float32Array(rows * width);
  order.forEach((kerasGate, onnxGate) => {
    for (let j = 0; j < units; j++) {
      for (let r = 0; r < rows; r++) out[(onnxGate * units + j) * rows + r] = data[r * width + kerasGate * units + j];
    }
  });
  return out;
}

/** Keras bias [gates*units] (or GRU reset_after's [2, gates*units]) -> ONNX B [1, 2*gates*units]. */
function biasRows(bias: Float32Array, units: number, order: number[], twoRows: boolean): Float32Array {
  const width = order.length * units;
  const out = new Float32Array(2 * width);
  for (let row = 0; row < (twoRows ? 2 : 1); row++) {
    order.forEach((kerasGate, onnxGate) => {
      for (let j = 0; j < units; j++) out[row * width + onnxGate * units + j] = bias[row * width + kerasGate * units + j];
    });
  }
  return out;
}

/** Weights: kernel [F, gates*units], recurrent kernel [units, gates*units], bias (Keras layouts). */
export function lowerRecurrent(spec: RecurrentLowering, ctx: LowerContext): TensorRef {
  const g = ctx.graph;
  const n = ctx.layerName;
  const x = toKeras(ctx, ctx.inputs[0]);
  if (x.masked) throw new LoweringError('its input carries a Keras mask (mask_zero=True or Masking upstream), which skips steps; ConvLens does not run masks yet');
  const [steps, features] = [x.shape[1], x.shape[2]];
  if (typeof features !== 'number') throw new LoweringError('the feature size of its input is unknown');
  const order = GATE_ORDER[spec.op];
  const width = order.length * spec.units;
  const W = g.weight(`${n}/W`, [1, width, features], gateMajor(ctx.weights[0], features, spec.units, order));
  const R = g.weight(`${n}/R`, [1, width, spec.units], gateMajor(ctx.weights[1], spec.units, spec.units, order));
  const B = spec.useBias ? g.weight(`${n}/B`, [1, 2 * width], biasRows(ctx.weights[2], spec.units, order, spec.op === 'GRU' && spec.resetAfter)) : '';

  // go_backwards: Keras runs the reversed sequence and returns the steps in that (reversed) order.
  let input = x.name;
  if (spec.goBackwards) {
    input = g.node('Slice', [input, g.int64s(`${n}/rev_start`, [-1]), g.int64s(`${n}/rev_end`, [-(2 ** 62)]), g.int64s(`${n}/rev_axis`, [1]), g.int64s(`${n}/rev_step`, [-1])], {}, `${n}/reversed`);
  }
  const timeMajor = g.node('Transpose', [input], { perm: [1, 0, 2] }, `${n}/time_major`);

  const activations = spec.op === 'RNN'
    ? [onnxActivation(spec.activation, 'activation')]
    : spec.op === 'LSTM'
      ? [onnxActivation(spec.recurrentActivation, 'recurrent_activation'), onnxActivation(spec.activation, 'activation'), onnxActivation(spec.activation, 'activation')]
      : [onnxActivation(spec.recurrentActivation, 'recurrent_activation'), onnxActivation(spec.activation, 'activation')];
  const attrs: Record<string, AttrValue> = { hidden_size: spec.units, direction: 'forward', activations: { strings: activations.map((a) => a.name) } };
  const alphas = activations.flatMap((a) => (a.alpha === undefined ? [] : [a.alpha]));
  const betas = activations.flatMap((a) => (a.beta === undefined ? [] : [a.beta]));
  if (alphas.length) attrs.activation_alpha = { floats: alphas };
  if (betas.length) attrs.activation_beta = { floats: betas };
  if (spec.op === 'GRU') attrs.linear_before_reset = spec.resetAfter ? 1 : 0;

  const [Y, Yh] = g.nodeOutputs(spec.op, [timeMajor, W, R, B], attrs, spec.returnSequences ? ['Y', null] : [null, 'Y_h']);
  if (!spec.returnSequences) {
    const last = g.node('Squeeze', [Yh, g.int64s(`${n}/dir_axis`, [0])], {}, n);
    return { name: last, shape: ctx.outputShape, channelsFirst: false };
  }
  if (steps === 0) throw new LoweringError('its input has no time steps');
  const seq = g.node('Squeeze', [Y, g.int64s(`${n}/dir_axis`, [1])], {}, `${n}/sequence`);
  return { name: g.node('Transpose', [seq], { perm: [1, 0, 2] }, n), shape: ctx.outputShape, channelsFirst: false };
}
