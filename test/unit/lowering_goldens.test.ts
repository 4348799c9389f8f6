/**
 * Lowering of the kinds and tensor functions added for issue 9 (SimpleRNN, LSTM, GRU, Embedding,
 * Resizing, keras.ops reshape/transpose/expand_dims/squeeze/reductions/concatenate/stack/
 * image.resize/depth_to_space/space_to_depth), against real Keras 3.15.1: each case in
 * test/goldens/lowering (written by scripts/goldens/make_lowering_goldens.sh) is read through
 * ConvLens with the weights Keras saved, run in ONNX Runtime, and compared with Keras' predict.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { chooseModel } from '../../extension/engine/analysis/model_choice';
import { InitializerWeights } from '../../extension/engine/lowering/weights';
import { TrainedWeights } from '../../extension/engine/weights/trained_weights';
import { initialize } from '../../kernels/initializers';
import { runModel } from '../../extension/runtime/run_model';
import { readNpy } from '../../extension/runtime/inputs/npy';
import { OrtRunner } from '../../extension/runtime/ort/runner';

const GOLDENS = path.join(__dirname, '..', 'goldens', 'lowering');
interface LoweringCase {
  source: string;
  model_name: string;
  weights: string;
  /** The Keras 2 weights-only layout, for some cases. */
  legacy_weights: string | null;
  input: string;
  output: string;
  output_shape: number[];
  layers: { name: string; class_name: string; params: number }[];
}
const manifest = JSON.parse(readFileSync(path.join(GOLDENS, 'manifest.json'), 'utf8')) as { keras_version: string; cases: Record<string, LoweringCase> };
const runner = new OrtRunner();
after(() => runner.dispose());
const npy = (file: string) => readNpy(readFileSync(path.join(GOLDENS, file)));

/** Float32 through different op orders: 1e-4 of the output's range. */
const RELATIVE_TOLERANCE = 1e-4;

describe(`Lowered models reproduce Keras ${manifest.keras_version}'s predict`, () => {
  it('covers every kind and function the lowering added', () => {
    const classes = new Set(Object.values(manifest.cases).flatMap((c) => c.layers.map((l) => l.class_name)));
    for (const kind of ['LSTM', 'GRU', 'SimpleRNN', 'Embedding', 'Resizing']) assert.ok(classes.has(kind), kind);
    const sources = Object.values(manifest.cases).map((c) => readFileSync(path.join(GOLDENS, c.source), 'utf8')).join('\n');
    for (const fn of ['reshape', 'transpose', 'expand_dims', 'squeeze', 'mean', 'sum', 'max', 'min', 'prod', 'var', 'std', 'logsumexp', 'concatenate', 'stack', 'image.resize', 'depth_to_space', 'space_to_depth', 'exp', 'abs', 'square', 'sqrt', 'negative']) {
      assert.ok(sources.includes(`ops.${fn}(`), fn);
    }
  });

  for (const [name, golden] of Object.entries(manifest.cases)) {
    for (const file of [golden.weights, golden.legacy_weights]) {
      if (!file) continue;
      it(`${name} (${file})`, async () => {
        const analysis = analyze(readFileSync(path.join(GOLDENS, golden.source), 'utf8'));
        const report = chooseModel(analysis);
        assert.ok(report, `${name}: a model`);
        assert.equal(report.graph.name, golden.model_name);
        const weights = await TrainedWeights.load(path.join(GOLDENS, file), report.graph);
        assert.equal(weights.format, file === golden.weights ? 'keras3' : 'legacy');
        const input = npy(golden.input);
        const run = await runModel(report, runner, { input: { kind: 'array', data: input.data, shape: input.shape }, weights, seed: 0 });
        const want = npy(golden.output);
        assert.deepEqual(run.outputShape, want.shape);
        let diff = 0;
        let scale = 1e-12;
        for (let i = 0; i < want.data.length; i++) {
          diff = Math.max(diff, Math.abs(run.output[i] - want.data[i]));
          scale = Math.max(scale, Math.abs(want.data[i]));
        }
        console.log(`# ${name} (${file}): max abs diff ${diff.toExponential(2)} (output range ${scale.toFixed(3)})`);
        assert.ok(diff / scale <= RELATIVE_TOLERANCE, `${name}: max abs diff ${diff} against an output range of ${scale}`);
      });
    }
  }
});

