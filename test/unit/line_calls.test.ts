/**
 * Every call of a source line in one place: the hover's per-call table, the merged savings
 * diagnostic and the inlay hint's shape range, for the U-Net's double_conv (a helper called 9
 * times, with a loop of 2 inside). Shapes and params come from real Keras (test/goldens/examples).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { hoverAt, MAX_CALL_ROWS } from '../../extension/engine/views/hover_text';
import { callsOfLine } from '../../extension/engine/views/line_calls';
import { layerAt } from '../../extension/engine/views/locate';
import { shapeHints, shapeRange } from '../../extension/engine/views/shape_hints';
import { example, ROOT } from '../support/analyze';

interface GoldenLayer { name: string; class: string; params: number; calls: { inputs: (number | null)[][]; outputs: (number | null)[][] }[] }
const golden = JSON.parse(readFileSync(path.join(ROOT, 'test', 'goldens', 'examples', 'unet.json'), 'utf8')) as { total_params: number; layers: GoldenLayer[] };
/** The Conv2D layers double_conv builds, as Keras lists them. */
const kerasConvs = golden.layers.filter((l) => l.class === 'Conv2D' && /_conv[12]$/.test(l.name));

const TEXT = example('unet.py');
const CONV_LINE = TEXT.indexOf('layers.Conv2D(filters, 3');
const analysis = analyze(TEXT);

