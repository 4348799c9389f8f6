/** Values ConvLens cannot evaluate give unknown results, never a wrong number or a false Keras error. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
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

/** `n` is a value ConvLens cannot evaluate (random is not modelled). */
const HEAD = 'import keras, random\nfrom keras import layers\nn = random.randint(1, 4)\n';

function errorsOf(text: string) {
  const a = analyze(text);
  return { a, errors: a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`) };
}

describe('Keras errors only when every value involved is known', () => {
  it('Reshape((1, 1, n)) in a squeeze-excite block: unknown, not "must be a tuple of integers"', () => {
    // Keras with n = 4: Reshape gives (None, 1, 1, 4), Multiply (None, 8, 8, 4).
    const text = `${HEAD}i = keras.Input((8, 8, 4))\nse = layers.GlobalAveragePooling2D()(i)\nse = layers.Reshape((1, 1, n))(se)\nm = keras.Model(i, layers.Multiply()([i, se]))\n`;
    const { a, errors } = errorsOf(text);
    assert.deepEqual(errors, []);
    assert.equal(layer(model(a), 'reshape').outputShape, null);
    assert.equal(model(a).graph.outputs[0].shape, null);
  });

  it('an input size read from data: unknown shapes, no keras-input-shape error and none downstream', () => {
    // Keras with x_train of shape (100, 32, 32, 3): Dense gives (None, 10).
    const text = 'import keras\nfrom keras import layers\nfrom data import x_train\nimage_size = x_train.shape[1]\ninputs = keras.Input((image_size, image_size, 3))\nx = layers.Flatten()(layers.Conv2D(8, 3)(inputs))\nm = keras.Model(inputs, layers.Dense(10)(x))\n';
    const { a, errors } = errorsOf(text);
    assert.deepEqual(errors, []);
    assert.ok(model(a).layers.every((l) => l.outputShape === null));
  });

  it("names from the user's own modules are unknown values; library functions stay functions", () => {
    const text = 'import keras\nimport tensorflow as tf\nimport settings\nfrom keras import layers\nfrom config import NUM_CLASSES, IMG\ni = keras.Input((IMG, IMG, 3))\ni2 = keras.Input((8, 8, 3))\nx = layers.Conv2D(4, 3, activation=tf.nn.relu)(i2)\nx = layers.Conv2D(settings.WIDTH, 3)(x)\nm = keras.Model(i2, layers.Dense(NUM_CLASSES)(x))\n';
    const { a, errors } = errorsOf(text);
    assert.deepEqual(errors, []);
    const m = model(a, 'functional');
    assert.deepEqual(layer(m, 'conv2d').outputShape, [null, 6, 6, 4]);
    assert.equal(layer(m, 'conv2d_1').outputShape, null);
  });

  const ctors = [
    'layers.Conv2D(4, (3, n), padding="same")', 'layers.Conv2D(4, 3, strides=(1, n))', 'layers.Conv2D(4, 3, groups=n)',
    'layers.Conv2D(4, 3, padding=n)', 'layers.Conv2D(4, 3, data_format=n)', 'layers.Conv2D(4, 3, use_bias=n)',
    'layers.Conv2DTranspose(4, 3, output_padding=(n, 1), strides=2)', 'layers.DepthwiseConv2D(3, depth_multiplier=n)',
    'layers.SeparableConv2D(4, 3, depth_multiplier=n)', 'layers.ZeroPadding2D(((1, n), (1, 1)))', 'layers.Cropping2D((n, 1))',
    'layers.MaxPooling2D((2, n))', 'layers.UpSampling2D((n, 2))', 'layers.Permute((2, n, 3))', 'layers.Reshape(n)',
    'layers.Reshape((n, -1))', 'layers.Reshape((-1, n))', 'layers.BatchNormalization(axis=n)', 'layers.LayerNormalization(axis=(1, n))',
    'layers.LayerNormalization(axis=n)', 'layers.GlobalAveragePooling2D(keepdims=n)', 'layers.Flatten(data_format=n)',
    'layers.Dense(n)', 'layers.ReLU(max_value=n)', 'layers.LeakyReLU(n)', 'layers.ELU(n)', 'layers.Concatenate(axis=n)',
  ];
  for (const ctor of ctors) {
    it(`${ctor}: unknown, no error`, () => {
      const call = ctor.startsWith('layers.Concatenate') ? `${ctor}([i, i])` : `${ctor}(i)`;
      const { a, errors } = errorsOf(`${HEAD}i = keras.Input((8, 8, 4))\nm = keras.Model(i, ${call})\n`);
      assert.deepEqual(errors, []);
      assert.equal(model(a).graph.outputs[0].shape, null);
      assert.ok(!a.diagnostics.some((d) => d.code === 'internal-error'));
    });
  }

  it('the shape is kept where it never depends on the unknown (Dropout rate, Softmax axis, Rescaling scale)', () => {
    for (const ctor of ['layers.Dropout(n)', 'layers.SpatialDropout2D(n)', 'layers.Softmax(axis=n)', 'layers.Rescaling(1 / n, offset=n)']) {
      const { a, errors } = errorsOf(`${HEAD}i = keras.Input((8, 8, 4))\nm = keras.Model(i, ${ctor}(i))\n`);
      assert.deepEqual(errors, [], ctor);
      assert.deepEqual(model(a).graph.outputs[0].shape, [null, 8, 8, 4], ctor);
    }
  });

  it('*args and **kwargs of unknown contents: no argument-count error, and no silently default layer', () => {
    for (const call of ['layers.Conv2D(*cfg)(i)', 'layers.Conv2D(**cfg)(i)', 'layers.Conv2D(8, 3, **cfg)(i)', 'layers.Conv2D(8, *cfg)(i)']) {
      const { a, errors } = errorsOf(`import keras\nfrom keras import layers\nfrom settings import cfg\ni = keras.Input((8, 8, 4))\nm = keras.Model(i, ${call})\n`);
      assert.deepEqual(errors, [], call);
      assert.equal(model(a).graph.outputs[0].shape, null, call);
    }
  });

  it('a known bad LayerNormalization axis is the Keras TypeError, not an internal error', () => {
    const { errors } = errorsOf(`${HEAD}i = keras.Input((8, 8, 4))\nm = keras.Model(i, layers.LayerNormalization(axis="a")(i))\n`);
    assert.deepEqual(errors, ["keras-arg-type: Expected an int or a list/tuple of ints for the argument 'axis', but received: 'a'"]);
  });
});
