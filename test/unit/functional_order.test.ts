/**
 * A Functional model's order read off its traced calls (trace/functional_order.ts, callsOrder)
 * against Keras' map_graph order computed in full (functionalOrder), on every Functional graph of
 * the examples, the keras.applications architectures, hand-made graphs where the two walks could
 * part (shared layers, an intermediate tensor as input, an unused input, a problem) and the corpus
 * when present. Where the calls are not that order, callsOrder must decline (null). And a model
 * re-built on top of a graph listed lately (collectCallsReusing) lists the calls a full listing does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applicationNames } from '../../kernels/applications/index';
import { analyze } from '../../extension/engine/analysis/analyze';
import type { LayerCall, ModelGraph } from '../../extension/engine/graph';
import { DocumentSession } from '../../extension/engine/session/document_session';
import { callsOrder, functionalOrder } from '../../extension/engine/trace/functional_order';
import { reusedListings } from '../../extension/engine/trace/recent_graphs';
import { collectCalls, collectCallsWalking } from '../../extension/engine/trace/call_listing';
import { chainPython } from '../../bench/models';
import { loadCorpus } from '../corpus/compare';
import { EXAMPLE_FILES, example } from '../support/analyze';

const LIMITS = { maxSteps: 2_000_000 };
const byLayer = (call: LayerCall) => call.layer;
const never = () => false;

/** Compares both orders on every Functional graph of `text`; returns how many read the calls. */
function compareOrders(text: string, what: string): { read: number; declined: number } {
  let read = 0;
  let declined = 0;
  for (const graph of analyze(text, { limits: LIMITS }).models.map((m) => m.graph)) {
    if (graph.kind !== 'functional') continue;
    const full = functionalOrder(graph.inputs, graph.outputs, byLayer, never);
    const fast = callsOrder(graph, byLayer, never);
    if (fast === null) declined++;
    else {
      read++;
      assert.deepEqual(fast.map((l) => l.name), full.map((l) => l.name), `${what}: ${graph.name}`);
      assert.ok(fast.every((l, i) => l === full[i]), `${what}: ${graph.name}: the same layer objects`);
    }
    // What the tracking asks for (keras_tracking.ts, orderOf): the calls' order, else the full one.
    assert.ok((fast ?? functionalOrder(graph.inputs, graph.outputs, byLayer, never)).every((l, i) => l === full[i]), `${what}: ${graph.name}: the order used`);
  }
  return { read, declined };
}

describe('functional order read off the calls is the full order', () => {
  it('the examples', () => {
    let read = 0;
    for (const file of EXAMPLE_FILES) read += compareOrders(example(file), file).read;
    assert.ok(read >= 4, `only ${read} graphs read off their calls`);
  });

  it('every keras.applications architecture, with a head on it', () => {
    let read = 0;
    for (const name of applicationNames()) {
      const text = `import keras\nfrom keras import layers\nbase = keras.applications.${name}(include_top=False, weights=None, input_shape=(96, 96, 3))\nx = layers.GlobalAveragePooling2D()(base.output)\nout = layers.Dense(10)(x)\nmodel = keras.Model(base.input, out)\n`;
      read += compareOrders(text, name).read;
    }
    assert.ok(read >= applicationNames().length, `only ${read} graphs read off their calls`);
  });

  it('graphs where the walks could part: declined, or the same', () => {
    const prelude = 'import keras\nfrom keras import layers\n';
    // A shared layer: its two calls have other depths than the layer's.
    const shared = compareOrders(`${prelude}a = keras.Input((8,))\nb = keras.Input((8,))\nd = layers.Dense(8)\nx = d(a)\ny = layers.Dense(8)(b)\ny = d(y)\nout = layers.Add()([x, y])\nm = keras.Model([a, b], out)\n`, 'shared layer');
    assert.deepEqual(shared, { read: 0, declined: 1 });
    // An intermediate tensor as the model's input: the walks stop there differently.
    const mid = compareOrders(`${prelude}i = keras.Input((8,))\nh = layers.Dense(8)(i)\nout = layers.Dense(4)(h)\nm = keras.Model(h, out)\n`, 'intermediate input');
    assert.equal(mid.read, 0);
    // An input no output uses is still listed (first).
    const unused = compareOrders(`${prelude}a = keras.Input((8,))\nb = keras.Input((8,))\nout = layers.Dense(4)(a)\nm = keras.Model([a, b], out)\n`, 'unused input');
    assert.deepEqual(unused, { read: 1, declined: 0 });
    // Branches of different lengths, merged; operations; a multi-output model.
    const branches = compareOrders(`${prelude}i = keras.Input((16, 16, 3))\na = layers.Conv2D(4, 3, padding="same")(i)\nb = layers.Conv2D(4, 1)(i)\nb = layers.ReLU()(b)\nb = layers.Conv2D(4, 1)(b)\nc = keras.ops.relu(a)\nx = layers.Concatenate()([a, b, c])\ny = layers.GlobalAveragePooling2D()(b)\nm = keras.Model(i, [x, y])\n`, 'branches');
    assert.deepEqual(branches, { read: 1, declined: 0 });
    // Inputs that cannot be evaluated: the graph has a problem (no calls), declined.
    const problem = compareOrders(`${prelude}i = keras.Input((8,))\nout = layers.Dense(4)(i)\nm = keras.Model(unknown_name, out)\n`, 'problem');
    assert.equal(problem.read, 0);
  });

  it('the corpus of real Keras code (when present)', () => {
    let read = 0;
    for (const file of loadCorpus()) read += compareOrders(file.text, file.entry.file).read;
    console.log(`corpus: ${read} graphs read off their calls`);
  });
});

