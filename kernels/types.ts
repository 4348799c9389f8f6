/**
 * The contract every layer kind implements. A kernel knows its Keras signature,
 * validates arguments the way Keras does (constructor time and build time),
 * and computes output shape, parameter count, MACs and the receptive-field step.
 */

/** One dimension: a number, or null when unknown (the batch, or `None` in `shape=`). */
export type Dim = number | null;
/** A full tensor shape, batch first. */
export type Shape = Dim[];

/** An argument the tracer could not evaluate. Kernels that need it give up on the layer. */
export class Unknown {
  readonly kind = 'unknown';
}
export const UNKNOWN = new Unknown();

/** A named callable or Keras object passed as an argument (activations, initializers, ...). */
export interface ObjectArg {
  kind: 'object';
  /** e.g. "relu", "keras.initializers.HeNormal", "lambda" */
  name: string;
  /** Constructor arguments of a Keras object (positional ones as "_0", "_1", ...). */
  args?: Record<string, ArgValue>;
}

export type ArgValue = number | string | boolean | null | ArgValue[] | ObjectArg | Unknown;

export interface ParamSpec {
  name: string;
  /** Absent means required. */
  default?: ArgValue;
  /** Keras checks `isinstance(v, int)`: a NumPy integer (np.amax(y) + 1) is refused, whatever its value. */
  pythonIntOnly?: true;
  /** Keras uses it as a tuple (`(batch,) + output_shape`): a list is given to the kind as an opaque object, not as its items. */
  tupleOnly?: true;
}

export type LayerFamily =
  | 'input' | 'conv' | 'transposed' | 'depthwise' | 'separable' | 'resize' | 'pooling'
  | 'normalization' | 'activation' | 'regularization' | 'dense' | 'reshape' | 'merge';

/** A Keras error (ValueError / TypeError) the kernel raises, as Keras would. */
export class KerasError extends Error {
  constructor(public readonly code: string, message: string) {
    super(message);
  }
}

/** Raised when a value the kernel needs is unknown; the tracer degrades the layer. */
export class NeedsUnknown extends Error {
  constructor(public readonly what: string) {
    super(`\`${what}\` could not be evaluated`);
  }
}

/** One receptive-field step along one spatial axis (Araujo et al., Distill 2019). */
export type RfStep =
  /** Sliding window: conv, pooling, padding (k=1, pad=p), cropping (k=1, pad=-c). kernel is undilated. */
  | { op: 'window'; kernel: number; stride: number; pad: number; dilation: number }
  /** Transposed convolution (kernel already dilated): pad is the count cropped at the start of the output. */
  | { op: 'transposed'; kernel: number; stride: number; pad: number }
  /** Upsampling by an integer factor. */
  | { op: 'resize'; factor: number; interpolation: 'nearest' | 'bilinear' };

/**
 * How a layer transforms the receptive field: per spatial axis steps, identity (elementwise),
 * global (every output sees the whole input), merge (several inputs, aligned spatially), or
 * unknown (the layer scrambles positions: Reshape, Permute, ...).
 */
export type RfEffect = { steps: RfStep[] } | 'identity' | 'global' | 'merge' | 'unknown';

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

export interface BuildResult {
  outputShape: Shape;
  /** Null where the count depends on an unknown dimension. */
  params: ParamCount | null;
  /** Multiply-accumulates for one call with batch 1; null where a needed dimension is unknown. */
  macs: number | null;
  rf: RfEffect;
}

/** Bound arguments: every parameter of the signature plus base-layer keywords. */
export interface BoundArgs {
  readonly values: ReadonlyMap<string, ArgValue>;
  /** Arguments that were written in the source (not defaults). */
  readonly given: ReadonlySet<string>;
  /**
   * Keras' global image data format when the layer was made (`keras.config.set_image_data_format`):
   * what `data_format=None` means. channels_last when absent.
   */
  readonly imageDataFormat?: 'channels_last' | 'channels_first';
}

/** A weight as Keras creates it in build(): name, shape, initializer, trainability. */
export interface WeightSpec {
  name: string;
  shape: number[];
  /** The initializer argument as written (a name such as "glorot_uniform", or an object). */
  initializer: ArgValue;
  trainable: boolean;
}

/**
 * A tensor during ONNX lowering. `shape` is the Keras shape; when `channelsFirst` is set, the
 * ONNX tensor holds that channels_last Keras tensor with its channels moved to axis 1 (NCHW),
 * which is what ONNX convolutions, pooling and resizing want.
 */
export interface TensorRef {
  name: string;
  shape: Shape;
  channelsFirst: boolean;
  /**
   * The Keras tensor carries a mask (Embedding mask_zero=True upstream): kinds whose output
   * depends on it (recurrent layers) refuse to lower. Passed on to outputs by the lowering walk.
   */
  masked?: boolean;
}

