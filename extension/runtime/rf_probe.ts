/**
 * Receptive fields measured with ONNX Runtime.
 * - The support (which input pixels reach an output unit) on a linearised copy: activations as
 *   identity, every weight a positive constant, biases zero. An impulse at pixel p then gives a
 *   non-zero output at unit u exactly when p is in u's field. Impulses along the row and the
 *   column through the field's centre measure its extent per axis.
 * - The effective receptive field (Luo et al. 2016) on the real weights: how much a small
 *   perturbation of each input pixel moves the unit, over the field (sampled when large).
 *   Stacked dilation with a common factor shows up as a grid of zeros ("gridding").
 */
import { fans } from '../../kernels/initializers';
import type { ModelRunner } from './ort/runner';
import { makeSample } from './inputs/samples';
import type { WeightSpec } from '../../kernels/types';
import type { LayerReport, ModelReport } from '../engine/analysis/analyze';
import { imageAxes, inputDataFormat, outputDataFormat, pixelIndex, type DataFormat } from '../engine/analysis/data_format';
import { unitField } from '../engine/analysis/receptive_field';
import type { LayerInstance } from '../engine/graph';
import { lowerModel, type WeightSource } from '../engine/lowering/lower_model';
import { activationBytes, DEFAULT_MEMORY_BUDGET_MB, ortWorkingBytes, requireWithinBudget, WEIGHT_COPIES_RUN, weightBytes } from './memory_budget';

/** Positive constants (1 / fan_in) for kernels, zero shifts, unit scales. */
export class LinearisedWeights implements WeightSource {
  weights(_layer: LayerInstance, specs: WeightSpec[]): Float32Array[] {
    return specs.map((s) => {
      const size = s.shape.reduce((a, b) => a * b, 1);
      if (/kernel/.test(s.name)) return new Float32Array(size).fill(1 / Math.max(1, fans(s.shape).fanIn));
      if (s.name === 'gamma' || s.name === 'moving_variance') return new Float32Array(size).fill(1);
      return new Float32Array(size);
    });
  }
}

export interface AxisExtent {
  /** First and last input pixel (inclusive). */
  start: number;
  end: number;
}

export interface ErfMap {
  /** Input pixel of the first sample, and the sampling step. */
  origin: [number, number];
  step: number;
  rows: number;
  cols: number;
  /** |Δ unit| / Δ input per sampled pixel, row-major. */
  values: Float32Array;
}

export interface MeasuredRf {
  layer: string;
  /** The output unit probed (spatial coordinates, the centre of the layer's map). */
  unit: [number, number];
  /** Measured support within the image, per axis (H, W). */
  measured: [AxisExtent, AxisExtent];
  /** Analytical field of the unit (may extend past the border into padding), per axis. */
  analytical: [AxisExtent, AxisExtent];
  /** True when the measured support equals the analytical field clipped to the image. */
  agrees: boolean;
  /** The probed input's spatial size (height, width), whatever its channel layout. */
  inputSize: [number, number];
  erf: ErfMap | null;
}

export interface ProbeOptions {
  layer?: string;
  /** Impulses per ORT call. */
  batch?: number;
  /** Most ERF samples (the field is subsampled beyond that); 0 skips the ERF. */
  erfSamples?: number;
  /** Most impulses per axis for the support scan (default: from the compute budget). */
  scanBudget?: number;
  /** Multiply-accumulates the probes may spend in all (default 4e11: a few seconds on 2 cores). */
  macBudget?: number;
  seed?: number;
  weights: WeightSource;
  signal?: AbortSignal;
  /** Bytes the probes may use; the batch shrinks to fit, and a probe that cannot fit is refused. */
  memoryBudgetBytes?: number;
}

/** The deepest layer whose output still has a spatial field. */
export function lastSpatialLayer(report: ModelReport): LayerReport | undefined {
  return [...report.layers].reverse().find((l) => l.rf && l.rf !== 'global' && l.outputShape?.length === 4);
}

interface Probe {
  bytes: Uint8Array;
  input: string;
  output: string;
}

