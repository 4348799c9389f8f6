/** --weights PATH: a Keras weight file matched to the chosen model's layers. */
import type { ModelReport } from '../core/analysis/analyze';
import { readWeightFile } from '../core/weights/h5_reader';
import { TrainedWeights } from '../core/weights/trained_weights';

export async function trainedWeightsFor(model: ModelReport, file: string): Promise<TrainedWeights> {
  const weighted = model.layers.filter((l) => (l.params?.trainable ?? 0) + (l.params?.nonTrainable ?? 0) > 0).map((l) => l.layer);
  return new TrainedWeights(await readWeightFile(file), weighted);
}
