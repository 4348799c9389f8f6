/**
 * Whole models through ONNX Runtime: output shapes equal the analysed shapes, and outputs agree
 * with tfjs-layers running the same architecture with the same weights.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { analyze } from '../../extension/engine/analysis/analyze';
import { lowerModel, LoweringFailure } from '../../extension/engine/lowering/lower_model';
import { OrtRunner } from '../../extension/runtime/ort/runner';
import { example } from '../support/analyze';
import { maxAbsDiff } from '../support/reference';
import { randomInput, RecordingWeights, runSource } from '../support/run_model';
import { toTfjs } from '../support/to_tfjs';

const runner = new OrtRunner();
after(() => runner.dispose());
before(async () => {
  // The wasm backend: the same kernels as tfjs-cpu for these ops, an order of magnitude faster.
  await tf.setBackend('wasm');
});

/** Runs an example; also fetches `probe`, a layer before the (flattening) softmax head. */
async function runExample(file: string, probe: string, batch = 1) {
  const text = example(file);
  const graph = analyze(text).models[0].graph;
  const weights = new RecordingWeights(3);
  const lowered = lowerModel(graph, weights, { exposeLayers: [probe] });
  const shape = [batch, ...(graph.inputs[0].shape!.slice(1) as number[])];
  const input = randomInput(shape, 11);
  const probeName = lowered.layerOutputs.get(probe)!.name;
  const res = await runner.run({ model: lowered.bytes, feeds: [{ name: lowered.inputs[0].name, dims: shape, data: input.data }], fetch: [lowered.outputs[0].name, probeName] });
  const probeTensor = graph.calls.find((c) => c.layer.name === probe)!.output;
  return { graph, weights: weights.used, input, output: res.outputs[0], probe: res.outputs[1], probeTensor };
}

function tfjsOutputs(run: Awaited<ReturnType<typeof runExample>>): Float32Array[] {
  const model = toTfjs(run.graph, run.weights, [run.graph.outputs[0], run.probeTensor]);
  const ys = model.predict(tf.tensor(run.input.data, run.input.shape)) as tf.Tensor[];
  const data = ys.map((y) => y.dataSync() as Float32Array);
  model.dispose();
  return data;
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string) {
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const diff = maxAbsDiff(actual, expected);
  assert.ok(scale > 0, `${what} is all zeros: the comparison would prove nothing`);
  assert.ok(diff <= 1e-4 * Math.max(1, scale), `${what}: max abs diff ${diff} (scale ${scale})`);
}

describe('examples run in ONNX Runtime', () => {
  // ASPP upsamples bilinearly, where tfjs is not faithful to Keras (asymmetric vs half-pixel).
  const cases = [
    ['mobilenet_v1.py', 'conv_preds', true],
    ['unet.py', 'dec0_relu2', true],
    ['xception.py', 'block14_sepconv2_act', true],
    ['deeplab_aspp.py', 'aspp_project_relu', false],
  ] as const;
  for (const [file, probe, tfjs] of cases) {
    it(`${file}: output shape as analysed${tfjs ? `; output and ${probe} equal to tfjs-layers` : ''}`, async () => {
      const run = await runExample(file, probe, file === 'unet.py' ? 2 : 1);
      const analysed = run.graph.outputs[0].shape!;
      assert.deepEqual(run.output.dims, [run.input.shape[0], ...analysed.slice(1)]);
      assert.deepEqual(run.probe.dims, [run.input.shape[0], ...run.probeTensor.shape!.slice(1)]);
      assert.ok(run.output.data.every(Number.isFinite));
      if (tfjs) {
        const [out, probed] = tfjsOutputs(run);
        assertClose(run.output.data, out, 'model output');
        assertClose(run.probe.data, probed, probe);
      }
    });
  }
});

