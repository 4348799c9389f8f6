/**
 * ModelGraph -> ONNX. Each layer kind lowers itself (kernels/*.lower); this walks the calls in
 * Keras order, supplies weights, and keeps Keras' NHWC layout at the model's inputs and outputs.
 */
import { encodeModel } from '../../../kernels/onnx/encode';
import { OnnxGraph } from '../../../kernels/onnx/graph';
import { toKeras } from '../../../kernels/onnx/layout';
import { LoweringError, type LowerContext, type Shape, type TensorRef, type WeightSpec } from '../../../kernels/types';
import type { LayerCall, LayerInstance, ModelGraph, SymTensor } from '../graph';
import type { Span } from '../source';
import { collectCalls } from '../trace/call_listing';

/** Supplies a layer's weights (Keras order and layouts) from initializers or a trained file. */
export interface WeightSource {
  weights(layer: LayerInstance, specs: WeightSpec[]): Float32Array[];
}

/** Lowering failed at a layer: the message names it and its source position. */
export class LoweringFailure extends Error {
  constructor(message: string, readonly layer: string, readonly span: Span) {
    super(message);
  }
}

export interface LoweredTensor {
  /** ONNX tensor name, in Keras layout. */
  name: string;
  shape: Shape;
}

export interface LoweredModel {
  bytes: Uint8Array;
  inputs: LoweredTensor[];
  outputs: LoweredTensor[];
  /** Extra graph outputs: each requested layer's output, in Keras layout. */
  layerOutputs: Map<string, LoweredTensor>;
  /** ONNX node name -> Keras layer name (for profiles). */
  nodeLayers: Map<string, string>;
  layerTypes: Map<string, string>;
}

export interface LowerOptions {
  /** Layers whose outputs should be fetchable (intermediate activations). */
  exposeLayers?: string[];
  /** A linearised copy (activations as identity) for receptive-field probes. */
  linear?: boolean;
  /** Stop at this layer: it becomes the only output and later layers are not lowered. */
  truncateAt?: string;
}

function concreteShape(t: SymTensor, what: string, span: Span): Shape {
  if (!t.shape) throw new LoweringFailure(`The shape of ${what} is unknown, so the model cannot be run.`, what, span);
  if (t.shape.slice(1).some((d) => d === null)) {
    throw new LoweringFailure(`The input of the model has unknown dimensions ${JSON.stringify(t.shape)}; give a concrete input shape (e.g. --input-shape 224,224,3).`, what, span);
  }
  return t.shape;
}

/** The sub-graph that computes `layer` (its first call), with that output as the model output. */
function truncated(model: ModelGraph, layer: string): ModelGraph {
  const target = model.calls.find((c) => c.layer.name === layer);
  if (!target) throw new LoweringFailure(`There is no layer "${layer}" in ${model.name}.`, layer, model.span);
  const { calls } = collectCalls(model.inputs, [target.output]);
  return { ...model, calls, outputs: [target.output] };
}

export function lowerModel(model: ModelGraph, source: WeightSource, options: LowerOptions = {}): LoweredModel {
  const graph = new OnnxGraph();
  const refs = new Map<SymTensor, TensorRef>();
  const layerTypes = new Map<string, string>();
  const exposed = new Set(options.exposeLayers ?? []);
  const layerOutputs = new Map<string, LoweredTensor>();
  if (model.problem) throw new LoweringFailure(model.problem, model.name, model.span);
  if (options.truncateAt) model = truncated(model, options.truncateAt);

  const inputs: LoweredTensor[] = [];
  for (const call of model.calls) {
    const { layer } = call;
    layerTypes.set(layer.name, layer.type);
    graph.currentLayer = layer.name;
    if (layer.kernel?.family === 'input') {
      const shape = concreteShape(call.output, layer.name, layer.span);
      const name = graph.fresh(layer.name);
      graph.inputs.push({ name, dims: shape.map((d) => (d === null ? -1 : d)) });
      inputs.push({ name, shape });
      refs.set(call.output, { name, shape, channelsFirst: false });
      continue;
    }
    const ref = lowerCall(graph, call, refs, source, !!options.linear);
    refs.set(call.output, ref);
    if (exposed.has(layer.name) && !layerOutputs.has(layer.name)) {
      layerOutputs.set(layer.name, keep(graph, layer.name, ref, call));
    }
  }
  const outputs = model.outputs.map((t, i) => {
    const ref = refs.get(t);
    if (!ref) throw new LoweringFailure(`Output ${i} of ${model.name} is not computed by its layers.`, model.name, model.span);
    const call = t.producer!;
    graph.currentLayer = call.layer.name;
    return keep(graph, `output_${i}`, ref, call);
  });
  const nodeLayers = new Map(graph.nodes.map((n) => [n.name, n.layer]));
  return { bytes: encodeModel(graph, model.name), inputs, outputs, layerOutputs, nodeLayers, layerTypes };
}

/** Marks a tensor as a graph output in Keras layout. */
function keep(graph: OnnxGraph, label: string, ref: TensorRef, call: LayerCall): LoweredTensor {
  const ctx = { graph, layerName: call.layer.name, inputs: [], weights: [], outputShape: ref.shape } as LowerContext;
  const keras = toKeras(ctx, ref);
  const name = graph.outputs.some((o) => o.name === keras.name) ? graph.node('Identity', [keras.name], {}, `${label}/identity`) : keras.name;
  graph.outputs.push({ name, dims: ref.shape.map((d) => (d === null ? -1 : d)) });
  return { name, shape: ref.shape };
}

function lowerCall(graph: OnnxGraph, call: LayerCall, refs: Map<SymTensor, TensorRef>, source: WeightSource, linear: boolean): TensorRef {
  const { layer } = call;
  const fail = (why: string) => new LoweringFailure(`Layer "${layer.name}" (${layer.type}) cannot be run: ${why}.`, layer.name, call.span);
  if (!layer.kernel) throw fail('ConvLens does not model this layer kind');
  if (!call.result || layer.config === null) throw fail('its output shape is unknown (see the diagnostics)');
  if (!layer.kernel.lower) throw fail('ONNX lowering is not available for this kind yet');
  const inputs = call.inputs.map((t) => {
    const r = refs.get(t);
    if (!r) throw fail('one of its inputs is not computed');
    return r;
  });
  const shapes = inputs.map((r) => r.shape);
  const specs = layer.kernel.weights?.(layer.config, shapes) ?? [];
  let weights: Float32Array[];
  try {
    weights = source.weights(layer, specs);
  } catch (e) {
    throw fail((e as Error).message);
  }
  try {
    const out = layer.kernel.lower(layer.config, { graph, layerName: layer.name, inputs, weights, outputShape: call.result.outputShape, linear });
    // A Keras mask rides along with the tensors computed from a masked one (kept conservatively).
    return inputs.some((r) => r.masked) && out.masked === undefined ? { ...out, masked: true } : out;
  } catch (e) {
    if (e instanceof LoweringError || e instanceof Error) throw fail(e.message);
    throw e;
  }
}
