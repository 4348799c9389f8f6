/** Building layer objects from constructor calls and applying them to symbolic tensors. */
import { beforeMapSet, beforeWrite } from './checkpoint';
import type { SyntaxNode } from '@lezer/common';
import { pyRepr } from '../../../kernels/args';
import { kernelFor } from '../../../kernels/registry';
import { InexactSize } from '../../../kernels/shape';
import { ArgValue, BoundArgs, BuildResult, KerasError, LayerKernel, NeedsUnknown, ParamSpec, Shape, UNKNOWN } from '../../../kernels/types';
import { isNumpyScalar } from './arrays';
import type { LayerCall, LayerInstance, SymTensor } from '../graph';
import type { Span } from '../source';
import { LAYER_STEPS } from './budget';
import type { TraceContext } from './context';
import { exactSizes, inexactMessage } from './exact_sizes';
import type { Interpreter } from './interpreter';
import { toSnakeCase } from './naming';
import { float, int, list, NONE, str, tuple, unknown, Value, type InstanceValue } from './values';
import { broadcastShapes, VariableOperation, type VariableOp } from '../../../kernels/variable_operation';
import { callValue } from './calls';
import { argumentsKeyPart, deepFreeze, rememberBuild, rememberConfig, rememberedBuild, rememberedConfig } from './layer_memo';
import { literalKeyPart } from './literal_arguments';

/** Keyword arguments every Keras layer accepts (base Layer.__init__ and Keras-2 input hints). */
const BASE_KWARGS = new Set(['name', 'dtype', 'trainable', 'autocast', 'activity_regularizer', 'input_shape', 'batch_input_shape', 'batch_size', 'input_dim', 'weights', 'seed']);

/** Libraries whose names passed as arguments are functions or classes (activation=tf.nn.relu). */
const LIBRARIES = new Set(['keras', 'tensorflow', 'tf_keras', 'numpy', 'math', 'jax', 'torch']);

export function toArgValue(v: Value): ArgValue {
  switch (v.t) {
    case 'int': case 'float': return v.v;
    case 'str': return v.v;
    case 'bool': return v.v;
    case 'none': return null;
    case 'tuple': case 'list': return v.items.map(toArgValue);
    case 'func': return { kind: 'object', name: v.isLambda ? 'lambda' : v.name };
    case 'builtin': return { kind: 'object', name: v.name };
    // A name from the user's own modules (from config import NUM_CLASSES) may be any value.
    case 'module': return LIBRARIES.has(v.path.split('.')[0]) ? { kind: 'object', name: v.path.split('.').pop()! } : UNKNOWN;
    case 'object': return { kind: 'object', name: v.name, args: v.args ? Object.fromEntries([...v.args].map(([k, x]) => [k, toArgValue(x)])) : undefined };
    case 'layer': return { kind: 'object', name: v.layer.type };
    // A NumPy scalar passes where Keras converts with int() or float() (Conv2D(np.int64(3), 3)).
    case 'array': return isNumpyScalar(v) && v.value !== undefined ? v.value : UNKNOWN;
    default: return UNKNOWN;
  }
}

/**
 * An argument as the kernel sees it. Where Keras insists on a Python int, a NumPy scalar is an
 * object the kernel refuses, printed as Python prints it (its value), with the cause beside it.
 */
function argumentOf(param: ParamSpec, v: Value): ArgValue {
  if (param.tupleOnly && v.t === 'list') return { kind: 'object', name: 'list' };
  if (!param.pythonIntOnly || !isNumpyScalar(v)) return toArgValue(v);
  const kind = `a NumPy ${v.dtype ?? ''} scalar, not a Python int: use int(...)`.replace('  ', ' ');
  return { kind: 'object', name: v.value === undefined ? `<${kind}>` : `${v.value} (${kind})` };
}

