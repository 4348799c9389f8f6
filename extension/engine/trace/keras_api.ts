/** The parts of the keras / tensorflow namespace the tracer understands, plus `math`. */
import type { SyntaxNode } from '@lezer/common';
import type { LayerCall } from '../graph';
import { FUNCTIONAL_MERGES, kernelFor } from '../../../kernels/registry';
import type { Meter } from './budget';
import type { Interpreter } from './interpreter';
import { callApplication } from './applications';
import { callNumpy, loadDataset, numpyIntScalar, toCategorical } from './arrays';
import { applyElementwiseOp, applyLayer, callLayer, constructLayer, shapeValue } from './layer_calls';
import { cloneSequential, makeFunctional, makeSequential } from './models';
import { makePartial } from './partial';
import { callTensorFunction } from './tensor_functions';
import { isKeras3Path, refusedCheckpointPath, refusedOptimizerArgs, reportRefusal } from './keras3_refusals';
import { KerasError } from '../../../kernels/types';
import { standardDataFormat } from '../../../kernels/args';
import { float, int, isNumber, iterate, NONE, repr, str, unknown, Value } from './values';

const canonicalCache = new Map<string, string>();

/** tf.keras.X, tensorflow.keras.X, tf_keras.X, keras_core.X (Keras 3's predecessor) and keras.src.X all mean keras.X. */
export function canonicalPath(path: string): string {
  let out = canonicalCache.get(path);
  if (out === undefined) {
    out = canonicalize(path);
    if (canonicalCache.size < 10_000) canonicalCache.set(path, out);
  }
  return out;
}

function canonicalize(path: string): string {
  return path
    .replace(/^tensorflow\.python\.keras(\.|$)/, 'keras$1')
    .replace(/^tensorflow\.keras(\.|$)/, 'keras$1')
    .replace(/^tf_keras(\.|$)/, 'keras$1')
    .replace(/^keras_core(\.|$)/, 'keras$1')
    .replace(/^keras\.src\./, 'keras.')
    .replace(/^keras\.api\._v2\.keras\./, 'keras.');
}

interface PathParts {
  /** The canonical path, its dotted parts, last name, the parts before it, and the first. */
  path: string;
  parts: string[];
  name: string;
  namespace: string;
  root: string;
  /**
   * keras.layers.<a kind's class>: a layer constructor, which every branch of callModule before
   * the constructor's passes by (none takes a keras.layers class name but Input and the models,
   * and the tensor functions are ops, activations, backend, random, tensorflow and applications).
   */
  layerClass: boolean;
}

const partsCache = new Map<string, PathParts>();

/** A called path, split once (each re-traced layer statement calls the same few). */
function pathParts(rawPath: string): PathParts {
  let out = partsCache.get(rawPath);
  if (out === undefined) {
    const path = canonicalPath(rawPath);
    const parts = path.split('.');
    const name = parts[parts.length - 1];
    const namespace = parts.slice(0, -1).join('.');
    const layerClass = namespace === 'keras.layers' && /^[A-Z]/.test(name) && kernelFor(name) !== undefined && !MODEL_NAMES.has(name)
      && !OPAQUE_NAMESPACES.some((ns) => parts.includes(ns));
    out = { path, parts, name, namespace, root: parts[0], layerClass };
    if (partsCache.size < 10_000) partsCache.set(rawPath, out);
  }
  return out;
}

/** Names callModule answers before it constructs layers. */
const MODEL_NAMES = new Set(['Input', 'Sequential', 'Model', 'Functional']);

const MATH_CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, inf: Infinity, tau: 2 * Math.PI };

export function moduleAttr(path: string, name: string): Value {
  if ((path === 'math' || path === 'numpy') && name in MATH_CONSTANTS) return float(MATH_CONSTANTS[name]);
  // One frozen value per dotted name (nothing changes a module value): `layers.Conv2D` on every
  // re-traced line makes no string, and its path's parts are found by a hash the string keeps.
  let byName = modulesByPath.get(path);
  if (!byName) {
    if (modulesByPath.size >= 10_000) modulesByPath.clear();
    modulesByPath.set(path, (byName = new Map()));
  }
  let v = byName.get(name);
  if (!v) byName.set(name, (v = Object.freeze({ t: 'module', path: `${path}.${name}` }) as Value));
  return v;
}

const modulesByPath = new Map<string, Map<string, Value>>();

function numberArg(v: Value | undefined): number | null {
  return v && isNumber(v) ? v.v : v?.t === 'bool' ? Number(v.v) : null;
}

