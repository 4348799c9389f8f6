/**
 * The incremental trace's cut-off (extension/engine/trace/statement_graft.ts): once the statements
 * run again after an edit leave the state the last trace had at the same point, the last trace's
 * plain layer statements after it are taken over instead of run. Every keystroke here is compared
 * with a fresh analysis that reuses nothing (the whole object graph, JSON, summary and hovers),
 * and each case checks that statements were taken over, so the comparison is not vacuous.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TextEdit } from '../../extension/engine/parse';
import { reusedOutcomes } from '../../extension/engine/analysis/call_outcome';
import { DocumentSession } from '../../extension/engine/session/document_session';
import { setCheckpointAudit } from '../../extension/engine/trace/checkpoint';
import { lcg } from '../support/random';
import { assertSameAnalysis } from '../support/same_analysis';
import { applyEdit as apply, fromScratch, LIMITS, typeAt } from '../support/typing';

const PRELUDE = 'import keras\nfrom keras import layers\n';

setCheckpointAudit(true);

/** Blocks of Conv2D / BatchNormalization / ReLU, some named automatically, a pooling and a depthwise conv now and then. */
function chain(blocks: number, after = ''): string {
  const lines = [PRELUDE, 'inputs = keras.Input(shape=(16, 16, 3))', 'x = layers.Conv2D(8, 3, padding="same", name="stem")(inputs)'];
  for (let i = 0; i < blocks; i++) {
    lines.push(`x = layers.Conv2D(8, 3, padding="same", name="conv_${i}")(x)`, 'x = layers.BatchNormalization()(x)', `x = layers.ReLU(name="relu_${i}")(x)`);
    if (i % 3 === 1) lines.push('x = layers.MaxPooling2D(3, strides=1, padding="same")(x)');
    if (i % 4 === 2) lines.push('x = keras.layers.DepthwiseConv2D(3, padding="same")(x)');
  }
  lines.push('model = keras.Model(inputs, x, name="chain")', after);
  return lines.join('\n');
}

/**
 * A ResNet-style stack at module level: each block keeps its input (`shortcut = x`) and adds it
 * back. The model reads the last block's `shortcut` too (an alias taken over must hold the tensor
 * made anew).
 */
function residualBlocks(blocks: number): string {
  const block = (i: number) => `shortcut = x\nx = layers.Conv2D(16, 3, padding="same", name="a_${i}")(x)\nx = layers.BatchNormalization()(x)\nx = layers.ReLU()(x)\nx = layers.Conv2D(16, 3, padding="same", name="b_${i}")(x)\nx = layers.Add()([x, shortcut])\nx = layers.ReLU(name="r_${i}")(x)\n`;
  return `${PRELUDE}inputs = keras.Input(shape=(16, 16, 16))\nx = layers.Conv2D(16, 3, padding="same", name="stem")(inputs)\n${Array.from({ length: blocks }, (_, i) => block(i)).join('')}y = layers.GlobalAveragePooling2D()(x)\nmodel = keras.Model(inputs, [y, shortcut])\n`;
}

