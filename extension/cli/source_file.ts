/** Reading the model file the user named, with a size limit and clear errors. */
import { readFileSync, statSync } from 'node:fs';
import { analyze, findModel, type Analysis, type ModelReport } from '../core/analysis/analyze';
import { UsageError } from './options';

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

/** The model named by --model (its Keras name or its variable), else the first one. */
export function pickModel(analysis: Analysis, file: string, wanted?: string): ModelReport {
  if (analysis.models.length === 0) throw new UsageError(`no Keras model found in ${file}`);
  if (!wanted) return analysis.models[0];
  const found = findModel(analysis, wanted);
  if (!found) throw new UsageError(`no model named '${wanted}' in ${file} (found: ${analysis.models.map((m) => m.key).join(', ')})`);
  return found;
}

export function analyzeFile(file: string, inputShape?: (number | null)[]): { text: string; analysis: Analysis } {
  const text = readSource(file);
  return { text, analysis: analyze(text, { defaultInputShape: inputShape }) };
}