function bindArgs(kernel: LayerKernel<any>, args: Value[], kwargs: Map<string, Value>, format: TraceContext['imageDataFormat']): BoundArgs {
  const values = new Map<string, ArgValue>();
  const given = new Set<string>();
  const required = kernel.params.filter((p) => p.default === undefined).length;
  if (args.length > kernel.params.length) {
    throw new KerasError(
      'keras-arg-count',
      `${kernel.type}.__init__() takes from ${required + 1} to ${kernel.params.length + 1} positional arguments but ${args.length + 1} were given`,
    );
  }
  kernel.params.forEach((p, i) => {
    if (i < args.length) {
      if (kwargs.has(p.name)) throw new KerasError('keras-arg-count', `${kernel.type}.__init__() got multiple values for argument '${p.name}'`);
      values.set(p.name, argumentOf(p, args[i]));
      given.add(p.name);
    } else if (kwargs.has(p.name)) {
      values.set(p.name, argumentOf(p, kwargs.get(p.name)!));
      given.add(p.name);
    } else if (p.default !== undefined) values.set(p.name, p.default);
  });
  for (const p of kernel.popped ?? []) {
    if (kwargs.has(p.name)) {
      values.set(p.name, toArgValue(kwargs.get(p.name)!));
      given.add(p.name);
    } else if (p.default !== undefined) values.set(p.name, p.default);
  }
  const missing = kernel.params.filter((p) => p.default === undefined && !values.has(p.name)).map((p) => `'${p.name}'`);
  if (missing.length) {
    throw new KerasError(
      'keras-arg-count',
      `${kernel.type}.__init__() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${missing.join(' and ')}`,
    );
  }
  const extra: string[] = [];
  for (const [k, v] of kwargs) {
    if (values.has(k) && given.has(k)) continue;
    if (BASE_KWARGS.has(k)) {
      values.set(k, toArgValue(v));
      given.add(k);
    } else extra.push(`'${k}': ${pyRepr(toArgValue(v))}`);
  }
  if (extra.length) throw new KerasError('keras-unknown-kwarg', `Unrecognized keyword arguments passed to ${kernel.type}: {${extra.join(', ')}}`);
  // data_format=None means the global format, which the source may have set to an unknown value.
  if (format === null && values.get('data_format') === null) values.set('data_format', UNKNOWN);
  return { values, given, imageDataFormat: format ?? undefined };
}

/** Keras-2 style `input_shape=`, `batch_input_shape=`, `input_dim=` on a layer (used by Sequential). */
function declaredInput(kwargs: Map<string, Value>): Shape | undefined {
  // Most layers declare none: asked before anything is allocated.
  if (!kwargs.has('batch_input_shape') && !kwargs.has('input_shape') && !kwargs.has('input_dim')) return undefined;
  const batch = kwargs.get('batch_size');
  const b = batch?.t === 'int' ? batch.v : null;
  const full = dims(kwargs.get('batch_input_shape'));
  if (full) return full;
  const shape = dims(kwargs.get('input_shape'));
  if (shape) return [b, ...shape];
  const inputDim = dims(kwargs.get('input_dim'));
  return inputDim ? [b, ...inputDim] : undefined;
}

function dims(v: Value | undefined): (number | null)[] | null {
  if (!v) return null;
  const items = v.t === 'tuple' || v.t === 'list' ? v.items : [v];
  if (!items.every((d) => d.t === 'int' || d.t === 'none')) return null;
  return items.map((d) => (d.t === 'int' ? d.v : null));
}

