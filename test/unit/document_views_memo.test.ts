/**
 * The editor's per-keystroke views (diagnostics, inlay hints, code lenses, the sidebar summary)
 * reuse what earlier keystrokes computed for unchanged calls (views/shape_hints.ts memoizes hints
 * by call). Over seeded edit series of the examples through one DocumentSession, the views must be
 * exactly those of a fresh analysis of the same text (whose calls are all new, so nothing is
 * reused); and a late edit must really reuse the hints before it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import type { TextEdit } from '../../extension/engine/parse';
import { DocumentSession } from '../../extension/engine/session/document_session';
import { answer, documentViews } from '../../extension/engine/session/document_views';
import { shapeHints } from '../../extension/engine/views/shape_hints';
import { EXAMPLE_FILES, example } from '../support/analyze';
import { lcg } from '../support/random';

const LIMITS = { maxSteps: 200_000 };

const apply = (text: string, e: TextEdit) => text.slice(0, e.from) + e.insert + text.slice(e.to);

/**
 * Edits that change what hints show: a digit retyped (filters, kernel sizes, input shapes), a
 * layer's name edited, a line duplicated (a new call, later calls renamed), a line deleted.
 */
function hintEdit(text: string, next: () => number): TextEdit {
  const r = next();
  const at = (re: RegExp) => {
    const hits = [...text.matchAll(re)].map((m) => m.index!);
    return hits.length ? hits[Math.floor(next() * hits.length)] : null;
  };
  if (r < 0.5) {
    const d = at(/\d/g);
    if (d !== null) return { from: d, to: d + 1, insert: String(1 + Math.floor(next() * 9)) };
  }
  if (r < 0.7) {
    const q = at(/name="/g);
    if (q !== null) return { from: q + 6, to: q + 6, insert: 'n' };
  }
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)].filter((s) => s < text.length);
  const from = lineStarts[Math.floor(next() * lineStarts.length)];
  const end = text.indexOf('\n', from);
  const to = end < 0 ? text.length : end + 1;
  return r < 0.85 ? { from: to, to, insert: text.slice(from, to) } : { from, to, insert: '' };
}

/** What the editor is sent or asks for after each keystroke, as JSON. */
function views(text: string, analysis: ReturnType<typeof analyze>): string {
  return JSON.stringify({ views: documentViews(analysis), summary: answer(text, analysis, { kind: 'summary', args: {} }) });
}

