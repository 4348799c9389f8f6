/** Reading the model file the user named, with a size limit and clear errors. */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { analyze, type Analysis } from '../engine/analysis/analyze';
import { analyzeNotebook, cellLocate } from '../engine/notebook/analyze_notebook';
import { NotebookFormatError } from '../engine/notebook/ipynb';
import type { Locate } from '../engine/report/json';
import { chooseModel } from '../engine/analysis/model_choice';
import { JobFailure, pickModel, type JobHooks, type JobSettings } from '../runtime/run_job';
import type { CliIO } from './io';
import { analyzeSavedModel, isSavedModelPath } from '../engine/saved_model/saved_model';
import { LineIndex } from '../engine/source';
import { WeightFileError } from '../engine/weights/h5_file';
import { InputFileError, shapeFlag, UsageError, type Parsed } from './options';

/** Largest file the CLI reads: far beyond any model definition, small enough to stay fast. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export function readSource(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > MAX_FILE_BYTES) throw new UsageError(`${file} is ${(size / 1048576).toFixed(1)} MiB; ConvLens reads model files up to ${MAX_FILE_BYTES / 1048576} MiB`);
  return readFileSync(file, 'utf8');
}

/** Python source files; anything else (README.md, data) is refused rather than read as Python. */
const PYTHON_SOURCE = /\.(py|pyw)$/i;

export interface LoadedModelFile {
  text: string;
  analysis: Analysis;
  /** How a source offset is shown: file:line:column for source, the layer for a saved model. */
  where: (offset: number) => string;
  /** A notebook's positions (cell, line and column in it) for the JSON document. */
  locate?: Locate;
  /** A saved model carries its own weights. */
  savedWeights?: string;
}

/** A Python source, or a saved model (`.keras`, full-model `.h5`) read from its own configuration. */
export async function analyzeFile(file: string, inputShape?: (number | null)[]): Promise<LoadedModelFile> {
  if (isSavedModelPath(file)) {
    try {
      const saved = await analyzeSavedModel(file);
      return { text: saved.saved.source.text, analysis: saved.analysis, where: saved.where, savedWeights: file };
    } catch (e) {
      if (e instanceof WeightFileError) throw new InputFileError(e.message);
      throw new InputFileError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (NOTEBOOK.test(file)) return analyzeNotebookFile(file, inputShape);
  if (!PYTHON_SOURCE.test(file)) {
    throw new UsageError(`${path.basename(file)} is not Python source: convlens reads .py files, Jupyter notebooks (.ipynb) and saved models (.keras, .h5)`);
  }
  const text = readSource(file);
  const lines = new LineIndex(text);
  const where = (offset: number) => {
    const p = lines.position(offset);
    return `${file}:${p.line}:${p.column}`;
  };
  const analysis = analyze(text, { defaultInputShape: inputShape });
  checkInputShape(analysis, inputShape);
  return { text, analysis, where };
}

/** A notebook: its code cells in order as one program; positions name the cell (counted from 1). */
function analyzeNotebookFile(file: string, inputShape?: (number | null)[]): LoadedModelFile {
  let notebook;
  try {
    notebook = analyzeNotebook(readSource(file), { defaultInputShape: inputShape });
  } catch (e) {
    if (e instanceof NotebookFormatError) throw new InputFileError(`${file}: ${e.message}`);
    throw e;
  }
  checkInputShape(notebook.analysis, inputShape);
  const locate = cellLocate(notebook.program);
  const where = (offset: number) => {
    const p = locate(offset);
    return `${file}:cell ${p.cell}:${p.line}:${p.column}`;
  };
  return { text: notebook.program.text, analysis: notebook.analysis, where, locate };
}

const NOTEBOOK = /\.ipynb$/i;

function checkInputShape(analysis: Analysis, inputShape?: (number | null)[]): void {
  const declared = inputShape && chooseModel(analysis)?.graph.inputs[0]?.shape;
  if (inputShape && declared && declared.length !== inputShape.length + 1) {
    throw new UsageError(`--input-shape gives ${inputShape.length} axes, but the model's input has ${declared.length - 1}: (${declared.slice(1).map((d) => d ?? 'None').join(', ')})`);
  }
}

/** What `run` and `export` hand the job for FILE: the settings from the flags and the file read once. */
export interface JobSource {
  settings: Pick<JobSettings, 'text' | 'model' | 'weightsPath' | 'defaultInputShape' | 'sourceDir'>;
  hooks: JobHooks;
  /** The Keras name of the model a job reports by key. */
  modelName: (key: string) => string;
}

export async function loadJobSource(file: string, flags: Parsed['flags']): Promise<JobSource> {
  const shapeText = flags.get('--input-shape');
  const defaultInputShape = typeof shapeText === 'string' ? shapeFlag(shapeText) : undefined;
  const { text, analysis, where, savedWeights } = await analyzeFile(file, defaultInputShape);
  const model = flags.get('--model');
  const weights = flags.get('--weights');
  try {
    // Asked here too, so a wrong --model is a usage error before any work.
    pickModel(analysis, typeof model === 'string' ? model : undefined);
  } catch (e) {
    if (e instanceof JobFailure) throw new UsageError(`${e.message.replace(/\.$/, '')} (${file})`);
    throw e;
  }
  return {
    settings: { text, model: typeof model === 'string' ? model : undefined, weightsPath: typeof weights === 'string' ? weights : savedWeights, defaultInputShape, sourceDir: path.dirname(path.resolve(file)) },
    hooks: { analysis, where },
    modelName: (key) => analysis.models.find((m) => m.key === key)?.graph.name ?? key,
  };
}

/** A job that did not run: usage mistakes exit 2 (with the usage text), other failures 1. */
export function jobFailureExit(e: unknown, io: CliIO): number {
  if (!(e instanceof JobFailure)) throw e;
  if (e.usage) throw new UsageError(e.message);
  io.err(`convlens: ${e.message}`);
  return 1;
}
