/** Receptive fields measured with ONNX Runtime against the analytical ones. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { InitializerWeights } from '../../extension/engine/lowering/weights';
import { measureReceptiveField, scanPositions } from '../../extension/runtime/rf_probe';
import { OrtRunner } from '../../extension/runtime/ort/runner';
import { example } from '../support/analyze';

const runner = new OrtRunner();
after(() => runner.dispose());

function model(body: string, input = '(48, 48, 2)') {
  return analyze(`import keras\nfrom keras import layers\nx = inp = keras.Input(${input})\n${body}\nm = keras.Model(inp, x)\n`).models[0];
}

describe('measured support equals the analytical field', () => {
  const cases: [string, string][] = [
    ['strided and padded convs', 'x = layers.Conv2D(4, 3, strides=2, padding="same")(x)\nx = layers.Conv2D(4, 5, padding="same")(x)\nx = layers.MaxPooling2D(3, strides=2)(x)\nx = layers.Conv2D(4, 3)(x)'],
    ['dilated convs', 'x = layers.Conv2D(4, 3, dilation_rate=2, padding="same", activation="relu")(x)\nx = layers.Conv2D(4, 3, dilation_rate=5, padding="same", activation="sigmoid")(x)'],
    ['asymmetric kernels and zero padding', 'x = layers.ZeroPadding2D(((2, 0), (0, 3)))(x)\nx = layers.Conv2D(4, (5, 1))(x)\nx = layers.DepthwiseConv2D((1, 7), strides=2)(x)'],
    ['nearest and bilinear upsampling', 'x = layers.Conv2D(4, 3, strides=2, padding="same")(x)\nx = layers.UpSampling2D(2)(x)\nx = layers.Conv2D(4, 3, strides=3)(x)\nx = layers.UpSampling2D(3, interpolation="bilinear")(x)\nx = layers.Conv2D(4, 3, padding="same")(x)'],
    ['a skip connection merged by concatenation', 'a = layers.Conv2D(4, 3, padding="same")(x)\nb = layers.AveragePooling2D(3, strides=2, padding="same")(x)\nb = layers.Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=1)(b)\nx = layers.concatenate([a, b])\nx = layers.Conv2D(4, 3, padding="same")(x)'],
    ['a transposed conv after striding', 'x = layers.Conv2D(4, 3, strides=2, padding="same")(x)\nx = layers.Conv2DTranspose(4, 4, strides=2, padding="same")(x)\nx = layers.Conv2D(4, 3, padding="same")(x)'],
  ];
  for (const [name, body] of cases) {
    it(name, async () => {
      const r = await measureReceptiveField(model(body), runner, { weights: new InitializerWeights(1), erfSamples: 0 });
      assert.ok(r.agrees, `measured ${JSON.stringify(r.measured)} vs analytical ${JSON.stringify(r.analytical)}`);
      assert.ok(r.measured.every((e) => e.end > e.start));
    });
  }

  it('VGG16 pool5: 212 pixels wide, measured at the analytical edges', async () => {
    const r = await measureReceptiveField(analyze(example('vgg16.py')).models[0], runner, { weights: new InitializerWeights(0), erfSamples: 0 });
    assert.equal(r.layer, 'block5_pool');
    assert.deepEqual(r.measured.map((e) => e.end - e.start + 1), [212, 212]);
    assert.ok(r.agrees);
  });
});

describe('effective receptive field (Luo et al. 2016)', () => {
  it('stacked dilation 2 leaves a grid of pixels that never reach the unit', async () => {
    const body = 'x = layers.Conv2D(4, 3, dilation_rate=2, padding="same")(x)\nx = layers.Conv2D(4, 3, dilation_rate=2, padding="same")(x)\nx = layers.Conv2D(4, 3, dilation_rate=2, padding="same")(x)';
    const r = await measureReceptiveField(model(body, '(33, 33, 1)'), runner, { weights: new InitializerWeights(2), erfSamples: 4096 });
    const erf = r.erf!;
    assert.equal(erf.step, 1);
    const centre = [r.unit[0] - erf.origin[0], r.unit[1] - erf.origin[1]];
    let odd = 0;
    let even = 0;
    for (let y = 0; y < erf.rows; y++) for (let x = 0; x < erf.cols; x++) {
      const v = erf.values[y * erf.cols + x];
      if ((y - centre[0]) % 2 !== 0 || (x - centre[1]) % 2 !== 0) odd = Math.max(odd, v);
      else even = Math.max(even, v);
    }
    assert.equal(odd, 0, 'pixels at odd offsets have no influence');
    assert.ok(even > 0);
  });

  it('rates 1, 2, 5 cover the field without holes', async () => {
    const body = 'x = layers.Conv2D(4, 3, dilation_rate=1, padding="same")(x)\nx = layers.Conv2D(4, 3, dilation_rate=2, padding="same")(x)\nx = layers.Conv2D(4, 3, dilation_rate=5, padding="same")(x)';
    const r = await measureReceptiveField(model(body, '(33, 33, 1)'), runner, { weights: new InitializerWeights(2), erfSamples: 4096 });
    const erf = r.erf!;
    const centreRow = r.unit[0] - erf.origin[0];
    const row = Array.from(erf.values.subarray(centreRow * erf.cols, (centreRow + 1) * erf.cols));
    assert.ok(row.every((v) => v > 0), 'every pixel of the centre row reaches the unit');
  });
});

describe('scan positions', () => {
  it('every pixel when affordable, else the analytical edges and a stride', () => {
    assert.deepEqual(scanPositions(8, { start: 2, end: 5 }, 16), [0, 1, 2, 3, 4, 5, 6, 7]);
    const s = scanPositions(224, { start: 6, end: 217 }, 20);
    for (const p of [3, 5, 6, 7, 9, 214, 216, 217, 218, 220]) assert.ok(s.includes(p), String(p));
    assert.ok(s.length < 40);
  });
});