/** Constructs a layer object: binds and validates arguments as Keras' constructor does. */
export function constructLayer(it: Interpreter, typeName: string, args: Value[], kwargs: Map<string, Value>, span: Span): LayerInstance {
  const { ctx } = it;
  ctx.budget.step(span, LAYER_STEPS);
  const kernel = kernelFor(typeName) ?? null;
  const nameArg = kwargs.get('name');
  const explicit = nameArg?.t === 'str' ? nameArg.v : null;
  const layer: LayerInstance = {
    id: ctx.layers.length,
    type: kernel?.type ?? typeName,
    kernel,
    config: null,
    name: explicit ?? ctx.names.auto(toSnakeCase(kernel?.type ?? typeName)),
    span,
    scope: [...ctx.frames],
    calls: [],
    trainable: !(kwargs.get('trainable')?.t === 'bool' && (kwargs.get('trainable') as { v: boolean }).v === false),
    declaredInput: declaredInput(kwargs),
  };
  beforeWrite(ctx.layers, 'length');
  ctx.layers.push(layer);
  if (kernel?.type === 'Lambda') rememberLambda(layer, args, kwargs);
  if (!kernel) {
    ctx.diagnostics.info('unknown-layer', `ConvLens does not model the layer \`${typeName}\` yet; its output shape is unknown and the layers after it are analysed as far as possible.`, span);
    return layer;
  }
  if (nameArg && nameArg.t === 'unknown') ctx.diagnostics.info('unevaluable', `The layer name could not be evaluated; it is shown as "${layer.name}".`, span);
  try {
    // With *args or **kwargs of unknown contents, which argument is which cannot be known.
    if (hasSpread(args, kwargs)) throw new NeedsUnknown('arguments');
    // The same arguments give the same config (layer_memo.ts): a re-traced statement's is kept.
    const part = literalKeyPart(args, kwargs) ?? argumentsKeyPart(args, kwargs);
    const known = rememberedConfig(kernel.type, ctx.imageDataFormat, part);
    if (known !== undefined) {
      layer.config = known;
      return layer;
    }
    const bound = bindArgs(kernel, args, kwargs, ctx.imageDataFormat);
    const warnings = kernel.warnings?.(bound) ?? [];
    for (const warning of warnings) ctx.diagnostics.info('keras-deprecated', warning, span);
    const config = kernel.configure(bound);
    layer.config = warnings.length ? config : rememberConfig(kernel.type, ctx.imageDataFormat, part, config);
  } catch (e) {
    reportKernelError(ctx, e, span, layer);
  }
  return layer;
}

function hasSpread(args: readonly Value[], kwargs: ReadonlyMap<string, Value>): boolean {
  for (const v of args) if (v.t === 'unknown' && v.spread) return true;
  for (const v of kwargs.values()) if (v.t === 'unknown' && v.spread) return true;
  return false;
}