function probeModel(report: ModelReport, layer: string, weights: WeightSource, linear: boolean): Probe {
  const lowered = lowerModel(report.graph, weights, { truncateAt: layer, linear });
  return { bytes: lowered.bytes, input: lowered.inputs[0].name, output: lowered.outputs[0].name };
}

/**
 * Scan positions along one axis: every pixel when affordable; otherwise every pixel near the
 * analytical edges (where a wrong field would show) and a regular stride in between.
 */
export function scanPositions(length: number, edges: AxisExtent, budget: number): number[] {
  if (length <= budget) return Array.from({ length }, (_, i) => i);
  const keep = new Set<number>();
  for (const e of [edges.start, edges.end]) for (let d = -3; d <= 3; d++) if (e + d >= 0 && e + d < length) keep.add(e + d);
  const stride = Math.max(1, Math.ceil(length / Math.max(1, budget - keep.size)));
  for (let i = 0; i < length; i += stride) keep.add(i);
  return [...keep].sort((a, b) => a - b);
}

/** An image tensor item's layout: the model input's shape without the batch, its format and its axes. */
interface Layout {
  shape: number[];
  format: DataFormat;
  height: number;
  width: number;
  channels: number;
}

/**
 * Runs `count` probe inputs (each one input item, written by `fill` into a zeroed item) in batches
 * of `batch`; returns the unit's channel-summed value for each (the output read in `outFormat`).
 * Only one batch exists at a time.
 */
async function unitValues(runner: ModelRunner, probe: Probe, count: number, fill: (i: number, item: Float32Array) => void, layout: Layout, outFormat: DataFormat, unit: [number, number], batch: number, signal?: AbortSignal): Promise<number[]> {
  const per = layout.shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    const data = new Float32Array(n * per);
    for (let j = 0; j < n; j++) fill(i + j, data.subarray(j * per, (j + 1) * per));
    const res = await runner.run({ model: probe.bytes, feeds: [{ name: probe.input, dims: [n, ...layout.shape], data }], fetch: [probe.output], signal });
    const y = res.outputs[0];
    const { height: OH, width: OW, channels: F } = imageAxes(y.dims, outFormat);
    const itemSize = OH * OW * F;
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let f = 0; f < F; f++) sum += y.data[j * itemSize + pixelIndex(outFormat, OH, OW, F, unit[0], unit[1], f)];
      out.push(sum);
    }
  }
  return out;
}

/** Adds `delta` at pixel (y, x), every channel, of one input item. */
function addImpulse(item: Float32Array, layout: Layout, y: number, x: number, delta = 1): void {
  const { format, height, width, channels } = layout;
  for (let c = 0; c < channels; c++) item[pixelIndex(format, height, width, channels, y, x, c)] += delta;
}

/**
 * Probe items per ORT call within the budget: the truncated model's weights (lowered bytes, the
 * worker's copy, the session's) are fixed; each item costs its input (ours and the worker's copy),
 * its activations up to the probed layer and ORT's working memory for it.
 */
export function probeBatch(report: ModelReport, target: LayerReport, itemBytes: number, wanted: number, budget: number): number {
  const fixed = weightBytes(report, target) * WEIGHT_COPIES_RUN;
  const perItem = itemBytes * 2 + activationBytes(report, 1, target) + ortWorkingBytes(report, 1, target);
  const fits = Math.floor((budget - fixed) / perItem);
  if (fits < 1) {
    requireWithinBudget(`Measuring the receptive field of ${target.layer.name}`, { weights: fixed, 'one probe': perItem }, budget, 'Raise the budget to measure it.');
  }
  return Math.max(1, Math.min(wanted, fits));
}

