/**
 * Runs and exports as jobs: the one place where a run or an export is put together, called by the
 * CLI (`convlens run` / `export`) and by the editor's run worker with one settings object. Each
 * step exists once here: pick the model, refuse files with Keras errors, budget the memory, read
 * the weights, build the input, lower, run, measure the receptive field, and say where a failure is.
 */
import { openSync, readFileSync, readSync, closeSync, statSync } from 'node:fs';
import { decodeImage, imageDimensions, imageToInput, resizeBilinear, type Preprocess } from './inputs/image';
import { readNpy, readNpyHeader } from './inputs/npy';
import type { SampleKind } from './inputs/samples';
import { BudgetExceeded, checkExportBudget, checkRunBudget } from './memory_budget';
import type { ModelRunner } from './ort/runner';
import type { TensorStats } from './ort/stats';
import type { Thumbnails } from './ort/thumbnails';
import { lastSpatialLayer, measureReceptiveField, type MeasuredRf } from './rf_probe';
import { runModel, RuntimeFailure, type LayerRun, type SampleInput } from './run_model';
import { analyze, type Analysis, type ModelReport } from '../engine/analysis/analyze';
import { imageAxes, inputDataFormat } from '../engine/analysis/data_format';
import { chooseModel } from '../engine/analysis/model_choice';
import { lowerModel, LoweringFailure, type LoweredTensor } from '../engine/lowering/lower_model';
import { rfToJson } from '../engine/report/json';
import { LineIndex } from '../engine/source';
import { chooseWeights, type ChosenWeights } from '../engine/weights/keras_cache';
import { WeightFileError } from '../engine/weights/h5_file';

export type JobInput = { kind: SampleKind } | { kind: 'image'; path: string; preprocess: Preprocess } | { kind: 'npy'; path: string };

/** What every job needs: the source, which model, its weights and the memory it may use. */
export interface JobSettings {
  text: string;
  /** Model key, name or variable; the first outermost model when absent. */
  model?: string;
  weightsPath?: string;
  /** Keras' cache folder for keras.applications' imagenet weights; KERAS_HOME or ~/.keras when absent. */
  kerasHome?: string;
  seed: number;
  memoryBudgetMB: number;
  /** Fills the unknown axes of the model input (the setting, --input-shape, the comment). */
  defaultInputShape?: (number | null)[];
  /** The source file's folder: paths in the source (an application's weights=) resolve against it; the working directory when absent. */
  sourceDir?: string;
}

export interface RunJob extends JobSettings {
  input: JobInput;
  batch: number;
  threads: number;
  /** Also measure the receptive field (and the ERF heatmap). */
  receptiveField: boolean;
  /** ERF samples (0: the support only); 1024 when absent. */
  erfSamples?: number;
  /** Layers whose feature maps to return. */
  featureMaps?: string[];
  /** Thumbnails of each 2D layer's first channels (the sidebar shows them). */
  thumbnails?: boolean;
  /** Return the whole output tensor (to save it). */
  keepOutput?: boolean;
  /** The editor's document version the text is from; the result carries it back. */
  documentVersion?: number;
}

export interface ExportJob extends JobSettings {
  kind: 'export';
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
  /** The analytical field of the deepest layer with a spatial one (null when the model has none). */
  analyticalRf: { layer: string; size: number[]; stride: number[]; padding: number[] } | null;
  receptiveField: MeasuredRf | null;
  /** Why the receptive field was not measured, when it was asked for and is missing. */
  receptiveFieldNote: string | null;
  featureMaps: { layer: string; dims: number[]; data: Float32Array }[];
  thumbnails: { layer: string; thumbnails: Thumbnails }[];
  /** The input image as the model saw it (RGBA, resized), to draw the ERF over it. */
  inputImage: { width: number; height: number; rgba: Uint8Array } | null;
  output: Float32Array | null;
  weights: string;
  /** Which layers ran with trained weights: all, some (a backbone under an untrained head) or none. */
  weightsTrained: 'all' | 'some' | 'none';
  documentVersion: number | null;
}

export interface ExportJobResult {
  model: string;
  bytes: Uint8Array;
  inputs: LoweredTensor[];
  outputs: LoweredTensor[];
}

/**
 * Why a job did not run, in one line. `usage`: the request itself was wrong (no such model, an
 * input the model cannot take); the CLI exits 2 for those, 1 for the rest.
 */
export class JobFailure extends Error {
  constructor(message: string, readonly usage = false) {
    super(message);
  }
}

/** What only an in-process caller can pass: progress, how positions are shown, an analysis already made. */
export interface JobHooks {
  progress?: (stage: string) => void;
  /** How a source offset is shown; "line N" when absent. */
  where?: (offset: number) => string;
  /** The analysis of `text` when the caller has it (the CLI reads saved models itself). */
  analysis?: Analysis;
}

function whereIn(text: string, hooks: JobHooks): (offset: number) => string {
  if (hooks.where) return hooks.where;
  const lines = new LineIndex(text);
  return (offset) => `line ${lines.position(offset).line}`;
}