function gcd(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : gcd(b, a % b);
}

const MATH: Record<string, (args: Value[], meter: Meter) => Value> = {
  ceil: ([x]) => (numberArg(x) === null ? unknown('ceil') : int(Math.ceil(numberArg(x)!))),
  floor: ([x]) => (numberArg(x) === null ? unknown('floor') : int(Math.floor(numberArg(x)!))),
  sqrt: ([x]) => (numberArg(x) === null ? unknown('sqrt') : float(Math.sqrt(numberArg(x)!))),
  isqrt: ([x]) => (numberArg(x) === null ? unknown('isqrt') : int(Math.floor(Math.sqrt(numberArg(x)!)))),
  log: ([x, b]) => (numberArg(x) === null ? unknown('log') : float(Math.log(numberArg(x)!) / (b ? Math.log(numberArg(b) ?? Math.E) : 1))),
  log2: ([x]) => (numberArg(x) === null ? unknown('log2') : float(Math.log2(numberArg(x)!))),
  exp: ([x]) => (numberArg(x) === null ? unknown('exp') : float(Math.exp(numberArg(x)!))),
  pow: ([x, y]) => (numberArg(x) === null || numberArg(y) === null ? unknown('pow') : float(numberArg(x)! ** numberArg(y)!)),
  gcd: (args) => (args.some((a) => a.t !== 'int') ? unknown('gcd') : int(args.map((a) => numberArg(a)!).reduce(gcd, 0))),
  prod: ([xs], meter) => {
    const items = xs ? iterate(xs, meter) : null;
    if (!items || items.some((x) => !isNumber(x))) return unknown('prod');
    meter.work(items.length);
    const isFloat = items.some((x) => x.t === 'float');
    const p = items.reduce((acc, x) => acc * (x as { v: number }).v, 1);
    return isFloat ? float(p) : int(p);
  },
};

const ELEMENTWISE_OPS = new Set(['relu', 'relu6', 'sigmoid', 'tanh', 'gelu', 'silu', 'swish', 'elu', 'selu', 'softplus', 'leaky_relu', 'hard_sigmoid', 'hard_swish', 'exp', 'abs', 'square', 'sqrt', 'negative', 'softmax', 'log_softmax']);

const OPAQUE_NAMESPACES = ['initializers', 'regularizers', 'constraints', 'activations', 'optimizers', 'losses', 'metrics', 'callbacks'];