export interface LowerContext {
  graph: import('./onnx/graph').OnnxGraph;
  layerName: string;
  inputs: TensorRef[];
  /** Weight values in the order of `weights()`, Keras layouts. */
  weights: Float32Array[];
  outputShape: Shape;
  /**
   * Linearised copy for receptive-field probes: activations become the identity (and offsets
   * vanish), so with positive weights an output is non-zero exactly where an input reaches it.
   */
  linear?: boolean;
}

/** A layer that cannot be lowered to ONNX (with the reason, for the user). */
export class LoweringError extends Error {}

export interface BuildContext {
  /** The Keras name of the layer being built, for error messages. */
  layerName: string;
}

/** The window a conv or pooling kind slides, as configured (the kernel undilated). */
export interface SlidingWindow {
  kernelSize: number[];
  strides: number[];
  dilation: number[];
  /** Where its input keeps the channels: which axes of that input are spatial. */
  dataFormat: 'channels_last' | 'channels_first';
}

/** One layer of a cheaper alternative: a kind and its Keras constructor arguments (defaults filled in when built). */
export interface AlternativeLayer {
  type: string;
  args: Record<string, ArgValue>;
}

/** A stack of layers that does a layer's job for fewer weights; the registry builds each with its own kind. */
export interface CheaperAlternative {
  /** What the stack is called in advice, e.g. "SeparableConv2D" or "DepthwiseConv2D+Conv2D". */
  kind: string;
  layers: AlternativeLayer[];
}

export interface LayerKernel<Config = unknown> {
  /** Keras class name, e.g. "Conv2D". */
  type: string;
  /** Other Keras names for the same class (e.g. "Convolution2D"). */
  aliases?: string[];
  family: LayerFamily;
  /** One correct sentence about what the layer does. */
  description: string;
  /** The Keras documentation page of this layer kind. */
  docUrl: string;
  /** Parameters in Keras positional order, with Keras 3 defaults. */
  params: ParamSpec[];
  /** Keyword arguments the Keras constructor takes out of **kwargs (never positional): deprecated spellings and such. */
  popped?: ParamSpec[];
  /** The warnings Keras' constructor gives for these arguments (deprecations); shown as info, not errors. */
  warnings?(args: BoundArgs): string[];
  /** True for layers called on a list of tensors (merges). */
  takesList?: boolean;
  /** Constructor-time validation; returns the normalized config. May throw KerasError or NeedsUnknown. */
  configure(args: BoundArgs): Config;
  /** Build-time validation and shape/params/MACs/RF. May throw KerasError or NeedsUnknown. */
  build(config: Config, inputs: Shape[], ctx: BuildContext): BuildResult;
  /** The layer's weights in Keras order, for initialization and loading trained weights. */
  weights?(config: Config, inputs: Shape[]): WeightSpec[];
  /** The window it slides (convs, pooling); absent for kinds without one. */
  window?(config: Config): SlidingWindow;
  /** True for kinds whose dilated taps sample a sparse grid (atrous convs): the gridding check follows them. */
  atrous?: boolean;
  /** The activation applied to its output, by Keras name ("softmax", "linear", ...); null for none. */
  activation?(config: Config): string | null;
  /**
   * Transposed convs: the kernel size rounded up to a multiple of the stride when the stride does
   * not divide it (uneven overlap, checkerboard artifacts; Odena et al. 2016); null when it does.
   */
  evenOverlapKernel?(config: Config): number[] | null;
  /** Stacks doing the same job for fewer weights (same receptive field), for this input; [] when none applies. */
  cheaperAlternatives?(config: Config, inputs: Shape[]): CheaperAlternative[];
  /**
   * Where Keras 3 weight files keep the layer's variables, below the layer's own path: recurrent
   * layers keep them in their `cell` (`layers/lstm/cell/vars/0`). Absent: the layer's own `vars`.
   */
  variablesPath?: string;
  /**
   * Kinds whose input holds integer indices (Embedding): how many there are, so a sample input
   * can be drawn from them (noise in [0, 1) would look up row 0 only). Absent: a real-valued input.
   */
  indexInputCount?(config: Config): number;
  /**
   * Kinds whose output shape can be what their Python function gives on symbolic inputs (Lambda without
   * `output_shape`): whether this config needs the tracer to trace the function, and the config for one
   * call given the shape it traced (null when it could not).
   */
  tracedShape?: { needed(config: Config): boolean; withShape(config: Config, shape: Shape | null): Config };
  /** Emits the ONNX nodes that compute the layer; absent when the kind cannot be run. */
  lower?(config: Config, ctx: LowerContext): TensorRef;
}

