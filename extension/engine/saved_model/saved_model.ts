/**
 * A saved Keras model (`.keras`, or a legacy full-model `.h5`) opened as a model: its architecture
 * is read from the file, written back as the Keras code that builds it, and analysed like source.
 */
import path from 'node:path';
import { analyze, type Analysis } from '../analysis/analyze';
import { LineIndex } from '../source';
import { Hdf5Reader, WeightFileError } from '../weights/h5_file';
import { isZip, readKerasArchive } from '../weights/keras_archive';
import { configToSource, type GeneratedSource } from './config_source';

export type SavedFormat = 'keras' | 'legacy-h5';

export interface SavedModel {
  format: SavedFormat;
  source: GeneratedSource;
}

/** File names ConvLens opens as saved models rather than as Python source. */
export function isSavedModelPath(file: string): boolean {
  return /\.(keras|h5|hdf5)$/i.test(file);
}

export async function readSavedModel(file: string, maxBytes = 2048 * 2 ** 20): Promise<SavedModel> {
  const label = path.basename(file);
  let format: SavedFormat;
  let configText: string | null;
  if (isZip(file)) {
    format = 'keras';
    configText = readKerasArchive(file, maxBytes).config;
    if (!configText) throw new WeightFileError(`${label} holds no config.json, so its architecture is unknown`);
  } else {
    format = 'legacy-h5';
    const h5 = await Hdf5Reader.open(file, label);
    try {
      configText = h5.stringsAttr('', 'model_config')?.[0] ?? null;
    } finally {
      h5.close();
    }
    if (!configText) throw new WeightFileError(`${label} holds weights only, no architecture: give it with --weights to the model's source`);
  }
  let config: unknown;
  try {
    config = JSON.parse(configText);
  } catch {
    throw new WeightFileError(`${label}: its model configuration is not valid JSON`);
  }
  return { format, source: configToSource(config) };
}

export interface AnalyzedSavedModel {
  saved: SavedModel;
  analysis: Analysis;
  /** "model.keras (layer conv1)" for a position in the generated source. */
  where: (offset: number) => string;
}

export async function analyzeSavedModel(file: string, maxBytes?: number): Promise<AnalyzedSavedModel> {
  const saved = await readSavedModel(file, maxBytes);
  const label = path.basename(file);
  if (saved.source.problem) throw new WeightFileError(`${label} cannot be shown as a model: ${saved.source.problem}`);
  const lines = new LineIndex(saved.source.text);
  const where = (offset: number) => {
    const layer = saved.source.lineLayers[lines.position(offset).line - 1];
    return layer ? `${file} (layer ${layer})` : file;
  };
  return { saved, analysis: analyze(saved.source.text), where };
}