function reportKernelError(ctx: TraceContext, e: unknown, span: Span, layer: LayerInstance): void {
  if (e instanceof KerasError) ctx.diagnostics.error(e.code, e.message, span);
  else if (e instanceof InexactSize) ctx.diagnostics.info('inexact-size', inexactMessage(layer, e.what, true), span);
  else if (e instanceof NeedsUnknown) {
    ctx.diagnostics.info('unevaluable', `ConvLens could not evaluate ${e.what === 'shape' ? 'the shape' : `\`${e.what}\``} of ${layer.name} (${layer.type}); its output is unknown.`, span);
  } else throw e;
}

/** Runs a layer on input tensors: Keras' build + compute_output_shape, recorded as a graph node. */
export function callLayer(ctx: TraceContext, layer: LayerInstance, inputs: SymTensor[], span: Span): LayerCall {
  ctx.budget.step(span, LAYER_STEPS);
  const call: LayerCall = { layer, inputs, output: ctx.tensor(null, null), span, result: null };
  call.output.producer = call;
  const shapes = inputs.map((t) => t.shape);
  const ready = layer.kernel && layer.config !== null && shapes.every((s) => s !== null) && (inputs.length > 0 || layer.kernel.family === 'input');
  if (ready) {
    try {
      const result = buildOf(ctx, layer, shapes as Shape[], span);
      const first = layer.calls.find((c) => c.result)?.result;
      if (first?.params && result.params && first.params.trainable + first.params.nonTrainable !== result.params.trainable + result.params.nonTrainable) {
        const firstIn = layer.calls.find((c) => c.result)!.inputs[0]?.shape;
        const expected = firstIn ? firstIn[firstIn.length - 1] : null;
        throw new KerasError(
          'keras-shared-layer',
          `Input 0 of layer "${layer.name}" is incompatible with the layer: expected axis -1 of input shape to have value ${expected}, but received input with shape (${(shapes[0] ?? []).map((d) => (d === null ? 'None' : d)).join(', ')}). The layer was already built by an earlier call (shared weights).`,
        );
      }
      call.result = result;
      call.output.shape = result.outputShape;
    } catch (e) {
      reportKernelError(ctx, e, span, layer);
    }
  }
  beforeWrite(layer.calls, 'length');
  layer.calls.push(call);
  if (ctx.owners.length) {
    beforeMapSet(ctx.callOwners, call);
    ctx.callOwners.set(call, ctx.ownersNow());
  }
  return call;
}

/**
 * The kind's build of the layer on these shapes, frozen whole: results are replaced, never edited
 * (checkpoint.ts saves none of them), and a write would throw. One made before for the same config
 * and shapes serves, whatever the layer's name (layer_memo.ts); one with a dropped size reports it,
 * so is made each time.
 */
function buildOf(ctx: TraceContext, layer: LayerInstance, shapes: Shape[], span: Span): BuildResult {
  const known = rememberedBuild(layer.config, shapes);
  if (known) return known;
  const { result, dropped } = exactSizes(layer.kernel!.build(layer.config, shapes, { layerName: layer.name }));
  if (dropped) {
    ctx.diagnostics.info('inexact-size', inexactMessage(layer, dropped, false), span);
    return deepFreeze(result);
  }
  rememberBuild(layer.config, shapes, deepFreeze(result));
  return result;
}

function tensorsOf(v: Value | undefined): SymTensor[] | null {
  if (!v) return null;
  if (v.t === 'tensor') return [v.tensor];
  if (v.t === 'list' || v.t === 'tuple') {
    const out: SymTensor[] = [];
    for (const item of v.items) {
      if (item.t !== 'tensor') return null;
      out.push(item.tensor);
    }
    return out;
  }
  return null;
}

/** `layer(x)` / `layer([a, b])`. */
export function applyLayer(it: Interpreter, layer: LayerInstance, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode): Value {
  const { ctx } = it;
  const span = ctx.span(site);
  const arg = args[0] ?? kwargs.get('inputs');
  let inputs = tensorsOf(arg);
  if (layer.kernel?.tracedShape && inputs) return applyTracedShape(it, layer, arg!, inputs, site);
  if (!inputs) {
    if (arg && arg.t !== 'unknown') {
      ctx.diagnostics.info('unevaluable', `${layer.name} is called on a ${arg.t}, not on a Keras tensor; its output is unknown.`, span);
    }
    // Keep the graph connected through unknown values: an unknown input gives an unknown output.
    inputs = [ctx.tensor(null, null)];
  } else if (layer.kernel && !layer.kernel.takesList && inputs.length !== 1) {
    ctx.diagnostics.error('keras-input-count', `Layer "${layer.name}" expects 1 input(s), but it received ${inputs.length} input tensors.`, span);
    inputs = [ctx.tensor(null, null)];
  } else if (layer.kernel?.takesList && arg?.t === 'tensor') {
    ctx.diagnostics.error('keras-merge-arity', `A merge layer should be called on a list of inputs. Received: inputs=${inputs[0].shape ? `(${inputs[0].shape.map((d) => d ?? 'None').join(', ')})` : 'a tensor'} (not a list of tensors)`, span);
    inputs = [ctx.tensor(null, null)];
  }
  return { t: 'tensor', tensor: callLayer(ctx, layer, inputs, span).output };
}

/** x + y, x * y, x - y between Keras tensors: Keras records Add / Multiply / Subtract operations. */
export function applyTensorOp(it: Interpreter, op: string, a: Value, b: Value, site: SyntaxNode): Value {
  const type = op === '+' ? 'Add' : op === '-' ? 'Subtract' : op === '*' ? 'Multiply' : null;
  if (a.t === 'tensor' && b.t === 'tensor' && type) {
    // Keras records an operation (`add (Add)` in the summary), not a layer of model.layers.
    const layer = constructLayer(it, type, [], new Map(), it.ctx.span(site));
    layer.isOperation = true;
    return applyLayer(it, layer, [{ t: 'list', items: [a, b] }], new Map(), site);
  }
  const span = it.ctx.span(site);
  const tensor = a.t === 'tensor' ? a.tensor : b.t === 'tensor' ? b.tensor : null;
  const other = a.t === 'tensor' ? b : a;
  if (tensor && (other.t === 'int' || other.t === 'float')) return scalarOperation(it, op, tensor, other.v, a.t === 'tensor', span);
  // x * self.scale: a variable of a custom layer broadcast against the tensor.
  const variable = other.t === 'object' && other.name === 'Variable' ? other.args?.get('shape') : undefined;
  if (tensor && variable && (variable.t === 'tuple' || variable.t === 'list') && variable.items.every((d) => d.t === 'int')) {
    const shape = variable.items.map((d) => (d as { v: number }).v);
    const use = it.ctx.variables.get(other);
    if (use && ['+', '-', '*', '/'].includes(op)) return variableOperation(it, op as VariableOp, tensor, other, shape, a.t === 'tensor', use, span);
    return shapedOperation(it, `x ${op} variable`, [tensor], broadcast(tensor.shape, shape), span);
  }
  if (tensor) return unknownOperation(it, `x ${op} ...`, [tensor, ...(a.t === 'tensor' && b.t === 'tensor' ? [b.tensor] : [])], span);
  return unknown(`tensor operation ${op}`);
}

/** numpy broadcasting of two shapes; null when unknown or incompatible. */
function broadcast(a: Shape | null, b: Shape): Shape | null {
  if (!a || b.some((d) => d === null)) return null;
  try {
    return broadcastShapes(a, b as number[]);
  } catch {
    return null;
  }
}

/** Keras' operation for each operator (`x / 2` is `true_divide (TrueDivide)`). */
const SCALAR_OPS: Record<string, string> = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'true_divide', '**': 'power' };

/** true_divide -> TrueDivide */
const opClass = (op: string): string => op.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');

/**
 * x * 0.5, 1 - x, x / 255: Keras records an operation (not a layer). Affine ones run as a
 * rescaling (scale, offset); others keep the shape but cannot be run.
 */
function scalarOperation(it: Interpreter, op: string, x: SymTensor, k: number, tensorFirst: boolean, span: Span): Value {
  const opName = SCALAR_OPS[op];
  if (!opName) return unknownOperation(it, `x ${op} ${k}`, [x], span);
  const affine: [number, number] | null =
    op === '+' ? [1, k] : op === '*' ? [k, 0] : op === '-' ? (tensorFirst ? [1, -k] : [-1, k]) : op === '/' && tensorFirst && k !== 0 ? [1 / k, 0] : null;
  if (!affine) return shapedOperation(it, tensorFirst ? `x ${op} ${k}` : `${k} ${op} x`, [x], x.shape, span);
  const layer = constructLayer(it, 'Rescaling', [float(affine[0])], new Map([['offset', float(affine[1])], ['name', str(it.ctx.names.auto(opName))]]), span);
  layer.type = opClass(opName);
  layer.isOperation = true;
  return { t: 'tensor', tensor: callLayer(it.ctx, layer, [x], span).output };
}

/** `x * self.scale`: an operation with a custom layer's own variable (its weight comes from that layer). */
function variableOperation(it: Interpreter, op: VariableOp, x: SymTensor, variable: Value, shape: number[], tensorFirst: boolean, use: { owner: InstanceValue; created: number }, span: Span): Value {
  const { ctx } = it;
  const opName = SCALAR_OPS[op];
  const weight = use.owner.ownWeights?.[use.created];
  const initializer = variable.t === 'object' ? variable.args?.get('initializer') : undefined;
  const config = { op, shape, tensorFirst, initializer: initializer ? toArgValue(initializer) : 'glorot_uniform', trainable: weight?.trainable ?? true };
  const layer = operationLayer(ctx, opClass(opName), opName, VariableOperation, config, span);
  ctx.variableUses.set(layer, use);
  return { t: 'tensor', tensor: callLayer(ctx, layer, [x], span).output };
}

/** A graph node for an operation the tracer makes itself (no constructor call to bind). */
function operationLayer(ctx: TraceContext, type: string, autoName: string, kernel: LayerKernel<any> | null, config: unknown, span: Span): LayerInstance {
  const layer: LayerInstance = {
    id: ctx.layers.length, type, kernel, config, name: ctx.names.auto(autoName), span,
    scope: [...ctx.frames], calls: [], trainable: true, isOperation: true,
  };
  beforeWrite(ctx.layers, 'length');
  ctx.layers.push(layer);
  return layer;
}

/** An operation whose output shape ConvLens knows but which it cannot run. */
export function shapedOperation(it: Interpreter, what: string, inputs: SymTensor[], shape: Shape | null, span: Span, opName = 'operation'): Value {
  const out = unknownOperation(it, what, inputs, span, shape !== null, opName);
  if (out.t === 'tensor') out.tensor.shape = shape;
  return out;
}

/**
 * `x.shape` as Python sees it. The batch axis is None; another axis ConvLens does not know may be
 * a None in Keras or a size it could not evaluate, so it is unknown (an unknown is never an error).
 */
export function shapeValue(shape: Shape | null, unknownAsNone = false): Value {
  if (!shape) return unknown('tensor shape');
  return tuple(shape.map((d, i) => (d !== null ? int(d) : i === 0 || unknownAsNone ? NONE : unknown('a dimension ConvLens does not know'))));
}

/** `unknownAsNone`: ConvLens' own definitions (keras.applications), whose None axes are Keras' None. */
export function tensorAttr(t: SymTensor, name: string, unknownAsNone = false): Value {
  switch (name) {
    case 'shape': return shapeValue(t.shape, unknownAsNone);
    case 'ndim': return t.shape ? int(t.shape.length) : unknown('ndim');
    case 'dtype': return str('float32');
    case 'name': return t.producer ? str(t.producer.layer.name) : unknown('tensor name');
    default: return unknown(`tensor attribute ${name}`);
  }
}

export function layerAttr(layer: LayerInstance, name: string): Value {
  const last = layer.calls[layer.calls.length - 1];
  switch (name) {
    case 'name': return str(layer.name);
    case 'output': return last ? { t: 'tensor', tensor: last.output } : unknown('output of an uncalled layer');
    case 'input': return last?.inputs.length === 1 ? { t: 'tensor', tensor: last.inputs[0] } : last ? list(last.inputs.map((tensor) => ({ t: 'tensor' as const, tensor }))) : unknown('input of an uncalled layer');
    case 'output_shape': return last ? shapeValue(last.output.shape) : unknown('output_shape');
    case 'trainable': return { t: 'bool', v: true };
    // A built layer's weight: a Keras Variable (what it holds is not modelled).
    case 'kernel': case 'depthwise_kernel': case 'pointwise_kernel': case 'embeddings':
      return layer.kernel?.weights ? { t: 'object', name: 'Variable' } : unknown(`layer attribute ${name}`);
    default: return unknown(`layer attribute ${name}`);
  }
}

/** Keras' op classes for the elementwise functions whose names are aliases (`swish` is `silu`). */
const OP_ALIASES: Record<string, string> = { swish: 'silu', hard_swish: 'hard_silu' };

/**
 * `keras.ops.relu(x)` and the like: Keras records an operation (not a layer) named after its class
 * (`relu (Relu)` in the summary, absent from `model.layers`). It keeps the shape and lowers as the
 * matching activation; an op ConvLens cannot lower stops a run instead of being skipped.
 */
export function applyElementwiseOp(it: Interpreter, fn: string, x: SymTensor, span: Span): Value {
  const op = OP_ALIASES[fn] ?? fn;
  const layer = constructLayer(it, 'Activation', [str('linear')], new Map([['name', str(it.ctx.names.auto(op))]]), span);
  layer.type = op.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  layer.isOperation = true;
  layer.config = { activation: op };
  return { t: 'tensor', tensor: callLayer(it.ctx, layer, [x], span).output };
}

/**
 * An operation on tensors that ConvLens cannot evaluate: its output shape is unknown, but it stays
 * connected to its inputs so the model keeps its layers (and a run stops there, naming it).
 */
export function unknownOperation(it: Interpreter, what: string, inputs: SymTensor[], span: Span, shapeKnown = false, opName = 'operation'): Value {
  const { ctx } = it;
  const layer = operationLayer(ctx, opName === 'operation' ? 'Operation' : opClass(opName), opName, null, null, span);
  if (!shapeKnown) ctx.diagnostics.info('unevaluable', `ConvLens cannot evaluate \`${what}\` here; its output shape is unknown.`, span);
  return { t: 'tensor', tensor: callLayer(ctx, layer, inputs, span).output };
}

