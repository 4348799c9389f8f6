/**
 * The functions people call on tensors in model code (`keras.ops`, `keras.ops.nn`, `keras.ops.image`,
 * `keras.activations`, `keras.backend`, and their `tf.*`, `tf.nn.*`, `tf.math.*`, `tf.image.*`
 * equivalents): each keeps or computes its output shape as Keras' op does. In Keras 3 these are
 * operations, not layers: they take automatic names from the same counters as layers (`ops.maximum`
 * is `maximum`, like a Maximum layer) and are absent from `model.layers`.
 *
 * A TensorFlow function given a Keras tensor of a functional graph is an error in Keras 3 (a
 * KerasTensor cannot be used as input to a TensorFlow function); inside a layer's `call` or a
 * Lambda's function it receives backend tensors, and works.
 */
import type { SyntaxNode } from '@lezer/common';
import type { Shape } from '../../../kernels/types';
import type { SymTensor } from '../graph';
import type { Interpreter } from './interpreter';
import { applyElementwiseOp, callLayer, constructLayer, shapedOperation, shapeValue } from './layer_calls';
import { float, isNumber, iterate, str, Value } from './values';
import { reportRefusal } from './keras3_refusals';
import type { Span } from '../source';
import { makeRunnable, tensorOperation } from './tensor_function_ops';

/** Elementwise functions ConvLens can also run (an activation of the same name). */
const RUNNABLE_UNARY: Record<string, string> = {
  relu: 'relu', relu6: 'relu6', sigmoid: 'sigmoid', tanh: 'tanh', gelu: 'gelu', silu: 'silu', swish: 'swish', elu: 'elu', selu: 'selu',
  softplus: 'softplus', softsign: 'softsign', leaky_relu: 'leaky_relu', hard_sigmoid: 'hard_sigmoid', hard_silu: 'hard_silu', hard_swish: 'hard_swish',
  softmax: 'softmax', log_softmax: 'log_softmax', mish: 'mish', exp: 'exp', abs: 'abs', square: 'square', sqrt: 'sqrt', negative: 'negative',
};

/** Elementwise functions that keep the shape (Keras op name for each; `tf` names mapped to Keras'). */
const SHAPE_KEEPING: Record<string, string> = {
  log: 'log', log1p: 'log1p', expm1: 'expm1', sin: 'sin', cos: 'cos', tan: 'tan', sign: 'sign', round: 'round', floor: 'floor', ceil: 'ceil',
  reciprocal: 'reciprocal', rsqrt: 'rsqrt', cast: 'cast', stop_gradient: 'stop_gradient', identity: 'identity', clip: 'clip', clip_by_value: 'clip',
  normalize: 'normalize', l2_normalize: 'l2_normalize', erf: 'erf', logical_not: 'logical_not', sigmoid: 'sigmoid', ones_like: 'ones_like', zeros_like: 'zeros_like',
};

/** Two operands broadcast together. */
const BINARY: Record<string, string> = {
  add: 'add', subtract: 'subtract', multiply: 'multiply', divide: 'divide', true_divide: 'true_divide', maximum: 'maximum', minimum: 'minimum',
  power: 'power', pow: 'power', squared_difference: 'squared_difference', floor_divide: 'floor_divide', mod: 'mod',
};

/** Reductions along axes (`tf.reduce_mean` is `mean`). */
const REDUCTIONS: Record<string, string> = {
  mean: 'mean', sum: 'sum', max: 'max', min: 'min', prod: 'prod', std: 'std', var: 'var', any: 'any', all: 'all', logsumexp: 'logsumexp',
  reduce_mean: 'mean', reduce_sum: 'sum', reduce_max: 'max', reduce_min: 'min', reduce_prod: 'prod', reduce_std: 'std', reduce_variance: 'var',
  reduce_any: 'any', reduce_all: 'all', reduce_logsumexp: 'logsumexp', argmax: 'argmax', argmin: 'argmin',
};

/** The namespaces this catalogue reads, and whether they are TensorFlow's. */
function namespaceOf(path: string): { name: string; tensorflow: boolean } | null {
  const m = /^(keras\.ops(?:\.nn|\.numpy|\.math|\.image)?|keras\.activations|keras\.backend|keras\.random|tensorflow(?:\.nn|\.math|\.image|\.random)?)\.([A-Za-z_0-9]+)$/.exec(path);
  if (!m) return null;
  return { name: m[2], tensorflow: !m[1].startsWith('keras') };
}

