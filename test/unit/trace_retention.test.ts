/**
 * What an editor session keeps between keystrokes: the last analysis and what the next keystroke
 * can reuse, never the traces before it. A keystroke early in a long file re-makes every layer after
 * the edit; when memos held those earlier layers (the recent graphs, the tracking's and analysis'
 * "seen before" sets), every keystroke's objects lived on through the next ones, V8 took them for
 * long-lived and allocated them in the old generation, and the editor slowed by a third.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { chainPython } from '../../bench/models';
import type { LayerInstance } from '../../extension/engine/graph';
import { DocumentSession } from '../../extension/engine/session/document_session';
import { isCarried } from '../../extension/engine/reuse';
import { isSettledLayer } from '../../extension/engine/trace/context';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage after the current job, when WeakRefs taken in it may be cleared. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

type Typist = { session: DocumentSession; type(): LayerInstance[] };

/**
 * A session on a 40-block chain, typing a digit in and out after `anchor`: by default in its
 * input's shape, which every layer after it reads (all of them are made anew); in the first
 * Conv2D's filters, only the next Conv2D's input changes and the trace's cut-off takes the layers
 * after it over (trace/statement_graft.ts).
 */
function typist(anchor = 'keras.Input(shape=(3'): Typist {
  const text = chainPython(40);
  const at = text.indexOf(anchor) + anchor.length;
  const session = new DocumentSession();
  session.update(text, 0);
  let current = text;
  let inserted = false;
  let version = 0;
  return {
    session,
    type() {
      const edit = inserted ? { from: at, to: at + 1, insert: '' } : { from: at, to: at, insert: '1' };
      current = current.slice(0, edit.from) + edit.insert + current.slice(edit.to);
      inserted = !inserted;
      return session.update(current, ++version, [edit]).models.flatMap((m) => m.layers.map((r) => r.layer));
    },
  };
}

/** Weak references to the layers an edit re-made: traced after the checkpoint (not settled), not taken over from the last trace. */
function remade(layers: LayerInstance[], atLeast = 100): WeakRef<LayerInstance>[] {
  const refs = layers.filter((l) => !isSettledLayer(l) && !l.calls.some(isCarried)).map((l) => new WeakRef(l));
  assert.ok(refs.length >= atLeast, `${refs.length} layers re-made`);
  return refs;
}

/** A keystroke's layers: weak references to those it re-made, and those it took over (held on purpose). */
function split(layers: LayerInstance[]): { previous: WeakRef<LayerInstance>[]; taken: LayerInstance[] } {
  return { previous: remade(layers, 3), taken: layers.filter((l) => l.calls.some(isCarried)) };
}

describe('an editor session keeps one trace', () => {
  it("a keystroke's layers are freed as soon as the next one re-made them", async () => {
    const t = typist();
    t.type();
    for (let i = 0; i < 6; i++) {
      const previous = remade(t.type());
      t.type();
      await collect();
      assert.equal(previous.filter((r) => r.deref() !== undefined).length, 0, `keystroke ${i}: the layers of the keystroke before still held`);
    }
    // The last keystroke's are the session's analysis, held as long as the session.
    const last = remade(t.type());
    await collect();
    assert.equal(last.filter((r) => r.deref() !== undefined).length, last.length);
    assert.ok(t.session.version !== null);
  });

  it("with the layers after the edit taken over, the re-made ones are freed and the taken ones kept", async () => {
    const t = typist('layers.Conv2D(');
    t.type();
    t.type();
    for (let i = 0; i < 4; i++) {
      const { previous, taken } = split(t.type());
      assert.ok(taken.length > 100, `${taken.length} layers taken over`);
      const next = t.type();
      await collect();
      assert.equal(previous.filter((r) => r.deref() !== undefined).length, 0, `keystroke ${i}: the layers re-made by the keystroke before still held`);
      // Taken over again: the same objects.
      assert.ok(taken.every((l) => next.includes(l)), `keystroke ${i}: layers taken over once were not taken over again`);
    }
  });

  it('a session started afresh lets go of its first trace, and another session keeps its own', async () => {
    const a = typist();
    const b = typist();
    const before = remade(a.type());
    b.type();
    // A new text from scratch (other options would do the same): the tracer starts afresh.
    a.session.tracer.reset();
    for (let i = 0; i < 3; i++) a.type();
    const kept = remade(b.type());
    await collect();
    assert.equal(before.filter((r) => r.deref() !== undefined).length, 0, 'the reset session still holds its first trace');
    assert.equal(kept.filter((r) => r.deref() !== undefined).length, kept.length, "the other session's analysis is its own");
  });
});
