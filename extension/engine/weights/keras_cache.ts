/**
 * keras.applications' pretrained weights from Keras' own download cache. With
 * `weights="imagenet"` Keras calls `get_file(file_name, url, cache_subdir="models")`, which keeps
 * the file at `$KERAS_HOME/models/<file_name>` (`~/.keras/models/` when KERAS_HOME is unset), then
 * `model.load_weights(path)`. ConvLens never downloads: it uses that file when it is there and
 * the declared initializers when it is not, and says which. Any other `weights=` string is a file
 * Keras loads with `model.load_weights(path)`; ConvLens reads it (relative to the model's source
 * folder) and refuses the run, as Keras refuses to build, when it does not exist.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { LayerInstance, ModelGraph } from '../graph';
import type { WeightSpec } from '../../../kernels/types';
import type { WeightSource } from '../lowering/lower_model';
import { InitializerWeights } from '../lowering/weights';
import { TrainedWeights, WeightFileError } from './trained_weights';

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

/** The file a `weights=<path>` application loads, resolved against the source's folder. */
function givenWeightsFile(model: ModelGraph, baseDir: string): string | null {
  if (!model.weightsFile) return null;
  const file = path.resolve(baseDir, model.weightsFile);
  // Keras' own check (keras.applications, before building), in its words.
  if (!existsSync(file)) throw new WeightFileError(`The \`weights\` argument should be either \`None\` (random initialization), 'imagenet' (pre-training on ImageNet), or the path to the weights file to be loaded. Received weights=${model.weightsFile}`);
  return file;
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
  return others.filter((g) => g !== model && (g.pretrained || g.weightsFile) && g.calls.length > 0 && g.calls.every((c) => inside.has(c.layer)));
}

/**
 * The weights a run or an export uses: the given file; else, for a keras.applications model with
 * `weights="imagenet"` (the model itself, or backbones among `others` that run inside it), Keras'
 * cached file when present (the rest of the model keeps its initializers); else the seeded
 * initializers.
 */
export async function chooseWeights(
  model: ModelGraph,
  options: { weightsPath?: string; seed: number; kerasHome?: string; maxBytes?: number; others?: readonly ModelGraph[]; baseDir?: string },
): Promise<ChosenWeights> {
  if (options.weightsPath) return { weights: await TrainedWeights.load(options.weightsPath, model, options.maxBytes), label: options.weightsPath };
  const home = options.kerasHome ?? kerasHome();
  const baseDir = options.baseDir ?? process.cwd();
  const initializers = `initializers (seed ${options.seed})`;
  const given = givenWeightsFile(model, baseDir);
  if (given) return { weights: await TrainedWeights.load(given, model, options.maxBytes), label: `weights=${JSON.stringify(model.weightsFile)} (${given})` };
  const cached = pretrainedWeightsFile(model, home);
  if (cached?.present) return { weights: await TrainedWeights.load(cached.path, model, options.maxBytes), label: `imagenet weights from Keras' cache (${cached.path})` };
  if (cached) return { weights: new InitializerWeights(options.seed), label: `${initializers}: the imagenet weights ${cached.file} are not in Keras' cache (${path.dirname(cached.path)})` };
  const backbones = backbonesOf(model, options.others ?? []).map((g) => {
    const file = givenWeightsFile(g, baseDir);
    return file ? { graph: g, path: file, present: true, label: `weights of ${g.name} from weights=${JSON.stringify(g.weightsFile)} (${file})`, absent: '' } : backbone(g, home);
  });
  if (!backbones.length) return { weights: new InitializerWeights(options.seed), label: initializers };
  const found = backbones.filter((b) => b.present);
  const absent = backbones.filter((b) => !b.present).map((b) => b.absent);
  const trained = await Promise.all(found.map((b) => TrainedWeights.load(b.path, b.graph, options.maxBytes)));
  if (!found.length) return { weights: new InitializerWeights(options.seed), label: `${initializers}: ${absent.join('; ')}` };
  const parts = [...found.map((b) => b.label), `${initializers} for the rest`, ...absent];
  return { weights: new BackboneWeights(trained, new InitializerWeights(options.seed)), label: parts.join('; ') };
}

/** An imagenet backbone: its file in Keras' cache, and what to say either way. */
function backbone(graph: ModelGraph, home: string) {
  const cached = pretrainedWeightsFile(graph, home)!;
  return {
    graph,
    path: cached.path,
    present: cached.present,
    label: `imagenet weights of ${graph.name} from Keras' cache (${cached.path})`,
    absent: `the imagenet weights ${cached.file} of ${graph.name} are not in Keras' cache (${path.dirname(cached.path)})`,
  };
}
