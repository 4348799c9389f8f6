/** Editor-independent view models: locating layers, hover text, sidebar summaries, document sessions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { MAX_SOURCE_CHARS } from '../../extension/engine/analysis/analyze';
import { DocumentSession } from '../../extension/engine/session/document_session';
import { hoverAt, layerHover } from '../../extension/engine/views/hover_text';
import { mdCode, mdText } from '../../extension/engine/views/markdown';
import { layerAt, modelAt } from '../../extension/engine/views/locate';
import { summarize } from '../../extension/engine/views/summary';
import { example } from '../support/analyze';

const TEXT = `import keras
from keras import layers
x = inp = keras.Input((32, 32, 16))
conv = layers.Conv2D(32, 3, padding="same", name="c1")
x = conv(x)
x = layers.MaxPooling2D()(x)
model = keras.Model(inp, x, name="net")

other = keras.Sequential([keras.Input((4,)), layers.Dense(2)], name="tiny")
`;

describe('locating layers', () => {
  const a = analyze(TEXT);
  it('the cursor on a constructor or a call finds the layer', () => {
    assert.equal(layerAt(a, TEXT.indexOf('Conv2D'))!.layer.layer.name, 'c1');
    assert.equal(layerAt(a, TEXT.indexOf('conv(x)') + 2)!.layer.layer.name, 'c1');
    assert.equal(layerAt(a, TEXT.indexOf('MaxPooling2D'))!.layer.layer.name, 'max_pooling2d');
    assert.equal(layerAt(a, 0), null);
  });
  it('the nearest model for the status bar', () => {
    assert.equal(modelAt(a, TEXT.indexOf('Dense'))!.graph.name, 'tiny');
    assert.equal(modelAt(a, TEXT.indexOf('MaxPooling2D'))!.graph.name, 'net');
  });
});

describe('hover text', () => {
  it('shape, params, MACs, receptive field, alternatives and a link to the docs', () => {
    const a = analyze(TEXT);
    const { layer, model } = layerAt(a, TEXT.indexOf('Conv2D'))!;
    const md = layerHover(layer, model);
    assert.match(md, /\*\*c1\*\* `Conv2D` in model `net`/);
    assert.match(md, /\| Output shape \| `\(None, 32, 32, 32\)` \|/);
    assert.match(md, /\| Params \| 4,640 \(4,640 trainable, 0 non-trainable\) \|/);
    assert.match(md, /\| MACs \| 4\.72M \(9\.44M FLOPs\) \|/);
    assert.match(md, /\| Receptive field \| 3 x 3 px, stride 1 x 1, padding 1 x 1 \|/);
    assert.match(md, /\| As SeparableConv2D \| 688 params \(-85\.2%\), 671\.7K MACs \(-85\.8%\), same receptive field \|/);
    assert.match(md, /\[Keras docs\]\(https:\/\/keras\.io\/api\/layers\/convolution_layers\/convolution2d\/\)/);
  });
  it('a transposed conv is described as transposed, not as atrous/dilated', () => {
    const t = analyze('import keras\nfrom keras import layers\nx = keras.Input((8, 8, 4))\nm = keras.Model(x, layers.Conv2DTranspose(4, 2, strides=2)(x))\n');
    const md = layerHover(t.models[0].layers[1], t.models[0]);
    assert.match(md, /Transposed convolution/);
    assert.doesNotMatch(md, /atrous|dilated/i);
  });
});

describe('hover Markdown escapes names taken from the source', () => {
  const hostile = 'x](javascript:alert) **b** |c <img src=y> `d`';
  const text = `import keras\nfrom keras import layers\ninp = keras.Input(shape=(8,))\nout = layers.Dense(4, name=${JSON.stringify(hostile)})(inp)\nm = keras.Model(inp, out, name="a|\`b\`")\n`;
  const a = analyze(text);

  // Real Keras 3.15.1 accepts both names as written.
  it('a layer name is text, and a model name a code span, however they are written', () => {
    const md = hoverAt(a, text.indexOf('Dense'))!.markdown;
    const heading = md.split('\n')[0];
    // Nothing in the name opens a link, emphasis, HTML or a table cell.
    assert.ok(!/[^\\]\]\(/.test(heading) && !/[^\\]<img/.test(heading) && !/[^\\]\|/.test(heading), heading);
    assert.ok(heading.startsWith(`**${mdText(hostile)}** \`Dense\` in model `), heading);
    assert.ok(heading.endsWith(mdCode('a|`b`')), heading);
  });

  it('mdText and mdCode keep the text as written once rendered', () => {
    assert.equal(mdText('a_b*c[d](e)<f>|g&h~i`j\\k\nl'), 'a\\_b\\*c\\[d\\](e)\\<f\\>\\|g\\&h\\~i\\`j\\\\k l');
    assert.equal(mdCode('plain'), '`plain`');
    // A backtick inside needs a longer fence, and one at an end a space of padding (CommonMark).
    assert.equal(mdCode('a`b'), '``a`b``');
    assert.equal(mdCode('`x'), '`` `x ``');
    assert.equal(mdCode('a|b'), '`a\\|b`');
  });
});

describe('sidebar summary', () => {
  it('plain JSON rows with 0-based lines, RF bars and savings badges', () => {
    const text = example('vgg16.py');
    const [vgg] = summarize(text, analyze(text));
    assert.equal(vgg.name, 'vgg16');
    assert.equal(vgg.totals.params, '138,357,544');
    const pool5 = vgg.rows.find((r) => r.name === 'block5_pool')!;
    assert.equal(pool5.rf, '212x212');
    assert.ok(Math.abs(pool5.rfFraction! - 212 / 224) < 1e-9);
    assert.equal(vgg.rows.find((r) => r.name === 'fc1')!.rf, 'global');
    assert.match(vgg.rows.find((r) => r.name === 'block1_conv2')!.savings!, /^-\d+% as SeparableConv2D$/);
    const line = text.split('\n').findIndex((l) => l.includes('keras.Input'));
    assert.equal(vgg.rows[0].line, line);
    // Plain JSON (what postMessage carries): a round trip changes nothing (no undefined, NaN, Map or class instance).
    assert.deepStrictEqual(JSON.parse(JSON.stringify(vgg)), vgg);
  });
});

describe('document session', () => {
  it('follows edits incrementally and never serves an older version', () => {
    const s = new DocumentSession();
    s.update(TEXT, 1);
    const at = TEXT.indexOf('Conv2D(32') + 'Conv2D('.length;
    const edited = `${TEXT.slice(0, at)}6${TEXT.slice(at)}`;
    const a2 = s.update(edited, 2, [{ from: at, to: at, insert: '6' }]);
    assert.equal(a2.models[0].layers.find((l) => l.layer.name === 'c1')!.outputShape![3], 632);
    assert.equal(s.analysisFor(1), null);
    assert.equal(s.analysisFor(2), a2);
  });

  it('a file grown past the size limit is refused without parsing; shrunk back, it parses afresh', () => {
    const s = new DocumentSession();
    s.update(TEXT, 1);
    const padding = `# ${'x'.repeat(MAX_SOURCE_CHARS)}\n`;
    const big = s.update(TEXT + padding, 2, [{ from: TEXT.length, to: TEXT.length, insert: padding }]);
    assert.deepEqual(big.diagnostics.map((d) => d.code), ['file-too-large']);
    // Back under the limit with an edit relative to the refused text: the old tree must not be reused.
    const at = TEXT.indexOf('Conv2D(32') + 'Conv2D('.length;
    const edited = `${TEXT.slice(0, at)}6${TEXT.slice(at)}`;
    const small = s.update(edited, 3, [{ from: TEXT.length, to: TEXT.length + padding.length, insert: '' }, { from: at, to: at, insert: '6' }]);
    assert.equal(small.models[0].layers.find((l) => l.layer.name === 'c1')!.outputShape![3], 632);
  });
});

describe('hover on a backbone', () => {
  it('its construction and its call show it as one entry: Keras\' params, output shape and receptive field', async () => {
    const { readFileSync } = await import('node:fs');
    const { containerAt } = await import('../../extension/engine/views/locate');
    const { containerHover } = await import('../../extension/engine/views/hover_text');
    const text = readFileSync(require.resolve('../e2e/fixtures/transfer.py'), 'utf8');
    const analysis = analyze(text);
    for (const at of [text.indexOf('MobileNetV2('), text.indexOf('base(inputs)')]) {
      const found = containerAt(analysis, at + 2);
      assert.ok(found, `a backbone at ${at}`);
      const md = containerHover(found.entry, found.model);
      // Real Keras: mobilenetv2_0.35_96 holds 410,208 params (all frozen here), output (None, 3, 3, 1280),
      // and len(base.layers) is 154, its InputLayer included (test/goldens/nesting, e2e_transfer_fixture).
      assert.match(md, /\*\*mobilenetv2\\_0\.35\\_96\*\* `Functional` in model `transfer` \(154 layers\)/);
      assert.match(md, /\| Params \| 410,208 \(0 trainable, 410,208 non-trainable\) \|/);
      assert.match(md, /\| Output shape \| `\(None, 3, 3, 1280\)` \|/);
      assert.match(md, /\| Receptive field \| \d+ x \d+ px, stride 32 x 32/);
    }
  });
});

describe('hovers on tensor variables', () => {
  it('shape, producing layer and receptive field of the variable under the cursor', async () => {
    const { tensorAt } = await import('../../extension/engine/views/locate');
    const { tensorHover } = await import('../../extension/engine/views/hover_text');
    const a = analyze(TEXT);
    const at = TEXT.indexOf('x = layers.MaxPooling2D()(x)') + 'x = layers.MaxPooling2D()('.length;
    const t = tensorAt(a, at)!;
    assert.equal(t.name.name, 'x');
    assert.deepEqual(t.name.tensor.shape, [null, 32, 32, 32]);
    const md = tensorHover(t);
    assert.match(md, /^\*\*x\*\*: KerasTensor `\(None, 32, 32, 32\)`/);
    assert.match(md, /Output of \*\*c1\*\* `Conv2D` in model `net`/);
    assert.match(md, /Receptive field: 3 x 3 px/);
  });
  it('a name assigned in a loop reports how often it ran', async () => {
    const { tensorAt } = await import('../../extension/engine/views/locate');
    const text = 'import keras\nfrom keras import layers\nx = inp = keras.Input((8, 8, 1))\nfor i in range(3):\n    x = layers.Conv2D(2, 3, padding="same")(x)\nm = keras.Model(inp, x)\n';
    const t = tensorAt(analyze(text), text.indexOf('    x =') + 4)!;
    assert.equal(t.name.times, 3);
    assert.equal(t.producer!.layer.layer.name, 'conv2d_2');
  });
});
