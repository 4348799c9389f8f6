/**
 * --weights PATH: a Keras weight file matched to the chosen model's layers; else, for a
 * keras.applications model with weights="imagenet", Keras' cached file when present
 * ($KERAS_HOME/models/, ~/.keras/models/); else seeded initializers.
 */
import type { Analysis, ModelReport } from '../engine/analysis/analyze';
import { chooseWeights, type ChosenWeights } from '../engine/weights/keras_cache';
import { WeightFileError } from '../engine/weights/trained_weights';
import type { CliIO } from './main';

/** The weight source for a command and what it is; null (after printing why) when the file cannot be used. */
/** `analysis` gives the file's other models: a keras.applications backbone inside `model` brings its own cached weights. */
export async function weightsOption(file: string | true | undefined, model: ModelReport, analysis: Analysis, seed: number, io: CliIO, memoryBudgetMB?: number): Promise<ChosenWeights | null> {
  try {
    return await chooseWeights(model.graph, { weightsPath: typeof file === 'string' ? file : undefined, seed, others: analysis.models.map((m) => m.graph), maxBytes: memoryBudgetMB !== undefined ? memoryBudgetMB * 2 ** 20 : undefined });
  } catch (e) {
    const why = e instanceof WeightFileError ? e.message : ((e as NodeJS.ErrnoException).code ?? (e as Error).message);
    io.err(`convlens: cannot load weights from ${typeof file === 'string' ? file : model.graph.pretrained ?? "Keras' cache"}: ${why}`);
    return null;
  }
}