const arg = (args: Value[], kwargs: Map<string, Value>, i: number, ...names: string[]): Value | undefined => {
  for (const n of names) if (kwargs.has(n)) return kwargs.get(n);
  return args[i];
};

const intOf = (v: Value | undefined): number | null => (v?.t === 'int' ? v.v : v?.t === 'bool' ? Number(v.v) : null);

/** A tuple/list of ints (-1 and None allowed as given), or null. */
function intsOf(it: Interpreter, v: Value | undefined): (number | null)[] | null {
  if (!v) return null;
  if (v.t === 'int') return [v.v];
  if (v.t !== 'tuple' && v.t !== 'list') return null;
  const items = iterate(v, it.ctx);
  if (!items || !items.every((d) => d.t === 'int' || d.t === 'none')) return null;
  return items.map((d) => (d.t === 'int' ? d.v : null));
}

function tensorsOf(it: Interpreter, v: Value | undefined): SymTensor[] | null {
  if (!v || (v.t !== 'list' && v.t !== 'tuple')) return null;
  const items = iterate(v, it.ctx);
  if (!items || !items.length || !items.every((x) => x.t === 'tensor')) return null;
  return items.map((x) => (x as { tensor: SymTensor }).tensor);
}

function axisIndex(axis: number, rank: number): number | null {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : null;
}

function broadcast(a: Shape, b: Shape): Shape | null {
  const n = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < n; i++) {
    const x = a.length - n + i >= 0 ? a[a.length - n + i] : 1;
    const y = b.length - n + i >= 0 ? b[b.length - n + i] : 1;
    if (x === 1) out.push(y);
    else if (y === 1 || x === y) out.push(x);
    else if (x === null || y === null) out.push(null);
    else return null;
  }
  return out;
}

/** numpy's reshape with at most one -1: null when it cannot be known (or Keras would refuse). */
function reshaped(input: Shape, target: (number | null)[]): Shape | null {
  if (target.some((d) => d === null || d < -1) || target.filter((d) => d === -1).length > 1) return null;
  if (!target.includes(-1)) return target;
  const known = input.every((d) => d !== null);
  if (!known) return target.map((d) => (d === -1 ? null : d));
  const total = (input as number[]).reduce((p, d) => p * d, 1);
  const rest = (target as number[]).filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  if (rest === 0 || total % rest !== 0) return null;
  return target.map((d) => (d === -1 ? total / rest : d));
}

function reduced(it: Interpreter, input: Shape, axisValue: Value | undefined, keepdims: boolean): Shape | null {
  if (!axisValue || axisValue.t === 'none') return keepdims ? input.map(() => 1) : [];
  const axes = intsOf(it, axisValue);
  if (!axes || axes.some((a) => a === null)) return null;
  const idx = axes.map((a) => axisIndex(a!, input.length));
  if (idx.some((a) => a === null)) return null;
  return keepdims ? input.map((d, i) => (idx.includes(i) ? 1 : d)) : input.filter((_, i) => !idx.includes(i));
}

