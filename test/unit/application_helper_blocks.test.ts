/**
 * Helper blocks (the diagram's Group button) are the user's own helper functions: the functions of
 * ConvLens' keras.applications definitions (kernels/applications) are none of them, so a standalone
 * application model groups into nothing and the user's helpers beside it still group.
 * Truths: Keras' layer count (test/goldens/applications), hand counts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { summarize } from '../../extension/engine/views/summary';
import { diagramNodes } from '../../webview/diagram_nodes';
import { ROOT } from '../support/analyze';

const GROUPED = { grouped: true, expanded: new Set<string>() };

function summaryOf(text: string, name: string) {
  const m = summarize(text, analyze(text)).find((s) => s.name === name);
  assert.ok(m, name);
  return m;
}

/** Keras' `len(model.layers)` of an application's default variant. */
function kerasLayerCount(app: string): number {
  const golden = JSON.parse(readFileSync(path.join(ROOT, 'test', 'goldens', 'applications', `${app}.json`), 'utf8'));
  return golden.variants.default.layers.length;
}

describe('helper blocks of a standalone keras.applications model', () => {
  for (const [app, name] of [['VGG16', 'vgg16'], ['ResNet50', 'resnet50'], ['EfficientNetB0', 'efficientnetb0']]) {
    it(`${app}: no blocks from its definition's own functions; grouped, every layer is its own node`, () => {
      const text = `import keras\nmodel = keras.applications.${app}(weights=None)\n`;
      const model = summaryOf(text, name);
      assert.equal(model.rows.length, kerasLayerCount(app));
      assert.deepEqual(model.groups.map((g) => g.name), []);
      assert.ok(model.rows.every((r) => r.group === null));
      assert.equal(diagramNodes(model, GROUPED).nodes.length, model.rows.length);
    });
  }

  it("the user's helpers still group, in the same file and around a backbone", () => {
    const text = [
      'import keras',
      'from keras import layers',
      'def conv_block(x, filters):',
      '    x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)',
      '    return layers.BatchNormalization()(x)',
      'base = keras.applications.MobileNet(weights=None, include_top=False, input_shape=(96, 96, 3))',
      'inputs = keras.Input((96, 96, 3))',
      'x = base(inputs)',
      'x = conv_block(x, 16)',
      'x = conv_block(x, 8)',
      'model = keras.Model(inputs, x, name="head")',
      'standalone = keras.applications.MobileNet(weights=None, include_top=False, input_shape=(96, 96, 3))',
      '',
    ].join('\n');
    const models = summarize(text, analyze(text));
    const head = models.find((m) => m.name === 'head')!;
    const blocks = head.groups.filter((g) => !g.container);
    assert.deepEqual(blocks.map((g) => g.type), ['conv_block() · 2 layers', 'conv_block() · 2 layers']);
    // Hand count: 3x3 conv 1024->16 without bias + BN(16); 3x3 conv 16->8 + BN(8).
    assert.deepEqual(blocks.map((g) => g.params), [(9 * 1024 * 16 + 4 * 16).toLocaleString('en-US'), (9 * 16 * 8 + 4 * 8).toLocaleString('en-US')]);
    // The backbone is one group of its own, a container.
    assert.deepEqual(head.groups.filter((g) => g.container).map((g) => g.name), [models.find((m) => m.variable === 'base')!.name]);
    // The same definition traced again (replayed from the trace cache) opens no blocks either.
    const standalone = models.filter((m) => m.variable === 'standalone');
    assert.equal(standalone.length, 1);
    assert.deepEqual(standalone[0].groups, []);
  });
});