/** The model named by key, Keras name or variable, else the first outermost one. */
export function pickModel(analysis: Analysis, wanted?: string): ModelReport {
  if (analysis.models.length === 0) throw new JobFailure('There is no Keras model in this file.', true);
  const found = chooseModel(analysis, wanted);
  if (!found) throw new JobFailure(`There is no model named "${wanted}" in this file (found: ${analysis.models.map((m) => m.key).join(', ')}).`, true);
  return found;
}

function refuseKerasErrors(analysis: Analysis, where: (offset: number) => string): void {
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new JobFailure(`The file has ${errors.length} Keras error(s) (the first on ${where(errors[0].from)}: ${errors[0].message}); fix them before running.`);
}

async function loadWeights(job: JobSettings, analysis: Analysis, report: ModelReport): Promise<ChosenWeights> {
  try {
    return await chooseWeights(report.graph, {
      weightsPath: job.weightsPath, seed: job.seed, kerasHome: job.kerasHome, maxBytes: job.memoryBudgetMB * 2 ** 20, others: analysis.models.map((m) => m.graph), baseDir: job.sourceDir,
    });
  } catch (e) {
    const why = e instanceof WeightFileError ? e.message : ((e as NodeJS.ErrnoException).code ?? (e as Error).message);
    throw new JobFailure(`cannot load weights from ${job.weightsPath ?? report.graph.weightsFile ?? report.graph.pretrained ?? "Keras' cache"}: ${why}`);
  }
}

/** Failures of the steps below as one line, positions shown the caller's way. */
function explained(e: unknown, where: (offset: number) => string): unknown {
  if (e instanceof LoweringFailure) return new JobFailure(`${e.message} (${where(e.span.from)})`);
  if (e instanceof BudgetExceeded || e instanceof RuntimeFailure) return new JobFailure(e.message);
  return e;
}

