/** Elementwise merges (Add, Subtract, Multiply, Average, Maximum, Minimum) and Concatenate. */
import * as a from './args';
import { canonicalAxis } from './axis';
import { elements, formatShape } from './shape';
import { onnxAxis, toKeras } from './onnx/layout';
import { Dim, KerasError, LayerKernel, LowerContext, Shape, TensorRef } from './types';

/** Inputs in one layout: kept channels-first when all are (same rank), else in Keras layout. */
export function commonLayout(ctx: LowerContext): TensorRef[] {
  const ins = ctx.inputs;
  const rank = ins[0].shape.length;
  if (ins.every((r) => r.channelsFirst && r.shape.length === rank)) return ins;
  return ins.map((r) => toKeras(ctx, r));
}

const MERGE_OPS: Record<string, string> = { Add: 'Sum', Subtract: 'Sub', Multiply: 'Mul', Average: 'Sum', Maximum: 'Max', Minimum: 'Min' };

function shapesText(shapes: Shape[]): string {
  return `[${shapes.map(formatShape).join(', ')}]`;
}

/** Keras Merge._compute_elemwise_op_output_shape: broadcast from the right, 1 and None are flexible. */
function elementwiseShape(s1: Shape, s2: Shape): Shape {
  if (s2.length > s1.length) return elementwiseShape(s2, s1);
  const out: Dim[] = s1.slice(0, s1.length - s2.length);
  const tail = s1.slice(s1.length - s2.length);
  tail.forEach((i, k) => {
    const j = s2[k];
    if (i === null || j === null) out.push(null);
    else if (i === 1) out.push(j);
    else if (j === 1) out.push(i);
    else if (i !== j) throw new KerasError('keras-merge-shape', `Inputs have incompatible shapes. Received shapes ${formatShape(s1)} and ${formatShape(s2)}`);
    else out.push(i);
  });
  return out;
}

function makeMerge(type: string, verb: string, exactlyTwo = false): LayerKernel<Record<string, never>> {
  return {
    type,
    family: 'merge',
    description: `${type}: ${verb} a list of tensors of the same (broadcastable) shape, elementwise.`,
    docUrl: `https://keras.io/api/layers/merging_layers/${type.toLowerCase()}/`,
    params: [],
    takesList: true,
    configure: () => ({}),
    build(_cfg, inputs, { layerName }) {
      if (exactlyTwo && inputs.length !== 2) {
        throw new KerasError('keras-merge-arity', `A \`Subtract\` layer should be called on exactly 2 inputs. Received: inputs=${shapesText(inputs)}`);
      }
      if (inputs.length < 1) {
        throw new KerasError('keras-merge-arity', `A merge layer should be called on a list of inputs. Received: input_shape=[] (layer "${layerName}")`);
      }
      const out = inputs.slice(1).reduce(elementwiseShape, inputs[0]);
      const n = elements(out);
      const macs = type === 'Average' || type === 'Multiply' ? (n === null ? null : n * (inputs.length - 1)) : 0;
      return { outputShape: out, params: { trainable: 0, nonTrainable: 0 }, macs, rf: 'merge' };
    },
    lower(_cfg, ctx) {
      const g = ctx.graph;
      const ins = commonLayout(ctx);
      const names = ins.map((r) => r.name);
      const op = MERGE_OPS[type];
      let out: string;
      if (op === 'Mul') out = names.slice(1).reduce((acc, x, i) => g.node('Mul', [acc, x], {}, i === names.length - 2 ? ctx.layerName : undefined), names[0]);
      else if (type === 'Average') out = g.node('Mul', [g.node('Sum', names), g.scalar(`${ctx.layerName}/inv_n`, 1 / names.length)], {}, ctx.layerName);
      else out = g.node(op, names, {}, ctx.layerName);
      return { name: out, shape: ctx.outputShape, channelsFirst: ins[0].channelsFirst };
    },
  };
}

export const Add = makeMerge('Add', 'adds');
export const Subtract = makeMerge('Subtract', 'subtracts the second of two', true);
export const Multiply = makeMerge('Multiply', 'multiplies');
export const Average = makeMerge('Average', 'averages');
export const Maximum = makeMerge('Maximum', 'takes the maximum of');
export const Minimum = makeMerge('Minimum', 'takes the minimum of');

export const Concatenate: LayerKernel<{ axis: number }> = {
  type: 'Concatenate',
  family: 'merge',
  description: 'Concatenates a list of tensors along one axis (default: the last, i.e. channels).',
  docUrl: 'https://keras.io/api/layers/merging_layers/concatenate/',
  params: [{ name: 'axis', default: -1 }],
  takesList: true,
  configure: (args) => ({ axis: a.int(args, 'axis') }),
  build(cfg, inputs, { layerName }) {
    if (inputs.length < 1) {
      throw new KerasError('keras-merge-arity', 'A `Concatenate` layer should be called on a list of at least 1 input.');
    }
    const rank = inputs[0].length;
    const mismatch = () => new KerasError(
      'keras-merge-shape',
      `A \`Concatenate\` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=${shapesText(inputs)}`,
    );
    if (inputs.some((s) => s.length !== rank)) throw mismatch();
    const axis = canonicalAxis(cfg.axis, rank, layerName, inputs[0]);
    const out: Dim[] = [];
    for (let i = 0; i < rank; i++) {
      const dims = inputs.map((s) => s[i]);
      if (i === axis) {
        out.push(dims.some((d) => d === null) ? null : (dims as number[]).reduce((p, d) => p + d, 0));
        continue;
      }
      const known = dims.filter((d): d is number => d !== null);
      if (i !== 0 && known.some((d) => d !== known[0])) throw mismatch();
      out.push(known.length === dims.length ? known[0] : known[0] ?? null);
    }
    const spatialAxis = axis !== 0 && axis !== rank - 1 && rank >= 3;
    return { outputShape: out, params: { trainable: 0, nonTrainable: 0 }, macs: 0, rf: spatialAxis ? 'unknown' : 'merge' };
  },
  lower(cfg, ctx) {
    const ins = commonLayout(ctx);
    const rank = ins[0].shape.length;
    const axis = onnxAxis(ins[0], cfg.axis < 0 ? cfg.axis + rank : cfg.axis);
    return { name: ctx.graph.node('Concat', ins.map((r) => r.name), { axis }, ctx.layerName), shape: ctx.outputShape, channelsFirst: ins[0].channelsFirst };
  },
};
