/**
 * keras.applications' pretrained weights from Keras' own download cache. With
 * `weights="imagenet"` Keras calls `get_file(file_name, url, cache_subdir="models")`, which keeps
 * the file at `$KERAS_HOME/models/<file_name>` (`~/.keras/models/` when KERAS_HOME is unset), then
 * `model.load_weights(path)`. ConvLens never downloads: it uses that file when it is there and
 * the declared initializers when it is not, and says which.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { ModelGraph } from '../graph';
import type { WeightSource } from '../onnx/lower_model';
import { InitializerWeights } from '../onnx/weights';
import { TrainedWeights } from './trained_weights';

/** Keras' cache folder: KERAS_HOME, else ~/.keras (keras.src.utils.file_utils.get_file). */
export function kerasHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.KERAS_HOME || path.join(homedir(), '.keras');
}

/** Where Keras keeps `model`'s pretrained file, and whether it is there; null when the model declares none. */
export function pretrainedWeightsFile(model: ModelGraph, home = kerasHome()): { file: string; path: string; present: boolean } | null {
  if (!model.pretrained) return null;
  const file = path.join(home, 'models', model.pretrained);
  return { file: model.pretrained, path: file, present: existsSync(file) };
}

export interface ChosenWeights {
  weights: WeightSource;
  /** What the run used, in words (the run report's weights label). */
  label: string;
}

/**
 * The weights a run or an export uses: the given file; else, for a keras.applications model with
 * `weights="imagenet"`, Keras' cached file when present; else the seeded initializers.
 */
export async function chooseWeights(model: ModelGraph, options: { weightsPath?: string; seed: number; kerasHome?: string; maxBytes?: number }): Promise<ChosenWeights> {
  if (options.weightsPath) return { weights: await TrainedWeights.load(options.weightsPath, model, options.maxBytes), label: options.weightsPath };
  const initializers = `initializers (seed ${options.seed})`;
  const cached = pretrainedWeightsFile(model, options.kerasHome ?? kerasHome());
  if (cached?.present) return { weights: await TrainedWeights.load(cached.path, model, options.maxBytes), label: `imagenet weights from Keras' cache (${cached.path})` };
  const label = cached ? `${initializers}: the imagenet weights ${cached.file} are not in Keras' cache (${path.dirname(cached.path)})` : initializers;
  return { weights: new InitializerWeights(options.seed), label };
}