describe('What the new lowerings refuse, and runs without a weights file', () => {
  const runSource = async (source: string) => {
    const report = chooseModel(analyze(source));
    assert.ok(report);
    return runModel(report, runner, { input: { kind: 'random' }, weights: new InitializerWeights(0), seed: 0 });
  };

  it('an LSTM after Embedding(mask_zero=True): Keras skips the masked steps, so the run refuses, naming the layer', async () => {
    const source = 'import keras\nfrom keras import layers\nx = keras.Input((6,))\ny = layers.Embedding(10, 4, mask_zero=True)(x)\ny = layers.LSTM(3)(y)\nm = keras.Model(x, y)\n';
    await assert.rejects(runSource(source), /Layer "lstm" \(LSTM\) cannot be run: .*mask/);
  });

  it('GlobalAveragePooling1D after Embedding(mask_zero=True) (a masked mean in Keras) refuses too', async () => {
    const source = 'import keras\nfrom keras import layers\nx = keras.Input((6,))\ny = layers.Embedding(10, 4, mask_zero=True)(x)\ny = layers.GlobalAveragePooling1D()(y)\nm = keras.Model(x, y)\n';
    await assert.rejects(runSource(source), /Layer "global_average_pooling1d" \(GlobalAveragePooling1D\) cannot be run: .*mask/);
  });

  it('the same LSTM without mask_zero runs', async () => {
    const source = 'import keras\nfrom keras import layers\nx = keras.Input((6,))\ny = layers.Embedding(10, 4)(x)\ny = layers.LSTM(3)(y)\nm = keras.Model(x, y)\n';
    const run = await runSource(source);
    assert.deepEqual(run.outputShape, [1, 3]);
    assert.ok(run.output.every((v) => Number.isFinite(v)));
  });

  it('Resizing with lanczos3 (no ONNX equivalent) refuses with the interpolations that run', async () => {
    const source = 'import keras\nfrom keras import layers\nx = keras.Input((6, 6, 3))\ny = layers.Resizing(4, 4, interpolation="lanczos3")(x)\nm = keras.Model(x, y)\n';
    await assert.rejects(runSource(source), /Layer "resizing" \(Resizing\) cannot be run: interpolation="lanczos3" .*nearest, bilinear and bicubic/);
  });

  it('a tensor function whose arguments are unknown stays a node the run refuses', async () => {
    const source = 'import keras\nfrom keras import ops\nx = keras.Input((4, 6))\ny = ops.reshape(x, (-1, n))\nm = keras.Model(x, y)\n';
    await assert.rejects(runSource(source), /cannot be run/);
  });
});

describe('Orthogonal initializer (recurrent kernels when no weights file is given)', () => {
  for (const shape of [[4, 12], [12, 4], [5, 5]]) {
    it(`${JSON.stringify(shape)}: orthonormal along the shorter side`, () => {
      const w = initialize({ name: 'recurrent_kernel', shape, initializer: 'orthogonal', trainable: true }, 0, 'lstm');
      const [rows, cols] = shape;
      const byRows = rows <= cols;
      const count = Math.min(rows, cols);
      const vec = (i: number, k: number) => (byRows ? w[i * cols + k] : w[k * cols + i]);
      for (let i = 0; i < count; i++) {
        for (let j = 0; j < count; j++) {
          let dot = 0;
          for (let k = 0; k < Math.max(rows, cols); k++) dot += vec(i, k) * vec(j, k);
          assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-5, `<v${i}, v${j}> = ${dot}`);
        }
      }
    });
  }
});
