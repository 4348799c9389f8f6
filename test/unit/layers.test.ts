/** Non-conv layer kinds against Keras 3 shape/params rules and error messages. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { layer, model, single } from '../support/analyze';

type Dims = (number | null)[];

describe('shapes and params', () => {
  const cases: [string, Dims, Dims, number][] = [
    ['layers.MaxPooling2D()', [null, 9, 9, 3], [null, 4, 4, 3], 0],
    ['layers.MaxPooling2D(3, strides=2, padding="same")', [null, 9, 9, 3], [null, 5, 5, 3], 0],
    ['layers.AveragePooling2D((2, 3), strides=1)', [null, 9, 9, 3], [null, 8, 7, 3], 0],
    ['layers.AveragePooling2D(2, data_format="channels_first")', [null, 3, 8, 6], [null, 3, 4, 3], 0],
    ['layers.MaxPooling1D(2)', [null, 9, 5], [null, 4, 5], 0],
    ['layers.GlobalAveragePooling2D()', [null, 7, 7, 64], [null, 64], 0],
    ['layers.GlobalMaxPooling2D(keepdims=True)', [null, 7, 7, 64], [null, 1, 1, 64], 0],
    ['layers.GlobalAveragePooling2D(data_format="channels_first")', [null, 64, 7, 7], [null, 64], 0],
    ['layers.UpSampling2D()', [null, 5, 6, 3], [null, 10, 12, 3], 0],
    ['layers.UpSampling2D(size=(3, 2), interpolation="bilinear")', [null, 5, 6, 3], [null, 15, 12, 3], 0],
    ['layers.BatchNormalization()', [null, 8, 8, 16], [null, 8, 8, 16], 64],
    ['layers.BatchNormalization(axis=1, center=False)', [null, 16, 8, 8], [null, 16, 8, 8], 48],
    ['layers.LayerNormalization()', [null, 10, 32], [null, 10, 32], 64],
    ['layers.LayerNormalization(axis=[1, 2])', [null, 4, 8], [null, 4, 8], 64],
    ['layers.Dense(7)', [null, 5], [null, 7], 42],
    ['layers.Dense(7, use_bias=False)', [null, 3, 5], [null, 3, 7], 35],
    ['layers.Flatten()', [null, 3, 4, 5], [null, 60], 0],
    ['layers.Flatten()', [null, null, 4, 5], [null, null], 0],
    ['layers.Reshape((-1, 4))', [null, 3, 8], [null, 6, 4], 0],
    ['layers.Reshape((2, 12))', [null, 3, 8], [null, 2, 12], 0],
    ['layers.Permute((2, 1))', [null, 3, 8], [null, 8, 3], 0],
    ['layers.ZeroPadding2D()', [null, 5, 5, 2], [null, 7, 7, 2], 0],
    ['layers.ZeroPadding2D(((0, 1), (2, 3)))', [null, 5, 5, 2], [null, 6, 10, 2], 0],
    ['layers.Cropping2D(((1, 1), (2, 0)))', [null, 5, 5, 2], [null, 3, 3, 2], 0],
    ['layers.Cropping2D(1)', [null, 5, 6, 2], [null, 3, 4, 2], 0],
    ['layers.Rescaling(1.0 / 255)', [null, 5, 5, 3], [null, 5, 5, 3], 0],
    ['layers.ReLU(max_value=6.0)', [null, 5, 5, 3], [null, 5, 5, 3], 0],
    ['layers.LeakyReLU(negative_slope=0.1)', [null, 4], [null, 4], 0],
    ['layers.Softmax()', [null, 4], [null, 4], 0],
    ['layers.Activation("swish")', [null, 4], [null, 4], 0],
    ['layers.Dropout(0.5)', [null, 4], [null, 4], 0],
    ['layers.SpatialDropout2D(0.2)', [null, 5, 5, 3], [null, 5, 5, 3], 0],
  ];
  for (const [ctor, input, expected, params] of cases) {
    it(`${ctor} on ${JSON.stringify(input)}`, () => {
      const r = single(ctor, input);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.shape, expected);
      assert.equal(r.params!.trainable + r.params!.nonTrainable, params);
    });
  }

  it('BatchNormalization: moving mean and variance are non-trainable', () => {
    const r = single('layers.BatchNormalization()', [null, 4, 4, 10]);
    assert.deepEqual(r.params, { trainable: 20, nonTrainable: 20 });
  });

  it('Dense on a rank-4 tensor acts on the last axis (MACs per position)', () => {
    const r = single('layers.Dense(8)', [null, 4, 4, 3]);
    assert.deepEqual(r.shape, [null, 4, 4, 8]);
    assert.equal(r.report!.macs, 16 * 3 * 8);
  });

  it('bilinear upsampling costs MACs, nearest does not', () => {
    assert.equal(single('layers.UpSampling2D()', [null, 4, 4, 2]).report!.macs, 0);
    assert.equal(single('layers.UpSampling2D(interpolation="bilinear")', [null, 4, 4, 2]).report!.macs, 8 * 8 * 2 * 4);
  });
});

describe('merges', () => {
  function merge(expr: string, shapes: string[]) {
    const inputs = shapes.map((s, i) => `i${i} = keras.Input(shape=${s})`).join('\n');
    const names = shapes.map((_, i) => `i${i}`).join(', ');
    const text = `import keras\nfrom keras import layers\n${inputs}\ny = ${expr.replace('$', `[${names}]`)}\nm = keras.Model([${names}], y)\n`;
    const a = analyze(text);
    return { shape: a.models[0]?.graph.outputs[0]?.shape ?? null, errors: a.diagnostics.filter((d) => d.severity === 'error') };
  }
  it('add/multiply/average/maximum/minimum keep the common shape', () => {
    for (const fn of ['add', 'multiply', 'average', 'maximum', 'minimum']) {
      assert.deepEqual(merge(`layers.${fn}($)`, ['(4, 4, 8)', '(4, 4, 8)']).shape, [null, 4, 4, 8], fn);
    }
  });
  it('broadcasts size-1 dims like Keras', () => {
    assert.deepEqual(merge('layers.Multiply()($)', ['(4, 4, 8)', '(1, 1, 8)']).shape, [null, 4, 4, 8]);
  });
  it('subtract needs exactly two inputs', () => {
    assert.match(merge('layers.subtract($)', ['(4,)', '(4,)', '(4,)']).errors[0].message, /exactly 2 inputs/);
  });
  it('mismatched shapes are a Keras error', () => {
    assert.match(merge('layers.add($)', ['(4, 4, 8)', '(4, 4, 16)']).errors[0].message, /^Inputs have incompatible shapes\. Received shapes \(None, 4, 4, 8\) and \(None, 4, 4, 16\)$/);
  });
  it('concatenate sums the axis and checks the others', () => {
    assert.deepEqual(merge('layers.concatenate($)', ['(4, 4, 8)', '(4, 4, 3)']).shape, [null, 4, 4, 11]);
    assert.deepEqual(merge('layers.Concatenate(axis=1)($)', ['(4, 4, 8)', '(2, 4, 8)']).shape, [null, 6, 4, 8]);
    assert.match(merge('layers.concatenate($)', ['(4, 4, 8)', '(5, 4, 8)']).errors[0].message, /^A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis/);
  });
  it('tensor arithmetic x + y is an Add', () => {
    const a = analyze('import keras\na = keras.Input((3,))\nb = keras.Input((3,))\nm = keras.Model([a, b], a + b)\n');
    assert.equal(model(a).layers.at(-1)!.layer.type, 'Add');
  });
});

describe('errors Keras raises', () => {
  const cases: [string, Dims, RegExp][] = [
    ['layers.MaxPooling2D(4)', [null, 3, 3, 1], /^Computed output size would be zero or negative\. Received: `inputs\.shape=\[None 3 3 1\]`, `pool_size=\[4 4\]`, `strides=\(4, 4\)`/],
    ['layers.Dense(4)', [null, null], /^The last dimension of the inputs to a Dense layer should be defined\. Found None/],
    ['layers.Dense(0)', [null, 3], /^Received an invalid value for `units`, expected a positive integer\. Received: units=0$/],
    ['layers.Dropout(1.5)', [null, 3], /^Invalid value received for argument `rate`\. Expected a float value between 0 and 1\. Received: rate=1\.5$/],
    ['layers.Reshape((5, 5))', [null, 3, 8], /^The total size of the tensor must be unchanged\. Received: input_shape=\(3, 8\), target_shape=\(5, 5\)$/],
    ['layers.Reshape((-1, -1))', [null, 3, 8], /^There must be at most one unknown dimension \(-1\) in `target_shape`/],
    ['layers.Permute((1, 3))', [null, 3, 8], /^Invalid permutation argument `dims` for Permute Layer/],
    ['layers.Cropping2D(3)', [null, 5, 5, 2], /^`cropping` parameter of `Cropping2D` layer must be smaller than the input size/],
    ['layers.UpSampling2D(interpolation="cubic")', [null, 5, 5, 2], /^Invalid value for argument `interpolation`/],
    ['layers.BatchNormalization(axis=4)', [null, 5, 5, 2], /Invalid axis 4/],
    ['layers.GlobalAveragePooling2D()', [null, 5, 2], /expected ndim=4, found ndim=3/],
    ['layers.ReLU(max_value=-1)', [null, 5], /max_value of a ReLU layer cannot be a negative value/],
  ];
  for (const [ctor, input, message] of cases) {
    it(ctor, () => {
      const r = single(ctor, input);
      assert.equal(r.errors.length, 1, JSON.stringify(r.analysis.diagnostics.map((d) => d.message)));
      assert.match(r.errors[0].message, message);
    });
  }
});

describe('receptive-field steps', () => {
  it('ZeroPadding2D shifts the effective padding, Cropping2D undoes it', () => {
    const a = analyze('import keras\nfrom keras import layers\nx = keras.Input((32, 32, 3))\ny = layers.ZeroPadding2D(((2, 0), (1, 0)))(x)\nz = layers.Conv2D(4, 3, strides=2)(y)\nw = layers.Cropping2D(((1, 0), (1, 0)))(z)\nm = keras.Model(x, w)\n');
    const m = model(a);
    assert.deepEqual(layer(m, 'conv2d').rf, { axes: [{ size: 3, stride: 2, padding: 2 }, { size: 3, stride: 2, padding: 1 }] });
    assert.deepEqual(layer(m, 'cropping2d').rf, { axes: [{ size: 3, stride: 2, padding: 0 }, { size: 3, stride: 2, padding: -1 }] });
  });
  it('dilation grows the field by (k-1)*d per layer', () => {
    const a = analyze('import keras\nfrom keras import layers\nx = keras.Input((64, 64, 3))\ny = layers.Conv2D(4, 3, dilation_rate=4, padding="same")(x)\nm = keras.Model(x, y)\n');
    assert.deepEqual(layer(model(a), 'conv2d').rf, { axes: [{ size: 9, stride: 1, padding: 4 }, { size: 9, stride: 1, padding: 4 }] });
  });
  it('upsampling makes the effective stride fractional', () => {
    const a = analyze('import keras\nfrom keras import layers\nx = keras.Input((16, 16, 3))\ny = layers.Conv2D(4, 3, strides=2, padding="same")(x)\nz = layers.UpSampling2D(4)(y)\nm = keras.Model(x, z)\n');
    const rf = layer(model(a), 'up_sampling2d').rf;
    assert.ok(rf && rf !== 'global');
    assert.equal(rf.axes[0].stride, 0.5);
    assert.equal(rf.axes[0].size, 3);
  });
});
