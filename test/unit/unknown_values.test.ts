/** Values ConvLens cannot evaluate give unknown results, never a wrong number or a false Keras error. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/core/analysis/analyze';
import { layer, model } from '../support/analyze';

describe('unknown values', () => {
  it('a Sequential member that cannot be evaluated makes the shapes after it unknown', () => {
    const text = 'import keras\nfrom mylib import make_block\nm = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3), make_block(64), keras.layers.MaxPool2D()])\n';
    const a = analyze(text);
    const m = model(a);
    assert.deepEqual(layer(m, 'conv2d').outputShape, [null, 26, 26, 8]);
    assert.equal(layer(m, 'max_pooling2d').outputShape, null);
    assert.equal(m.graph.outputs[0].shape, null);
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  });

  it('model.add of an unknown value too', () => {
    const text = 'import keras\nfrom mylib import make_block\nm = keras.Sequential()\nm.add(keras.Input((8,)))\nm.add(keras.layers.Dense(4))\nm.add(make_block())\n';
    const m = model(analyze(text));
    assert.deepEqual(layer(m, 'dense').outputShape, [null, 4]);
    assert.equal(m.graph.outputs[0].shape, null);
  });
});