describe('layers around the convolutions', () => {
  it('Flatten after NHWC features feeds Dense in Keras order (vs tfjs)', async () => {
    const src = 'import keras\nfrom keras import layers\nx = keras.Input((5, 6, 4))\ny = layers.Conv2D(3, 3, padding="same")(x)\ny = layers.Flatten()(y)\ny = layers.Dense(7, activation="tanh")(y)\nm = keras.Model(x, y)\n';
    const graph = analyze(src).models[0].graph;
    const r = await runSource(runner, src, [2, 5, 6, 4]);
    const expected = (toTfjs(graph, r.weights).predict(tf.tensor(r.input.data, r.input.shape)) as tf.Tensor).dataSync() as Float32Array;
    assert.ok(maxAbsDiff(r.output.data, expected) < 1e-5);
  });

  it('BatchNormalization with non-trivial statistics uses Keras epsilon (vs tfjs)', async () => {
    const src = `import keras
from keras import layers
x = keras.Input((4, 4, 3))
y = layers.BatchNormalization(gamma_initializer=keras.initializers.RandomNormal(1.0, 0.5), beta_initializer="random_normal",
        moving_mean_initializer="random_normal", moving_variance_initializer=keras.initializers.RandomUniform(0.001, 0.01))(x)
m = keras.Model(x, y)
`;
    const graph = analyze(src).models[0].graph;
    const r = await runSource(runner, src, [2, 4, 4, 3]);
    const variance = r.weights.get('batch_normalization')![3];
    assert.ok(variance.every((v) => v >= 0.001 && v <= 0.01), 'RandomUniform(min, max) honoured');
    const expected = (toTfjs(graph, r.weights).predict(tf.tensor(r.input.data, r.input.shape)) as tf.Tensor).dataSync() as Float32Array;
    // A small variance makes epsilon (1e-3 in Keras, 1e-5 in ONNX) matter.
    assert.ok(maxAbsDiff(r.output.data, expected) < 1e-4);
  });

  it('merges, concatenate, padding, cropping, reshape, permute, activations', async () => {
    const src = `import keras
from keras import layers
x = keras.Input((6, 6, 4))
a = layers.Conv2D(4, 1, activation="relu6")(x)
b = layers.Conv2D(4, 3, padding="same", activation="swish")(x)
s = layers.add([a, b])
d = layers.subtract([a, b])
mx = layers.maximum([a, b])
mn = layers.minimum([a, b])
av = layers.average([a, b, s])
mu = layers.multiply([a, b])
c = layers.concatenate([s, d, mx, mn, av, mu])
c = layers.ZeroPadding2D(((1, 0), (0, 2)))(c)
c = layers.Cropping2D(((0, 1), (1, 1)))(c)
c = layers.Activation("gelu")(c)
c = layers.LeakyReLU(0.1)(c)
c = layers.Permute((3, 1, 2))(c)
c = layers.Reshape((24, 36))(c)
c = layers.Softmax()(c)
m = keras.Model(x, c)
`;
    const r = await runSource(runner, src, [1, 6, 6, 4]);
    assert.deepEqual(r.output.shape, [1, 24, 36]);
    // Independent check in plain JS from the same input and weights.
    const [ka, ba] = r.weights.get('conv2d')!;
    const [kb, bb] = r.weights.get('conv2d_1')!;
    const { conv2d } = await import('../support/reference');
    const A = conv2d(r.input, { data: ka, shape: [1, 1, 4, 4] }, ba, { strides: [1, 1], dilation: [1, 1], padding: 'valid' }).data.map((v) => Math.min(Math.max(v, 0), 6));
    const B = conv2d(r.input, { data: kb, shape: [3, 3, 4, 4] }, bb, { strides: [1, 1], dilation: [1, 1], padding: 'same' }).data.map((v) => v / (1 + Math.exp(-v)));
    const parts = [A.map((v, i) => v + B[i]), A.map((v, i) => v - B[i]), A.map((v, i) => Math.max(v, B[i])), A.map((v, i) => Math.min(v, B[i])), A.map((v, i) => (2 * v + 2 * B[i]) / 3), A.map((v, i) => v * B[i])];
    const erf = (z: number) => {
      // Abramowitz-Stegun 7.1.26 is too coarse; use a series that is exact to float precision here.
      let sum = z;
      let term = z;
      for (let n = 1; n < 60; n++) {
        term *= (-z * z) / n;
        sum += term / (2 * n + 1);
      }
      return (2 / Math.sqrt(Math.PI)) * sum;
    };
    // [1, 6, 6, 24] concat -> pad -> crop -> [1, 6, 6, 24] -> gelu -> leaky -> permute -> [24, 6, 6] -> reshape [24, 36] -> softmax
    const C = 24;
    const at = (h: number, w: number, ch: number) => {
      // crop removes 1 column left after padding added 0 left: net column shift +1; rows: pad 1 top, crop 0 top.
      const sh = h - 1;
      const sw = w + 1;
      if (sh < 0 || sh >= 6 || sw < 0 || sw >= 6) return 0;
      return parts[Math.floor(ch / 4)][(sh * 6 + sw) * 4 + (ch % 4)];
    };
    const expected = new Float32Array(24 * 36);
    for (let ch = 0; ch < C; ch++) {
      const row: number[] = [];
      for (let h = 0; h < 6; h++) for (let w = 0; w < 6; w++) {
        const v = at(h, w, ch);
        const g = 0.5 * v * (1 + erf(v / Math.SQRT2));
        row.push(g >= 0 ? g : 0.1 * g);
      }
      const mxv = Math.max(...row);
      const exps = row.map((v) => Math.exp(v - mxv));
      const sum = exps.reduce((p, q) => p + q, 0);
      exps.forEach((e, i) => (expected[ch * 36 + i] = e / sum));
    }
    assert.ok(maxAbsDiff(r.output.data, expected) < 1e-5, String(maxAbsDiff(r.output.data, expected)));
  });

  it('LayerNormalization and Dense on a rank-3 tensor', async () => {
    const src = 'import keras\nfrom keras import layers\nx = keras.Input((5, 8))\ny = layers.LayerNormalization(gamma_initializer="random_normal", beta_initializer="random_normal")(x)\ny = layers.Dense(3)(y)\nm = keras.Model(x, y)\n';
    const r = await runSource(runner, src, [2, 5, 8]);
    const [gamma, beta] = r.weights.get('layer_normalization')!;
    const [kernel, bias] = r.weights.get('dense')!;
    const expected = new Float32Array(2 * 5 * 3);
    for (let row = 0; row < 10; row++) {
      const v = Array.from(r.input.data.slice(row * 8, row * 8 + 8));
      const mean = v.reduce((p, q) => p + q, 0) / 8;
      const variance = v.reduce((p, q) => p + (q - mean) ** 2, 0) / 8;
      const norm = v.map((q, i) => ((q - mean) / Math.sqrt(variance + 1e-3)) * gamma[i] + beta[i]);
      for (let u = 0; u < 3; u++) expected[row * 3 + u] = bias[u] + norm.reduce((p, q, i) => p + q * kernel[i * 3 + u], 0);
    }
    assert.ok(maxAbsDiff(r.output.data, expected) < 1e-5);
  });
});

describe('lowering failures name the layer', () => {
  it('an unknown layer stops the run with its name and line', () => {
    const src = 'import keras\nfrom keras import layers\nx = keras.Input((4, 4, 1))\ny = layers.Mystery()(x)\nm = keras.Model(x, y)\n';
    const graph = analyze(src).models[0].graph;
    assert.throws(() => lowerModel(graph, new RecordingWeights(0)), (e: unknown) => e instanceof LoweringFailure && /Layer "mystery" \(Mystery\) cannot be run/.test(e.message) && e.span.from === src.indexOf('layers.Mystery'));
  });
  it('unknown input dimensions ask for a concrete shape', () => {
    const graph = analyze('import keras\nfrom keras import layers\nx = keras.Input((None, None, 3))\nm = keras.Model(x, layers.Conv2D(2, 3)(x))\n').models[0].graph;
    assert.throws(() => lowerModel(graph, new RecordingWeights(0)), /unknown dimensions.*--input-shape/);
  });
});
