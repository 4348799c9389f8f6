/** functools.partial of layer classes and functions, checked against Keras 3.15.1. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { model } from '../support/analyze';

type Row = [string, (number | null)[] | null, number];

function rows(text: string, name?: string): Row[] {
  return model(analyze(text), name).layers.map((l) => [l.layer.name, l.outputShape, l.params ? l.params.trainable + l.params.nonTrainable : -1]);
}

describe('functools.partial', () => {
  it('from functools import partial: a Conv2D preset in a Sequential', () => {
    const text = `import keras
from functools import partial
D = partial(keras.layers.Conv2D, kernel_size=3, padding="same")
m = keras.Sequential([keras.Input((28, 28, 1)), D(filters=64), keras.layers.MaxPool2D()])
`;
    // Keras: conv2d (None, 28, 28, 64) 640; max_pooling2d (None, 14, 14, 64) 0.
    assert.deepEqual(rows(text), [
      ['input_layer', [null, 28, 28, 1], 0],
      ['conv2d', [null, 28, 28, 64], 640],
      ['max_pooling2d', [null, 14, 14, 64], 0],
    ]);
  });

  it('import functools: positional and keyword arguments combine, later keywords override', () => {
    const text = `import keras, functools
from keras import layers
D = functools.partial(keras.layers.Conv2D, kernel_size=3, padding="same")
E = functools.partial(layers.Conv2D, 8, 3, strides=2)
F = functools.partial(functools.partial(layers.Dense, 4), activation="relu")
i = keras.Input((8, 8, 3))
x = D(32)(i)
x = D(32, kernel_size=5)(x)
x = E(padding="same", strides=1)(x)
x = E()(x)
x = F()(x)
m = keras.Model(i, x)
`;
    // Keras 3.15.1 per layer: output shape and count_params().
    assert.deepEqual(rows(text), [
      ['input_layer', [null, 8, 8, 3], 0],
      ['conv2d', [null, 8, 8, 32], 896],
      ['conv2d_1', [null, 8, 8, 32], 25_632],
      ['conv2d_2', [null, 8, 8, 8], 2312],
      ['conv2d_3', [null, 3, 3, 8], 584],
      ['dense', [null, 3, 3, 4], 36],
    ]);
  });

  it('a partial of a user function', () => {
    const text = `import keras
from functools import partial
from keras import layers
def block(x, filters, k=3):
    return layers.Conv2D(filters, k)(x)
B = partial(block, k=1)
i = keras.Input((8, 8, 3))
m = keras.Model(i, B(i, 5))
`;
    assert.deepEqual(rows(text), [['input_layer', [null, 8, 8, 3], 0], ['conv2d', [null, 8, 8, 5], 20]]);
  });

  it('a positional argument given again by keyword is the TypeError Keras raises', () => {
    const text = 'import keras, functools\nfrom keras import layers\nE = functools.partial(layers.Conv2D, 8, 3)\nc = E(filters=4)\n';
    const errors = analyze(text).diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((e) => e.message), ["Conv2D.__init__() got multiple values for argument 'filters'"]);
    assert.equal(text.slice(errors[0].from, errors[0].to), 'E(filters=4)');
  });

  it('a partial of something unknown gives unknown, not a layer', () => {
    const text = 'import keras, functools\nfrom mylib import make\nD = functools.partial(make, 3)\nm = keras.Sequential([keras.Input((8,)), D(4), keras.layers.Dense(2)])\n';
    const a = analyze(text);
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(a.models[0].graph.outputs[0].shape, null);
  });
});
