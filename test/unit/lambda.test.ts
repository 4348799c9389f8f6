/** keras.layers.Lambda: output_shape (without the batch axis) or the function traced on symbolic inputs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { model } from '../support/analyze';

// Expected values from Keras 3.15 (jax backend): model.layers' classes, output shapes and count_params().
describe('Lambda', () => {
  const text = `import keras
from keras import layers, ops
x = keras.Input((8, 8, 3))
a = layers.Lambda(lambda t: t / 255)(x)
b = layers.Lambda(lambda t: t, output_shape=(5,))(x)
c = layers.Lambda(lambda t: ops.sum(t, axis=-1, keepdims=True), output_shape=(7, None))(x)
d = layers.Lambda(lambda ts: ts[0] - ts[1], output_shape=(1,))([x, x])
e = layers.Lambda(lambda t, k: t * k, arguments={"k": 2})(x)
m = keras.Model(x, [a, b, c, d, e])
`;

  it('is one entry of model.layers (class Lambda, 0 params); what its function builds is not', () => {
    const m = model(analyze(text));
    assert.deepEqual(m.layers.map((l) => [l.layer.name, l.layer.type]), [
      ['input_layer', 'InputLayer'], ['lambda', 'Lambda'], ['lambda_1', 'Lambda'], ['lambda_2', 'Lambda'], ['lambda_3', 'Lambda'], ['lambda_4', 'Lambda'],
    ]);
    assert.ok(m.layers.every((l) => l.params?.trainable === 0 && l.params.nonTrainable === 0));
  });

  it('output_shape excludes the batch axis (taken from the first input); without it the function is traced', () => {
    const m = model(analyze(text));
    assert.deepEqual(m.layers.slice(1).map((l) => l.outputShape), [[null, 8, 8, 3], [null, 5], [null, 7, null], [null, 1], [null, 8, 8, 3]]);
  });

  it('what the function builds takes no automatic names (Keras 3.15: an op after it is still `true_divide`)', () => {
    const a = analyze('import keras\nfrom keras import layers\nx = keras.Input((8, 8, 3))\na = layers.Lambda(lambda t: t * 2)(x)\nb = layers.Lambda(lambda t: t * 3)(a)\nd = layers.Dense(3)(b * 2)\nm = keras.Model(x, d)\n');
    const names = model(a).graph.calls.map((c) => c.layer.name);
    assert.ok(names.includes('multiply') && !names.includes('multiply_1'), names.join(', '));
  });

  it('a function ConvLens cannot trace gives an unknown shape, never an error', () => {
    const a = analyze('import keras\nfrom keras import layers\nx = keras.Input((8, 8, 3))\ny = layers.Lambda(lambda t: t[:, :, :, :1] * 2.0)(x)\nm = keras.Model(x, y)\n');
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(model(a).layers[1].outputShape, null);
  });

  it('a list output_shape (which Keras 3.15 fails to prepend the batch to) is not taken as a shape', () => {
    const a = analyze('import keras\nfrom keras import layers\nx = keras.Input((8, 8, 3))\ny = layers.Lambda(lambda t: t, output_shape=[5])(x)\nm = keras.Model(x, y)\n');
    assert.equal(model(a).layers[1].outputShape, null);
  });

  it('tf.keras.layers.Lambda(lambda x: x / 255) in a functional model keeps the following shapes', () => {
    const a = analyze('import tensorflow as tf\ninputs = tf.keras.layers.Input((128, 128, 3))\ns = tf.keras.layers.Lambda(lambda x: x / 255)(inputs)\ny = tf.keras.layers.Conv2D(16, (3, 3), padding="same")(s)\nm = tf.keras.Model(inputs=[inputs], outputs=[y])\n');
    assert.deepEqual(model(a).graph.outputs[0].shape, [null, 128, 128, 16]);
  });
});
