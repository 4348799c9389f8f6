/**
 * The tensor functions of model code (keras.ops, keras.ops.nn, keras.ops.image, keras.activations,
 * keras.applications' preprocess_input) against real Keras 3.15 (test/goldens/tensor_functions/,
 * written by scripts/goldens/make_tensor_function_goldens.py): the operations Keras records, with
 * their automatic names and classes in Keras' order, and the output shape.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { OrtRunner } from '../../extension/runtime/ort/runner';
import { runSource } from '../support/run_model';
import { analyze } from '../../extension/engine/analysis/analyze';
import { chooseModel } from '../../extension/engine/analysis/model_choice';

interface Case { name: string; input_shape: number[]; expression: string; output_shape: (number | null)[]; operations: { name: string; class_name: string }[] }
const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'goldens', 'tensor_functions', 'manifest.json'), 'utf8')) as { cases: Case[] };

const NO_CLOCK = { maxMillis: 1e9 };

function source(c: Case): string {
  const shape = `(${c.input_shape.join(', ')},)`;
  const inputs = /\by\b/.test(c.expression) ? '[x, y]' : 'x';
  return `import keras\nx = keras.Input(shape=${shape})\ny = keras.Input(shape=${shape})\nout = ${c.expression}\nmodel = keras.Model(${inputs}, out)\n`;
}

describe('tensor functions as Keras records them', () => {
  for (const c of manifest.cases) {
    it(c.name, () => {
      const analysis = analyze(source(c), { limits: NO_CLOCK });
      assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
      const report = chooseModel(analysis);
      assert.ok(report, 'a model');
      const ours = report.entries.filter((e) => e.type !== 'InputLayer');
      assert.deepEqual(ours.map((e) => ({ name: e.name, class_name: e.type })), c.operations);
      assert.deepEqual(ours[ours.length - 1].outputShape, c.output_shape);
    });
  }
});

describe('TensorFlow functions on Keras tensors', () => {
  it('a tf function given a tensor of a functional graph is the error Keras 3 raises, on its line', () => {
    const text = 'import keras\nimport tensorflow as tf\nx = keras.Input((4,))\ny = keras.layers.Dense(2)(x)\ny = tf.nn.l2_normalize(y, axis=-1)\n';
    const errors = analyze(text, { limits: NO_CLOCK }).diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /^A KerasTensor cannot be used as input to a TensorFlow function/);
    assert.equal(text.slice(0, errors[0].from).split('\n').length, 5);
  });

  it('inside a custom layer call the same function receives backend tensors: no error, and the shape is kept', () => {
    const text = [
      'import keras', 'import tensorflow as tf',
      'class Norm(keras.layers.Layer):', '    def call(self, x):', '        return tf.nn.l2_normalize(x, axis=-1)',
      'x = keras.Input((4,))', 'y = Norm()(x)', 'model = keras.Model(x, y)', '',
    ].join('\n');
    const analysis = analyze(text, { limits: NO_CLOCK });
    assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
    const report = chooseModel(analysis)!;
    assert.deepEqual(report.entries.find((e) => e.name === 'norm')?.outputShape, [null, 4]);
  });
});

describe('dict() of pairs', () => {
  it('builds the dict, so a model whose outputs are dict([(name, tensor), ...]) is analysed', () => {
    const text = 'import keras\nx = keras.Input((4,))\na = keras.layers.Dense(2, name="a")(x)\nb = keras.layers.Dense(3, name="b")(x)\nm = keras.Model(x, dict([("a", a), ("b", b)]))\n';
    const report = chooseModel(analyze(text, { limits: NO_CLOCK }))!;
    // Keras: 4*2+2 + 4*3+3 params.
    assert.equal(report.totals.params, 25);
  });
});

describe('tensor functions run in ONNX Runtime', () => {
  const runner = new OrtRunner();
  after(() => runner.dispose());
  it("mobilenet_v2.preprocess_input (Keras' tf mode: x / 127.5 - 1) equals the plain formula", async () => {
    const source = 'import keras\nx = keras.Input(shape=(3, 4, 3))\ny = keras.applications.mobilenet_v2.preprocess_input(x)\nmodel = keras.Model(x, y)\n';
    const r = await runSource(runner, source, [2, 3, 4, 3]);
    const expected = Array.from(r.input.data, (v) => v / 127.5 - 1);
    assert.deepEqual(r.output.shape, [2, 3, 4, 3]);
    assert.ok(Array.from(r.output.data).every((v, i) => Math.abs(v - expected[i]) < 1e-5));
  });
  it('keras.ops.nn.relu equals max(x, 0)', async () => {
    const source = 'import keras\nx = keras.Input(shape=(5,))\ny = keras.ops.nn.relu(x)\nmodel = keras.Model(x, y)\n';
    const r = await runSource(runner, source, [3, 5]);
    assert.deepEqual(Array.from(r.output.data), Array.from(r.input.data, (v) => Math.max(v, 0)));
  });
});
