/** Diagnostics: right severity, code and source range; design warnings and savings with exact numbers. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { DiagnosticSink } from '../../extension/engine/diagnostics';
import { analysisToJson } from '../../extension/engine/report/json';
import { layer, model } from '../support/analyze';

const HEADER = 'import keras\nfrom keras import layers\n';

interface SavingsCase {
  input_shape: number[];
  conv: Record<string, number | string | boolean>;
  params: Record<'Conv2D' | 'SeparableConv2D' | 'DepthwiseConv2D+Conv2D', number>;
  macs: Record<'Conv2D' | 'SeparableConv2D' | 'DepthwiseConv2D+Conv2D', number> | null;
}

describe('Keras errors land on the right line', () => {
  it('functional: the call that fails to build', () => {
    const text = `${HEADER}x = keras.Input((5, 5, 3))\ny = layers.Conv2D(8, 3)(x)\nz = layers.Conv2D(8, 5)(y)\nm = keras.Model(x, z)\n`;
    const json = analysisToJson('f.py', text, analyze(text));
    const err = json.diagnostics.find((d) => d.severity === 'error')!;
    assert.equal(err.code, 'keras-negative-size');
    assert.deepEqual([err.line, err.column, err.endLine, err.endColumn], [5, 5, 5, 27]);
  });
  it('Sequential: the member layer whose build fails', () => {
    const text = `${HEADER}m = keras.Sequential([\n    keras.Input((4, 4, 1)),\n    layers.MaxPooling2D(2),\n    layers.MaxPooling2D(4),\n])\n`;
    const json = analysisToJson('f.py', text, analyze(text));
    const err = json.diagnostics.find((d) => d.severity === 'error')!;
    assert.equal(err.line, 6);
    assert.equal(err.column, 5);
  });
  it('constructor errors point at the constructor', () => {
    const text = `${HEADER}x = keras.Input((5, 5, 3))\nconv = layers.Conv2D(8, 3,\n    padding="full")\nm = keras.Model(x, conv(x))\n`;
    const json = analysisToJson('f.py', text, analyze(text));
    const err = json.diagnostics.find((d) => d.severity === 'error')!;
    assert.deepEqual([err.line, err.endLine], [4, 5]);
    assert.equal(err.code, 'keras-padding');
  });
});

describe('gridding (Wang et al. 2018)', () => {
  const stack = (rates: number[]) => `${HEADER}x = inp = keras.Input((64, 64, 8))\n${rates.map((r) => `x = layers.Conv2D(8, 3, dilation_rate=${r}, padding="same")(x)`).join('\n')}\nm = keras.Model(inp, x)\n`;
  it('rates 2, 2, 2 share the factor 2: warned from the second layer on', () => {
    const warnings = analyze(stack([2, 2, 2])).diagnostics.filter((d) => d.code === 'gridding');
    assert.equal(warnings.length, 2);
    assert.match(warnings[0].message, /stacked dilation rates \(2, 2\) share the factor 2/);
    assert.match(warnings[1].message, /\(2, 2, 2\)/);
  });
  it('rates 2, 4, 8 share the factor 2', () => {
    assert.equal(analyze(stack([2, 4, 8])).diagnostics.filter((d) => d.code === 'gridding').length, 2);
  });
  it('rates 1, 2, 5 (hybrid dilated convolution) are fine', () => {
    assert.equal(analyze(stack([1, 2, 5])).diagnostics.filter((d) => d.code === 'gridding').length, 0);
  });
  it('rates 2, 3 have no common factor', () => {
    assert.equal(analyze(stack([2, 3])).diagnostics.filter((d) => d.code === 'gridding').length, 0);
  });
  it('a merge carries the gcd of all its branches and the longest branch on', () => {
    // Branch a: rate 2; branch b: rates 2, 4; after Add a rate-2 conv stacks on (2, 4), gcd 2.
    const conv = (r: number, src: string) => `layers.Conv2D(8, 3, dilation_rate=${r}, padding="same")(${src})`;
    const text = `${HEADER}inp = keras.Input((64, 64, 8))\na = ${conv(2, 'inp')}\nb = ${conv(4, conv(2, 'inp'))}\nx = layers.Add()([a, b])\nx = ${conv(2, 'x')}\nm = keras.Model(inp, x)\n`;
    const messages = analyze(text).diagnostics.filter((d) => d.code === 'gridding').map((d) => d.message);
    assert.equal(messages.length, 2);
    assert.match(messages[0], /\(2, 4\) share the factor 2/);
    assert.match(messages[1], /\(2, 4, 2\) share the factor 2/);
    // A branch with rate 3 makes the merged gcd 1: no warning after the merge.
    const coprime = text.replace('a = layers.Conv2D(8, 3, dilation_rate=2', 'a = layers.Conv2D(8, 3, dilation_rate=3');
    assert.deepEqual(analyze(coprime).diagnostics.filter((d) => d.code === 'gridding').map((d) => d.message.match(/\(([\d, ]+)\)/)![1]), ['2, 4']);
  });
  it('the ASPP example has parallel, not stacked, dilations: no warning', () => {
    const text = require('node:fs').readFileSync(require('node:path').join(__dirname, '../../examples/deeplab_aspp.py'), 'utf8');
    assert.equal(analyze(text).diagnostics.filter((d) => d.code === 'gridding').length, 0);
  });
});

describe('checkerboard-prone Conv2DTranspose (Odena et al. 2016)', () => {
  const up = (k: number, s: number) => `${HEADER}x = keras.Input((8, 8, 4))\ny = layers.Conv2DTranspose(4, ${k}, strides=${s}, padding="same")(x)\nm = keras.Model(x, y)\n`;
  it('kernel 3, stride 2: warned, with a divisible kernel proposed', () => {
    const w = analyze(up(3, 2)).diagnostics.filter((d) => d.code === 'checkerboard');
    assert.equal(w.length, 1);
    assert.match(w[0].message, /kernel 3x3 with strides 2x2.*Use kernel 4x4/);
  });
  it('kernel 4, stride 2 and kernel 2, stride 2: fine', () => {
    assert.equal(analyze(up(4, 2)).diagnostics.filter((d) => d.code === 'checkerboard').length, 0);
    assert.equal(analyze(up(2, 2)).diagnostics.filter((d) => d.code === 'checkerboard').length, 0);
  });
});

describe('receptive field too small', () => {
  it('a shallow classifier is warned at the layer before global pooling', () => {
    const text = `${HEADER}x = keras.Input((64, 64, 3))\ny = layers.Conv2D(8, 3)(x)\nz = layers.GlobalAveragePooling2D()(y)\nm = keras.Model(x, layers.Dense(2)(z))\n`;
    const w = analyze(text).diagnostics.filter((d) => d.code === 'rf-too-small');
    assert.equal(w.length, 1);
    assert.match(w[0].message, /at conv2d is 3x3 pixels, smaller than the 64x64 input/);
  });
  it('a Flatten + Dense classifier is not warned: the Dense layers see every position (keras.io MNIST convnet, VGG16)', () => {
    const text = `${HEADER}x = keras.Input((28, 28, 1))\ny = layers.Conv2D(8, 3)(x)\ny = layers.MaxPooling2D(2)(y)\nz = layers.Flatten()(y)\nm = keras.Model(x, layers.Dense(10)(z))\n`;
    assert.equal(analyze(text).diagnostics.filter((d) => d.code === 'rf-too-small').length, 0);
    const vgg = require('node:fs').readFileSync(require('node:path').join(__dirname, '../../examples/vgg16.py'), 'utf8');
    assert.equal(analyze(vgg).diagnostics.filter((d) => d.code === 'rf-too-small').length, 0);
  });
  it('MobileNet v1 (RF 315 on 224) is not warned', () => {
    const text = require('node:fs').readFileSync(require('node:path').join(__dirname, '../../examples/mobilenet_v1.py'), 'utf8');
    assert.equal(analyze(text).diagnostics.filter((d) => d.code === 'rf-too-small').length, 0);
  });
});

describe('savings: Conv2D -> SeparableConv2D / DepthwiseConv2D + 1x1', () => {
  const text = `${HEADER}x = keras.Input((56, 56, 128))\ny = layers.Conv2D(256, 3, padding="same", name="c")(x)\nm = keras.Model(x, y)\n`;
  const a = analyze(text);
  // Keras' params for the conv and for each proposed stack, and XLA's MACs for 'valid' padding
  // (test/goldens/savings/, written by scripts/goldens/make_savings_goldens.py).
  const golden = JSON.parse(readFileSync(path.join(__dirname, '..', 'goldens', 'savings', 'manifest.json'), 'utf8')) as { cases: SavingsCase[] };
  for (const c of golden.cases) {
    it(`Keras' counts: ${JSON.stringify(c.conv)} on ${JSON.stringify(c.input_shape)}`, () => {
      const args = Object.entries(c.conv).map(([k, v]) => `${k}=${typeof v === 'string' ? `"${v}"` : typeof v === 'boolean' ? (v ? 'True' : 'False') : v}`).join(', ');
      const t = `${HEADER}x = keras.Input((${c.input_shape.join(', ')}))\ny = layers.Conv2D(${args}, name="c")(x)\nm = keras.Model(x, y)\n`;
      const s = layer(model(analyze(t)), 'c').savings!;
      assert.equal(s.params, c.params.Conv2D);
      assert.deepEqual(s.alternatives.map((alt) => [alt.kind, alt.params]), [['SeparableConv2D', c.params.SeparableConv2D], ['DepthwiseConv2D+Conv2D', c.params['DepthwiseConv2D+Conv2D']]]);
      if (c.macs) {
        assert.equal(s.macs, c.macs.Conv2D);
        assert.deepEqual(s.alternatives.map((alt) => alt.macs), [c.macs.SeparableConv2D, c.macs['DepthwiseConv2D+Conv2D']]);
      }
    });
  }
  it('an info diagnostic with the numbers', () => {
    // Params are Keras' (the golden's first case); 924.84M MACs = 56*56 outputs x 3*3*128 taps x 256 filters, by hand.
    const d = a.diagnostics.find((x) => x.code === 'savings-separable')!;
    assert.equal(d.severity, 'info');
    assert.match(d.message, /^c: 295,168 params, 924\.84M MACs\. As SeparableConv2D: 34,176 params \(-88\.4%\)/);
  });
  it('no savings for 1x1 or grouped convs', () => {
    const t = `${HEADER}x = keras.Input((8, 8, 8))\ny = layers.Conv2D(8, 1)(x)\nz = layers.Conv2D(8, 3, groups=8)(y)\nm = keras.Model(x, z)\n`;
    assert.equal(analyze(t).diagnostics.filter((d) => d.code === 'savings-separable').length, 0);
  });
  it('no savings for a stem conv on 1-3 image channels (MobileNet and Xception keep a full conv there)', () => {
    for (const channels of [1, 3]) {
      const t = `${HEADER}x = keras.Input((28, 28, ${channels}))\ny = layers.Conv2D(32, 3)(x)\nz = layers.Conv2D(64, 3)(y)\nm = keras.Model(x, z)\n`;
      const savings = analyze(t).diagnostics.filter((d) => d.code === 'savings-separable');
      assert.deepEqual(savings.map((d) => d.message.split(':')[0]), ['conv2d_1'], `${channels} channels`);
    }
  });
});

describe('the same finding offered again is reported once', () => {
  it('keeps each finding of one place once, and tells apart its end, code and message', () => {
    const sink = new DiagnosticSink();
    const offers: [string, string, number, number][] = [
      ['gridding', 'a', 3, 5], ['gridding', 'b', 3, 5], ['checkerboard', 'a', 3, 5], ['gridding', 'a', 3, 6], ['gridding', 'a', 4, 5],
    ];
    // Each offered twice, the second round in reverse (a loop body traced again).
    for (const [code, message, from, to] of [...offers, ...[...offers].reverse()]) sink.warning(code, message, { from, to });
    assert.deepEqual(sink.items.map((d) => [d.code, d.message, d.from, d.to]), offers);
  });

  it('keeps every finding of a line met a thousand times (a helper\'s body), each once', () => {
    const sink = new DiagnosticSink();
    const offers: [string, string, number, number][] = [];
    for (let i = 0; i < 1000; i++) offers.push(['savings-separable', `conv2d_${i}`, 3, 5 + (i % 3)]);
    offers.push(['gridding', 'conv2d_7', 3, 6]);
    // Each offered twice, the second round in reverse (the line traced again), then the first few again.
    for (const [code, message, from, to] of [...offers, ...[...offers].reverse(), ...offers.slice(0, 10)]) sink.info(code, message, { from, to });
    assert.deepEqual(sink.items.map((d) => [d.code, d.message, d.from, d.to]), offers);
  });

  it('keeps a finding made elsewhere as it is, once, whether taken again or offered again', () => {
    const sink = new DiagnosticSink();
    const finding = { severity: 'info' as const, code: 'savings-separable', message: 'm', from: 7, to: 9 };
    sink.take(finding);
    sink.take({ ...finding });
    sink.info(finding.code, finding.message, finding);
    sink.take({ ...finding, to: 10 });
    assert.equal(sink.items.length, 2);
    assert.equal(sink.items[0], finding);
  });
});
