/**
 * "Run on sample": a traced model, lowered to ONNX, run by ONNX Runtime in its worker, with
 * per-layer statistics and latencies mapped back to Keras layers.
 */
import type { ModelRunner } from './ort/runner';
import { makeIndexSample, makeSample, type SampleKind } from './inputs/samples';
import { BudgetExceeded, checkRunBudget, DEFAULT_MEMORY_BUDGET_MB } from './memory_budget';
import { tensorStats, topK, type TensorStats } from './ort/stats';
import { featureThumbnails, type Thumbnails } from './ort/thumbnails';
import type { ModelReport } from '../engine/analysis/analyze';
import { inputDataFormat, outputDataFormat } from '../engine/analysis/data_format';
import type { ModelGraph } from '../engine/graph';
import { lowerModel, type WeightSource } from '../engine/lowering/lower_model';

export type SampleInput = { kind: SampleKind } | { kind: 'array'; data: Float32Array; shape: number[] };

export interface RunSettings {
  input: SampleInput;
  weights: WeightSource;
  batch?: number;
  seed?: number;
  /** Per-layer latency (ORT profiling) and per-layer activation statistics. */
  perLayer?: boolean;
  /** Layers whose whole output tensors are returned (feature maps), Keras layout. */
  keepOutputs?: string[];
  /** With perLayer: small thumbnails of every 2D layer's first channels. */
  thumbnails?: boolean;
  memoryBudgetBytes?: number;
  threads?: number;
  signal?: AbortSignal;
}

export interface LayerRun {
  name: string;
  type: string;
  outputShape: number[];
  /** Kernel time; for a fused group (Conv+BN+ReLU) the whole group's time sits on its last layer. */
  latencyMs: number | null;
  /** Set on the earlier members of a fused group: the layer that carries the group's time. */
  fusedInto?: string;
  stats: TensorStats | null;
}

const FUSABLE = new Set(['conv', 'depthwise', 'separable', 'transposed', 'normalization', 'activation', 'dense']);

/**
 * ORT fuses Conv + BatchNormalization + activation into one kernel named after the last op. Runs of
 * fusable layers that got no time of their own are attributed to the layer that closes the run.
 */
export function attributeFusedGroups(layers: LayerRun[], families: Map<string, string>): void {
  let pending: LayerRun[] = [];
  for (const l of layers) {
    if (l.latencyMs === null) continue;
    const fusable = FUSABLE.has(families.get(l.name) ?? '');
    if (!fusable) {
      pending = [];
      continue;
    }
    if (l.latencyMs === 0) {
      pending.push(l);
      continue;
    }
    for (const p of pending) p.fusedInto = l.name;
    pending = [];
  }
}

export interface RunReport {
  model: string;
  inputShape: number[];
  outputShape: number[];
  output: Float32Array;
  stats: TensorStats;
  /** Median of timed runs after a warm-up, ms. */
  latencyMs: number;
  sessionMs: number | null;
  top5: { index: number; value: number }[] | null;
  layers: LayerRun[];
  /** The tensors of `keepOutputs`, by layer name. */
  kept: Map<string, { dims: number[]; data: Float32Array }>;
  /** Feature-map thumbnails by layer (when asked for). */
  thumbnails: Map<string, Thumbnails>;
}

export const DEFAULT_MEMORY_BUDGET = DEFAULT_MEMORY_BUDGET_MB * 2 ** 20;
export { BudgetExceeded };

/** ONNX Runtime failed; the message names the Keras layer when ORT named a node. */
export class RuntimeFailure extends Error {
  constructor(message: string, readonly layer: string | null) {
    super(message);
  }
}

/** "... running Conv node. Name:'conv1/Conv_node' ..." -> the layer, type and line in the message. */
export function explainOrtError(e: Error, report: ModelReport, lines?: (offset: number) => number): RuntimeFailure {
  const node = /Name:'([^']+)'/.exec(e.message)?.[1];
  const known = new Set(report.layers.map((l) => l.layer.name));
  const layer = node ? layerOfNode(node, known) : null;
  const found = layer && layer !== '(runtime)' ? report.layers.find((l) => l.layer.name === layer) : undefined;
  if (!found) return new RuntimeFailure(`ONNX Runtime failed: ${e.message}`, null);
  const where = lines ? ` (line ${lines(found.layer.span.from)})` : '';
  return new RuntimeFailure(`ONNX Runtime failed in layer "${found.layer.name}" (${found.layer.type})${where}: ${e.message}`, found.layer.name);
}

/**
 * The Keras layer of an ONNX Runtime node. Our nodes are named "<layer>/<op>"; after graph
 * optimisation ORT names fused nodes after an output plus a suffix ("conv1_relu_nchwc"), so the
 * longest layer name the node name starts with wins. ORT's own nodes are "(runtime)".
 */
export function layerOfNode(node: string, layers: Set<string>): string {
  const head = node.split('/')[0];
  if (layers.has(head)) return head;
  for (let i = head.lastIndexOf('_'); i > 0; i = head.lastIndexOf('_', i - 1)) {
    const prefix = head.slice(0, i);
    if (layers.has(prefix)) return prefix;
  }
  return '(runtime)';
}

/**
 * A synthetic input. Random noise for an input that every consumer reads as indices (Embedding)
 * is drawn from the indices they all accept instead; the kind says how many there are.
 */