describe('document views over edits: memoized per call, the same as fresh', () => {
  for (const [i, file] of EXAMPLE_FILES.entries()) {
    it(file, () => {
      const next = lcg(1400 + i);
      const session = new DocumentSession({ limits: LIMITS });
      let text = example(file);
      session.update(text, 0);
      for (let version = 1; version <= 40; version++) {
        const edit = hintEdit(text, next);
        text = apply(text, edit);
        const incremental = session.update(text, version, [edit]);
        assert.equal(views(text, incremental), views(text, analyze(text, { limits: LIMITS })), `${file}, edit ${version} ${JSON.stringify(edit)}`);
      }
    });
  }

  it('a late edit reuses the hints of the calls before it, and recomputes the edited one', () => {
    const text = example('vgg16.py');
    const anchor = 'Dense(4096';
    const at = text.lastIndexOf(anchor) + 'Dense('.length;
    const session = new DocumentSession({ limits: LIMITS });
    session.update(text, 0);
    // The first edit traces afresh and saves the checkpoint before the edited statement; the next resumes there.
    const typed = [apply(text, { from: at, to: at + 4, insert: '4095' }), apply(text, { from: at, to: at + 4, insert: '4094' })];
    const before = shapeHints(session.update(typed[0], 1, [{ from: at, to: at + 4, insert: '4095' }]));
    const after = shapeHints(session.update(typed[1], 2, [{ from: at + 3, to: at + 4, insert: '4' }]));
    assert.equal(session.tracer.stats.fresh, null);
    assert.equal(after.length, before.length);
    const reused = after.filter((h, k) => h === before[k]).length;
    // Every hint before the edited line is the same object (the helper's conv and pool lines, run
    // 13 and 5 times, Flatten, fc1); the edited Dense and the one after it are new.
    const editedHint = after.findIndex((h) => h.offset > at);
    assert.equal(editedHint, 4);
    assert.equal(reused, editedHint);
    assert.match(after[editedHint].label, /4094/);
    assert.match(before[editedHint].label, /4095/);
  });

  it('a late edit reuses the summary rows of the layers before it, and remakes the edited one', () => {
    const text = example('vgg16.py');
    const at = text.lastIndexOf('Dense(4096') + 'Dense('.length;
    const session = new DocumentSession({ limits: LIMITS });
    session.update(text, 0);
    const rowsOf = (current: string, analysis: ReturnType<typeof analyze>) => (answer(current, analysis, { kind: 'summary', args: {} }) as { rows: { name: string; params: string }[] }[])[0].rows;
    // The first edit traces afresh; the analysis remembers a call from the second that sees it on.
    const typed = apply(text, { from: at, to: at + 4, insert: '4095' });
    session.update(typed, 1, [{ from: at, to: at + 4, insert: '4095' }]);
    const retyped = apply(typed, { from: at + 3, to: at + 4, insert: '3' });
    const before = rowsOf(retyped, session.update(retyped, 2, [{ from: at + 3, to: at + 4, insert: '3' }]));
    const after = rowsOf(typed, session.update(typed, 3, [{ from: at + 3, to: at + 4, insert: '5' }]));
    assert.equal(session.tracer.stats.fresh, null);
    const edited = after.findIndex((r) => r.name === 'fc2');
    // Every row before fc2 is the same object; fc2 (4093 -> 4095 units) and the rows after it are new.
    assert.ok(edited > 10);
    assert.ok(after.slice(0, edited).every((r, k) => r === before[k]));
    assert.notEqual(after[edited], before[edited]);
    assert.notEqual(after[edited].params, before[edited].params);
  });

  it('an early edit: the layers the trace took over keep their hints and rows, moved with the text', () => {
    const chain = ['import keras', 'from keras import layers', 'inputs = keras.Input(shape=(32, 32, 3))', 'x = layers.Conv2D(8, 3, padding="same")(inputs)'];
    for (let i = 0; i < 30; i++) chain.push(`x = layers.Conv2D(${8 + i}, 3, padding="same", name="c${i}")(x)`, 'x = layers.ReLU()(x)');
    chain.push('model = keras.Model(inputs, x)', '');
    const text = chain.join('\n');
    const at = text.indexOf('Conv2D(8') + 'Conv2D('.length;
    const rowsOf = (current: string, analysis: ReturnType<typeof analyze>) => (answer(current, analysis, { kind: 'summary', args: {} }) as { rows: object[] }[])[0].rows;
    const session = new DocumentSession({ limits: LIMITS });
    session.update(text, 0);
    // A digit typed and taken back (every later call moves by one character, on its own line), then
    // a comment line put in above and taken back (every later call moves one line).
    const line = at - 'x = layers.Conv2D('.length;
    const typed: TextEdit[] = [{ from: at, to: at, insert: '1' }, { from: at, to: at + 1, insert: '' }];
    const commented: TextEdit[] = [{ from: line, to: line, insert: '# a comment\n' }, { from: line, to: line + '# a comment\n'.length, insert: '' }];
    const edits = [...typed, ...typed, ...commented, ...commented];
    let current = text;
    let rows: object[] = [];
    let grafted = 0;
    const kept: number[] = [];
    edits.forEach((edit, k) => {
      current = apply(current, edit);
      const analysis = session.update(current, k + 1, [edit]);
      grafted += session.tracer.stats.grafted;
      assert.equal(views(current, analysis), views(current, analyze(current, { limits: LIMITS })), `edit ${k + 1}`);
      const now = rowsOf(current, analysis);
      kept.push(now.filter((r, i) => r === rows[i]).length);
      rows = now;
    });
    assert.ok(grafted > 100, `only ${grafted} statements taken over`);
    // The calls taken over are remembered from their second keystroke on, their reports from the
    // third: at the fourth, their rows are the same objects (the digit moved them along their lines).
    assert.ok(kept[3] > 50, `rows kept: ${kept}`);
    // Moved to other lines, they are the rows remembered at their new lines, the same as fresh ones (above).
    assert.ok(kept.slice(4).every((n) => n <= 2), `rows kept: ${kept}`);
  });

  it('a helper line run before and after the edit: its first run is kept, its range is recomputed', () => {
    const text = [
      'import keras',
      'from keras import layers',
      'def block(x, filters):',
      '    return layers.Conv2D(filters, 3, padding="same")(x)',
      'inputs = keras.Input(shape=(32, 32, 3))',
      'x = block(inputs, 8)',
      'x = block(x, 16)',
      'model = keras.Model(inputs, x)',
      '',
    ].join('\n');
    const at = text.indexOf('16');
    const session = new DocumentSession({ limits: LIMITS });
    session.update(text, 0);
    const labels: string[] = [];
    let current = text;
    for (const [version, digit] of [[1, '2'], [2, '3'], [3, '4']] as const) {
      const edit = { from: at, to: at + 1, insert: digit };
      current = apply(current, edit);
      const analysis = session.update(current, version, [edit]);
      labels.push(shapeHints(analysis)[0].label);
      assert.equal(views(current, analysis), views(current, analyze(current, { limits: LIMITS })));
    }
    assert.equal(session.tracer.stats.fresh, null);
    // Conv2D(8) then Conv2D(26 / 36 / 46): the channels range over both runs.
    assert.deepEqual(labels, ['(None, 32, 32, 8..26)', '(None, 32, 32, 8..36)', '(None, 32, 32, 8..46)']);
  });
});