/** A Lambda layer's function and its `arguments`, as Python values. */
const lambdaFunctions = new WeakMap<LayerInstance, { fn: Value | undefined; arguments: Value | undefined }>();

function rememberLambda(layer: LayerInstance, args: Value[], kwargs: Map<string, Value>): void {
  lambdaFunctions.set(layer, { fn: args[0] ?? kwargs.get('function'), arguments: args[3] ?? kwargs.get('arguments') });
}

/**
 * `Lambda(fn)(x)`: with `output_shape`, that shape after the input's batch axis. Without it Keras
 * calls `fn` on symbolic inputs; ConvLens traces `fn` on detached tensors of the input shapes and
 * keeps only the output shape (what `fn` builds is not part of the model, and is undone).
 */
function applyTracedShape(it: Interpreter, layer: LayerInstance, arg: Value, inputs: SymTensor[], site: SyntaxNode): Value {
  const { ctx } = it;
  const span = ctx.span(site);
  const { config } = layer;
  const traced = layer.kernel!.tracedShape!;
  if (config === null || !traced.needed(config) || inputs.some((t) => t.shape === null)) return { t: 'tensor', tensor: callLayer(ctx, layer, inputs, span).output };
  const shaped = traced.withShape(config, traceLambda(it, layer, arg, inputs, site));
  beforeWrite(layer, 'config');
  layer.config = shaped;
  try {
    return { t: 'tensor', tensor: callLayer(ctx, layer, inputs, span).output };
  } finally {
    beforeWrite(layer, 'config');
    layer.config = config;
  }
}