/** Calls a dotted name: keras.layers.Conv2D(...), keras.Input(...), math.ceil(...). */
export function callModule(it: Interpreter, rawPath: string, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode): Value {
  const { path, parts, name, namespace, root, layerClass } = pathParts(rawPath);
  if (layerClass) return { t: 'layer', layer: constructLayer(it, name, args, kwargs, it.ctx.span(site)) };
  if ((root === 'math' || root === 'numpy' || root === 'np') && MATH[name]) return MATH[name](args, it.ctx);
  if (path === 'functools.partial') return makePartial(it, args, kwargs);
  if (root === 'numpy') {
    const onArray = callNumpy(name, args, kwargs) ?? (namespace === 'numpy' ? numpyIntScalar(name, args, kwargs) : null);
    if (onArray) return onArray;
  }
  const onTensors = callTensorFunction(it, path, args, kwargs, site);
  if (onTensors) return onTensors;
  if (root !== 'keras') {
    return unknown(`${rawPath}()`);
  }
  if (name === 'Input' && (namespace === 'keras' || namespace === 'keras.layers')) return makeInput(it, args, kwargs, site);
  if (name === 'load_data' && parts.length === 4 && parts[1] === 'datasets') {
    const data = loadDataset(parts[2]);
    if (data) return data;
  }
  if (name === 'to_categorical' && namespace === 'keras.utils') {
    // Labels ConvLens cannot see (not a dataset's): one-hot data of unknown shape, nothing to note.
    return toCategorical(args, kwargs) ?? unknown('to_categorical of labels ConvLens cannot see');
  }
  // Keras' default configuration (~/.keras/keras.json can change it; ConvLens reads no user files),
  // unless the source sets the image data format itself.
  if (name === 'image_data_format' && (namespace === 'keras.backend' || namespace === 'keras.config')) return it.ctx.imageDataFormat ? str(it.ctx.imageDataFormat) : unknown('the image data format');
  if (name === 'set_image_data_format' && (namespace === 'keras.backend' || namespace === 'keras.config')) return setImageDataFormat(it, args[0] ?? kwargs.get('data_format'), site);
  if (name === 'floatx' && (namespace === 'keras.backend' || namespace === 'keras.config')) return str('float32');
  if (name === 'clear_session' && (namespace === 'keras.backend' || namespace === 'keras.utils')) {
    it.ctx.names.reset();
    return NONE;
  }
  if (name === 'Model' && isKeras3Path(rawPath) && (kwargs.has('input') || kwargs.has('output'))) {
    const keys = ['input', 'output'].filter((k) => kwargs.has(k));
    reportRefusal(it.ctx, 'keras3-removed', `Unrecognized keyword arguments passed to Model: ${keys.map((k) => `'${k}'`).join(', ')} (Keras 3: use inputs= and outputs=.)`, it.ctx.span(site));
  }
  if (name === 'Sequential' || name === 'Model' || name === 'Functional') {
    // A model keeps its own copy of the layer list, or of the input and output tensors.
    const copied = name === 'Sequential' ? itemCount(args[0] ?? kwargs.get('layers')) : itemCount(args[0] ?? kwargs.get('inputs')) + itemCount(args[1] ?? kwargs.get('outputs'));
    if (!it.ctx.allocate(copied)) return unknown(`a ${name} past the allocation budget`);
    return name === 'Sequential' ? makeSequential(it, args, kwargs, site) : makeFunctional(it, args, kwargs, site);
  }
  if (name === 'clone_model' && (namespace === 'keras.models' || namespace === 'keras') && args[0]?.t === 'model' && args.length === 1 && kwargs.size === 0) {
    const clone = cloneSequential(it, args[0].model, site);
    if (clone) return clone;
  }
  // keras.layers.concatenate(...) builds a layer; keras.ops.concatenate on data (not tensors) does not.
  if (FUNCTIONAL_MERGES[name] && namespace.startsWith('keras.layers')) {
    const layer = constructLayer(it, FUNCTIONAL_MERGES[name], [], withoutInputs(kwargs), it.ctx.span(site));
    return applyLayer(it, layer, args.slice(0, 1), new Map(), site);
  }
  if ((name === 'int_shape' || name === 'shape') && args[0]?.t === 'tensor') return shapeValue(args[0].tensor.shape);
  // keras.activations.relu(x), keras.ops.sigmoid(x): an elementwise operation in the graph.
  if ((namespace === 'keras.activations' || (namespace === 'keras.ops' && ELEMENTWISE_OPS.has(name))) && args[0]?.t === 'tensor') {
    return applyElementwiseOp(it, name, args[0].tensor, it.ctx.span(site));
  }
  if (isKeras3Path(rawPath)) {
    const refused = refusedKeras2Call(it, namespace, name, args, kwargs);
    if (refused) reportRefusal(it.ctx, 'keras3-removed', `${refused}${viaTensorflow(rawPath)}`, it.ctx.span(site));
  }
  if (OPAQUE_NAMESPACES.some((ns) => parts.includes(ns))) {
    const objArgs = new Map<string, Value>(args.map((v, i) => [`_${i}`, v]));
    for (const [k, v] of kwargs) objArgs.set(k, v);
    return { t: 'object', name: path, args: objArgs };
  }
  if (kernelFor(name)) return { t: 'layer', layer: constructLayer(it, name, args, kwargs, it.ctx.span(site)) };
  if (/^[A-Z]/.test(name) && (namespace.startsWith('keras.layers') || namespace === 'keras')) {
    return { t: 'layer', layer: constructLayer(it, name, args, kwargs, it.ctx.span(site)) };
  }
  if (namespace.startsWith('keras.applications')) {
    const model = callApplication(it, name, args, kwargs, site);
    if (model) return model;
  }
  if (DATA_UTILITIES.has(name) && (namespace.startsWith('keras.utils') || namespace.startsWith('keras.preprocessing'))) return unknown(`${rawPath}(), data or files`);
  it.ctx.diagnostics.info('unsupported', `ConvLens does not model \`${rawPath}\`; its result is unknown.`, it.ctx.span(site));
  return unknown(`${rawPath}()`);
}

/**
 * Keras' file, image and dataset helpers and plot_model: their results are data, files or pictures,
 * never part of a model, so they stay unknown without a note (a layer argument that depends on one
 * says so where it is used).
 */
