/**
 * The recurrent layers SimpleRNN, LSTM and GRU on (batch, time, features): the last step's output
 * (batch, units), or every step's (batch, time, units) with return_sequences. Weights: a kernel
 * (features x gates*units), a recurrent kernel (units x gates*units) and a bias (gates*units; GRU's
 * default reset_after=True keeps two). With return_state the layer returns a list: not modelled.
 */
import * as a from './args';
import { lowerRecurrent } from './onnx/recurrent_lowering';
import { formatShape, knownProduct } from './shape';
import { KerasError, LayerKernel, NeedsUnknown, ParamSpec, WeightSpec } from './types';

interface RecurrentConfig {
  units: number;
  gates: number;
  useBias: boolean;
  /** GRU with reset_after: a second bias row for the recurrent kernel. */
  biasRows: number;
  returnSequences: boolean;
  goBackwards: boolean;
  activation: string | null;
  recurrentActivation: string | null;
}

const RECURRENT_WEIGHTS: ParamSpec[] = [
  { name: 'kernel_initializer', default: 'glorot_uniform' },
  { name: 'recurrent_initializer', default: 'orthogonal' },
  { name: 'bias_initializer', default: 'zeros' },
];

const REGULARIZERS: ParamSpec[] = [
  { name: 'kernel_regularizer', default: null },
  { name: 'recurrent_regularizer', default: null },
  { name: 'bias_regularizer', default: null },
  { name: 'activity_regularizer', default: null },
  { name: 'kernel_constraint', default: null },
  { name: 'recurrent_constraint', default: null },
  { name: 'bias_constraint', default: null },
];

const RUN_FLAGS: ParamSpec[] = [
  { name: 'return_sequences', default: false },
  { name: 'return_state', default: false },
  { name: 'go_backwards', default: false },
  { name: 'stateful', default: false },
  { name: 'unroll', default: false },
];

/** Each layer's positional arguments in Keras 3.15's order. */
const SIGNATURES: Record<'SimpleRNN' | 'LSTM' | 'GRU', ParamSpec[]> = {
  SimpleRNN: [
    { name: 'units' }, { name: 'activation', default: 'tanh' }, { name: 'use_bias', default: true }, ...RECURRENT_WEIGHTS, ...REGULARIZERS,
    { name: 'dropout', default: 0.0 }, { name: 'recurrent_dropout', default: 0.0 }, ...RUN_FLAGS, { name: 'seed', default: null },
  ],
  LSTM: [
    { name: 'units' }, { name: 'activation', default: 'tanh' }, { name: 'recurrent_activation', default: 'sigmoid' }, { name: 'use_bias', default: true },
    ...RECURRENT_WEIGHTS, { name: 'unit_forget_bias', default: true }, ...REGULARIZERS,
    { name: 'dropout', default: 0.0 }, { name: 'recurrent_dropout', default: 0.0 }, { name: 'seed', default: null }, ...RUN_FLAGS,
    { name: 'use_cudnn', default: 'auto' },
  ],
  GRU: [
    { name: 'units' }, { name: 'activation', default: 'tanh' }, { name: 'recurrent_activation', default: 'sigmoid' }, { name: 'use_bias', default: true },
    ...RECURRENT_WEIGHTS, ...REGULARIZERS,
    { name: 'dropout', default: 0.0 }, { name: 'recurrent_dropout', default: 0.0 }, { name: 'seed', default: null }, ...RUN_FLAGS,
    { name: 'reset_after', default: true }, { name: 'use_cudnn', default: 'auto' },
  ],
};

const GATES = { SimpleRNN: 1, LSTM: 4, GRU: 3 };

function makeRecurrent(type: 'SimpleRNN' | 'LSTM' | 'GRU', description: string, doc: string): LayerKernel<RecurrentConfig> {
  return {
    type,
    family: 'dense',
    description,
    docUrl: `https://keras.io/api/layers/recurrent_layers/${doc}/`,
    params: SIGNATURES[type],
    configure(args) {
      const units = a.raw(args, 'units');
      if (!a.isInt(units) || units <= 0) {
        throw new KerasError('keras-units', `Received an invalid value for argument \`units\`, expected a positive integer, got ${a.pyRepr(units)}.`);
      }
      // With return_state the output is a list [output, *states]: a shape ConvLens does not model.
      if (a.opaque(args, 'return_state') !== false) throw new NeedsUnknown('return_state');
      const useBias = a.bool(args, 'use_bias');
      const resetAfter = type === 'GRU' && a.bool(args, 'reset_after');
      return {
        units, gates: GATES[type], useBias, biasRows: resetAfter ? 2 : 1,
        returnSequences: a.bool(args, 'return_sequences'), goBackwards: a.bool(args, 'go_backwards'), activation: a.checkActivation(args),
        recurrentActivation: type === 'SimpleRNN' ? null : a.checkActivation(args, 'recurrent_activation'),
      };
    },
    build(cfg, [input], { layerName }) {
      if (input.length !== 3) {
        throw new KerasError('keras-input-rank', `Input 0 with name 'None' of layer '${layerName}' is incompatible with the layer: expected ndim=3, found ndim=${input.length}. Full shape received: ${formatShape(input)}`);
      }
      const features = input[2];
      if (features === null) {
        throw new KerasError('keras-unknown-dim', `Shapes used to initialize variables must be fully-defined (no \`None\` dimensions). Received: shape=(None, ${cfg.gates * cfg.units}) for variable path='${layerName}/${type.toLowerCase() === 'simplernn' ? 'simple_rnn' : type.toLowerCase()}_cell/kernel'`);
      }
      const width = cfg.gates * cfg.units;
      const params = features * width + cfg.units * width + (cfg.useBias ? cfg.biasRows * width : 0);
      const steps = knownProduct(input.slice(1, 2));
      return {
        outputShape: cfg.returnSequences ? [input[0], input[1], cfg.units] : [input[0], cfg.units],
        params: { trainable: params, nonTrainable: 0 },
        macs: steps === null ? null : steps * (features + cfg.units) * width,
        rf: 'unknown',
      };
    },
    weights(cfg, [input]) {
      const width = cfg.gates * cfg.units;
      const out: WeightSpec[] = [
        { name: 'kernel', shape: [input[2] as number, width], initializer: 'glorot_uniform', trainable: true },
        { name: 'recurrent_kernel', shape: [cfg.units, width], initializer: 'orthogonal', trainable: true },
      ];
      if (cfg.useBias) out.push({ name: 'bias', shape: cfg.biasRows === 2 ? [2, width] : [width], initializer: 'zeros', trainable: true });
      return out;
    },
    variablesPath: 'cell',
    lower(cfg, ctx) {
      return lowerRecurrent({
        op: type === 'SimpleRNN' ? 'RNN' : type, units: cfg.units, activation: cfg.activation, recurrentActivation: cfg.recurrentActivation,
        useBias: cfg.useBias, resetAfter: cfg.biasRows === 2, returnSequences: cfg.returnSequences, goBackwards: cfg.goBackwards,
      }, ctx);
    },
  };
}

export const SimpleRNN = makeRecurrent('SimpleRNN', 'Fully connected RNN: the output at each step is fed back to the next.', 'simple_rnn');
export const LSTM = makeRecurrent('LSTM', 'Long short-term memory: a recurrent layer with input, forget, cell and output gates.', 'lstm');
export const GRU = makeRecurrent('GRU', 'Gated recurrent unit: a recurrent layer with reset and update gates.', 'gru');
