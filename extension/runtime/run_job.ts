/**
 * A whole "Run on sample" as one job: analyse the text, pick the model, load or initialise the
 * weights, lower, run and measure the receptive field. Editors run it in a worker thread so
 * tracing, lowering and inference never block typing; the result is plain, transferable data.
 */
import { readFileSync } from 'node:fs';
import { decodeImage, imageToInput, resizeBilinear, type Preprocess } from './inputs/image';
import type { ModelRunner } from './ort/runner';
import type { SampleKind } from './inputs/samples';
import type { TensorStats } from './ort/stats';
import type { Thumbnails } from './ort/thumbnails';
import { analyze, type ModelReport } from '../engine/analysis/analyze';
import { chooseModel } from '../engine/analysis/model_choice';
import { LineIndex } from '../engine/source';
import { lowerModel, LoweringFailure } from '../engine/lowering/lower_model';
import { chooseWeights } from '../engine/weights/keras_cache';
import { measureReceptiveField, type MeasuredRf } from './rf_probe';
import { runModel, type LayerRun, type SampleInput } from './run_model';

export interface RunJob {
  text: string;
  /** Model name or variable; the first model when absent. */
  model?: string;
  input: { kind: SampleKind } | { kind: 'image'; path: string; preprocess: Preprocess };
  weightsPath?: string;
  /** Keras' cache folder for keras.applications' imagenet weights; KERAS_HOME or ~/.keras when absent. */
  kerasHome?: string;
  seed: number;
  batch: number;
  memoryBudgetMB: number;
  threads: number;
  defaultInputShape?: (number | null)[];
  /** Also measure the receptive field (and the ERF heatmap). */
  receptiveField: boolean;
  /** Layers whose feature maps to return. */
  featureMaps?: string[];
}

export interface RunJobResult {
  model: string;
  inputShape: number[];
  outputShape: number[];
  stats: TensorStats;
  latencyMs: number;
  sessionMs: number | null;
  top5: { index: number; value: number }[] | null;
  layers: LayerRun[];
  receptiveField: MeasuredRf | null;
  featureMaps: { layer: string; dims: number[]; data: Float32Array }[];
  /** Thumbnails of each 2D layer's first channels. */
  thumbnails: { layer: string; thumbnails: Thumbnails }[];
  /** The input image as the model saw it (RGBA, resized), to draw the ERF over it. */
  inputImage: { width: number; height: number; rgba: Uint8Array } | null;
  weights: string;
}

export type RunProgress = (stage: string) => void;

/** "Export to ONNX" as a job: analyse, pick the model, weights, lower; the ONNX bytes back. */
export interface ExportJob {
  kind: 'export';
  text: string;
  model?: string;
  weightsPath?: string;
  kerasHome?: string;
  seed: number;
  defaultInputShape?: (number | null)[];
}

export async function exportJob(job: ExportJob): Promise<{ model: string; bytes: Uint8Array }> {
  const analysis = analyze(job.text, { defaultInputShape: job.defaultInputShape });
  const report = chooseModel(analysis, job.model);
  if (!report) throw new Error(job.model ? `There is no model named "${job.model}" in this file.` : 'There is no Keras model in this file.');
  const { weights } = await chooseWeights(report.graph, { weightsPath: job.weightsPath, seed: job.seed, kerasHome: job.kerasHome, others: analysis.models.map((m) => m.graph) });
  try {
    return { model: report.graph.name, bytes: lowerModel(report.graph, weights).bytes };
  } catch (e) {
    if (e instanceof LoweringFailure) throw new Error(`${e.message} (line ${new LineIndex(job.text).position(e.span.from).line})`);
    throw e;
  }
}

export async function runJob(job: RunJob, runner: ModelRunner, progress: RunProgress = () => {}): Promise<RunJobResult> {
  progress('Analysing the model');
  const analysis = analyze(job.text, { defaultInputShape: job.defaultInputShape });
  const report = chooseModel(analysis, job.model);
  if (!report) throw new Error(job.model ? `There is no model named "${job.model}" in this file.` : 'There is no Keras model in this file.');
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    const line = new LineIndex(job.text).position(errors[0].from).line;
    throw new Error(`The file has ${errors.length} Keras error(s) (the first on line ${line}: ${errors[0].message}); fix them before running.`);
  }
  const others = analysis.models.map((m) => m.graph);
  if (job.weightsPath || others.some((g) => g.pretrained)) progress('Reading the weights');
  const { weights, label: weightsLabel } = await chooseWeights(report.graph, {
    weightsPath: job.weightsPath, seed: job.seed, kerasHome: job.kerasHome, maxBytes: job.memoryBudgetMB ? job.memoryBudgetMB * 2 ** 20 : undefined, others,
  });
  let input: SampleInput;
  let inputImage: RunJobResult['inputImage'] = null;
  if (job.input.kind === 'image') {
    const shape = report.graph.inputs[0]?.shape;
    if (!shape || shape.length !== 4 || shape.slice(1).some((d) => d === null)) throw new Error('Image inputs need a model input of known (H, W, C).');
    const [h, w, c] = shape.slice(1) as number[];
    const decoded = decodeImage(readFileSync(job.input.path));
    const resized = resizeBilinear(decoded, h, w);
    inputImage = { width: w, height: h, rgba: Uint8Array.from(resized, (v) => Math.round(v)) };
    const one = imageToInput(decoded, h, w, c, job.input.preprocess);
    const data = new Float32Array(one.length * job.batch);
    for (let b = 0; b < job.batch; b++) data.set(one, b * one.length);
    input = { kind: 'array', data, shape: [job.batch, h, w, c] };
  } else input = { kind: job.input.kind };
  progress('Running in ONNX Runtime');
  try {
    const run = await runModel(report, runner, {
      input, weights, batch: job.batch, seed: job.seed, perLayer: true,
      memoryBudgetBytes: job.memoryBudgetMB * 1024 * 1024, threads: job.threads, keepOutputs: job.featureMaps, thumbnails: true,
    });
    let receptiveField: MeasuredRf | null = null;
    if (job.receptiveField && run.inputShape.length === 4) {
      progress('Measuring the receptive field');
      try {
        receptiveField = await measureReceptiveField(report, runner, { weights, seed: job.seed, erfSamples: 1024 });
      } catch {
        receptiveField = null;
      }
    }
    return {
      // The key, so the sidebar shows the run under the model that ran.
      model: report.key, inputShape: run.inputShape, outputShape: run.outputShape, stats: run.stats, latencyMs: run.latencyMs,
      sessionMs: run.sessionMs, top5: run.top5, layers: run.layers, receptiveField, weights: weightsLabel,
      featureMaps: [...run.kept].map(([layer, t]) => ({ layer, dims: t.dims, data: t.data })),
      thumbnails: [...run.thumbnails].map(([layer, thumbnails]) => ({ layer, thumbnails })),
      inputImage,
    };
  } catch (e) {
    if (e instanceof LoweringFailure) {
      const line = new LineIndex(job.text).position(e.span.from).line;
      throw new Error(`${e.message} (line ${line})`);
    }
    throw e;
  }
}