/** The output shape of function `name`, or undefined when it is not in the catalogue. */
function outputShape(it: Interpreter, name: string, tensors: SymTensor[], args: Value[], kwargs: Map<string, Value>): Shape | null | undefined {
  const x = tensors[0].shape;
  if (name in SHAPE_KEEPING || name in RUNNABLE_UNARY) return x;
  if (name in BINARY) {
    const other = args[1] ?? kwargs.get('x2') ?? kwargs.get('y');
    if (other && isNumber(other)) return x;
    if (other?.t === 'tensor' && x && other.tensor.shape) return broadcast(x, other.tensor.shape);
    return null;
  }
  if (!x) return null;
  if (name in REDUCTIONS) {
    const argReduction = name === 'argmax' || name === 'argmin';
    const keep = argReduction ? false : kwargs.get('keepdims') ?? kwargs.get('keep_dims') ?? args[2];
    if (keep && keep.t !== 'bool') return null;
    return reduced(it, x, arg(args, kwargs, 1, 'axis'), keep ? keep.v as boolean : false);
  }
  switch (name) {
    case 'reshape': {
      const target = intsOf(it, arg(args, kwargs, 1, 'newshape', 'new_shape', 'shape'));
      return target ? reshaped(x, target) : null;
    }
    case 'expand_dims': {
      const axis = intOf(arg(args, kwargs, 1, 'axis'));
      if (axis === null) return null;
      const at = axisIndex(axis, x.length + 1);
      return at === null ? null : [...x.slice(0, at), 1, ...x.slice(at)];
    }
    case 'squeeze': {
      const axisValue = arg(args, kwargs, 1, 'axis');
      if (!axisValue || axisValue.t === 'none') return x.includes(null) ? null : x.filter((d) => d !== 1);
      const axes = intsOf(it, axisValue);
      const idx = axes?.map((a) => (a === null ? null : axisIndex(a, x.length)));
      if (!idx || idx.some((a) => a === null || x[a] !== 1)) return null;
      return x.filter((_, i) => !idx.includes(i));
    }
    case 'transpose': {
      const perm = intsOf(it, arg(args, kwargs, 1, 'axes', 'perm'));
      if (!perm) return arg(args, kwargs, 1, 'axes', 'perm') ? null : [...x].reverse();
      if (perm.length !== x.length || perm.some((p) => p === null || axisIndex(p, x.length) === null)) return null;
      return perm.map((p) => x[axisIndex(p!, x.length)!]);
    }
    case 'flatten': case 'ravel':
      return [x.every((d) => d !== null) ? (x as number[]).reduce((p, d) => p * d, 1) : null];
    case 'resize': {
      const size = intsOf(it, arg(args, kwargs, 1, 'size'));
      if (!size || size.length !== 2 || size.some((d) => d === null || d < 1) || x.length !== 4) return null;
      const format = kwargs.get('data_format');
      if (format?.t === 'str' && format.v === 'channels_first') return [x[0], x[1], size[0], size[1]];
      return [x[0], size[0], size[1], x[3]];
    }
    case 'depth_to_space': case 'space_to_depth': {
      const block = intOf(arg(args, kwargs, 1, 'block_size'));
      if (block === null || block < 2 || x.length !== 4) return null;
      const [b, h, w, c] = x;
      if (name === 'depth_to_space') return c !== null && c % (block * block) !== 0 ? null : [b, h === null ? null : h * block, w === null ? null : w * block, c === null ? null : c / (block * block)];
      return (h !== null && h % block) || (w !== null && w % block) ? null : [b, h === null ? null : h / block, w === null ? null : w / block, c === null ? null : c * block * block];
    }
    default:
      return undefined;
  }
}

/** concatenate / stack / concat of a list of tensors. */
function joinedShape(it: Interpreter, name: string, tensors: SymTensor[], axisValue: Value | undefined): Shape | null {
  const shapes = tensors.map((t) => t.shape);
  if (shapes.some((s) => !s) || !shapes.every((s) => s!.length === shapes[0]!.length)) return null;
  const rank = shapes[0]!.length;
  const axis = intOf(axisValue);
  if (axis === null) return null;
  if (name === 'stack') {
    const at = axisIndex(axis, rank + 1);
    if (at === null) return null;
    const same = shapes[0]!.map((_, i) => (shapes.every((s) => s![i] === shapes[0]![i]) ? shapes[0]![i] : null));
    return [...same.slice(0, at), tensors.length, ...same.slice(at)];
  }
  const at = axisIndex(axis, rank);
  if (at === null) return null;
  return shapes[0]!.map((_, i) => {
    if (i === at) return shapes.some((s) => s![i] === null) ? null : shapes.reduce((p, s) => p + (s![i] as number), 0);
    return shapes.find((s) => s![i] !== null)?.[i] ?? null;
  });
}

/** Graph tensors of a functional model (not the detached ones a Lambda's function is traced on). */
function inFunctionalGraph(it: Interpreter, t: SymTensor): boolean {
  if (it.ctx.owners.length > 0) return false;
  let x: SymTensor | undefined = t;
  for (let steps = 0; x && steps < 10_000; steps++) {
    if (!x.producer) return false;
    if (x.producer.layer.kernel?.family === 'input') return true;
    x = x.producer.inputs[0];
  }
  return false;
}

