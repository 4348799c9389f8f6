/** Code-action rewrites: applied to the text and re-analysed, they deliver what the diagnostics promised. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { applyEdits, fixCheckerboard, fixGridding, toDepthwisePointwise, toSeparable } from '../../extension/engine/rewrites/code_actions';
import { layer, model, paramsOf } from '../support/analyze';

const BASE = `import keras
from keras import layers
x = inp = keras.Input((56, 56, 64))
x = layers.Conv2D(128, (3, 3), strides=2, padding="same", activation="relu", kernel_initializer="he_normal", name="c")(x)
m = keras.Model(inp, x)
`;

describe('Conv2D -> SeparableConv2D', () => {
  it('keeps arguments, maps kernel_* to depthwise_/pointwise_*, and costs what the hover said', () => {
    const before = layer(model(analyze(BASE)), 'c');
    const after = applyEdits(BASE, toSeparable(BASE, before)!);
    assert.match(after, /layers\.SeparableConv2D\(128, \(3, 3\), strides=2, padding="same", activation="relu", depthwise_initializer="he_normal", pointwise_initializer="he_normal", name="c"\)\(x\)/);
    const a = analyze(after);
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
    const now = layer(model(a), 'c');
    assert.equal(now.layer.type, 'SeparableConv2D');
    assert.equal(paramsOf(now), before.savings!.alternatives[0].params);
    assert.equal(now.macs, before.savings!.alternatives[0].macs);
    assert.deepEqual(now.outputShape, before.outputShape);
    assert.deepEqual(now.rf, before.rf);
  });
  it('drops groups=1 and refuses layers it cannot rewrite', () => {
    const t = BASE.replace('name="c"', 'groups=1, name="c"');
    const after = applyEdits(t, toSeparable(t, layer(model(analyze(t)), 'c'))!);
    assert.doesNotMatch(after, /groups/);
    const pointwise = BASE.replace('(3, 3)', '1');
    assert.equal(toSeparable(pointwise, layer(model(analyze(pointwise)), 'c')), null);
  });
});

describe('the same call written twice', () => {
  it('each rewrite edits its own line (the call read at one place is not taken for the other)', () => {
    const conv = 'layers.Conv2D(64, 3, padding="same")';
    const t = `import keras\nfrom keras import layers\nx = inp = keras.Input((32, 32, 64))\nx = ${conv}(x)\nx = ${conv}(x)\nm = keras.Model(inp, x)\n`;
    const convs = model(analyze(t)).layers.filter((l) => l.layer.type === 'Conv2D');
    assert.equal(convs.length, 2);
    const want = (i: number) => t.indexOf(conv, i === 0 ? 0 : t.indexOf(conv) + 1) + 'layers.'.length;
    convs.forEach((l, i) => {
      // Asked in turn for both layers, twice each, as a cursor moving between the lines asks.
      for (const _ of [0, 1]) {
        const [rename] = toSeparable(t, l)!;
        assert.equal(rename.from, want(i), `conv ${i}`);
      }
    });
  });
});

describe('Conv2D -> DepthwiseConv2D + 1x1 Conv2D', () => {
  it('splits spatial and channel mixing; params as promised', () => {
    const before = layer(model(analyze(BASE)), 'c');
    const after = applyEdits(BASE, toDepthwisePointwise(BASE, before)!);
    assert.match(after, /layers\.Conv2D\(128, 1, activation="relu", kernel_initializer="he_normal", name="c"\)\(layers\.DepthwiseConv2D\(\(3, 3\), strides=2, padding="same"\)\(x\)\)/);
    const m = model(analyze(after));
    const total = m.layers.filter((l) => l.layer.type !== 'InputLayer').reduce((s, l) => s + paramsOf(l)!, 0);
    assert.equal(total, before.savings!.alternatives[1].params);
    assert.deepEqual(m.graph.outputs[0].shape, before.outputShape);
  });
  it('only for a constructor called on the spot', () => {
    const t = BASE.replace('x = layers.Conv2D(', 'conv = layers.Conv2D(').replace('name="c")(x)', 'name="c")\nx = conv(x)');
    assert.equal(toDepthwisePointwise(t, layer(model(analyze(t)), 'c')), null);
  });
});

describe('design fixes', () => {
  it('gridding: the flagged rate becomes one without the common factor', () => {
    const t = `${BASE.split('x = layers')[0]}x = layers.Conv2D(8, 3, padding="same", dilation_rate=2)(x)\nx = layers.Conv2D(8, 3, padding="same", dilation_rate=2)(x)\nx = layers.Conv2D(8, 3, padding="same", dilation_rate=2)(x)\nm = keras.Model(inp, x)\n`;
    const a = analyze(t);
    const warning = a.diagnostics.find((d) => d.code === 'gridding')!;
    const flagged = model(a).layers.find((l) => l.call.span.from === warning.from)!;
    const fixed = applyEdits(t, fixGridding(t, flagged, 2)!);
    assert.equal(analyze(fixed).diagnostics.filter((d) => d.code === 'gridding').length, 0);
    assert.match(fixed, /dilation_rate=3/);
  });
  it('checkerboard: kernel 3 with stride 2 becomes 4, the shape is unchanged', () => {
    const t = `${BASE.split('x = layers')[0]}x = layers.Conv2DTranspose(8, 3, strides=2, padding="same", name="up")(x)\nm = keras.Model(inp, x)\n`;
    const before = layer(model(analyze(t)), 'up');
    const fixed = applyEdits(t, fixCheckerboard(t, before)!);
    const a = analyze(fixed);
    assert.equal(a.diagnostics.filter((d) => d.code === 'checkerboard').length, 0);
    assert.deepEqual(layer(model(a), 'up').outputShape, before.outputShape);
    assert.match(fixed, /Conv2DTranspose\(8, 4, strides=2/);
  });
});