/** collectCalls (a plain chain's shortcut first) against the walk alone, on every Functional graph of `text`; how many were chains. */
function compareListings(text: string, what: string): number {
  let chains = 0;
  for (const graph of analyze(text, { limits: LIMITS }).models.map((m) => m.graph)) {
    if (graph.kind !== 'functional') continue;
    const walked = collectCallsWalking(graph.inputs, graph.outputs);
    const listed = collectCalls(graph.inputs, graph.outputs);
    assert.equal(listed.calls.length, walked.calls.length, `${what}: ${graph.name}`);
    assert.ok(listed.calls.every((c, i) => c === walked.calls[i]), `${what}: ${graph.name}: the same calls in the same order`);
    assert.equal(listed.disconnected, walked.disconnected, `${what}: ${graph.name}`);
    if (graph.inputs.length === 1 && graph.outputs.length === 1 && walked.calls.every((c) => c.inputs.length <= 1)) chains++;
  }
  return chains;
}

describe("a plain chain's calls listed without the walk", () => {
  it('are the walk\'s, on the examples, chains and the graphs where a shortcut could go wrong', () => {
    let chains = 0;
    for (const file of EXAMPLE_FILES) chains += compareListings(example(file), file);
    chains += compareListings(chainPython(40), 'chain');
    const prelude = 'import keras\nfrom keras import layers\n';
    // A layer applied twice, in a row and apart; an intermediate tensor as the input; an input of another model.
    compareListings(`${prelude}i = keras.Input((8,))\nd = layers.Dense(8)\nx = d(i)\nx = d(x)\nm = keras.Model(i, x)\n`, 'shared layer');
    compareListings(`${prelude}i = keras.Input((8,))\nd = layers.Dense(8)\nx = d(i)\nx = layers.Dense(8)(x)\nx = layers.ReLU()(x)\nx = d(x)\nx = layers.Dense(2)(x)\nm = keras.Model(i, x)\n`, 'shared layer apart');
    compareListings(`${prelude}i = keras.Input((8,))\nh = layers.Dense(8)(i)\nout = layers.Dense(4)(h)\nm = keras.Model(h, out)\n`, 'intermediate input');
    compareListings(`${prelude}i = keras.Input((8,))\nj = keras.Input((8,))\nout = layers.Dense(4)(i)\nm = keras.Model(j, out)\n`, 'other input');
    assert.ok(chains >= 3, `only ${chains} chains`);
  });
});