function traceLambda(it: Interpreter, layer: LayerInstance, arg: Value, inputs: SymTensor[], site: SyntaxNode): Shape | null {
  const { ctx } = it;
  const saved = lambdaFunctions.get(layer);
  if (!saved?.fn || (saved.fn.t !== 'func' && saved.fn.t !== 'builtin')) return null;
  const extra = new Map<string, Value>();
  if (saved.arguments && saved.arguments.t !== 'none') {
    if (saved.arguments.t !== 'dict' || !saved.arguments.keys.every((k) => k.t === 'str')) return null;
    saved.arguments.keys.forEach((k, i) => extra.set((k as { v: string }).v, (saved.arguments as { vals: Value[] }).vals[i]));
  }
  const detached = inputs.map((t) => ({ t: 'tensor' as const, tensor: ctx.tensor(t.shape, null) }));
  const symbolic: Value = arg.t === 'tensor' ? detached[0] : { t: arg.t === 'tuple' ? 'tuple' : 'list', items: detached };
  const layerCount = ctx.layers.length;
  const callCounts = ctx.layers.map((l) => l.calls.length);
  const diagnosticCount = ctx.diagnostics.items.length;
  // Keras infers on backend placeholders: the operations inside take no automatic names.
  const names = ctx.names.snapshot();
  let out: Value;
  try {
    out = callValue(it, saved.fn, [symbolic], extra, site);
  } finally {
    beforeWrite(ctx.layers, 'length');
    ctx.layers.length = layerCount;
    ctx.layers.forEach((l, i) => {
      if (l.calls.length === callCounts[i]) return;
      beforeWrite(l.calls, 'length');
      l.calls.length = callCounts[i];
    });
    ctx.diagnostics.items.length = diagnosticCount;
    ctx.names.restore(names);
  }
  return out.t === 'tensor' && out.tensor.shape ? out.tensor.shape : null;
}
