/** Sizes past 2^53 are not exact as JS numbers: they are unknown, never rounded or Infinity. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { formatCount, formatMacs, formatShapeText } from '../../extension/engine/analysis/format';
import { analysisToJson } from '../../extension/engine/report/json';
import { modelTable } from '../../extension/engine/report/table';
import { layer, model } from '../support/analyze';

const HEAD = 'import keras\nfrom keras import layers\n';

describe('sizes past 2^53', () => {
  it('Flatten of 10^9 x 10^9 x 64: the output is unknown, with the reason', () => {
    const text = `${HEAD}x = keras.Input(shape=(1000000000, 1000000000, 64))\ny = layers.Flatten()(x)\nz = layers.Dense(10)(y)\nm = keras.Model(x, z)\n`;
    const a = analyze(text);
    const m = model(a);
    assert.equal(layer(m, 'flatten').outputShape, null);
    assert.equal(layer(m, 'dense').params, null);
    const note = a.diagnostics.find((d) => d.code === 'inexact-size');
    assert.ok(note);
    assert.match(note.message, /flatten \(Flatten\).*past 2\^53/);
    assert.ok(!a.diagnostics.some((d) => d.severity === 'error'), 'no made-up Keras error downstream');
  });

  it('10**300 units: unknown with the reason, and the table prints no Infinity', () => {
    const text = `${HEAD}x = keras.Input(shape=(16,))\ny = layers.Dense(10**300)(x)\nm = keras.Model(x, y)\n`;
    const a = analyze(text);
    const table = modelTable(model(a));
    assert.doesNotMatch(table, /Infinity|In,fin,ity|e\+/);
    assert.ok(a.diagnostics.some((d) => d.code === 'inexact-size' && /10\*\*300/.test(d.message)));
  });

  it('a literal past 2^53 as units: the output shape is unknown', () => {
    const text = `${HEAD}x = keras.Input(shape=(16,))\ny = layers.Dense(100000000000000000000)(x)\nm = keras.Model(x, y)\n`;
    const m = model(analyze(text));
    assert.equal(layer(m, 'dense').outputShape, null);
    assert.equal(layer(m, 'dense').params, null);
  });

  it('an integer literal past 2^53 is unknown with a note, never rounded: 2**53 + 1 written out, in hex and in binary', () => {
    for (const literal of ['9007199254740993', '0x20000000000001', '0b' + '1' + '0'.repeat(52) + '1']) {
      const a = analyze(`${HEAD}n = ${literal}\nx = keras.Input(shape=(16,))\ny = layers.Dense(n % 7)(x)\nm = keras.Model(x, y)\n`);
      // Python: (2**53 + 1) % 7 == 5; the rounded float 2**53 would give 4, a wrong layer.
      assert.equal(layer(model(a), 'dense').outputShape, null, literal);
      assert.ok(a.diagnostics.some((d) => d.code === 'inexact-size' && d.message.includes(literal)), literal);
    }
    const safe = analyze(`${HEAD}n = 9007199254740991\nx = keras.Input(shape=(16,))\ny = layers.Dense(n % 7)(x)\nm = keras.Model(x, y)\n`);
    // Python: (2**53 - 1) % 7 == 3.
    assert.deepEqual(layer(model(safe), 'dense').outputShape, [null, 3]);
  });

  it('MACs past 2^53 are unknown while the exact shape and params stay', () => {
    const text = `${HEAD}x = keras.Input(shape=(100000, 100000, 3))\ny = layers.Conv2D(1000000, 3)(x)\nm = keras.Model(x, y)\n`;
    const a = analyze(text);
    const conv = layer(model(a), 'conv2d');
    assert.deepEqual(conv.outputShape, [null, 99998, 99998, 1000000]);
    assert.equal(conv.params!.trainable, 28_000_000);
    assert.equal(conv.macs, null);
    assert.ok(a.diagnostics.some((d) => d.code === 'inexact-size' && /MAC count/.test(d.message)));
  });

  it('totals past 2^53 print as unknown, and are null in JSON', () => {
    const dense = (i: number) => `y${i} = layers.Dense(1000000)(x)\n`;
    const outs = Array.from({ length: 20 }, (_, i) => `y${i}`).join(', ');
    const text = `${HEAD}x = keras.Input(shape=(1000000000,))\n${Array.from({ length: 20 }, (_, i) => dense(i)).join('')}m = keras.Model(x, [${outs}])\n`;
    const a = analyze(text);
    const m = model(a);
    assert.ok(m.totals.params > Number.MAX_SAFE_INTEGER);
    assert.match(modelTable(m), /Total params: \?/);
    assert.equal(analysisToJson('m.py', text, a).models[0].totals.params, null);
    assert.ok(a.diagnostics.some((d) => d.code === 'inexact-size' && /totals/.test(d.message)));
  });

  it('Python int arithmetic past 2^53 is unknown, not rounded (bitwise ops are exact)', () => {
    const text = `${HEAD}x = keras.Input(shape=(8,))\nn = (2**60 + 1) - 2**60\nk = (1 << 40) | 3\nm = keras.Model(x, [layers.Dense(n)(x), layers.Dense(k & 7)(x)])\n`;
    const m = model(analyze(text));
    assert.equal(layer(m, 'dense').outputShape, null);
    assert.deepEqual(layer(m, 'dense_1').outputShape, [null, 3]);
  });

  it('formatting never prints a count it cannot know exactly', () => {
    assert.equal(formatCount(Infinity), '?');
    assert.equal(formatCount(2 ** 60), '?');
    assert.equal(formatCount(2 ** 53 - 1), '9,007,199,254,740,991');
    assert.equal(formatMacs(Infinity), '?');
    assert.equal(formatMacs(1e300), '?');
    assert.equal(formatShapeText([null, 2 ** 60, 3]), '(None, ?, 3)');
  });
});