describe('callsOrder declines what it cannot vouch for', () => {
  it('a call that ran inside a nested object; a graph with a problem', () => {
    const graph = analyze('import keras\nfrom keras import layers\ni = keras.Input((8,))\na = layers.Dense(8)(i)\nb = layers.Dense(8)(a)\nm = keras.Model(i, b)\n').models[0].graph;
    const full = functionalOrder(graph.inputs, graph.outputs, byLayer, never);
    assert.deepEqual(callsOrder(graph, byLayer, never)!.map((l) => l.name), full.map((l) => l.name));
    // A call that ran inside a nested object (its entry is not its layer): declined.
    const owner = {};
    assert.equal(callsOrder(graph, (c) => (c === graph.calls[1] ? owner : c.layer), (e) => e === owner), null);
    const problem: ModelGraph = { ...graph, problem: 'x' };
    assert.equal(callsOrder(problem, byLayer, never), null);
  });
});

describe('a model re-built on top of a graph listed lately reuses its listing', () => {
  /** Types `edits` keystrokes at `anchor` (a digit in, then out), comparing each Functional graph's calls with a full listing. */
  function typeAt(text: string, anchor: string, edits = 6): number {
    const session = new DocumentSession({ limits: LIMITS });
    session.update(text, 0);
    const at = text.lastIndexOf(anchor) + anchor.length;
    assert.ok(at >= anchor.length, anchor);
    let current = text;
    const before = reusedListings.count;
    for (let v = 1; v <= edits; v++) {
      const edit = v % 2 ? { from: at, to: at, insert: '7' } : { from: at, to: at + 1, insert: '' };
      current = current.slice(0, edit.from) + edit.insert + current.slice(edit.to);
      for (const graph of session.update(current, v, [edit]).models.map((m) => m.graph)) {
        if (graph.kind !== 'functional' || graph.problem) continue;
        const full = collectCalls(graph.inputs, graph.outputs).calls;
        assert.deepEqual(graph.calls.map((c) => c.layer.name), full.map((c) => c.layer.name), `${anchor}, edit ${v}: ${graph.name}`);
        assert.ok(graph.calls.every((c, i) => c === full[i]), `${anchor}, edit ${v}: ${graph.name}: the same calls`);
      }
    }
    return reusedListings.count - before;
  }
  const prelude = 'import keras\nfrom keras import layers\n';
  const chain = (blocks: number) => `${prelude}x = inputs = keras.Input(shape=(32, 32, 16))\n${Array.from({ length: blocks }, (_, i) => `x = layers.Conv2D(16, 3, padding="same")(x)\nx = layers.ReLU()(x)\n`).join('')}model = keras.Model(inputs, x)\n`;

  it('a chain edited in its last layers; a head on a backbone', () => {
    assert.ok(typeAt(chain(40), 'layers.Conv2D(') >= 5);
    assert.ok(typeAt(`${prelude}base = keras.applications.MobileNetV2(input_shape=(64, 64, 3), include_top=False, weights=None)\nx = layers.GlobalAveragePooling2D()(base.output)\nx = layers.Dense(25)(x)\nout = layers.Dense(10)(x)\nmodel = keras.Model(base.input, out)\n`, 'Dense(25') >= 5);
  });

  it('where it must list in full: a merge on top, a shared layer on top, an unused input, a second model on a tensor inside', () => {
    typeAt(`${prelude}i = keras.Input((16,))\nx = layers.Dense(8)(i)\ny = layers.Dense(8)(x)\nz = layers.Add()([x, layers.Dense(8)(y)])\nm = keras.Model(i, z)\n`, 'Dense(8)(y)');
    typeAt(`${prelude}i = keras.Input((8,))\nd = layers.Dense(8)\nx = d(i)\nx = layers.Dense(8)(x)\nx = d(x)\nm = keras.Model(i, x)\n`, 'Dense(8)(x)');
    typeAt(`${prelude}a = keras.Input((8,))\nb = keras.Input((8,))\nx = layers.Dense(8)(a)\nx = layers.Dense(4)(x)\nm = keras.Model([a, b], x)\nn = keras.Model([a, b], layers.Dense(3)(x))\n`, 'Dense(4');
    typeAt(`${prelude}i = keras.Input((8,))\nx = layers.Dense(8)(i)\nmid = layers.Dense(8)(x)\nx = layers.Dense(4)(mid)\nm = keras.Model(i, x)\nn = keras.Model(i, mid)\no = keras.Model(mid, layers.Dense(2)(x))\n`, 'Dense(4');
  });
});
