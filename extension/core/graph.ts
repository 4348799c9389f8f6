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
  /** Keras-2 style input shape given on the layer (input_shape=, batch_input_shape=, input_dim=). */
  declaredInput?: Shape;
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
}
