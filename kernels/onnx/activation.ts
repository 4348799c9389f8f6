/** Keras activation functions as ONNX nodes (opset 13). Elementwise: any layout works. */
import { LoweringError, type LowerContext, type TensorRef } from '../types';
import { onnxAxis } from './layout';

function elementwise(ctx: LowerContext, x: TensorRef, build: (name: string) => string): TensorRef {
  return { ...x, name: build(x.name) };
}

export function applyActivation(ctx: LowerContext, x: TensorRef, activation: string | null): TensorRef {
  if (ctx.linear) return x;
  const g = ctx.graph;
  const n = ctx.layerName;
  switch (activation ?? 'linear') {
    case 'linear':
      return x;
    case 'relu':
      return elementwise(ctx, x, (i) => g.node('Relu', [i], {}, `${n}/relu`));
    case 'relu6':
      return elementwise(ctx, x, (i) => g.node('Clip', [i, g.scalar(`${n}/zero`, 0), g.scalar(`${n}/six`, 6)], {}, `${n}/relu6`));
    case 'sigmoid':
      return elementwise(ctx, x, (i) => g.node('Sigmoid', [i], {}, `${n}/sigmoid`));
    case 'tanh':
      return elementwise(ctx, x, (i) => g.node('Tanh', [i], {}, `${n}/tanh`));
    case 'elu':
      return elementwise(ctx, x, (i) => g.node('Elu', [i], { alpha: { float: 1 } }, `${n}/elu`));
    case 'selu':
      return elementwise(ctx, x, (i) => g.node('Selu', [i], {}, `${n}/selu`));
    case 'softplus':
      return elementwise(ctx, x, (i) => g.node('Softplus', [i], {}, `${n}/softplus`));
    case 'softsign':
      return elementwise(ctx, x, (i) => g.node('Softsign', [i], {}, `${n}/softsign`));
    case 'exponential': case 'exp':
      return elementwise(ctx, x, (i) => g.node('Exp', [i], {}, `${n}/exp`));
    // Elementwise keras.ops functions recorded as operations (ops.abs(x), ...).
    case 'abs':
      return elementwise(ctx, x, (i) => g.node('Abs', [i], {}, `${n}/abs`));
    case 'square':
      return elementwise(ctx, x, (i) => g.node('Mul', [i, i], {}, `${n}/square`));
    case 'sqrt':
      return elementwise(ctx, x, (i) => g.node('Sqrt', [i], {}, `${n}/sqrt`));
    case 'negative':
      return elementwise(ctx, x, (i) => g.node('Neg', [i], {}, `${n}/negative`));
    case 'leaky_relu':
      // keras.activations.leaky_relu defaults to negative_slope=0.2.
      return elementwise(ctx, x, (i) => g.node('LeakyRelu', [i], { alpha: { float: 0.2 } }, `${n}/leaky_relu`));
    case 'hard_sigmoid':
      // Keras 3: relu6(x + 3) / 6.
      return elementwise(ctx, x, (i) => g.node('HardSigmoid', [i], { alpha: { float: 1 / 6 }, beta: { float: 0.5 } }, `${n}/hard_sigmoid`));
    case 'hard_swish': case 'hard_silu':
      return elementwise(ctx, x, (i) => g.node('Mul', [i, g.node('HardSigmoid', [i], { alpha: { float: 1 / 6 }, beta: { float: 0.5 } })], {}, `${n}/hard_swish`));
    case 'swish': case 'silu':
      return elementwise(ctx, x, (i) => g.node('Mul', [i, g.node('Sigmoid', [i])], {}, `${n}/swish`));
    case 'gelu': {
      // Keras' gelu defaults to the exact form: 0.5 * x * (1 + erf(x / sqrt(2))).
      return elementwise(ctx, x, (i) => {
        const erf = g.node('Erf', [g.node('Mul', [i, g.scalar(`${n}/inv_sqrt2`, Math.SQRT1_2)])]);
        const onePlus = g.node('Add', [erf, g.scalar(`${n}/one`, 1)]);
        return g.node('Mul', [g.node('Mul', [i, onePlus]), g.scalar(`${n}/half`, 0.5)], {}, `${n}/gelu`);
      });
    }
    case 'mish':
      return elementwise(ctx, x, (i) => g.node('Mul', [i, g.node('Tanh', [g.node('Softplus', [i])])], {}, `${n}/mish`));
    case 'softmax': case 'log_softmax':
      return softmax(ctx, x, -1, activation === 'log_softmax');
    default:
      throw new LoweringError(`the activation "${activation}" cannot be lowered to ONNX yet`);
  }
}

/** Softmax over one Keras axis (ONNX 13 Softmax takes a single axis). */
export function softmax(ctx: LowerContext, x: TensorRef, axis: number, log = false): TensorRef {
  if (ctx.linear) return x;
  const rank = x.shape.length;
  const a = onnxAxis(x, axis < 0 ? axis + rank : axis);
  return { ...x, name: ctx.graph.node(log ? 'LogSoftmax' : 'Softmax', [x.name], { axis: a }, `${ctx.layerName}/${log ? 'log_softmax' : 'softmax'}`) };
}
