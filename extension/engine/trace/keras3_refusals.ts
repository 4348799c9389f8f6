/**
 * Keras 2 code that Keras 3 refuses: imports of Keras 2 modules and names it no longer has, attributes of
 * its modules that are gone (`K.int_shape`), and Keras 2 arguments of objects ConvLens does not
 * otherwise model (`Adam(lr=...)`, `Model(input=..., output=...)`). Each is Python's or Keras'
 * own error, with what to write instead.
 */
import type { Span } from '../source';
import type { TraceContext } from './context';
import { KERAS3_MODULES } from './keras3_names';
import type { Value } from './values';

const namesOf = new Map<string, Set<string>>();

function moduleNames(path: string): Set<string> | null {
  const listed = KERAS3_MODULES[path];
  if (listed === undefined) return null;
  let names = namesOf.get(path);
  if (!names) {
    names = new Set(listed.split(' '));
    namesOf.set(path, names);
  }
  return names;
}

/**
 * Keras 2 modules and names Keras 3 no longer has. Only these are refused: a name ConvLens does not
 * know may come from a newer Keras. keras.backend is the exception: Keras 3 kept a small fixed set
 * of it, and everything else in it is a Keras 2 backend function (K.int_shape, K.concatenate ...).
 */
const REMOVED_MODULES = new Set([
  'keras.layers.merge', 'keras.layers.convolutional', 'keras.layers.core', 'keras.layers.pooling', 'keras.layers.normalization',
  'keras.layers.recurrent', 'keras.layers.embeddings', 'keras.layers.advanced_activations', 'keras.layers.wrappers', 'keras.layers.noise',
  'keras.layers.local', 'keras.layers.convolutional_recurrent', 'keras.layers.cudnn_recurrent', 'keras.engine', 'keras.objectives',
  'keras.utils.np_utils', 'keras.utils.generic_utils', 'keras.utils.vis_utils', 'keras.utils.data_utils', 'keras.utils.layer_utils',
  'keras.utils.conv_utils', 'keras.wrappers.scikit_learn', 'keras.backend.tensorflow_backend',
]);

const REMOVED_NAMES = new Set([
  'keras.preprocessing.image.ImageDataGenerator', 'keras.preprocessing.image.NumpyArrayIterator', 'keras.preprocessing.image.DirectoryIterator',
  'keras.preprocessing.image.Iterator', 'keras.utils.multi_gpu_model', 'keras.models.model_from_yaml',
  'keras.layers.merge', 'keras.layers.Merge', 'keras.layers.CuDNNLSTM', 'keras.layers.CuDNNGRU', 'keras.layers.ThresholdedReLU',
  'keras.layers.Deconvolution2D', 'keras.layers.AtrousConvolution1D', 'keras.layers.AtrousConvolution2D', 'keras.layers.Highway',
  'keras.layers.MaxoutDense', 'keras.layers.TimeDistributedDense', 'keras.layers.LocallyConnected1D', 'keras.layers.LocallyConnected2D',
  'keras.layers.DenseFeatures', 'keras.optimizers.adam', 'keras.optimizers.sgd', 'keras.optimizers.rmsprop', 'keras.optimizers.adagrad',
  'keras.optimizers.adadelta', 'keras.optimizers.adamax', 'keras.optimizers.nadam', 'keras.losses.mse', 'keras.losses.mae',
  'keras.losses.mape', 'keras.losses.msle', 'keras.losses.kld', 'keras.losses.cosine', 'keras.utils.np_utils', 'keras.utils.generic_utils',
  'keras.utils.vis_utils',
]);

/** Refused when Keras 3 lacks it: a listed Keras 2 name, or anything of keras.backend. */
function removedName(module: string, name: string): boolean {
  const names = moduleNames(module);
  if (!names || name.startsWith('_') || names.has(name)) return false;
  return module === 'keras.backend' || REMOVED_NAMES.has(`${module}.${name}`);
}

