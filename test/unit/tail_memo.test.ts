/**
 * A model's calls taken over by the trace after an early edit are analysed as the tail an earlier
 * analysis went through call by call (analysis/tail_memo.ts), only while each of them reads what it
 * read then. Every keystroke here is checked against an analysis made from scratch (no reuse).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { takenTails } from '../../extension/engine/analysis/tail_memo';
import { setReuseEnabled } from '../../extension/engine/reuse';
import { DocumentSession } from '../../extension/engine/session/document_session';
import { assertSameAnalysis } from '../support/same_analysis';

const LIMITS = { maxSteps: 200_000 };

function fromScratch(text: string) {
  setReuseEnabled(false);
  try {
    return analyze(text, { limits: LIMITS });
  } finally {
    setReuseEnabled(true);
  }
}

function program(top: string, blocks: string, end = 'model = keras.Model(inputs, x)\n'): string {
  return `import keras\nfrom keras import layers\ninputs = keras.Input(shape=(32, 32, 3))\nx = inputs\n${top}${blocks}${end}`;
}

const CHAIN = Array.from({ length: 30 }, (_, i) => `x = layers.Conv2D(16, 3, padding="same", dilation_rate=${1 + (i % 2)})(x)\nx = layers.ReLU()(x)\n`).join('');

/**
 * Types `keystrokes` one-character edits at `anchor`'s end (insert `digit`, delete it, in turn) and
 * checks each against a fresh analysis; returns how many calls each keystroke took with a tail.
 */
function type(base: string, anchor: string, digit: string, keystrokes = 6, entries: number[] = []): number[] {
  const at = base.indexOf(anchor) + anchor.length;
  assert.ok(at >= anchor.length, `no ${anchor}`);
  const session = new DocumentSession({ limits: LIMITS });
  session.update(base, 0);
  let text = base;
  const taken: number[] = [];
  for (let v = 1; v <= keystrokes; v++) {
    const edit = v % 2 ? { from: at, to: at, insert: digit } : { from: at, to: at + 1, insert: '' };
    text = text.slice(0, edit.from) + edit.insert + text.slice(edit.to);
    const before = { ...takenTails };
    assertSameAnalysis(session.update(text, v, [edit]), fromScratch(text), text, `keystroke ${v} (${JSON.stringify(edit)})`);
    taken.push(takenTails.calls - before.calls);
    entries.push(takenTails.entries - before.entries);
  }
  return taken;
}

describe('a tail taken whole after an early edit', () => {
  it('is taken once an analysis went through it, when only a filter count before it changed', () => {
    // 63 calls (the Input's, 62 layers'); the edited Conv2D, its ReLU and the next Conv2D are made
    // anew, and the next ReLU reads a tensor made anew: the 58 calls after it are the tail. The file's
    // first analysis and the first keystroke (which resumes from the checkpoint made before the first
    // statement, and takes the calls over) meet those calls for the first and second time (call_memo.ts
    // remembers a call from its second analysis on), the second keystroke records the tail.
    const entries: number[] = [];
    const taken = type(program('x = layers.Conv2D(8, 3, padding="same")(x)\nx = layers.ReLU()(x)\n', CHAIN), 'Conv2D(8', '1', 6, entries);
    assert.deepEqual(taken, [0, 0, 58, 58, 58, 58]);
    // The model lists its layers in the order of their calls: the tail's 58 entries are taken too.
    assert.deepEqual(entries, [0, 0, 58, 58, 58, 58]);
  });

  it('still warns that the output\'s field is too small: the output is the tail\'s last call', () => {
    // 1x1 convolutions on a 32x32 input: the output's receptive field is 1x1 (the Distill formula:
    // 1 + sum of (k - 1) x jump), so Keras-independent geometry says every analysis warns.
    const ones = Array.from({ length: 60 }, () => 'x = layers.Conv2D(16, 1)(x)\n').join('');
    const taken = type(program('x = layers.Conv2D(8, 1)(x)\n', ones), 'Conv2D(8', '8');
    assert.ok(taken.slice(2).every((n) => n > 0), `tails taken: ${taken}`);
    const text = program('x = layers.Conv2D(8, 1)(x)\n', ones);
    assert.equal(fromScratch(text).diagnostics.filter((d) => d.code === 'rf-too-small').length, 1);
  });

  it('is not taken when the field it reads from before it changed (a dilation typed at the top)', () => {
    // A 3x3 Conv2D's dilation 1 -> 12 keeps its output shape ("same"), so the trace takes the
    // calls after it over; every field after it changes, so the tail's analysis cannot be the last.
    const taken = type(program('x = layers.Conv2D(16, 3, padding="same", dilation_rate=1)(x)\nx = layers.ReLU()(x)\n', CHAIN), 'dilation_rate=1', '2');
    assert.deepEqual(taken, [0, 0, 0, 0, 0, 0]);
  });

  it('is not taken when a layer of the tail is called before it too (its report sums both calls)', () => {
    const top = 'shared = layers.Conv2D(16, 3, padding="same", name="shared")\nx = layers.Conv2D(8, 3, padding="same")(x)\nx = layers.Conv2D(16, 1)(x)\nx = shared(x)\n';
    const end = 'x = shared(x)\nmodel = keras.Model(inputs, x)\n';
    type(program(top, CHAIN, end), 'Conv2D(8', '1');
  });

  it('is taken or not, as the analysis from scratch says, in a model that reads a tensor from before the edit late (a long skip)', () => {
    const top = 'skip = layers.Conv2D(16, 1)(x)\nx = layers.Conv2D(8, 3, padding="same")(x)\nx = layers.Conv2D(16, 1)(x)\n';
    const end = 'x = layers.Add()([x, skip])\nmodel = keras.Model(inputs, x)\n';
    const taken = type(program(top, CHAIN, end), 'Conv2D(8', '1');
    assert.ok(taken.slice(3).every((n) => n > 0), `calls taken per keystroke: ${taken}`);
    // A dilation typed in the skip's Conv2D changes the one field the Add reads from before the tail.
    type(program('skip = layers.Conv2D(16, 3, padding="same", dilation_rate=1)(x)\nx = layers.Conv2D(8, 3, padding="same")(x)\n', CHAIN, end), 'dilation_rate=1', '2');
  });
});