export async function measureReceptiveField(report: ModelReport, runner: ModelRunner, opts: ProbeOptions): Promise<MeasuredRf> {
  const target = opts.layer ? report.layers.find((l) => l.layer.name === opts.layer) : lastSpatialLayer(report);
  if (!target || !target.rf || target.rf === 'global' || !target.outputShape || target.outputShape.length !== 4) {
    throw new Error(opts.layer ? `${opts.layer} has no spatial receptive field to measure` : `${report.graph.name} has no spatial layer to measure`);
  }
  const input = report.graph.inputs[0].shape!;
  if (input.length !== 4 || input.slice(1).some((d) => d === null)) throw new Error('the receptive field is measured on 2D inputs of known size');
  const shape = input.slice(1) as number[];
  const format = inputDataFormat(report.graph);
  const layout: Layout = { shape, format, ...imageAxes(input as number[], format) };
  const outFormat = outputDataFormat(report.graph, target.call);
  const { height: H, width: W } = layout;
  const { height: OH, width: OW } = imageAxes(target.outputShape as number[], outFormat);
  const unit: [number, number] = [Math.floor(OH / 2), Math.floor(OW / 2)];
  const field = unitField(report.graph.calls, target.call, unit);
  if (!field) throw new Error(`${target.layer.name}'s field cannot be traced back to the input`);
  const analytical = field.map((iv) => ({ start: iv.lo, end: iv.hi })) as [AxisExtent, AxisExtent];
  const centre = analytical.map((e, i) => Math.min(Math.max(Math.round((e.start + e.end) / 2), 0), [H, W][i] - 1));
  const batch = probeBatch(report, target, shape.reduce((a, b) => a * b, 1) * 4, opts.batch ?? 32, opts.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_MB * 2 ** 20);
  const layer = target.layer.name;

  const clipped = analytical.map((e, i) => ({ start: Math.max(e.start, 0), end: Math.min(e.end, [H, W][i] - 1) }));
  const linear = probeModel(report, layer, new LinearisedWeights(), true);
  // Spend half the compute budget on the support scan and half on the ERF.
  const macsPerImage = Math.max(1, report.layers.filter((l) => l.call.output.id <= target.call.output.id).reduce((acc, l) => acc + (l.macs ?? 0), 0));
  const affordable = Math.floor((opts.macBudget ?? 4e11) / 2 / macsPerImage);
  const budget = opts.scanBudget ?? Math.max(16, Math.floor(affordable / 2));
  const xs = scanPositions(W, clipped[1], budget);
  const ys = scanPositions(H, clipped[0], budget);
  const row = await unitValues(runner, linear, xs.length, (i, item) => addImpulse(item, layout, centre[0], xs[i]), layout, outFormat, unit, batch, opts.signal);
  const col = await unitValues(runner, linear, ys.length, (i, item) => addImpulse(item, layout, ys[i], centre[1]), layout, outFormat, unit, batch, opts.signal);
  const extent = (vals: number[], at: number[]): AxisExtent => {
    const hit = at.filter((_, i) => vals[i] > 0);
    return hit.length ? { start: hit[0], end: hit[hit.length - 1] } : { start: -1, end: -1 };
  };
  const measured: [AxisExtent, AxisExtent] = [extent(col, ys), extent(row, xs)];
  const agrees = measured.every((m, i) => m.start === clipped[i].start && m.end === clipped[i].end);

  let erf: ErfMap | null = null;
  const samples = Math.min(opts.erfSamples ?? 1024, Math.max(16, affordable));
  if (samples > 0) {
    const real = probeModel(report, layer, opts.weights, false);
    const [y0, y1] = [clipped[0].start, clipped[0].end];
    const [x0, x1] = [clipped[1].start, clipped[1].end];
    const step = Math.max(1, Math.ceil(Math.sqrt(((y1 - y0 + 1) * (x1 - x0 + 1)) / samples)));
    const rows = Math.floor((y1 - y0) / step) + 1;
    const cols = Math.floor((x1 - x0) / step) + 1;
    const base = makeSample('random', shape, opts.seed ?? 0);
    const delta = 1e-2;
    // Probe 0 is the base image; probe k > 0 the base with a small bump at sample k - 1.
    const vals = await unitValues(runner, real, rows * cols + 1, (i, item) => {
      item.set(base);
      if (i > 0) addImpulse(item, layout, y0 + Math.floor((i - 1) / cols) * step, x0 + ((i - 1) % cols) * step, delta);
    }, layout, outFormat, unit, batch, opts.signal);
    const values = Float32Array.from(vals.slice(1), (v) => Math.abs(v - vals[0]) / delta);
    erf = { origin: [y0, x0], step, rows, cols, values };
  }
  return { layer, unit, measured, analytical, agrees, inputSize: [H, W], erf };
}
