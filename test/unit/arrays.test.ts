/** NumPy arrays of known shape: keras.datasets, and what scripts do with them before building a model. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { model } from '../support/analyze';
import { chooseModel } from '../../extension/engine/analysis/model_choice';

/** The shape of `keras.Input(<expr>)` after `prelude` (an easy place to read a tuple of ints back). */
function inputShape(prelude: string, expr: string) {
  const a = analyze(`import keras\nimport numpy as np\n${prelude}\nm = keras.Sequential([keras.Input(${expr})])\n`);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  return model(a).graph.inputs[0].shape;
}

// Shapes from Keras 3.15's load_data docstrings (asserted there) and the oracle with arrays of those shapes.
describe('keras.datasets.*.load_data()', () => {
  const all = '(a, b), (c, d) = keras.datasets.NAME.load_data()';
  const cases: [string, number[]][] = [
    ['mnist', [60000, 28, 28, 60000, 10000, 28, 28, 10000]],
    ['fashion_mnist', [60000, 28, 28, 60000, 10000, 28, 28, 10000]],
    ['cifar10', [50000, 32, 32, 3, 50000, 1, 10000, 32, 32, 3, 10000, 1]],
    ['cifar100', [50000, 32, 32, 3, 50000, 1, 10000, 32, 32, 3, 10000, 1]],
  ];
  for (const [name, shape] of cases) {
    it(`${name}: ((x_train, y_train), (x_test, y_test)) with Keras' shapes`, () => {
      assert.deepEqual(inputShape(all.replace('NAME', name), 'a.shape + b.shape + c.shape + d.shape'), [null, ...shape]);
    });
  }

  it('tf.keras.datasets, from keras.datasets import mnist, keras_core.datasets', () => {
    assert.deepEqual(inputShape('import tensorflow as tf\n(x, y), _ = tf.keras.datasets.cifar10.load_data()', 'x.shape[1:]'), [null, 32, 32, 3]);
    assert.deepEqual(inputShape('from keras.datasets import mnist\n(x, y), (xt, yt) = mnist.load_data()', '(x.shape[1], len(xt), x.ndim)'), [null, 28, 10000, 3]);
    assert.deepEqual(inputShape('from keras_core.datasets import fashion_mnist\n(x, _), _ = fashion_mnist.load_data()', 'x.shape'), [null, 60000, 28, 28]);
  });
});

describe('array operations before the model', () => {
  const mnist = '(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()\n';

  it('np.reshape with -1, astype, / 255 keep or compute the shape', () => {
    const prelude = `${mnist}image_size = x_train.shape[1]\nx_train = np.reshape(x_train, [-1, image_size, image_size, 1])\nx_train = x_train.astype('float32') / 255`;
    assert.deepEqual(inputShape(prelude, 'x_train.shape'), [null, 60000, 28, 28, 1]);
    assert.deepEqual(inputShape(`${mnist}x = np.reshape(x_test, [-1, 784])`, 'x.shape'), [null, 10000, 784]);
  });

  it('x.reshape(n, h, w, 1), x.reshape((n,) + shape), np.expand_dims(x, -1 / 0 / 1)', () => {
    assert.deepEqual(inputShape(`${mnist}x = x_train.reshape(x_train.shape[0], 28, 28, 1)`, 'x.shape[1:]'), [null, 28, 28, 1]);
    assert.deepEqual(inputShape(`${mnist}x = x_test.reshape((x_test.shape[0],) + (28, 28, 1))`, 'x.shape'), [null, 10000, 28, 28, 1]);
    assert.deepEqual(inputShape(`${mnist}x = np.expand_dims(x_train.astype("float32") / 255, -1)`, 'x.shape'), [null, 60000, 28, 28, 1]);
    assert.deepEqual(inputShape(`${mnist}x = np.expand_dims(x_train, 0)`, 'x.shape'), [null, 1, 60000, 28, 28]);
    assert.deepEqual(inputShape(`${mnist}x = np.expand_dims(x_train, axis=1)`, 'x.shape'), [null, 60000, 1, 28, 28]);
  });

  it('keras.utils.to_categorical(y, num_classes): a trailing axis of 1 dropped, the classes appended', () => {
    assert.deepEqual(inputShape(`${mnist}y = keras.utils.to_categorical(y_train, 10)`, 'y.shape'), [null, 60000, 10]);
    const cifar = '(x, y), _ = keras.datasets.cifar10.load_data()\nfrom keras.utils import to_categorical\ny = to_categorical(y, num_classes=100)';
    assert.deepEqual(inputShape(cifar, 'y.shape'), [null, 50000, 100]);
  });

  it('what depends on the data besides the documented labels (np.max, np.unique of pixels) is unknown, never guessed', () => {
    for (const expr of ['keras.utils.to_categorical(x_train).shape[-1]', 'int(np.max(x_train)) + 1', 'len(np.unique(x_train))']) {
      const a = analyze(`import keras\nimport numpy as np\n${mnist}n = ${expr}\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(n)])\n`);
      assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), [], expr);
      const dense = model(a).layers.find((l) => l.layer.type === 'Dense')!;
      assert.equal(dense.params, null, expr);
    }
  });
});

describe('dataset labels', () => {
  // Keras: mnist's labels are the digits 0-9 and cifar100's (label_mode="fine") 0-99, all in both splits.
  const dense = (dataset: string, count: string) =>
    `import keras\nimport numpy as np\n(x_train, y_train), (x_test, y_test) = keras.datasets.${dataset}.load_data()\nn = ${count}\nx = keras.Input((4,))\ny = keras.layers.Dense(n)(x)\nm = keras.Model(x, y)\n`;
  const units = (text: string) => chooseModel(analyze(text, { limits: { maxMillis: 1e9 } }))?.entries.find((e) => e.type === 'Dense')?.outputShape;
  it('len(np.unique(y_train)) counts the classes', () => {
    assert.deepEqual(units(dense('mnist', 'len(np.unique(y_train))')), [null, 10]);
    assert.deepEqual(units(dense('cifar100', 'len(np.unique(y_test))')), [null, 100]);
  });
  it('to_categorical without num_classes appends the class count', () => {
    assert.deepEqual(units(dense('cifar10', 'keras.utils.to_categorical(y_train).shape[-1]')), [null, 10]);
  });
  it('np.max(y_train) + 1 is a NumPy uint8 (NumPy 2 keeps the scalar\'s dtype): int() of it counts the classes', () => {
    assert.deepEqual(units(dense('mnist', 'int(np.max(y_train)) + 1')), [null, 10]);
    assert.deepEqual(units(dense('cifar100', 'int(y_test.max() + 1)')), [null, 100]);
  });
  it('Dense refuses the NumPy uint8 itself, whatever its value (Keras checks isinstance(units, int); golden: keras3_refusals "Dense(units=np.uint8(9) + 1)")', () => {
    for (const expr of ['np.max(y_train) + 1', 'np.amax(x_train) + 1']) {
      const errors = analyze(dense('mnist', expr)).diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => d.code), ['keras-units'], expr);
      assert.match(errors[0].message, /^Received an invalid value for `units`, expected a positive integer\. Received: units=/, expr);
    }
  });
  it('arithmetic on labels is no longer labels: unknown', () => {
    assert.equal(units(dense('mnist', 'len(np.unique(y_train / 2))')), null);
  });
});