function readHead(file: string, bytes: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const head = new Uint8Array(bytes);
    return head.subarray(0, readSync(fd, head, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

function cannotUse(file: string, e: unknown): JobFailure {
  return new JobFailure(`cannot use ${file} as input: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, true);
}

/** The input's shape and what building it allocates, from headers only; `make` then builds it. */
interface InputPlan {
  shape: number[];
  /** Bytes allocated while building it, beyond the input tensor itself. */
  preparation: number;
  make: () => { input: SampleInput; image: RunJobResult['inputImage'] };
}

function planInput(job: RunJob, report: ModelReport): InputPlan {
  const declared = report.graph.inputs[0]?.shape ?? [];
  const spec = job.input;
  if (spec.kind === 'npy') {
    let header: ReturnType<typeof readNpyHeader>;
    let size: number;
    try {
      size = statSync(spec.path).size;
      header = readNpyHeader(readHead(spec.path, 65536));
    } catch (e) {
      throw cannotUse(spec.path, e);
    }
    return {
      shape: header.shape, preparation: size,
      make: () => {
        try {
          const arr = readNpy(readFileSync(spec.path));
          return { input: { kind: 'array', data: arr.data, shape: arr.shape }, image: null };
        } catch (e) {
          throw cannotUse(spec.path, e);
        }
      },
    };
  }
  if (declared.slice(1).some((d) => d === null)) throw new JobFailure(`The input of ${report.graph.name} has unknown dimensions; give a concrete input shape.`, true);
  const shape = [job.batch, ...(declared.slice(1) as number[])];
  if (spec.kind !== 'image') return { shape, preparation: 0, make: () => ({ input: { kind: spec.kind }, image: null }) };
  if (declared.length !== 4) throw new JobFailure('Image inputs need a model input of known (H, W, C).', true);
  const format = inputDataFormat(report.graph);
  const { height: h, width: w, channels: c } = imageAxes(shape, format);
  let size: number;
  let dims: ReturnType<typeof imageDimensions>;
  try {
    size = statSync(spec.path).size;
    dims = imageDimensions(readHead(spec.path, 256 * 1024));
  } catch (e) {
    throw cannotUse(spec.path, e);
  }
  // The file, its decoded RGBA, the resized RGBA floats, one preprocessed item and the RGBA bytes shown in the view.
  const preparation = size + (dims ? dims.width * dims.height * 4 : 0) + h * w * 16 + h * w * c * 4 + h * w * 4;
  return {
    shape, preparation,
    make: () => {
      let decoded;
      let one: Float32Array;
      try {
        decoded = decodeImage(readFileSync(spec.path));
        one = imageToInput(decoded, h, w, c, spec.preprocess, format);
      } catch (e) {
        throw cannotUse(spec.path, e);
      }
      const rgba = Uint8Array.from(resizeBilinear(decoded, h, w), (v) => Math.round(v));
      const data = new Float32Array(one.length * job.batch);
      for (let b = 0; b < job.batch; b++) data.set(one, b * one.length);
      return { input: { kind: 'array', data, shape }, image: { width: w, height: h, rgba } };
    },
  };
}

/**
 * An image input sizes a model whose input leaves height or width as None (keras.Input((None,
 * None, 3))): Keras would run it at the image's own size, so the run does too. Null when the
 * model's size is known or the input is not an image whose header gives its size.
 */
function imageSizedInput(job: RunJob, report: ModelReport): (number | null)[] | null {
  if (job.input.kind !== 'image') return null;
  const declared = report.graph.inputs[0]?.shape;
  if (!declared || declared.length !== 4) return null;
  // The image fills the unknown spatial sizes, in the input's own layout.
  const format = inputDataFormat(report.graph);
  const { height, width, channels } = imageAxes(declared, format);
  if (height !== null && width !== null) return null;
  let dims: ReturnType<typeof imageDimensions>;
  try {
    dims = imageDimensions(readHead(job.input.path, 256 * 1024));
  } catch {
    return null;
  }
  if (!dims) return null;
  const [h, w, c] = [height ?? dims.height, width ?? dims.width, channels ?? 3];
  return format === 'channels_first' ? [c, h, w] : [h, w, c];
}

export async function runJob(job: RunJob, runner: ModelRunner, hooks: JobHooks = {}): Promise<RunJobResult> {
  const progress = hooks.progress ?? (() => {});
  const where = whereIn(job.text, hooks);
  progress('Analysing the model');
  let analysis = hooks.analysis ?? analyze(job.text, { defaultInputShape: job.defaultInputShape });
  let report = pickModel(analysis, job.model);
  const sized = imageSizedInput(job, report);
  if (sized) {
    analysis = analyze(job.text, { defaultInputShape: sized });
    report = pickModel(analysis, job.model);
  }
  refuseKerasErrors(analysis, where);
  const budget = job.memoryBudgetMB * 2 ** 20;
  try {
    const plan = planInput(job, report);
    // Everything the run allocates, counted before the first large allocation.
    checkRunBudget(report, plan.shape, true, budget, { 'input preparation': plan.preparation });
    if (job.weightsPath || analysis.models.some((m) => m.graph.pretrained)) progress('Reading the weights');
    const { weights, label, trained } = await loadWeights(job, analysis, report);
    const { input, image } = plan.make();
    progress('Running in ONNX Runtime');
    const run = await runModel(report, runner, {
      input, weights, batch: job.batch, seed: job.seed, perLayer: true,
      memoryBudgetBytes: budget, threads: job.threads, keepOutputs: job.featureMaps, thumbnails: job.thumbnails ?? false,
    });
    const lastSpatial = lastSpatialLayer(report);
    const lastField = [...report.layers].reverse().find((l) => l.rf && l.rf !== 'global');
    let receptiveField: MeasuredRf | null = null;
    let receptiveFieldNote: string | null = null;
    if (job.receptiveField && lastField && run.inputShape.length === 4) {
      progress('Measuring the receptive field');
      try {
        receptiveField = await measureReceptiveField(report, runner, { weights, seed: job.seed, erfSamples: job.erfSamples ?? 1024, memoryBudgetBytes: budget });
      } catch (e) {
        receptiveFieldNote = (e as Error).message;
      }
    }
    return {
      // The key, so the sidebar shows the run under the model that ran.
      model: report.key, inputShape: run.inputShape, outputShape: run.outputShape, stats: run.stats, latencyMs: run.latencyMs,
      sessionMs: run.sessionMs, top5: run.top5, layers: run.layers, receptiveField, receptiveFieldNote, weights: label, weightsTrained: trained,
      analyticalRf: lastField ? { layer: lastField.layer.name, ...(rfToJson(lastField.rf) as { size: number[]; stride: number[]; padding: number[] }) } : null,
      featureMaps: [...run.kept].map(([layer, t]) => ({ layer, dims: t.dims, data: t.data })),
      thumbnails: [...run.thumbnails].map(([layer, thumbnails]) => ({ layer, thumbnails })),
      inputImage: image, output: job.keepOutput ? run.output : null, documentVersion: job.documentVersion ?? null,
    };
  } catch (e) {
    throw explained(e, where);
  }
}

/** "Export to ONNX": the model's ONNX bytes, under the same memory budget as a run. */
export async function exportJob(job: ExportJob, hooks: JobHooks = {}): Promise<ExportJobResult> {
  const where = whereIn(job.text, hooks);
  const analysis = hooks.analysis ?? analyze(job.text, { defaultInputShape: job.defaultInputShape });
  const report = pickModel(analysis, job.model);
  try {
    checkExportBudget(report, job.memoryBudgetMB * 2 ** 20);
    const { weights } = await loadWeights(job, analysis, report);
    const lowered = lowerModel(report.graph, weights);
    return { model: report.graph.name, bytes: lowered.bytes, inputs: lowered.inputs, outputs: lowered.outputs };
  } catch (e) {
    throw explained(e, where);
  }
}
