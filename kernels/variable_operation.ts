/**
 * `x * self.scale` inside a custom layer: an elementwise operation between a tensor and one of the
 * layer's own variables (`add_weight`), broadcast as numpy does. Not a Keras layer: it is how the
 * custom layer's `call` uses its variable, and the variable's params belong to that layer.
 */
import { toKeras } from './onnx/layout';
import { elements } from './shape';
import { KerasError, LayerKernel, type ArgValue, type Shape } from './types';

export type VariableOp = '+' | '-' | '*' | '/';

export interface VariableOperationConfig {
  op: VariableOp;
  /** The variable's shape. */
  shape: number[];
  /** `x * v` (true) or `v * x` (false): matters for - and /. */
  tensorFirst: boolean;
  initializer: ArgValue;
  trainable: boolean;
}

/** numpy broadcasting; null when an axis is unknown on both sides, throws when incompatible. */
export function broadcastShapes(a: Shape, b: readonly number[]): Shape {
  const n = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < n; i++) {
    const ia = a.length - n + i;
    const ib = b.length - n + i;
    const x = ia >= 0 ? a[ia] : 1;
    const y = ib >= 0 ? b[ib] : 1;
    if (x === 1) out.push(y);
    else if (y === 1 || x === y) out.push(x);
    else if (x === null) out.push(y);
    else throw new KerasError('keras-broadcast', `Cannot broadcast shape (${a.map((d) => d ?? 'None').join(', ')}) with the variable of shape (${b.join(', ')})`);
  }
  return out;
}

const ONNX_OP: Record<VariableOp, string> = { '+': 'Add', '-': 'Sub', '*': 'Mul', '/': 'Div' };

export const VariableOperation: LayerKernel<VariableOperationConfig> = {
  type: 'VariableOperation',
  family: 'merge',
  description: "An elementwise operation with one of a custom layer's own variables.",
  docUrl: 'https://keras.io/api/layers/base_layer/#addweight-method',
  params: [],
  configure: () => {
    throw new Error('VariableOperation is made by the tracer, not constructed');
  },
  build: (cfg, [input]) => {
    const outputShape = broadcastShapes(input, cfg.shape);
    return { outputShape, params: { trainable: 0, nonTrainable: 0 }, macs: elements(outputShape), rf: 'identity' };
  },
  weights: (cfg) => [{ name: 'variable', shape: cfg.shape, initializer: cfg.initializer, trainable: cfg.trainable }],
  lower(cfg, ctx) {
    const x = toKeras(ctx, ctx.inputs[0]);
    // The receptive-field probe linearises the model: an added constant is dropped there.
    if (ctx.linear && (cfg.op === '+' || cfg.op === '-')) return x;
    const v = ctx.graph.weight(`${ctx.layerName}/variable`, cfg.shape, ctx.weights[0]);
    const operands = cfg.tensorFirst ? [x.name, v] : [v, x.name];
    return { name: ctx.graph.node(ONNX_OP[cfg.op], operands, {}, ctx.layerName), shape: ctx.outputShape, channelsFirst: false };
  },
};