const DATA_UTILITIES = new Set([
  'plot_model', 'model_to_dot', 'get_file', 'load_img', 'save_img', 'img_to_array', 'array_to_img', 'image_dataset_from_directory',
  'text_dataset_from_directory', 'audio_dataset_from_directory', 'timeseries_dataset_from_array', 'split_dataset', 'pad_sequences',
  'set_random_seed', 'ImageDataGenerator',
]);

/** Keras 2 arguments Keras 3 objects refuse (optimizers' `lr`), as Keras' error message, or null. */
function refusedKeras2Call(it: Interpreter, namespace: string, name: string, args: Value[], kwargs: Map<string, Value>): string | null {
  if (namespace === 'keras.callbacks' && name === 'ModelCheckpoint') {
    return refusedCheckpointPath(args[0] ?? kwargs.get('filepath'), args[4] ?? kwargs.get('save_weights_only'));
  }
  if (namespace !== 'keras.optimizers' || !/^[A-Z]/.test(name) || !kwargs.has('lr')) return null;
  return refusedOptimizerArgs([['lr', repr(kwargs.get('lr')!, it.ctx)]]);
}

/** Said when the object came from tf.keras, which people may take for Keras 2. */
function viaTensorflow(rawPath: string): string {
  return rawPath.startsWith('tensorflow.keras.') ? ' (tf.keras is Keras 3 from TensorFlow 2.16 on; Keras 2 is the tf_keras package.)' : '';
}

function itemCount(v: Value | undefined): number {
  return v && (v.t === 'list' || v.t === 'tuple') ? v.items.length : 0;
}

function withoutInputs(kwargs: Map<string, Value>): Map<string, Value> {
  const out = new Map(kwargs);
  out.delete('inputs');
  return out;
}

/** keras.Input(shape=...): an InputLayer and its output tensor. */
/**
 * `keras.config.set_image_data_format(...)`: layers made after it take that format when their
 * data_format is None, and the applications follow it (they read image_data_format()).
 */
function setImageDataFormat(it: Interpreter, v: Value | undefined, site: SyntaxNode): Value {
  const span = it.ctx.span(site);
  // Keras reads str(value).lower().
  const text = !v ? null : v.t === 'str' ? v.v : v.t === 'none' ? 'None' : v.t === 'bool' ? (v.v ? 'True' : 'False') : v.t === 'int' || v.t === 'float' ? String(v.v) : null;
  if (text === null) {
    it.ctx.imageDataFormat = null;
    it.ctx.diagnostics.info('unevaluable', 'The image data format set here could not be evaluated; layers that follow it are unknown.', span);
    return NONE;
  }
  try {
    it.ctx.imageDataFormat = standardDataFormat(text);
  } catch (e) {
    if (!(e instanceof KerasError)) throw e;
    it.ctx.diagnostics.error(e.code, e.message, span);
  }
  return NONE;
}

function makeInput(it: Interpreter, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode): Value {
  // keras.Input calls it `tensor`, InputLayer `input_tensor`.
  const tensor = kwargs.get('tensor');
  if (tensor) {
    kwargs = new Map(kwargs);
    kwargs.delete('tensor');
    kwargs.set('input_tensor', tensor);
  }
  const layer = constructLayer(it, 'InputLayer', args, kwargs, it.ctx.span(site));
  const call = callLayer(it.ctx, layer, [], it.ctx.span(site));
  fillInputAxes(it, call);
  return { t: 'tensor', tensor: call.output };
}

/**
 * `keras.Input(shape=(None, None, 3))` with `# convlens: input_shape=(128, 128, 3)` above it, or
 * else `--input-shape 128,128,3` (the setting): the None axes take the given sizes.
 */
function fillInputAxes(it: Interpreter, call: LayerCall): void {
  const comment = it.ctx.inForeignCode ? undefined : it.ctx.directives.filter((d) => d.offset <= call.span.from).pop();
  const given = comment?.shape ?? it.ctx.options.defaultInputShape;
  const shape = call.output.shape;
  if (!given || !shape || it.ctx.inForeignCode || shape.length !== given.length + 1) return;
  if (!shape.slice(1).some((d, i) => d === null && given[i] !== null)) return;
  const filled = [shape[0], ...shape.slice(1).map((d, i) => d ?? given[i])];
  call.output.shape = filled;
  if (call.result) call.result = { ...call.result, outputShape: filled };
  it.ctx.diagnostics.info('input-shape-filled', `The unknown axes of this input take the given input shape: (${filled.map((d) => d ?? 'None').join(', ')}).`, call.span);
}