describe('incremental trace: statements taken over from the last trace (early cut-off)', () => {
  it('a chain typed in near its top, middle and end', () => {
    const outcomes = reusedOutcomes.count;
    const grafted = typeAt(chain(12), ['Conv2D(8', 'conv_5")(x)\nx = layers.BatchNormalization(', 'name="conv_11"']);
    assert.ok(grafted > 100, `only ${grafted} statements taken over`);
    // The analysis of most calls taken over is their last step's, checked whole (analysis/call_outcome.ts).
    assert.ok(reusedOutcomes.count - outcomes > 100, `only ${reusedOutcomes.count - outcomes} steps reused`);
  });

  it('edits that change every shape after them (strides), only the next layer\'s (filters), or a name', () => {
    const text = chain(8).replace('name="conv_2"', 'strides=1, name="conv_2"');
    const grafted = typeAt(text, ['strides=1', 'Conv2D(8, 3, padding="same", name="conv_4', 'name="conv_1']);
    assert.ok(grafted > 20, `only ${grafted} statements taken over`);
  });

  it('the last trace froze, re-called and listed its layers after the model (done again here, not taken over)', () => {
    // Which layer the last trace froze depends on the edited name's length: this trace freezes another one.
    const after = 'model.get_layer(f"relu_{len(model.layers[1].name) - 3}").trainable = False\nmodel.layers[5].trainable = False\nagain = model.layers[6](x)\nhead = layers.Dense(3)(layers.Flatten()(again))\nm2 = keras.Model(inputs, head)\nm2.layers[8].trainable = False\n';
    const grafted = typeAt(chain(6, after), ['Conv2D(8', 'name="stem', 'conv_3"']);
    assert.ok(grafted > 20, `only ${grafted} statements taken over`);
  });

  it('two names bound in turn, a branch read later, automatic names counted on', () => {
    const text = `${PRELUDE}inputs = keras.Input(shape=(16, 16, 4))\na = layers.Conv2D(4, 3, padding="same")(inputs)\nb = layers.Conv2D(4, 3, padding="same")(a)\na = layers.ReLU()(b)\nb = layers.Conv2D(4, 1)(a)\nside = layers.Conv2D(4, 1)(b)\na = layers.BatchNormalization()(b)\nb = layers.ReLU()(a)\nmerged = layers.Add()([side, b])\nmodel = keras.Model(inputs, merged)\n`;
    const grafted = typeAt(text, ['Conv2D(4', 'ReLU(', 'Conv2D(4, 1']);
    assert.ok(grafted > 4, `only ${grafted} statements taken over`);
  });

  it('a model of calls taken over (the last analysis\' calls, moved by the edit) and one made anew after them', () => {
    const convs = Array.from({ length: 40 }, () => 'x = layers.Conv2D(32, 3, padding="same")(x)\n').join('');
    const text = `${PRELUDE}a = keras.Input(shape=(16, 16, 8))\nb = keras.Input(shape=(4,))\ny = layers.Dense(5, name="side")(b)\nx = layers.Conv2D(32, 3, padding="same")(a)\n${convs}x = layers.Add()([x, x])\nm1 = keras.Model(a, x)\nm2 = keras.Model(b, y)\n`;
    const grafted = typeAt(text, ['name="side', 'Dense(5']);
    assert.ok(grafted > 60, `only ${grafted} statements taken over`);
  });

  it('arguments that name variables, one of them re-bound between the statements taken over', () => {
    const text = `${PRELUDE}width = 8\nact = "relu"\nsizes = [3, 5]\ninputs = keras.Input(shape=(16, 16, 3))\nx = layers.Conv2D(width, 3, padding="same")(inputs)\n${'x = layers.Conv2D(width, 3, padding="same", activation=act)(x)\nx = layers.BatchNormalization()(x)\n'.repeat(6)}sizes.append(7)\nwidth = 16\n${'x = layers.Conv2D(width, 3, padding="same")(x)\n'.repeat(6)}x = layers.Conv2D(width, 1, name=act)(x)\nmodel = keras.Model(inputs, x)\n`;
    const grafted = typeAt(text, ['Conv2D(width, 3', 'width = 1', 'BatchNormalization()(x)\nx = layers.Conv2D(width, 3']);
    assert.ok(grafted > 20, `only ${grafted} statements taken over`);
  });

  it('residual blocks written flat: aliases and merges on a list are taken over too', () => {
    const text = residualBlocks(8);
    // A filter count (the next conv restores the shape), names (the alias after `r_6` takes its
    // re-made tensor), a stride.
    const grafted = typeAt(text, ['Conv2D(16', 'name="a_2', 'name="b_5', 'name="r_6', 'stem")(inputs)\nshortcut = x\nx = layers.Conv2D(16']);
    assert.ok(grafted > 150, `only ${grafted} statements taken over`);
  });

  it('an encoder-decoder written flat: skips kept by name, merged on a list by a layer or a merge function', () => {
    const text = `${PRELUDE}inputs = keras.Input(shape=(32, 32, 3))\ne1 = layers.Conv2D(8, 3, padding="same", activation="relu")(inputs)\np1 = layers.MaxPooling2D()(e1)\ne2 = layers.Conv2D(16, 3, padding="same", activation="relu")(p1)\np2 = layers.MaxPooling2D()(e2)\nb = layers.Conv2D(32, 3, padding="same", activation="relu")(p2)\nu2 = layers.UpSampling2D()(b)\nu2 = layers.add([u2, u2])\nc2 = layers.Concatenate()([u2, e2])\nd2 = layers.Conv2D(16, 3, padding="same", activation="relu")(c2)\nu1 = layers.Conv2DTranspose(8, 2, strides=2)(d2)\nskip = e1\nc1 = layers.Concatenate(axis=-1)([u1, skip, e1])\nd1 = layers.Conv2D(8, 3, padding="same")(c1)\nd1 = keras.layers.concatenate([d1, skip], axis=-1)\nout = layers.Conv2D(2, 1, activation="softmax")(d1)\nmodel = keras.Model(inputs, out)\n`;
    const grafted = typeAt(text, ['Conv2D(8', 'Conv2D(16', 'Conv2D(32', 'Conv2DTranspose(8']);
    assert.ok(grafted > 60, `only ${grafted} statements taken over`);
  });

  it('an alias taken over, the name it read bound again, then read after a statement run again', () => {
    // Typing in `a` changes its shape: `b` runs again (a tensor of the old shape), `skip = b` and the
    // next `b` are taken over, `c` runs again (it reads `a`), and `d`, taken over, reads `skip`.
    const text = `${PRELUDE}inp = keras.Input(shape=(8, 8, 4))\na = layers.Conv2D(8, 1)(inp)\nb = layers.Conv2D(4, 1)(a)\nskip = b\nb = layers.Conv2D(4, 1)(b)\nc = layers.Conv2D(4, 1)(a)\nd = layers.Add()([skip, c])\ne = layers.Add()([d, b])\nmodel = keras.Model(inp, e)\n`;
    const grafted = typeAt(text, ['Conv2D(8']);
    assert.ok(grafted >= 6, `only ${grafted} statements taken over`);
  });

  it('digits retyped, lines duplicated and deleted, aliases put in, in flat residual and encoder-decoder code', () => {
    const encoderDecoder = `${PRELUDE}inputs = keras.Input(shape=(32, 32, 3))\ne1 = layers.Conv2D(8, 3, padding="same")(inputs)\np1 = layers.MaxPooling2D()(e1)\ne2 = layers.Conv2D(16, 3, padding="same")(p1)\nu1 = layers.UpSampling2D()(e2)\nskip = e1\nc1 = layers.Concatenate()([u1, skip])\nd1 = layers.Conv2D(8, 3, padding="same")(c1)\nd1 = layers.add([d1, e1])\nout = layers.Conv2D(2, 1)(d1)\nmodel = keras.Model(inputs, out)\n`;
    let grafted = 0;
    for (const [seed, start] of [[11, residualBlocks(4)], [12, encoderDecoder]] as const) {
      const next = lcg(seed);
      const session = new DocumentSession({ limits: LIMITS });
      let text: string = start;
      session.update(text, 0);
      for (let v = 1; v <= 40; v++) {
        const lines = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)].filter((x) => x < text.length);
        const from = lines[2 + Math.floor(next() * (lines.length - 3))];
        const to = text.indexOf('\n', from) + 1;
        const names = ['x', 'shortcut', 'skip', 'e1', 'd1'];
        const digits = [...text.matchAll(/\d/g)].map((m) => m.index!);
        const digit = digits[Math.floor(next() * digits.length)];
        // Half of them retype a digit: a statement count that stays lets the cut-off take statements over again.
        const r = next();
        const edit: TextEdit = r < 0.5 ? { from: digit, to: digit + 1, insert: String(1 + Math.floor(next() * 9)) }
          : r < 0.7 ? { from: to, to, insert: text.slice(from, to) }
          : r < 0.85 ? { from, to, insert: '' }
          : { from, to: from, insert: `${names[Math.floor(next() * names.length)]} = ${names[Math.floor(next() * names.length)]}\n` };
        text = apply(text, edit);
        const incremental = session.update(text, v, [edit]);
        grafted += session.tracer.stats.grafted;
        assertSameAnalysis(incremental, fromScratch(text), text, `edit ${v} ${JSON.stringify(edit)} (${JSON.stringify(session.tracer.stats)})`);
      }
    }
    assert.ok(grafted > 40, `only ${grafted} statements taken over`);
  });

  /** Layer statements of `chain(12)`: its stem and blocks. */
  const chainLayerStatements = chain(12).split('\n').filter((l) => /^x = (keras\.)?layers\./.test(l)).length;

  /** Types `insert` at `at` and takes it back, twice, checking each keystroke against a fresh analysis and the tracer's counts. */
  function typeAtTop(text: string, at: number, insert: string, stats: object): void {
    const session = new DocumentSession({ limits: LIMITS });
    let current = text;
    session.update(current, 0);
    for (let v = 1; v <= 4; v++) {
      const edit = v % 2 === 1 ? { from: at, to: at, insert } : { from: at, to: at + insert.length, insert: '' };
      current = apply(current, edit);
      const incremental = session.update(current, v, [edit]);
      assertSameAnalysis(incremental, fromScratch(current), current, `keystroke ${v} (${JSON.stringify(session.tracer.stats)})`);
      assert.deepEqual(session.tracer.stats, stats);
    }
  }

  it('a comment typed above the imports: the first runs again, every statement after it is taken over', () => {
    // `import keras` runs again; `from keras import layers`, the Input (its sizes all given: no
    // directive fills them) and the layer statements are taken over; the model runs.
    typeAtTop(`# notes\n${chain(12)}`, '# notes'.length, 'x', { ran: 2, reused: 0, grafted: 2 + chainLayerStatements, graftedHelpers: 0, graftedInBodies: 0, fresh: null });
  });

  it('a docstring typed in at the top: it runs again, the imports, the Input and every layer statement are taken over', () => {
    typeAtTop(`"""Notes."""\n${chain(12)}`, '"""Notes'.length, 's', { ran: 2, reused: 0, grafted: 3 + chainLayerStatements, graftedHelpers: 0, graftedInBodies: 0, fresh: null });
  });

  it('constants at the top: a comment above them takes the layer statements over; a constant changed runs the statements that read it again', () => {
    const text = `# notes\n${PRELUDE}num_filters = 8\nshape = (16, 16, 3)\nrate = 0.5\ninputs = keras.Input(shape=shape)\n`
      + Array.from({ length: 6 }, (_, i) => `x = layers.Conv2D(${i === 3 ? 'num_filters' : '4'}, 3, padding="same")(${i ? 'x' : 'inputs'})\n`).join('')
      + 'x = layers.Dropout(rate)(x)\nmodel = keras.Model(inputs, x)\n';
    // In the comment: `import keras` runs again; the other import, the constants, the Input and the
    // seven layer statements are taken over at each of the four keystrokes.
    assert.equal(typeAt(text, ['# notes']), 4 * (1 + 3 + 1 + 7));
    // A constant typed in (8 -> 81, 0.5 -> 0.51, the shape): the statements reading it see the new value.
    typeAt(text, ['num_filters = 8', 'rate = 0.5', 'shape = (16']);
  });

  it('chained targets on the Input, imports of several names, and an import typed in', () => {
    const text = 'import keras\nfrom keras import layers, models as M\nx = inputs = keras.Input(shape=(16, 16, 3))\n'
      + Array.from({ length: 6 }, (_, i) => `x = layers.Conv2D(8, 3, padding="same", name="c${i}")(x)\n`).join('')
      + 'model = M.Model(inputs, x)\n';
    // Typed in a comment above: `import keras` runs again, the other import, the Input and the six
    // Conv2D statements are taken over, at each of the four keystrokes.
    assert.equal(typeAt(`# top\n${text}`, ['# top']), 4 * 8);
    typeAt(text, ['Input(shape=(16', 'name="c2"']);
    // Typed into an import, the names it binds are other names or other modules than the last
    // trace's: everything after it runs again.
    typeAt(text, ['as M', 'from keras import layers', 'from keras']);
  });

  it('a directive comment completed at the top: a later Input whose unknown axes it now fills is run again, never taken over', () => {
    // The first Input is known whole (no directive changes it), the second is not; both come before
    // any statement that is not plain, so a take-over after the first would reach the second. The
    // directive gives two sizes at first (not the Input's rank: it fills nothing, and the Input is a
    // plain statement), then three.
    const layersOn = (x: string, input: string) => `${x} = layers.Conv2D(8, 3, padding="same")(${input})\n${x} = layers.ReLU()(${x})\n`;
    const text = `# convlens: input_shape=(16, 16)\n${PRELUDE}a_in = keras.Input(shape=(16, 16, 3))\nb_in = keras.Input(shape=(None, None, 3))\n`
      + `${layersOn('x', 'a_in')}${layersOn('y', 'b_in')}a = keras.Model(a_in, x)\nb = keras.Model(b_in, y)\n`;
    const session = new DocumentSession({ limits: LIMITS });
    let current = text;
    session.update(current, 0);
    const heights: (number | null)[] = [];
    const at = text.indexOf('16)');
    for (let v = 1; v <= 4; v++) {
      const edit = v % 2 === 1 ? { from: at + 2, to: at + 2, insert: ', 3' } : { from: at + 2, to: at + 5, insert: '' };
      current = apply(current, edit);
      const incremental = session.update(current, v, [edit]);
      assertSameAnalysis(incremental, fromScratch(current), current, `keystroke ${v} (${JSON.stringify(session.tracer.stats)})`);
      heights.push(incremental.models.find((m) => m.graph.variable === 'b')!.graph.inputs[0].shape![1]);
    }
    assert.deepEqual(heights, [16, null, 16, null]);
  });

  it('a budget that runs out in the statements after the edit', () => {
    typeAt(chain(10), ['Conv2D(8', 'conv_4"'], { maxSteps: 2_500 });
  });

  // Many random edits break the syntax for a keystroke (then nothing is taken over): the least taken over differs per file.
  for (const [name, seed, start, least] of [
    ['random edits in a long chain', 4242, chain(15, 'model.layers[3].trainable = False\n'), 40],
    ['random edits in residual blocks written flat (aliases, merges on a list)', 4343, residualBlocks(6), 20],
  ] as const) it(name, () => {
    const next = lcg(seed);
    const session = new DocumentSession({ limits: LIMITS });
    let text: string = start;
    session.update(text, 0);
    let grafted = 0;
    for (let v = 1; v <= 60; v++) {
      const digits = [...text.matchAll(/\d/g)].map((m) => m.index!);
      const r = next();
      const at = digits[Math.floor(next() * digits.length)];
      const edit: TextEdit = r < 0.5 ? { from: at, to: at + 1, insert: String(Math.floor(next() * 10)) }
        : r < 0.8 ? { from: at, to: at, insert: ['1', ' ', '0', ')', ','][Math.floor(next() * 5)] }
        : { from: at, to: at + 1, insert: '' };
      text = apply(text, edit);
      const incremental = session.update(text, v, [edit]);
      grafted += session.tracer.stats.grafted;
      assertSameAnalysis(incremental, fromScratch(text), text, `edit ${v} ${JSON.stringify(edit)} (${JSON.stringify(session.tracer.stats)})`);
    }
    assert.ok(grafted > least, `only ${grafted} statements taken over`);
  });
});
