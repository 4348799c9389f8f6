/**
 * Bad input loses nothing: every prefix of every example analyses without throwing, and
 * pathological programs end with a diagnostic within the tracer's bounds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, MAX_SOURCE_CHARS } from '../../extension/engine/analysis/analyze';
import { IncrementalParser } from '../../extension/engine/parse';
import { DEFAULT_LIMITS } from '../../extension/engine/trace/budget';
import { MAX_EXPRESSION_DEPTH } from '../../extension/engine/trace/expressions';
import { example, EXAMPLE_FILES } from '../support/analyze';
import { lcg } from '../support/random';

/** Bounds counted in work only: the time safety net is out of reach, so results do not depend on the machine. */
const LIMITS = { maxMillis: 1e9 };

describe('every prefix of the examples', () => {
  for (const file of EXAMPLE_FILES) {
    it(file, () => {
      const text = example(file);
      const rand = lcg(file.length * 7919);
      const cuts = Array.from({ length: 40 }, () => Math.floor(rand() * text.length));
      for (const cut of cuts) {
        const prefix = text.slice(0, cut);
        const a = analyze(prefix, { limits: LIMITS });
        assert.ok(!a.diagnostics.some((d) => d.code === 'internal-error'), `cut ${cut}: ${JSON.stringify(a.diagnostics.find((d) => d.code === 'internal-error'))}`);
        assert.ok(a.steps <= DEFAULT_LIMITS.maxSteps);
      }
    });
  }

  it('half-typed constructors keep the models before them', () => {
    const full = example('vgg16.py');
    const broken = `${full}\nextra = layers.Conv2D(64, (3,`;
    const a = analyze(broken);
    assert.equal(a.models[0]?.totals.params, 138_357_544);
  });

  it('incremental re-parse after edits gives the same analysis as a fresh parse', () => {
    const text = example('unet.py');
    const parser = new IncrementalParser();
    parser.parse(text);
    const at = text.indexOf('widths=(32,') + 'widths=('.length;
    const edited = `${text.slice(0, at)}1${text.slice(at)}`;
    const tree = parser.parse(edited, [{ from: at, to: at, insert: '1' }]);
    const incremental = analyze(edited, { tree });
    const fresh = analyze(edited);
    assert.equal(incremental.models[0].totals.params, fresh.models[0].totals.params);
    assert.notEqual(fresh.models[0].totals.params, analyze(text).models[0].totals.params);
  });
});

describe('pathological programs end with a diagnostic, not a hang', () => {
  const cases: [string, string, RegExp][] = [
    ['unbounded recursion', 'def f(n):\n    return f(n + 1)\nf(0)\n', /nested deeper than/],
    ['while True without break', 'i = 0\nwhile True:\n    i += 1\n', /steps of work/],
    ['a 10^6-step loop', 'total = 0\nfor i in range(1000000):\n    total = total + i * 2\n', /steps of work/],
    ['nesting too deep to evaluate', `x = ${'('.repeat(50000)}1${')'.repeat(50000)}\n`, /nested too deeply/],
  ];
  for (const [name, text, message] of cases) {
    it(name, () => {
      const a = analyze(text, { limits: LIMITS });
      const limit = a.diagnostics.find((d) => d.code === 'trace-limit');
      assert.ok(limit, JSON.stringify(a.diagnostics));
      assert.match(limit.message, message);
      assert.ok(a.steps <= DEFAULT_LIMITS.maxSteps);
    });
  }

  it('a model built before an endless loop is still reported', () => {
    const text = `${example('mobilenet_v1.py')}\nwhile True:\n    pass\n`;
    const a = analyze(text, { limits: LIMITS });
    assert.equal(a.models[0].totals.params, 4_253_864);
    assert.ok(a.diagnostics.some((d) => d.code === 'trace-limit'));
  });

  it('a file just under the size limit analyses within bounds', () => {
    const block = example('xception.py');
    const text = block.repeat(Math.floor(MAX_SOURCE_CHARS / block.length));
    assert.ok(text.length > MAX_SOURCE_CHARS - block.length && text.length <= MAX_SOURCE_CHARS);
    const a = analyze(text, { limits: LIMITS });
    assert.ok(a.models.length >= 1);
    assert.ok(a.steps <= DEFAULT_LIMITS.maxSteps);
  });

  it('a 1 MB file is refused before parsing, with one diagnostic', () => {
    const block = example('xception.py');
    const text = block.repeat(Math.ceil(1_000_000 / block.length));
    const a = analyze(text);
    assert.deepEqual(a.models, []);
    assert.equal(a.diagnostics.length, 1);
    assert.equal(a.diagnostics[0].code, 'file-too-large');
    assert.match(a.diagnostics[0].message, /150,000/);
  });

  it('binary garbage analyses without an internal error', () => {
    const rand = lcg(42);
    const text = Array.from({ length: 20000 }, () => String.fromCharCode(1 + Math.floor(rand() * 255))).join('');
    assert.deepEqual(analyze(text).diagnostics.filter((d) => d.code === 'internal-error'), []);
  });

  it('a file with NUL characters is not Python source: refused with one diagnostic', () => {
    const a = analyze('x = 1\n\0\0\0garbage');
    assert.deepEqual(a.diagnostics.map((d) => d.code), ['not-python']);
  });

  it('an expression nested past the fixed depth of the tracer ends its statement at that depth on every machine, the rest still analysed', () => {
    const nested = (d: number) => `x = ${'('.repeat(d)}1${')'.repeat(d)}\ninputs = keras.Input((8, 8, 3))\nm = keras.Model(inputs, keras.layers.Conv2D(4, 3)(inputs))\n`;
    const at = (d: number) => analyze(`import keras\n${nested(d)}`).diagnostics.filter((d) => d.code === 'trace-limit');
    assert.deepEqual(at(MAX_EXPRESSION_DEPTH - 1), []);
    const over = at(MAX_EXPRESSION_DEPTH);
    assert.equal(over.length, 1);
    assert.match(over[0].message, /nested too deeply to analyse/);
    assert.equal(analyze(`import keras\n${nested(MAX_EXPRESSION_DEPTH)}`).models.length, 1);
  });

  it('deep but parseable nesting evaluates', () => {
    const a = analyze(`x = ${'('.repeat(1000)}1${')'.repeat(1000)}\n`);
    assert.deepEqual(a.diagnostics.filter((d) => d.severity !== 'info'), []);
  });
});
