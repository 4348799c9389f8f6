/**
 * The sidebar diagram keeps a layout per graph structure (webview/layout_cache.ts): a keystroke
 * that changes only numbers must find the layout again, and any change ELK's answer depends on
 * (a layer added, an edge rewired, a nested model expanded, helper blocks grouped) must not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { summarize } from '../../extension/engine/views/summary';
import { diagramNodes } from '../../webview/diagram_nodes';
import { LayoutCache, structureKey } from '../../webview/layout_cache';

const NONE = new Set<string>();

function keyOf(text: string, view = { grouped: false, expanded: NONE as ReadonlySet<string> }): string {
  const models = summarize(text, analyze(text));
  return structureKey(diagramNodes(models[models.length - 1], view));
}

const model = (body: string) => `import keras\nfrom keras import layers\n\ndef block(x, f):\n    x = layers.Conv2D(f, 3, padding="same")(x)\n    return layers.ReLU()(x)\n\ninputs = keras.Input((32, 32, 3))\n${body}model = keras.Model(inputs, x)\n`;

describe('diagram layouts kept by structure', () => {
  const base = model('x = block(inputs, 8)\nx = block(x, 16)\nx = layers.Conv2D(4, 1)(x)\n');

  it('numbers typed keep the structure: filters, kernel sizes, the input size', () => {
    const key = keyOf(base);
    assert.equal(keyOf(base.replace('block(x, 16)', 'block(x, 160)')), key);
    assert.equal(keyOf(base.replace('Conv2D(4, 1)', 'Conv2D(4, 3)')), key);
    assert.equal(keyOf(base.replace('Input((32, 32, 3))', 'Input((64, 64, 3))')), key);
  });

  it('what the layout depends on changes the structure: a layer more, an edge rewired, blocks grouped, a backbone expanded', () => {
    const key = keyOf(base);
    assert.notEqual(keyOf(model('x = block(inputs, 8)\nx = block(x, 16)\nx = block(x, 16)\nx = layers.Conv2D(4, 1)(x)\n')), key);
    // The same layers, the last Conv2D reading the first block's output instead.
    const rewired = model('y = block(inputs, 8)\nx = block(y, 16)\nx = layers.Conv2D(4, 1)(y)\n');
    const wired = model('y = block(inputs, 8)\nx = block(y, 16)\nx = layers.Conv2D(4, 1)(x)\n');
    assert.notEqual(keyOf(rewired), keyOf(wired));
    assert.notEqual(keyOf(base, { grouped: true, expanded: NONE }), key);
    const transfer = 'import keras\nfrom keras import layers\nbase = keras.applications.MobileNetV3Small(input_shape=(64, 64, 3), include_top=False, weights=None)\ninputs = keras.Input((64, 64, 3))\nx = base(inputs)\nx = layers.GlobalAveragePooling2D()(x)\nmodel = keras.Model(inputs, x)\n';
    const backbone = summarize(transfer, analyze(transfer)).at(-1)!.groups[0].name;
    assert.notEqual(keyOf(transfer, { grouped: false, expanded: new Set([backbone]) }), keyOf(transfer));
  });

  it('keeps the most recent structures, the oldest going first', () => {
    const cache = new LayoutCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1);
    cache.set('c', 3);
    // 'a' was used after 'b': 'b' is the oldest.
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.get('c'), 3);
  });
});
