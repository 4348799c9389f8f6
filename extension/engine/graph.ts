/** The model graph the tracer builds: layers, their calls, the tensors between them. */
import type { BuildResult, LayerKernel, Shape } from '../../kernels/types';
import type { Span } from './source';

export interface LayerInstance {
  id: number;
  /** Keras class name as written (resolved alias kept for display). */
  type: string;
  /** Null for a layer kind ConvLens does not know. */
  kernel: LayerKernel<any> | null;
  /** The kernel's normalized config; null when arguments were invalid or unknown. */
  config: unknown;
  name: string;
  /** Where the layer object was constructed. */
  span: Span;
  /** The helper-function calls it was made in, outermost first, as "name#call" (views collapse them). */
  scope: string[];
  calls: LayerCall[];
  /** False when built with trainable=False or frozen later: its weights count as non-trainable. */
  trainable: boolean;
  /** An operation such as `keras.ops.relu(x)`: in the graph and the summary, not in `model.layers`. */
  isOperation?: boolean;
  /**
   * An operation with a custom layer's own variable (`x * self.scale`): the layer that owns it (as
   * tracked, set when the trace ends) and the variable's index in that layer's `vars`.
   */
  variable?: { owner: TrackedNode | null; index: number };
  /** Keras-2 style input shape given on the layer (input_shape=, batch_input_shape=, input_dim=). */
  declaredInput?: Shape;
  /** Built by a keras.applications architecture (e.g. "ResNet50"), not by the user's own code. */
  application?: string;
}

export interface LayerCall {
  layer: LayerInstance;
  inputs: SymTensor[];
  output: SymTensor;
  /** Where the call happened (the constructor span for Sequential members). */
  span: Span;
  /** Null when the output could not be computed (unknown input or error). */
  result: BuildResult | null;
}

export interface SymTensor {
  id: number;
  /** Null when unknown altogether; dims are null when unknown. */
  shape: Shape | null;
  producer: LayerCall | null;
}

export type ModelKind = 'functional' | 'sequential' | 'subclassed';

export interface ModelGraph {
  name: string;
  kind: ModelKind;
  /** The variable the model was assigned to, if any. */
  variable: string | null;
  span: Span;
  inputs: SymTensor[];
  outputs: SymTensor[];
  /** Layer calls in the order Keras runs them. */
  calls: LayerCall[];
  /** Why the model could not be built, when it could not. */
  problem?: string;
  /** The model as Keras tracks it (set when the trace ends). */
  tracking?: TrackedNode;
  /** Keras' `model.layers`: built-in layers, and nested models / custom layers as one entry each. */
  entries?: GraphEntry[];
  /**
   * A keras.applications model built with `weights="imagenet"`: the file name Keras downloads its
   * weights to (under `$KERAS_HOME/models/`, `~/.keras/models/` by default) and loads them from.
   */
  pretrained?: string;
  /** A keras.applications model built with `weights=<path>`: Keras calls `model.load_weights(path)`. */
  weightsFile?: string;
}

/** One entry of a model's layer list (summary rows, JSON `layers`). */
export type GraphEntry =
  | { kind: 'layer'; layer: LayerInstance }
  | {
      kind: 'container';
      name: string;
      /** `Functional`, `Sequential`, or the custom class as Keras names it. */
      className: string;
      /** Where it was constructed (a model: where it was built). */
      span: Span;
      /** Its own entries, from the calls made inside it in this model. */
      entries: GraphEntry[];
      /** The layer calls made inside it, in Keras order. */
      calls: LayerCall[];
      /** Its output tensors, one per application. */
      outputs: SymTensor[];
      /** Where it was applied (`base(inputs)`). */
      callSpans: Span[];
      /** Variables of its own (custom layer `add_weight`); null shape when unknown. */
      ownWeights: { shape: (number | null)[] | null; trainable: boolean }[];
      trainable: boolean;
    };

/**
 * A Keras object as Keras tracks it for saving: a built-in layer, or a model / custom Layer holding
 * others. Weight files address variables by these paths, never by layer names.
 */
export interface TrackedNode {
  /** The Python class name (`Conv2D`, `Sequential`, `Functional`, a user class). */
  className: string;
  /** The built-in layer this node stands for; null for containers. */
  layer: LayerInstance | null;
  /** False when the object was frozen (`trainable=False`). */
  trainable: boolean;
  /** What Keras visits inside it, in the order it visits them. */
  children: TrackedChild[];
  /** Layers it holds in the order they were tracked (Keras' `_layers`: the order of its weights). */
  sublayers: TrackedNode[];
  /** Variables of its own (`add_weight` in a custom layer), when they could be counted. */
  ownVariables: number | null;
  /** For each own variable (in `vars` order), the operation that uses it, when one does. */
  ownVariableLayers: (LayerInstance | null)[];
}

/** A list, tuple or dict of tracked objects (Keras saves it as a "container"); lists may nest. */
export type TrackedList = (TrackedNode | TrackedList)[];

/** One attribute of a tracked object: a single object, or a container of them. */
export interface TrackedChild {
  attr: string;
  value: TrackedNode | TrackedList;
}
