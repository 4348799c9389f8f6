/** Python number literals in every form, typed int or float as Python types them (Keras 3.15 oracle values). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { IncrementalParser, parsePython } from '../../extension/engine/parse';
import { lexablePointFloats, lexablePointFloatsAfterEdit } from '../../extension/engine/point_floats';
import { layer, model } from '../support/analyze';

describe('number literals', () => {
  it('every form reads as Python reads it, ints and floats apart', () => {
    // Python: r_1.0_1000.0_16_1000_105000000000.0_0.5_0.001_15_5_0.001_1000.0_25.0
    const text = `import keras
from keras import layers
x = keras.Input((4,))
y = layers.ReLU(name=f"r_{1.}_{1E3}_{0x10}_{1_000}_{1_0.5e1_0}_{.5}_{1e-3}_{0o17}_{0b101}_{1.e-3}_{1_000.}_{2.5E+1}")(x)
m = keras.Model(x, y)
`;
    const m = model(analyze(text));
    assert.equal(m.layers[1].layer.name, 'r_1.0_1000.0_16_1000_105000000000.0_0.5_0.001_15_5_0.001_1000.0_25.0');
  });

  it('layers built from them have the shapes and params Keras gives', () => {
    const text = `import keras
from keras import layers
inputs = keras.Input((8, 8, 3))
x = layers.Rescaling(1./255)(inputs)
x = layers.Rescaling(.5)(x)
x = layers.Conv2D(0x10, 3)(x)
x = layers.Conv2D(0o17, 3)(x)
x = layers.Conv2D(0b101, 1)(x)
x = layers.Dense(1_000)(x)
x = layers.Dropout(1e-3)(x)
x = layers.Dense(int(1E3))(x)
x = layers.Dense(int(1_0.5e1_0 / 1e10))(x)
x = layers.Rescaling(1.)(x)
m = keras.Model(inputs, x)
`;
    const a = analyze(text);
    const m = model(a);
    // Keras 3.15.1 (jax): shapes and count_params() per layer.
    const expected: [string, (number | null)[], number][] = [
      ['rescaling', [null, 8, 8, 3], 0],
      ['rescaling_1', [null, 8, 8, 3], 0],
      ['conv2d', [null, 6, 6, 16], 448],
      ['conv2d_1', [null, 4, 4, 15], 2175],
      ['conv2d_2', [null, 4, 4, 5], 80],
      ['dense', [null, 4, 4, 1000], 6000],
      ['dropout', [null, 4, 4, 1000], 0],
      ['dense_1', [null, 4, 4, 1000], 1_001_000],
      ['dense_2', [null, 4, 4, 10], 10_010],
      ['rescaling_2', [null, 4, 4, 10], 0],
    ];
    for (const [name, shape, params] of expected) {
      const l = layer(m, name);
      assert.deepEqual(l.outputShape, shape, name);
      assert.equal(l.params!.trainable + l.params!.nonTrainable, params, name);
    }
    assert.deepEqual(a.diagnostics.filter((d) => d.severity !== 'warning' && d.code !== 'savings-separable'), []);
  });

  it('a trailing-dot float inside a larger expression keeps its precedence (2 * 1.e-3 + 1.)', () => {
    const text = 'import keras\nfrom keras import layers\nx = keras.Input((4,))\ny = layers.Dense(int(2 * 1.e-3 * 1000 + 1.))(x)\nm = keras.Model(x, y)\n';
    // Python: 2 * 1.e-3 * 1000 + 1. == 3.0
    assert.deepEqual(model(analyze(text)).graph.outputs[0].shape, [null, 3]);
  });

  it('the parse tree has one Number node per literal, spanning the original text', () => {
    const text = 'a = f(1./255, 1.e-3, x[1.:2], 1_000., 2.j)\n';
    const numbers: string[] = [];
    parsePython(text).iterate({ enter: (n) => void (n.name === 'Number' && numbers.push(text.slice(n.from, n.to))) });
    assert.deepEqual(numbers, ['1.', '255', '1.e-3', '1.', '2', '1_000.', '2.j']);
  });

  it('names, attributes and slices with points are left alone', () => {
    const text = 'import keras\nfrom keras import layers\nclass C2:\n    units2 = 3\nc1 = C2()\nx1 = keras.Input((6,))\ny = layers.Dense(c1.units2 + x1.shape[1:][0])(x1)\nm = keras.Model(x1, y)\n';
    assert.deepEqual(model(analyze(text)).graph.outputs[0].shape, [null, 9]);
  });

  it('typing the point of `1.` incrementally gives the fresh parse', () => {
    const before = 'import keras\nfrom keras import layers\nx = keras.Input((4,))\ny = layers.Rescaling(1/255)(x)\nm = keras.Model(x, y)\n';
    const at = before.indexOf('1/255') + 1;
    const after = `${before.slice(0, at)}.${before.slice(at)}`;
    const parser = new IncrementalParser();
    parser.parse(before);
    const tree = parser.parse(after, [{ from: at, to: at, insert: '.' }]);
    assert.equal(tree.toString(), parsePython(after).toString());
    assert.deepEqual(model(analyze(after, { tree })).graph.outputs[0].shape, [null, 4]);
  });

  it('any one-character edit around such literals re-parses as a fresh parse would', () => {
    const pad = 'z = 1\n'.repeat(20);
    for (const line of ['y = f(a, x12.e5, 34.)', 'y = 56.j + a.b78.c - 9.5']) {
      const before = `${pad}${line}\n${pad}`;
      for (let i = 0; i <= line.length; i++) {
        for (const [insert, del] of [['', 1], ['x', 0], ['.', 0], ['5', 0], [' ', 1]] as const) {
          const from = pad.length + i;
          const to = from + del;
          const after = before.slice(0, from) + insert + before.slice(to);
          const parser = new IncrementalParser();
          parser.parse(before);
          const tree = parser.parse(after, [{ from, to, insert }]);
          assert.equal(tree.toString(), parsePython(after).toString(), `${JSON.stringify(after.slice(pad.length, -pad.length))}`);
        }
      }
    }
  });

  it('the text the parser reads after an edit, rewritten around the edit only, is the whole text rewritten', () => {
    const pieces = ['1.', '23.', '4_5.', 'a1.', 'x.y', '.5', '6.7', '8.e3', '9.j', ' ', '\n', '(', ')', '_', '0', '.', 'b'];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const draw = (n: number) => Array.from({ length: n }, () => pieces[rnd(pieces.length)]).join('');
    let text = draw(200);
    let lexable = lexablePointFloats(text);
    let rewritten = 0;
    for (let k = 0; k < 2000; k++) {
      // Insertions, deletions and replacements, newlines among them (an edit joining or splitting lines).
      const from = rnd(text.length + 1);
      const to = Math.min(text.length, from + (rnd(3) === 0 ? 0 : rnd(6)));
      const edit = { from, to, insert: rnd(3) === 0 ? '' : draw(1 + rnd(3)) };
      const after = text.slice(0, edit.from) + edit.insert + text.slice(edit.to);
      lexable = lexablePointFloatsAfterEdit(lexable, after, edit);
      assert.equal(lexable, lexablePointFloats(after), `edit ${k}`);
      if (lexable !== after) rewritten++;
      text = after;
    }
    assert.ok(rewritten > 1000, `${rewritten} texts had a point float to rewrite`);
  });
});
