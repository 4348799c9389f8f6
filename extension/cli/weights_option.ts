/** --weights PATH: a Keras weight file matched to the chosen model's layers; else seeded initializers. */
import type { ModelReport } from '../core/analysis/analyze';
import type { WeightSource } from '../core/onnx/lower_model';
import { InitializerWeights } from '../core/onnx/weights';
import { readWeightFile } from '../core/weights/h5_reader';
import { TrainedWeights } from '../core/weights/trained_weights';
import type { CliIO } from './main';

export async function trainedWeightsFor(model: ModelReport, file: string): Promise<TrainedWeights> {
  const weighted = model.layers.filter((l) => (l.params?.trainable ?? 0) + (l.params?.nonTrainable ?? 0) > 0).map((l) => l.layer);
  return new TrainedWeights(await readWeightFile(file), weighted);
}

/** The weight source for a command; null (after printing why) when the file cannot be used. */
export async function weightsOption(file: string | true | undefined, model: ModelReport, seed: number, io: CliIO): Promise<WeightSource | null> {
  if (typeof file !== 'string') return new InitializerWeights(seed);
  try {
    return await trainedWeightsFor(model, file);
  } catch (e) {
    io.err(`convlens: cannot load weights from ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return null;
  }
}
