/**
 * A call's kept step (analysis/call_outcome.ts) holds only while everything the step reads is what
 * it read: each thing it reads is changed here in turn, on a call of a real trace, and must make it
 * not hold; a field or chain made anew with the same values must still hold (and be adopted).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { outcomeHolds, recordOutcome, reusedOutcomes, type CallOutcome } from '../../extension/engine/analysis/call_outcome';
import { NO_CHAIN, type DilationChain } from '../../extension/engine/analysis/design_checks';
import type { Rf } from '../../extension/engine/analysis/receptive_field';
import type { LayerCall, SymTensor } from '../../extension/engine/graph';
import { takenTails } from '../../extension/engine/analysis/tail_memo';
import { setReuseEnabled } from '../../extension/engine/reuse';
import { DocumentSession } from '../../extension/engine/session/document_session';
import { assertSameAnalysis } from '../support/same_analysis';

function fromScratch(text: string) {
  setReuseEnabled(false);
  try {
    return analyze(text, { limits: { maxSteps: 200_000 } });
  } finally {
    setReuseEnabled(true);
  }
}

const TEXT = 'import keras\nfrom keras import layers\ninputs = keras.Input(shape=(16, 16, 3))\nx = layers.Conv2D(8, 3, dilation_rate=2, name="a")(inputs)\ny = layers.Conv2D(8, 3, name="b")(x)\nmodel = keras.Model(inputs, y)\n';

/** The second conv's call, the maps as its step read them, and its step recorded. */
function fixture() {
  const model = analyze(TEXT).models[0];
  const call = model.graph.calls.find((c) => c.layer.name === 'b')!;
  const input = call.inputs[0];
  const rfs = new Map<SymTensor, Rf>([[input, { axes: [{ size: 5, stride: 1, padding: 2 }, { size: 5, stride: 1, padding: 2 }] }]]);
  const chains = new Map<SymTensor, DilationChain>([[input, { gcd: 2, rates: [2] }]]);
  const report = { report: model.layers.find((l) => l.layer === call.layer)!, heldBy: null };
  const outcome = recordOutcome(call, { rf: null, chain: NO_CHAIN, misaligned: false, gridding: null, report }, rfs, chains, NO_CHAIN, [], 0);
  return { call, input, rfs, chains, outcome };
}

/** A call like `call` whose layer or call fields are changed (the trace replaces them, never changes them in place). */
function changed(call: LayerCall, layer: Partial<LayerCall['layer']>, fields: Partial<LayerCall> = {}): LayerCall {
  return { ...call, layer: { ...call.layer, ...layer }, ...fields };
}

describe('a call\'s kept step', () => {
  it('holds while nothing it read changed, and when its input\'s field and chain are made anew with the same values', () => {
    const { call, input, rfs, chains, outcome } = fixture();
    assert.ok(outcomeHolds(outcome, call, rfs, chains, NO_CHAIN));
    const field: Rf = { axes: [{ size: 5, stride: 1, padding: 2 }, { size: 5, stride: 1, padding: 2 }] };
    rfs.set(input, field);
    chains.set(input, { gcd: 2, rates: [2] });
    assert.ok(outcomeHolds(outcome, call, rfs, chains, NO_CHAIN));
    // Adopted: the calls after compare by identity again.
    assert.equal(outcome.reads[2], field);
  });

  const cases: [string, (f: ReturnType<typeof fixture>) => [LayerCall, Map<SymTensor, Rf>, Map<SymTensor, DilationChain>]][] = [
    ['the input field\'s values', ({ call, input, rfs, chains }) => [call, new Map([[input, { axes: [{ size: 7, stride: 1, padding: 3 }, { size: 5, stride: 1, padding: 2 }] }]]), chains]],
    ['the input chain\'s values', ({ call, input, rfs }) => [call, rfs, new Map([[input, { gcd: 4, rates: [4] }]])]],
    ['no chain into it any more', ({ call, rfs }) => [call, rfs, new Map()]],
    ['the tensor read (same shape)', ({ call, input, rfs, chains }) => {
      const other: SymTensor = { ...input };
      rfs.set(other, rfs.get(input)!);
      chains.set(other, chains.get(input)!);
      return [changed(call, {}, { inputs: [other] }), rfs, chains];
    }],
    ['the input tensor\'s shape (the same values, replaced)', ({ call, input, rfs, chains }) => {
      input.shape = [...input.shape!];
      return [call, rfs, chains];
    }],
    ['the output shape', ({ call, rfs, chains }) => [changed(call, {}, { output: { ...call.output, shape: [...call.output.shape!] } }), rfs, chains]],
    ['the build result', ({ call, rfs, chains }) => [changed(call, {}, { result: { ...call.result! } }), rfs, chains]],
    ['the config', ({ call, rfs, chains }) => [changed(call, { config: { ...(call.layer.config as object) } }), rfs, chains]],
    ['the name', ({ call, rfs, chains }) => [changed(call, { name: 'c' }), rfs, chains]],
    ['trainability', ({ call, rfs, chains }) => [changed(call, { trainable: false }), rfs, chains]],
    ['the origin (a keras.applications layer)', ({ call, rfs, chains }) => [changed(call, { application: 'ResNet50' }), rfs, chains]],
    ['being an operation', ({ call, rfs, chains }) => [changed(call, { isOperation: true }), rfs, chains]],
    ['the kind', ({ call, rfs, chains }) => [changed(call, { kernel: { ...call.layer.kernel! } }), rfs, chains]],
  ];
  for (const [what, change] of cases) {
    it(`does not hold once ${what} changed`, () => {
      const f = fixture();
      const outcome: CallOutcome = f.outcome;
      assert.ok(outcomeHolds(outcome, f.call, f.rfs, f.chains, NO_CHAIN));
      const [call, rfs, chains] = change(f);
      assert.equal(outcomeHolds(outcome, call, rfs, chains, NO_CHAIN), false);
    });
  }
});

