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
import type { LayerInstance, ModelGraph } from '../graph';
import type { WeightSpec } from '../../../kernels/types';
import type { WeightSource } from '../lowering/lower_model';
import { InitializerWeights } from '../lowering/weights';
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

/** Trained weights for the layers a backbone's file covers, the initializers for the rest. */
class BackboneWeights implements WeightSource {
  constructor(private readonly trained: TrainedWeights[], private readonly rest: InitializerWeights) {}

  weights(layer: LayerInstance, specs: WeightSpec[]): Float32Array[] {
    const source = this.trained.find((t) => t.has(layer));
    return source ? source.weights(layer, specs) : this.rest.weights(layer, specs);
  }
}

/** The keras.applications models with imagenet weights whose layers all run inside `model` (its backbones). */
function backbonesOf(model: ModelGraph, others: readonly ModelGraph[]): ModelGraph[] {
  const inside = new Set(model.calls.map((c) => c.layer));
  return others.filter((g) => g !== model && g.pretrained && g.calls.length > 0 && g.calls.every((c) => inside.has(c.layer)));
}

/**
 * The weights a run or an export uses: the given file; else, for a keras.applications model with
 * `weights="imagenet"` (the model itself, or backbones among `others` that run inside it), Keras'
 * cached file when present (the rest of the model keeps its initializers); else the seeded
 * initializers.
 */
export async function chooseWeights(
  model: ModelGraph,
  options: { weightsPath?: string; seed: number; kerasHome?: string; maxBytes?: number; others?: readonly ModelGraph[] },
): Promise<ChosenWeights> {
  if (options.weightsPath) return { weights: await TrainedWeights.load(options.weightsPath, model, options.maxBytes), label: options.weightsPath };
  const home = options.kerasHome ?? kerasHome();
  const initializers = `initializers (seed ${options.seed})`;
  const cached = pretrainedWeightsFile(model, home);
  if (cached?.present) return { weights: await TrainedWeights.load(cached.path, model, options.maxBytes), label: `imagenet weights from Keras' cache (${cached.path})` };
  if (cached) return { weights: new InitializerWeights(options.seed), label: `${initializers}: the imagenet weights ${cached.file} are not in Keras' cache (${path.dirname(cached.path)})` };
  const backbones = backbonesOf(model, options.others ?? []).map((g) => ({ graph: g, cached: pretrainedWeightsFile(g, home)! }));
  if (!backbones.length) return { weights: new InitializerWeights(options.seed), label: initializers };
  const found = backbones.filter((b) => b.cached.present);
  const missing = backbones.filter((b) => !b.cached.present);
  const trained = await Promise.all(found.map((b) => TrainedWeights.load(b.cached.path, b.graph, options.maxBytes)));
  const absent = missing.map((b) => `the imagenet weights ${b.cached.file} of ${b.graph.name} are not in Keras' cache (${path.dirname(b.cached.path)})`);
  if (!found.length) return { weights: new InitializerWeights(options.seed), label: `${initializers}: ${absent.join('; ')}` };
  const parts = [...found.map((b) => `imagenet weights of ${b.graph.name} from Keras' cache (${b.cached.path})`), `${initializers} for the rest`, ...absent];
  return { weights: new BackboneWeights(trained, new InitializerWeights(options.seed)), label: parts.join('; ') };
}
