/** --weights PATH: a Keras weight file matched to the chosen model's layers; else seeded initializers. */
import type { ModelReport } from '../core/analysis/analyze';
import type { WeightSource } from '../core/onnx/lower_model';
import { InitializerWeights } from '../core/onnx/weights';
import { TrainedWeights, WeightFileError } from '../core/weights/trained_weights';
import type { CliIO } from './main';

/** The weight source for a command; null (after printing why) when the file cannot be used. */
export async function weightsOption(file: string | true | undefined, model: ModelReport, seed: number, io: CliIO, memoryBudgetMB?: number): Promise<WeightSource | null> {
  if (typeof file !== 'string') return new InitializerWeights(seed);
  try {
    return await TrainedWeights.load(file, model.graph, memoryBudgetMB !== undefined ? memoryBudgetMB * 2 ** 20 : undefined);
  } catch (e) {
    const why = e instanceof WeightFileError ? e.message : ((e as NodeJS.ErrnoException).code ?? (e as Error).message);
    io.err(`convlens: cannot load weights from ${file}: ${why}`);
    return null;
  }
}