/** What to write instead, for the Keras 2 names people still use. */
const INSTEAD: Record<string, string> = {
  'keras.layers.merge': 'import the merge layers (concatenate, add, ...) from keras.layers',
  'keras.layers.convolutional': 'import the convolution layers from keras.layers',
  'keras.layers.core': 'import Dense, Flatten, Dropout ... from keras.layers',
  'keras.layers.pooling': 'import the pooling layers from keras.layers',
  'keras.layers.normalization': 'import BatchNormalization from keras.layers',
  'keras.layers.recurrent': 'import the recurrent layers from keras.layers',
  'keras.layers.embeddings': 'import Embedding from keras.layers',
  'keras.layers.advanced_activations': 'import LeakyReLU, PReLU, ELU ... from keras.layers',
  'keras.layers.wrappers': 'import TimeDistributed and Bidirectional from keras.layers',
  'keras.layers.noise': 'import GaussianNoise and GaussianDropout from keras.layers',
  'keras.layers.convolutional_recurrent': 'import ConvLSTM2D from keras.layers',
  'keras.engine': 'import Layer, InputSpec from keras.layers and Model from keras',
  'keras.utils.np_utils': 'use keras.utils.to_categorical',
  'keras.utils.generic_utils': 'use keras.utils (e.g. keras.utils.get_custom_objects)',
  'keras.utils.vis_utils': 'use keras.utils.plot_model',
  'keras.wrappers.scikit_learn': 'use the SciKeras package',
  'keras.backend.int_shape': 'use x.shape',
  'keras.backend.shape': 'use keras.ops.shape(x)',
  'keras.backend.concatenate': 'use keras.ops.concatenate',
  'keras.backend.get_session': 'Keras 3 has no sessions',
  'keras.backend.set_session': 'Keras 3 has no sessions',
  'keras.preprocessing.image.ImageDataGenerator': 'use keras.utils.image_dataset_from_directory and preprocessing layers (RandomFlip, RandomRotation ...)',
  'keras.losses.mse': 'use keras.losses.mean_squared_error or "mse"',
  'keras.losses.mae': 'use keras.losses.mean_absolute_error or "mae"',
  'keras.models.model_from_yaml': 'use keras.models.model_from_json',
  'keras.layers.CuDNNLSTM': 'use keras.layers.LSTM (it uses cuDNN when it can)',
  'keras.optimizers.rmsprop': 'use keras.optimizers.RMSprop',
  'keras.optimizers.adam': 'use keras.optimizers.Adam',
  'keras.optimizers.sgd': 'use keras.optimizers.SGD',
  'keras.layers.CuDNNGRU': 'use keras.layers.GRU (it uses cuDNN when it can)',
};

function advice(path: string): string {
  const instead = INSTEAD[path] ?? Object.entries(INSTEAD).find(([k]) => path.startsWith(`${k}.`))?.[1];
  return instead ? ` (Keras 3: ${instead}.)` : ' (removed in Keras 3.)';
}

/** The first part of `module` Python cannot import, or null when all of it exists (or is not known). */
function missingModule(module: string): string | null {
  const parts = module.split('.');
  if (parts[0] !== 'keras') return null;
  for (let i = 2; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('.');
    if (moduleNames(prefix)) continue;
    const parent = moduleNames(parts.slice(0, i - 1).join('.'));
    const name = parts[i - 1];
    // keras.src and the like: there, but not listed (ConvLens does not check inside them).
    if (!parent || name.startsWith('_') || parent.has(name)) return null;
    return REMOVED_MODULES.has(prefix) ? prefix : null;
  }
  return null;
}

/** `import keras.x.y` / `from keras.x.y import ...`: Python's ModuleNotFoundError, or null. */
export function refusedModule(module: string): string | null {
  const missing = missingModule(module);
  return missing ? `ModuleNotFoundError: No module named '${missing}'${advice(missing)}` : null;
}

/** `from module import name` where module exists: Python's ImportError when Keras 3 lacks the name. */
export function refusedImportName(module: string, name: string): string | null {
  if (name === '*' || !removedName(module, name)) return null;
  return `ImportError: cannot import name '${name}' from '${module}'${advice(`${module}.${name}`)}`;
}