describe('a kept step in a session', () => {
  it('is not taken for a call that now follows another call of its layer', () => {
    // `yb` is its layer's first call in `mb`, so its step is kept; once `mb` is gone, `m` reads it
    // after `ya`, a call of the same layer: its report is then the first call's, summed.
    const head = 'import keras\nfrom keras import layers\nshared = layers.Dense(4, name="s")\na = keras.Input((4,))\nb = keras.Input((4,))\nya = shared(a)\nyb = shared(b)\n';
    const tail = 'm = keras.Model([a, b], [ya, yb])\n';
    const versions = ['mb = keras.Model(b, yb, name="x")\n', 'mb = keras.Model(b, yb, name="xy")\n', 'mb = keras.Model(b, yb, name="x")\n', '', 'mb = keras.Model(b, yb, name="x")\n', ''].map((a) => head + a + tail);
    const session = new DocumentSession({ limits: { maxSteps: 200_000 } });
    const outcomes = reusedOutcomes.count;
    versions.forEach((text, v) => {
      const last = versions[v - 1];
      const edits = last === undefined ? undefined : [{ from: head.length, to: last.length - tail.length, insert: text.slice(head.length, text.length - tail.length) }];
      assertSameAnalysis(session.update(text, v, edits), fromScratch(text), text, `version ${v}`);
    });
    assert.ok(reusedOutcomes.count > outcomes, 'no step was reused');
  });

  it('is taken for every call of a flat chain after an early edit but the few it re-made (alone, or with the tail the calls are in)', () => {
    // 40 blocks of Conv2D, ReLU; the first filter count is typed: the trace re-makes that Conv2D, its
    // ReLU and the next Conv2D (whose output has the old shape again) and takes the rest over.
    const blocks = Array.from({ length: 40 }, (_, i) => `x = layers.Conv2D(${i === 0 ? 8 : 16}, 3, padding="same", dilation_rate=${1 + (i % 3)})(x)\nx = layers.ReLU()(x)\n`).join('');
    const base = `import keras\nfrom keras import layers\ninputs = keras.Input(shape=(32, 32, 3))\nx = inputs\n${blocks}model = keras.Model(inputs, x)\n`;
    const at = base.indexOf('Conv2D(8') + 'Conv2D(8'.length;
    const session = new DocumentSession({ limits: { maxSteps: 200_000 } });
    session.update(base, 0);
    let text = base;
    const kept = () => reusedOutcomes.count + takenTails.calls;
    let before = kept();
    for (let v = 1; v <= 6; v++) {
      const edit = v % 2 ? { from: at, to: at, insert: '1' } : { from: at, to: at + 1, insert: '' };
      text = text.slice(0, edit.from) + edit.insert + text.slice(edit.to);
      before = kept();
      assertSameAnalysis(session.update(text, v, [edit]), fromScratch(text), text, `keystroke ${v}`);
    }
    // The last keystroke: 81 calls (the Input's, 80 layers'), 3 made anew.
    assert.ok(kept() - before >= 81 - 3 - 1, `${kept() - before} of 81 steps kept`);
  });
});