describe('the calls of a helper-function line (U-Net double_conv, against Keras)', () => {
  const found = layerAt(analysis, CONV_LINE + 'layers.'.length)!;
  const calls = callsOfLine(found.model, found.layer);

  it('lists all 18 Conv2D layers with the input and output shapes and params Keras gives them', () => {
    assert.equal(kerasConvs.length, 18);
    assert.deepEqual(calls.rows.map((r) => r.name).sort(), kerasConvs.map((l) => l.name).sort());
    for (const k of kerasConvs) {
      const row = calls.rows.find((r) => r.name === k.name)!;
      assert.deepEqual(row.input, k.calls[0].inputs[0], `${k.name} input`);
      assert.deepEqual(row.output, k.calls[0].outputs[0], `${k.name} output`);
      assert.equal(row.params, k.params, `${k.name} params`);
    }
    assert.equal(calls.totals.params, kerasConvs.reduce((n, k) => n + k.params, 0));
  });

  it('in execution order, with each call its own receptive field', () => {
    assert.deepEqual(calls.rows.slice(0, 3).map((r) => r.name), ['down0_conv1', 'down0_conv2', 'down1_conv1']);
    // By hand (Araujo et al. 2019): 3x3 -> 3; another 3x3 -> 5; 2x2/2 pool -> 6 (jump 2); 3x3 -> 6 + 2*2 = 10.
    const size = (name: string) => { const rf = calls.rows.find((r) => r.name === name)!.rf; return rf && rf !== 'global' ? rf.axes.map((a) => a.size) : rf; };
    assert.deepEqual(size('down0_conv1'), [3, 3]);
    assert.deepEqual(size('down0_conv2'), [5, 5]);
    assert.deepEqual(size('down1_conv1'), [10, 10]);
  });

  it('MACs summed over the calls: output positions x 3x3 x input channels x filters (Keras shapes)', () => {
    const expected = kerasConvs.reduce((n, k) => {
      const [, h, w, cin] = k.calls[0].inputs[0] as number[];
      const [, oh, ow, f] = k.calls[0].outputs[0] as number[];
      assert.equal(h * w, oh * ow);
      return n + oh * ow * 9 * cin * f;
    }, 0);
    assert.equal(calls.totals.macs, expected);
  });

  it('the hover is one card: a row per call up to the cap, the rest named, with totals', () => {
    const hover = hoverAt(analysis, CONV_LINE + 'layers.'.length)!;
    // Names are Markdown-escaped (a name could hold Markdown); read the text as it renders.
    const md = hover.markdown.replace(/\\([\\`*_[\]<>|~&])/g, '$1');
    assert.match(md, /\*\*Conv2D\*\* on this line: 18 layers in model `unet`/);
    const rows = md.split('\n').filter((l) => /^\| (down|bottleneck|dec)\d?_conv/.test(l));
    assert.equal(rows.length, MAX_CALL_ROWS);
    assert.match(md, /^\| down0_conv1 \| 128×128×3 \| 128×128×32 \| 864 \| 3x3 \|$/m);
    assert.match(md, /^\| _and 6 more_ \|/m);
    const more = md.split('\n').find((l) => l.startsWith('The other 6: '))!;
    for (const k of kerasConvs) assert.ok(md.includes(k.name), `${k.name} missing from the card`);
    assert.ok(more.includes('dec0_conv2'));
    const total = kerasConvs.reduce((n, k) => n + k.params, 0);
    assert.match(md, new RegExp(`\\| \\*\\*Total\\*\\* \\| \\| \\| \\*\\*${total.toLocaleString('en-US')}\\*\\* \\| \\|`));
    assert.equal(md.split('\n').filter((l) => l.startsWith('**')).length, 1, 'one heading');
  });

  it('a layer made once keeps the single-layer card', () => {
    const md = hoverAt(analysis, TEXT.indexOf('layers.Conv2D(num_classes') + 'layers.'.length)!.markdown;
    assert.match(md, /\*\*mask\*\* `Conv2D` in model `unet`/);
    assert.match(md, /\| Output shape \| `\(None, 128, 128, 3\)` \|/);
  });

  it('a shared layer called in a loop: one layer, its weights once, every call listed', () => {
    const text = 'import keras\nfrom keras import layers\nx = inp = keras.Input((8, 8, 4))\nconv = layers.Conv2D(4, 3, padding="same", name="shared")\nfor _ in range(3):\n    x = conv(x)\nm = keras.Model(inp, x)\n';
    const a = analyze(text);
    const f = layerAt(a, text.indexOf('conv(x)') + 1)!;
    const c = callsOfLine(f.model, f.layer);
    assert.equal(c.rows.length, 3);
    assert.deepEqual(c.rows.map((r) => r.repeatCall), [false, true, true]);
    // 3*3*4*4 + 4 bias; 64 positions x 36 taps x 4 filters per call.
    assert.equal(c.totals.params, 148);
    assert.equal(c.totals.macs, 3 * 64 * 36 * 4);
    assert.match(hoverAt(a, text.indexOf('conv(x)') + 1)!.markdown, /1 layer, 3 calls/);
  });
});

describe('design and savings diagnostics: one per line', () => {
  const savings = analysis.diagnostics.filter((d) => d.code === 'savings-separable');
  const onLine = savings.filter((d) => d.from === CONV_LINE);

  it('the double_conv line has one savings diagnostic, summed over its 17 layers past the RGB stem', () => {
    assert.equal(onLine.length, 1, savings.map((d) => d.message).join('\n'));
    // The stem conv on the 3 image channels gets no savings advice.
    const advised = kerasConvs.filter((k) => k.calls[0].inputs[0][3]! > 3);
    assert.equal(advised.length, 17);
    const total = advised.reduce((n, k) => n + k.params, 0);
    // SeparableConv2D without bias: 3*3*cin depthwise + cin*filters pointwise, per layer (Keras shapes).
    const separable = advised.reduce((n, k) => {
      const cin = k.calls[0].inputs[0][3]!;
      const f = k.calls[0].outputs[0][3]!;
      return n + 9 * cin + cin * f;
    }, 0);
    const pct = (((total - separable) / total) * 100).toFixed(1);
    assert.match(onLine[0].message, new RegExp(`^17 Conv2D layers from this line \\(down0_conv2, down1_conv1 … dec0_conv2\\): ${total.toLocaleString('en-US')} params`));
    assert.ok(onLine[0].message.includes(`As SeparableConv2D: ${separable.toLocaleString('en-US')} params (-${pct}%)`), onLine[0].message);
  });

  it('a layer line that runs once keeps its own message', () => {
    const text = 'import keras\nfrom keras import layers\nx = keras.Input((32, 32, 16))\ny = layers.Conv2D(32, 3, name="c1")(x)\nm = keras.Model(x, y)\n';
    const one = analyze(text).diagnostics.filter((d) => d.code === 'savings-separable');
    assert.equal(one.length, 1);
    assert.match(one[0].message, /^c1: 4,640 params/);
  });

  it('a repeated design warning is merged and counts the other calls', () => {
    const text = 'import keras\nfrom keras import layers\ndef up(x):\n    return layers.Conv2DTranspose(4, 3, strides=2)(x)\nx = inp = keras.Input((8, 8, 4))\nfor _ in range(3):\n    x = up(x)\nm = keras.Model(inp, x)\n';
    const boards = analyze(text).diagnostics.filter((d) => d.code === 'checkerboard');
    assert.equal(boards.length, 1);
    assert.match(boards[0].message, /The same on 2 more calls of this line/);
  });
});

describe('inlay hints: the range of shapes over the runs of a line', () => {
  it('shapeRange: equal axes as they are, differing axes min..max, other ranks listed', () => {
    assert.equal(shapeRange([[null, 8, 8, 32]]), '(None, 8, 8, 32)');
    assert.equal(shapeRange([[null, 8, 8, 32], [null, 64, 64, 256], [null, 16, 16, 64]]), '(None, 8..64, 8..64, 32..256)');
    assert.equal(shapeRange([[null, 4], [null, 2, 2]]), '(None, 4) | (None, 2, 2)');
    assert.equal(shapeRange([[null, 8, 8], [null, null, 8]]), '(None, ?, 8)');
    assert.equal(shapeRange([null, null]), '?');
  });

  it("double_conv's Conv2D line shows the extremes Keras gives its 18 outputs", () => {
    const hint = shapeHints(analysis).find((h) => h.offset > CONV_LINE && h.offset <= TEXT.indexOf('\n', CONV_LINE))!;
    const outs = kerasConvs.map((k) => k.calls[0].outputs[0] as number[]);
    const axis = (i: number) => `${Math.min(...outs.map((o) => o[i]))}..${Math.max(...outs.map((o) => o[i]))}`;
    assert.equal(hint.label, `(None, ${axis(1)}, ${axis(2)}, ${axis(3)})`);
    assert.equal(hint.label, '(None, 8..128, 8..128, 32..512)');
    assert.equal(hint.runs, 18);
  });

  it('a keras.applications call is one model, not 156 runs: its line shows what it outputs', () => {
    const text = 'import keras\nmodel = keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None)\n';
    const a = analyze(text);
    const hints = shapeHints(a);
    assert.equal(hints.length, 1);
    // Real Keras: MobileNetV2(alpha=0.35, 96x96, include_top) ends in the 1000-way softmax.
    assert.equal(hints[0].label, '(None, 1000)');
    assert.doesNotMatch(hoverAt(a, text.indexOf('MobileNetV2') + 2)!.markdown, /on this line/);
  });

  it('two calls starting at the same place are two sites: a layer call and an operation on its output', () => {
    const line = 'y = layers.Dense(4)(x) * 2.0\n';
    const text = `import keras\nfrom keras import layers\nx = keras.Input((5,))\n${line}m = keras.Model(x, y)\n`;
    const start = text.indexOf(line);
    const hints = shapeHints(analyze(text));
    // Keras: Dense(4) gives (None, 4), and the product keeps that shape.
    assert.deepEqual(hints.map((h) => [h.offset - start, h.label]), [
      [line.indexOf(' * '), '(None, 4)'],
      [line.length - 1, '(None, 4)'],
    ]);
  });
});