/** `K.int_shape` on a Keras 3 module that lacks it: Python's AttributeError, or null. */
export function refusedAttribute(module: string, name: string): string | null {
  if (!removedName(module, name)) return null;
  return `AttributeError: module '${module}' has no attribute '${name}'${advice(`${module}.${name}`)}`;
}

/**
 * Whether the objects of `rawPath` (as imported) are Keras 3's own, whose constructors refuse Keras 2
 * arguments. `keras.*` is Keras 3. So is `tensorflow.keras.*` from TensorFlow 2.16 on (March 2024:
 * tf.keras is Keras 3's `keras._tf_keras.keras`, whose optimizers and callbacks are Keras 3's); ConvLens
 * models tf.keras code as Keras 3 throughout (names, shapes, KerasTensors). `tf_keras.*` is Keras 2
 * and is never refused. Removed modules and names are checked for `keras` only: `keras._tf_keras`
 * keeps some of them (tf.keras.preprocessing.image.ImageDataGenerator).
 */
export function isKeras3Path(rawPath: string): boolean {
  return rawPath.startsWith('keras.') || rawPath.startsWith('tensorflow.keras.');
}

/** tf.Variable methods people call on Keras weights that a Keras 3 Variable does not have, with what to use. */
const TF_VARIABLE_ONLY: Record<string, string> = {
  get_shape: 'use .shape',
  eval: 'use .numpy()',
  read_value: 'use .value',
  initialized_value: 'use .value',
};

/** `layer.kernel.get_shape()`: Python's AttributeError on a Keras 3 Variable, or null. */
export function refusedVariableAttribute(name: string): string | null {
  const instead = TF_VARIABLE_ONLY[name];
  return instead ? `AttributeError: 'Variable' object has no attribute '${name}' (Keras 3: ${instead}.)` : null;
}

/** Keras 2 keyword arguments of Keras 3 optimizers (`lr`), with the value as Python prints it. */
export function refusedOptimizerArgs(given: [string, string | null][]): string | null {
  const refused = given.filter(([k]) => k === 'lr');
  if (!refused.length || refused.some(([, v]) => v === null)) return null;
  return `Argument(s) not recognized: {${refused.map(([k, v]) => `'${k}': ${v}`).join(', ')}} (Keras 3: use learning_rate=.)`;
}

/**
 * keras.callbacks.ModelCheckpoint: Keras 3 saves weights only to `.weights.h5` files and whole models
 * only to `.keras` (or legacy `.h5`) files; Keras 2 took any path, e.g. "/tmp/checkpoint".
 */
export function refusedCheckpointPath(filepath: Value | undefined, weightsOnly: Value | undefined): string | null {
  if (filepath?.t !== 'str' || (weightsOnly && weightsOnly.t !== 'bool')) return null;
  if (weightsOnly?.t === 'bool' && weightsOnly.v) {
    if (filepath.v.endsWith('.weights.h5')) return null;
    return `When using \`save_weights_only=True\` in \`ModelCheckpoint\`, the filepath provided must end in \`.weights.h5\` (Keras weights format). Received: filepath=${filepath.v}`;
  }
  if (filepath.v.endsWith('.keras') || filepath.v.endsWith('.h5')) return null;
  return `The filepath provided must end in \`.keras\` (Keras model format). Received: filepath=${filepath.v}`;
}

/** How many `try:` bodies with an except handler are running: what they raise may be caught. */
const guarded = new WeakMap<TraceContext, number>();

export function runGuardedByExcept<T>(ctx: TraceContext, body: () => T): T {
  guarded.set(ctx, (guarded.get(ctx) ?? 0) + 1);
  try {
    return body();
  } finally {
    guarded.set(ctx, guarded.get(ctx)! - 1);
  }
}

/**
 * Reports what Keras 3 refuses, unless it happens in a `try:` with an except handler: Keras-2
 * compatible code catches exactly these (`except ImportError: from keras.layers import ...`).
 */
export function reportRefusal(ctx: TraceContext, code: string, message: string, span: Span): void {
  if (guarded.get(ctx)) return;
  ctx.diagnostics.error(code, message, span);
}
