/**
 * What a keystroke costs the editor on a large file: inlay hints are looked up for the range the
 * editor asks about (the same hints as filtering them all), unchanged diagnostics are not published
 * again (unless an edit moved their squiggles), the sidebar gets only the rows that changed, and the
 * first key after a pause goes to the worker at once while the keys that follow it wait for the debounce.
 */
import './support/register_fake_vscode';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TransportFactory } from '../../extension/editor/analysis_worker_client';
import { config } from '../../extension/editor/config';
import { Ctx } from '../../extension/editor/ctx';
import { registerDiagnostics } from '../../extension/editor/diagnostics';
import { hintsBetween } from '../../extension/editor/inlay_hints';
import { analyze } from '../../extension/engine/analysis/analyze';
import { AnalysisServer } from '../../extension/engine/session/analysis_server';
import { documentViews } from '../../extension/engine/session/document_views';
import { summarize } from '../../extension/engine/views/summary';
import { applySummaryChanges, summaryChanges } from '../../webview/summary_changes';
import type { DocumentViews, FromAnalysisWorker, ToAnalysisWorker, ViewDiagnostic } from '../../extension/engine/session/protocol';
import { EventEmitter, fake, FakeDocument, publishedDiagnostics, Range } from './support/fake_vscode';
import { lcg } from '../support/random';

function chain(blocks: number): string {
  const lines = ['import keras', 'from keras import layers', 'x = inputs = keras.Input(shape=(16, 16, 4))'];
  for (let i = 0; i < blocks; i++) lines.push(`x = layers.Conv2D(4, 3, padding="same", name="conv_${i}")(x)`, `x = layers.ReLU(name="relu_${i}")(x); x = layers.ReLU(name="extra_${i}")(x)`);
  lines.push('model = keras.Model(inputs, x, name="chain")', '');
  return lines.join('\n');
}

describe('inlay hints for a range', () => {
  it('are the hints of the whole list that fall in the range, for any range', () => {
    const text = chain(40);
    const hints = documentViews(analyze(text)).inlayHints;
    assert.equal(hints.length, 40 * 3, 'one hint per call, two calls on every second line');
    const random = lcg(7);
    const spans: [number, number][] = [[0, text.length], [0, 0], [text.length, text.length], [hints[5].offset, hints[5].offset], [hints[5].offset + 1, hints[9].offset - 1]];
    for (let i = 0; i < 200; i++) {
      const a = Math.floor(random() * (text.length + 1));
      const b = Math.floor(random() * (text.length + 1));
      spans.push([Math.min(a, b), Math.max(a, b)]);
    }
    for (const [from, to] of spans) assert.deepEqual(hintsBetween(hints, from, to), hints.filter((h) => h.offset >= from && h.offset <= to), `${from}..${to}`);
  });
});

describe('diagnostics publishing', () => {
  /** A stand-in for the context: the test says which views the document's current version has. */
  function setup(text: string) {
    const analysed = new EventEmitter<FakeDocument>();
    const doc = new FakeDocument('/w/published.py', text);
    let views: DocumentViews = { diagnostics: [], inlayHints: [], codeLenses: [] };
    const ctx = {
      onDidAnalyze: analysed.event,
      views: () => views,
      syntaxDiagnostics: () => [],
      rangeOf: (d: FakeDocument, span: { from: number; to: number }) => new Range(d.positionAt(span.from), d.positionAt(span.to)),
    };
    const registration = registerDiagnostics(ctx as never);
    const start = publishedDiagnostics.length;
    return {
      doc,
      /** The document's version is analysed with these diagnostics: how many lists were published since setup. */
      analyse(diagnostics: ViewDiagnostic[]): number {
        views = { ...views, diagnostics };
        analysed.fire(doc);
        return publishedDiagnostics.length - start;
      },
      last: () => publishedDiagnostics[publishedDiagnostics.length - 1],
      dispose: () => registration.dispose(),
    };
  }
  const warn = (from: number, to: number, message = 'a warning'): ViewDiagnostic => ({ from, to, severity: 'warning', code: 'w', message });
  const TEXT = 'line one\nline two\nline three\n';

  it('publishes a version whose diagnostics changed, and not one whose diagnostics are the same', () => {
    const t = setup(TEXT);
    assert.equal(t.analyse([warn(0, 4), warn(9, 13)]), 1);
    assert.deepEqual(t.last().diagnostics.map((d) => [d.range.start.line, d.range.start.character, d.message]), [[0, 0, 'a warning'], [1, 0, 'a warning']]);
    assert.equal(t.analyse([warn(0, 4), warn(9, 13)]), 1, 'the same again: not published');
    // Typed after every diagnostic: no squiggle moved, and the diagnostics are the same.
    t.doc.type(TEXT.length, 'x');
    assert.equal(t.analyse([warn(0, 4), warn(9, 13)]), 1, 'an edit after them: not published');
    assert.equal(t.analyse([warn(0, 4), warn(9, 13, 'another warning')]), 2, 'a message changed');
    assert.equal(t.analyse([warn(0, 4)]), 3, 'one fewer');
    assert.equal(t.analyse([]), 4, 'none left: the empty list is published');
    assert.equal(t.analyse([]), 4);
    t.dispose();
  });

  it('publishes the same diagnostics again when an edit before one of them moved its squiggle', () => {
    const t = setup(TEXT);
    assert.equal(t.analyse([warn(9, 13)]), 1);
    // A line inserted above: the editor moved the squiggle down with the text; the diagnostic now
    // found at the old place must be shown there again.
    t.doc.type(0, 'new line\n');
    assert.equal(t.analyse([warn(9, 13)]), 2);
    assert.equal(t.last().diagnostics[0].range.start.line, 1);
    // Typed on the diagnostic's own line, before its end: the squiggle stretched.
    t.doc.type(10, 'x');
    assert.equal(t.analyse([warn(9, 13)]), 3);
    // Since then nothing moved it: not published.
    assert.equal(t.analyse([warn(9, 13)]), 3);
    t.dispose();
  });
});

