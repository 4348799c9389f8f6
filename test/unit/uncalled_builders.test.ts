/**
 * A model-building function never called in the file is analysed with its default arguments (and
 * says so); functions that need arguments, or do not return a model, leave nothing behind, and an
 * error such a hypothetical call would raise is never reported.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';

const NO_CLOCK = { maxMillis: 1e9 };
const UNET = [
  'import keras', 'from keras import layers', '',
  'def unet(input_size=(64, 64, 1), base=8):',
  '    inputs = keras.Input(input_size)',
  '    x = layers.Conv2D(base, 3, padding="same")(inputs)',
  '    x = layers.Conv2D(1, 1)(x)',
  '    return keras.Model(inputs, x)', '',
].join('\n');

describe('model-building functions never called', () => {
  it('are analysed with their defaults, with an info at the def', () => {
    const a = analyze(UNET, { limits: NO_CLOCK });
    assert.equal(a.models.length, 1);
    // Conv2D(8, 3) on 1 channel: 3*3*1*8 + 8 = 80; Conv2D(1, 1) on 8: 8 + 1 = 9.
    assert.equal(a.models[0].totals.params, 89);
    assert.deepEqual(a.models[0].graph.outputs[0].shape, [null, 64, 64, 1]);
    const info = a.diagnostics.find((d) => d.code === 'uncalled-builder');
    assert.ok(info);
    assert.equal(UNET.slice(info.from, info.to), 'unet');
  });

  it('once called, the call is what counts (no second model)', () => {
    const a = analyze(`${UNET}m = unet((32, 32, 3))\n`, { limits: NO_CLOCK });
    assert.equal(a.models.length, 1);
    assert.deepEqual(a.models[0].graph.outputs[0].shape, [null, 32, 32, 1]);
    assert.ok(!a.diagnostics.some((d) => d.code === 'uncalled-builder'));
  });

  it('a function with a required parameter, or one returning no model, leaves nothing', () => {
    const text = `${UNET.replace('input_size=(64, 64, 1)', 'input_size')}def train(epochs=3):\n    keras.Sequential([keras.Input((4,)), layers.Dense(2)])\n    return epochs\n`;
    const a = analyze(text, { limits: NO_CLOCK });
    assert.equal(a.models.length, 0);
    assert.ok(!a.diagnostics.some((d) => d.code === 'uncalled-builder'));
  });

  it('an error the hypothetical call would raise is not reported, and its model is not kept', () => {
    const text = 'import keras\ndef build(units=0):\n    x = keras.Input((4,))\n    return keras.Model(x, keras.layers.Dense(units)(x))\n';
    const a = analyze(text, { limits: NO_CLOCK });
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(a.models.length, 0);
  });
});
