/**
 * What the analysis reports, as types only: the layers, Keras' entries and the models of one file.
 * Apart from analyze.ts so that entries, line diagnostics and views can name them without an
 * import cycle back into the analysis.
 */
import type { ParamCount, Shape } from '../../../kernels/types';
import type { Diagnostic } from '../diagnostics';
import type { LayerCall, LayerInstance, ModelGraph, SymTensor } from '../graph';
import type { Span } from '../source';
import type { TensorName } from '../trace/context';
import type { Rf } from './receptive_field';
import type { Savings } from './savings';

export interface LayerReport {
  layer: LayerInstance;
  /** The layer's first call in this model (shared layers are listed once). */
  call: LayerCall;
  inbound: string[];
  outputShape: Shape | null;
  params: ParamCount | null;
  /** Summed over this model's calls of the layer. */
  macs: number | null;
  rf: Rf;
  savings: Savings | null;
}

export interface EntryReport {
  name: string;
  /** The class as Keras names it: `Conv2D`, `Functional`, `Sequential`, a custom class. */
  type: string;
  /** The built-in layer's report; null for a nested model or a custom layer. */
  layer: LayerReport | null;
  /** A container's own entries; null for a built-in layer. */
  entries: EntryReport[] | null;
  outputShape: Shape | null;
  params: ParamCount | null;
  macs: number | null;
  rf: Rf;
  span: Span;
  /** Where a nested model or custom layer was applied. */
  callSpans: Span[];
  /** Keras' `len(model.layers)` for a nested model: its own entries, each nested one counted once (1 for a layer). */
  layerCount: number;
}

export interface ModelReport {
  graph: ModelGraph;
  /** Keras' `model.layers`: nested models and custom layers as one entry each (with their own entries). */
  entries: EntryReport[];
  /**
   * Unique in the file: the Keras name, or "name#2", "name#3" ... for later models of the same name
   * (Keras repeats names after clear_session). Views and jobs pick a model by it.
   */
  key: string;
  layers: LayerReport[];
  /** The receptive field of every call's output (a LayerReport holds its first call's only). */
  rfs: { get(tensor: SymTensor): Rf | undefined };
  totals: { params: number; trainableParams: number; nonTrainableParams: number; macs: number };
}

export interface Analysis {
  models: ModelReport[];
  /** Names that held Keras tensors, by source position (for hovers on variables). */
  tensorNames: TensorName[];
  diagnostics: Diagnostic[];
  steps: number;
}