describe('the debounce', () => {
  it('sends the first key after a pause at once and holds the keys that follow it until typing pauses', async () => {
    const posted: ToAnalysisWorker[] = [];
    const servers: AnalysisServer[] = [];
    const transport: TransportFactory = (received) => {
      const server = new AnalysisServer((m: FromAnalysisWorker) => setImmediate(() => received(structuredClone(m))));
      servers.push(server);
      return {
        post: (m) => {
          posted.push(m);
          setImmediate(() => server.receive(structuredClone(m)));
        },
        terminate: () => {},
      };
    };
    const ctx = new Ctx({ extensionPath: '/nowhere' } as never, transport);
    const text = chain(3);
    const doc = new FakeDocument('/w/debounce.py', text);
    fake.open(doc);
    assert.ok(await ctx.analysed(doc as never));
    // A pause longer than the debounce (what the test waits for is the quiet spell, not a time).
    await sleep(config.debounceMs + 50);
    const changes = () => posted.filter((m) => m.type === 'change').map((m) => (m as { version: number }).version);
    doc.type(text.length, '#');
    assert.deepEqual(changes(), [2], 'the first key went before anything else ran');
    doc.type(text.length + 1, 'a');
    doc.type(text.length + 2, 'b');
    assert.deepEqual(changes(), [2], 'the keys that follow wait');
    const views = await ctx.analysed(doc as never);
    assert.ok(views);
    assert.deepEqual(changes(), [2, 4], 'and go as one');
    assert.deepEqual(servers[0].analyses.map((a) => a.version), [1, 2, 4]);
    fake.close(doc);
    ctx.dispose();
  });
});

describe('summary changes for the sidebar', () => {
  const versions = (edits: [string, string][]) => {
    const base = chain(30);
    return [base, ...edits.map(([from, to]) => base.replace(from, to))].map((text) => summarize(text, analyze(text)));
  };

  it('give back the new summary from the old one, and send only the rows that changed', () => {
    // A number typed in the last layer, in the first one, a layer renamed, a line inserted above all (every row moves), a block removed.
    const [before, ...afters] = versions([
      ['name="extra_29"', 'name="extra_29b"'],
      ['Conv2D(4, 3, padding="same", name="conv_0")', 'Conv2D(41, 3, padding="same", name="conv_0")'],
      ['name="relu_7"', 'name="relu_seven"'],
      ['import keras\n', 'import keras\n\n'],
      ['x = layers.Conv2D(4, 3, padding="same", name="conv_29")(x)\n', ''],
    ]);
    for (const after of afters) {
      const changes = summaryChanges(before, after);
      assert.deepEqual(applySummaryChanges(before, changes), after);
      // What goes whole is what differs; every null stands for an equal row.
      changes.forEach((m, i) => m.rows.forEach((r, j) => (r === null ? assert.deepEqual(before[i].rows[j], after[i].rows[j]) : assert.deepEqual(r, after[i].rows[j]))));
    }
    const [renamedLast, deeper] = afters.map((after) => summaryChanges(before, after)[0].rows.filter((r) => r !== null).length);
    assert.equal(renamedLast, 1, 'a renamed last layer: one row');
    // More channels in the first conv change its own row and those of the layers after it (their shapes, params or MACs).
    assert.ok(deeper > 1);
    assert.deepEqual(applySummaryChanges(before, summaryChanges(before, before)), before);
    assert.ok(summaryChanges(before, before)[0].rows.every((r) => r === null), 'the same summary: no row goes');
  });

  it('send a model whole when it is not the model at its place before', () => {
    const [a] = versions([]);
    const other = [{ ...a[0], key: 'other', rows: a[0].rows.slice(0, 3) }];
    const changes = summaryChanges(other, a);
    assert.ok(changes[0].rows.every((r) => r !== null));
    assert.deepEqual(applySummaryChanges(other, changes), a);
  });
});
