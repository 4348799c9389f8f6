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

/** A session on a 40-block chain, typing a digit in and out of its first Conv2D's filters. */
function typist(): Typist {
  const text = chainPython(40);
  const at = text.indexOf('layers.Conv2D(') + 'layers.Conv2D('.length;
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

/** Weak references to the layers an edit re-makes (those traced after the checkpoint: not settled). */
function remade(layers: LayerInstance[]): WeakRef<LayerInstance>[] {
  const refs = layers.filter((l) => !isSettledLayer(l)).map((l) => new WeakRef(l));
  assert.ok(refs.length > 100, `${refs.length} layers re-made`);
  return refs;
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