const JOINS: Record<string, string> = { concatenate: 'concatenate', concat: 'concatenate', stack: 'stack' };

/**
 * `path` (already canonical) called on tensors: the operation's output, or null when `path` is not a
 * function of the catalogue or its first argument is not a tensor (the caller goes on).
 */
export function callTensorFunction(it: Interpreter, path: string, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode): Value | null {
  const preprocessing = /^keras\.applications\.(\w+)\.preprocess_input$/.exec(path);
  if (preprocessing) return preprocessInput(it, preprocessing[1], args, kwargs, site);
  const ns = namespaceOf(path);
  if (!ns) return null;
  const { name } = ns;
  const drawn = randomDraw(it, path, name, args, kwargs);
  if (drawn) return drawn;
  // ops.shape(x), tf.shape(x): the batch axis None, the others as known.
  if (name === 'shape' && args[0]?.t === 'tensor' && args.length === 1) return shapeValue(args[0].tensor.shape, false);
  const first = args[0] ?? kwargs.get('x') ?? kwargs.get('inputs') ?? kwargs.get('images') ?? kwargs.get('values') ?? kwargs.get('xs') ?? kwargs.get('tensor') ?? kwargs.get('input');
  const joined = name in JOINS ? tensorsOf(it, first) : null;
  const second = args[1] ?? kwargs.get('x2') ?? kwargs.get('y');
  let tensors: SymTensor[] | null = joined ?? (first?.t === 'tensor' ? [first.tensor] : null);
  // 2 * x, ops.add(1, x): a number first, a tensor second.
  if (!tensors && name in BINARY && first && isNumber(first) && second?.t === 'tensor') tensors = [second.tensor];
  if (!tensors) return null;
  const span = it.ctx.span(site);
  if (ns.tensorflow && tensors.some((t) => inFunctionalGraph(it, t))) {
    reportRefusal(it.ctx, 'keras-tensor-in-tensorflow', `A KerasTensor cannot be used as input to a TensorFlow function. A KerasTensor is a symbolic placeholder for a shape and dtype, used when constructing Keras Functional models or Keras Functions. You can only use it as input to a Keras layer or a Keras operation (from the namespaces \`keras.layers\` and \`keras.ops\`). Use \`keras.ops.${JOINS[name] ?? REDUCTIONS[name] ?? BINARY[name] ?? name}\` or wrap it in a Layer.`, span);
    return { t: 'unknown', why: `${path}() on a Keras tensor` };
  }
  if (joined) {
    const axis = arg(args, kwargs, 1, 'axis') ?? (ns.tensorflow ? undefined : { t: 'int', v: 0 });
    const out = shapedOperation(it, `${path}()`, joined, joinedShape(it, name, joined, axis), span, JOINS[name]);
    return makeRunnable(out, tensorOperation(path, name, args, kwargs, axis));
  }
  const inputs = name in BINARY && second?.t === 'tensor' && first?.t === 'tensor' ? [first.tensor, second.tensor] : tensors;
  if (name in RUNNABLE_UNARY && !(name in BINARY) && !kwargs.size && args.length === 1) {
    return applyElementwiseOp(it, RUNNABLE_UNARY[name], tensors[0], span);
  }
  const shape = outputShape(it, name, tensors, args, kwargs);
  if (shape === undefined) return null;
  const opName = SHAPE_KEEPING[name] ?? BINARY[name] ?? REDUCTIONS[name] ?? name;
  return makeRunnable(shapedOperation(it, `${path}()`, inputs, shape, span, opName), tensorOperation(path, name, args, kwargs, undefined));
}

/** Each application module's preprocessing mode (imagenet_utils' `mode`); absent: the input as is. */
const PREPROCESS_MODES: Record<string, 'caffe' | 'tf' | 'torch' | 'identity'> = {
  resnet50: 'caffe', resnet: 'caffe', vgg16: 'caffe', vgg19: 'caffe', imagenet_utils: 'caffe',
  resnet_v2: 'tf', mobilenet: 'tf', mobilenet_v2: 'tf', xception: 'tf', inception_v3: 'tf', inception_resnet_v2: 'tf', nasnet: 'tf',
  densenet: 'torch',
  efficientnet: 'identity', efficientnet_v2: 'identity', convnext: 'identity', mobilenet_v3: 'identity', regnet: 'identity',
};

