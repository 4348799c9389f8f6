/** Test harness: Keras source -> analysis -> ONNX -> ONNX Runtime (worker), with the weights used. */
import { analyze } from '../../extension/engine/analysis/analyze';
import type { LayerInstance } from '../../extension/engine/graph';
import { lowerModel } from '../../extension/engine/lowering/lower_model';
import { InitializerWeights } from '../../extension/engine/lowering/weights';
import type { WeightSpec } from '../../kernels/types';
import { OrtRunner } from '../../extension/runtime/ort/runner';
import { rng } from './arch_gen';
import type { Tensor } from './reference';

/** Records the weights handed to the lowering, by layer name. */
export class RecordingWeights extends InitializerWeights {
  readonly used = new Map<string, Float32Array[]>();

  weights(layer: LayerInstance, specs: WeightSpec[]): Float32Array[] {
    const w = super.weights(layer, specs);
    this.used.set(layer.name, w);
    return w;
  }
}

export function randomInput(shape: number[], seed: number): Tensor {
  const r = rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: size }, () => r() * 2 - 1), shape };
}

export interface ModelRun {
  output: Tensor;
  weights: Map<string, Float32Array[]>;
  input: Tensor;
}

/** Runs the single model of `source` on a random input of `inputShape` (batch included). */
export async function runSource(runner: OrtRunner, source: string, inputShape: number[], seed = 7): Promise<ModelRun> {
  const analysis = analyze(source);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  const weights = new RecordingWeights(seed);
  const lowered = lowerModel(analysis.models[0].graph, weights);
  const input = randomInput(inputShape, seed + 1);
  const res = await runner.run({
    model: lowered.bytes,
    feeds: [{ name: lowered.inputs[0].name, dims: inputShape, data: input.data }],
    fetch: [lowered.outputs[0].name],
  });
  return { output: { data: res.outputs[0].data, shape: res.outputs[0].dims }, weights: weights.used, input };
}

/** One layer on a keras.Input of the given (batch-less) shape. */
export function oneLayer(ctor: string, shape: number[]): string {
  return `import keras\nfrom keras import layers\nx = keras.Input(shape=(${shape.join(', ')},))\ny = ${ctor}(x)\nmodel = keras.Model(x, y)\n`;
}