function sampleFor(graph: ModelGraph, kind: SampleKind, shape: number[], seed: number): Float32Array {
  if (kind === 'random') {
    const input = graph.inputs[0];
    const counts = graph.calls
      .filter((c) => c.inputs.some((t) => t.id === input.id))
      .map((c) => (c.layer.config !== null ? c.layer.kernel?.indexInputCount?.(c.layer.config) : undefined));
    if (counts.length > 0 && counts.every((n) => n !== undefined)) return makeIndexSample(shape, Math.min(...(counts as number[])), seed);
  }
  return makeSample(kind, shape, seed, inputDataFormat(graph));
}

export async function runModel(report: ModelReport, runner: ModelRunner, settings: RunSettings): Promise<RunReport> {
  const graph = report.graph;
  const batch = settings.batch ?? 1;
  const declared = graph.inputs[0]?.shape;
  if (graph.inputs.length !== 1 || !declared) throw new Error(`${graph.name} has ${graph.inputs.length} inputs; runs support models with one input.`);
  const input = settings.input;
  const inputShape = input.kind === 'array' ? input.shape : [batch, ...(declared.slice(1) as (number | null)[])];
  if (inputShape.some((d) => d === null)) throw new Error(`The input of ${graph.name} has unknown dimensions; give a concrete input shape.`);
  const shape = inputShape as number[];
  if (input.kind === 'array' && JSON.stringify(shape.slice(1)) !== JSON.stringify(declared.slice(1))) {
    throw new Error(`The input array has shape ${JSON.stringify(shape)}, but ${graph.name} expects ${JSON.stringify(declared)}.`);
  }
  checkRunBudget(report, shape, !!settings.perLayer, settings.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET);

  const layerNames = report.layers.filter((l) => l.layer.kernel?.family !== 'input').map((l) => l.layer.name);
  const data = input.kind === 'array' ? input.data : sampleFor(graph, input.kind, shape, settings.seed ?? 0);
  // Timing and profiling use the plain graph: fetching every activation would defeat fusion.
  const run = (opts: Parameters<ModelRunner['run']>[0]) => runner.run(opts).catch((e: Error) => {
    throw e.name === 'Error' && /node|Name:/.test(e.message) ? explainOrtError(e, report) : e;
  });
  // Lowered in a function of its own: the plain model's bytes can go before the exposed one is built.
  const timed = async () => {
    const plain = lowerModel(graph, settings.weights);
    return run({
      model: plain.bytes,
      feeds: [{ name: plain.inputs[0].name, dims: shape, data }],
      fetch: [plain.outputs[0].name], profile: !!settings.perLayer, repeats: 3, threads: settings.threads, signal: settings.signal,
    });
  };
  const res = await timed();
  const out = res.outputs[0];
  const byName = new Map<string, { dims: number[]; data: Float32Array }>();
  const kept = new Map<string, { dims: number[]; data: Float32Array }>();
  const thumbnails = new Map<string, Thumbnails>();
  if (settings.perLayer || settings.keepOutputs?.length) {
    const exposed = lowerModel(graph, settings.weights, { exposeLayers: settings.perLayer ? layerNames : settings.keepOutputs });
    const names = [...exposed.layerOutputs.keys()];
    const stats = await run({
      model: exposed.bytes,
      feeds: [{ name: exposed.inputs[0].name, dims: shape, data }],
      fetch: names.map((n) => exposed.layerOutputs.get(n)!.name), threads: settings.threads, signal: settings.signal,
    });
    names.forEach((n, i) => byName.set(n, stats.outputs[i]));
    if (settings.thumbnails) {
      const calls = new Map(graph.calls.map((c) => [c.layer.name, c]));
      const inputFormat = inputDataFormat(graph);
      for (const [n, t] of byName) {
        // Only 4D maps get thumbnails.
        if (t.dims.length !== 4) continue;
        const call = calls.get(n);
        const thumb = featureThumbnails(t.dims, t.data, call ? outputDataFormat(graph, call, inputFormat) : 'channels_last');
        if (thumb) thumbnails.set(n, thumb);
      }
    }
    for (const n of settings.keepOutputs ?? []) {
      const t = byName.get(n);
      if (t) kept.set(n, t);
    }
  }
  const latency = new Map<string, number>();
  const known = new Set(layerNames);
  for (const e of res.profile ?? []) {
    const layer = layerOfNode(e.node, known);
    latency.set(layer, (latency.get(layer) ?? 0) + e.micros / 1000);
  }
  const layers: LayerRun[] = report.layers
    .filter((l) => l.layer.kernel?.family !== 'input')
    .map((l) => {
      const t = byName.get(l.layer.name);
      return {
        name: l.layer.name,
        type: l.layer.type,
        outputShape: t ? t.dims : [],
        latencyMs: settings.perLayer ? (latency.get(l.layer.name) ?? 0) : null,
        stats: t ? tensorStats(t.data) : null,
      };
    });
  attributeFusedGroups(layers, new Map(report.layers.map((l) => [l.layer.name, l.layer.kernel?.family ?? ''])));
  if (latency.has('(runtime)')) layers.push({ name: '(runtime)', type: 'ONNX Runtime', outputShape: [], latencyMs: latency.get('(runtime)')!, stats: null });
  const last = report.layers[report.layers.length - 1];
  // Top-5 only means something after a softmax: asked of the last layer's kind.
  const softmaxHead = out.dims.length === 2 && !!last && last.layer.config !== null && last.layer.kernel?.activation?.(last.layer.config) === 'softmax';
  return {
    model: graph.name,
    inputShape: shape,
    outputShape: out.dims,
    output: out.data,
    stats: tensorStats(out.data),
    latencyMs: res.runMs,
    sessionMs: res.loadMs,
    top5: softmaxHead ? topK(out.data, out.dims[1], 5) : null,
    layers,
    kept,
    thumbnails,
  };
}