/**
 * The operations Keras 3.15 records for `preprocess_input` on a Keras tensor (channels_last), in
 * order: caffe flips RGB to BGR (three get_item and a stack) and adds the mean; tf scales to [-1, 1];
 * torch scales and normalises. They take automatic names like any operation.
 */
const PREPROCESS_OPS: Record<'caffe' | 'tf' | 'torch', string[]> = {
  caffe: ['get_item', 'get_item', 'get_item', 'stack', 'add'],
  tf: ['true_divide', 'subtract'],
  torch: ['true_divide', 'add', 'true_divide'],
};

function preprocessInput(it: Interpreter, module: string, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode): Value | null {
  const x = args[0] ?? kwargs.get('x');
  if (x?.t !== 'tensor') return null;
  let mode = PREPROCESS_MODES[module];
  const given = kwargs.get('mode') ?? (module === 'imagenet_utils' ? args[2] : undefined);
  if (module === 'imagenet_utils' && given) mode = given.t === 'str' && given.v in PREPROCESS_OPS ? (given.v as typeof mode) : (undefined as never);
  const format = kwargs.get('data_format') ?? (module === 'imagenet_utils' ? args[1] : undefined);
  if (!mode || (format && format.t !== 'none' && !(format.t === 'str' && format.v === 'channels_last'))) return null;
  if (mode === 'identity') return x;
  const span = it.ctx.span(site);
  const shape = x.tensor.shape;
  let out: Value = x;
  if (mode === 'caffe') {
    const channels = [0, 1, 2].map(() => shapedOperation(it, 'preprocess_input', [x.tensor], shape ? shape.slice(0, -1) : null, span, 'get_item'));
    out = shapedOperation(it, 'preprocess_input', channels.map((c) => (c as { tensor: SymTensor }).tensor), shape, span, 'stack');
    return shapedOperation(it, 'preprocess_input', [(out as { tensor: SymTensor }).tensor], shape, span, 'add');
  }
  if (mode === 'tf') {
    // x / 127.5 - 1: two affine operations ConvLens can also run (as rescalings).
    const scaled = affineOperation(it, x.tensor, 1 / 127.5, 0, 'true_divide', span);
    return { t: 'tensor', tensor: affineOperation(it, scaled, 1, -1, 'subtract', span) };
  }
  for (const op of PREPROCESS_OPS[mode]) out = shapedOperation(it, 'preprocess_input', [(out as { tensor: SymTensor }).tensor], shape, span, op);
  return out;
}

const RANDOM_DRAWS = new Set(['normal', 'uniform', 'truncated_normal', 'random_normal', 'random_uniform', 'randint', 'categorical']);

/**
 * keras.random.normal(shape=(batch, dim)) and its tf / backend forms: a tensor of that shape that
 * depends on no input (a None axis stays None). Only where a shape is given as a tuple.
 */
function randomDraw(it: Interpreter, path: string, name: string, args: Value[], kwargs: Map<string, Value>): Value | null {
  if (!RANDOM_DRAWS.has(name) || !/\.(random|backend)\.[a-z_]+$/.test(path) || name === 'categorical') return null;
  const given = kwargs.get('shape') ?? args[0];
  if (!given || (given.t !== 'tuple' && given.t !== 'list')) return null;
  const items = iterate(given, it.ctx);
  if (!items || !items.every((d) => d.t === 'int' || d.t === 'none' || d.t === 'unknown')) return null;
  const shape = items.map((d) => (d.t === 'int' ? d.v : null));
  return { t: 'tensor', tensor: it.ctx.tensor(shape, null) };
}

/** x * scale + offset recorded as Keras' operation `opName` (TrueDivide, Subtract ...), lowered as a rescaling. */
function affineOperation(it: Interpreter, x: SymTensor, scale: number, offset: number, opName: string, span: Span): SymTensor {
  const name = str(it.ctx.names.auto(opName));
  const layer = constructLayer(it, 'Rescaling', [float(scale)], new Map([['offset', float(offset)], ['name', name]]), span);
  layer.type = opName.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  layer.isOperation = true;
  return callLayer(it.ctx, layer, [x], span).output;
}
