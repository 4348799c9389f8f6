/**
 * Notebooks in the editor's live analysis, with a stand-in `vscode`: the code cells go to the
 * worker as ONE document (the notebook's URI, its cells as one program), an edit in a cell goes as
 * one program edit, and positions map from a cell into the program and results back into the
 * cell they belong to (never into another cell).
 */
import './support/register_fake_vscode';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FromAnalysisWorker, ToAnalysisWorker } from '../../extension/engine/session/protocol';
import { AnalysisServer } from '../../extension/engine/session/analysis_server';
import type { TransportFactory } from '../../extension/editor/analysis_worker_client';
import { Ctx } from '../../extension/editor/ctx';
import { fake, FakeNotebook, type Position } from './support/fake_vscode';

/** A worker stand-in in this thread that records what the editor sends it. */
function inProcess(servers: AnalysisServer[], sent: ToAnalysisWorker[]): TransportFactory {
  return (received) => {
    const server = new AnalysisServer((m: FromAnalysisWorker) => setImmediate(() => received(structuredClone(m))));
    servers.push(server);
    return {
      post: (m: ToAnalysisWorker) => setImmediate(() => {
        sent.push(structuredClone(m));
        server.receive(structuredClone(m));
      }),
      terminate: () => {},
    };
  };
}

const extension = { extensionPath: '/nowhere' } as never;

const CELLS = [
  'import keras\nfrom keras import layers\n',
  'x = keras.Input((16, 16, 3))\n%matplotlib inline\ny = layers.Conv2D(8, 3, name="c")(x)',
  'm = keras.Model(x, y, name="tiny")',
  // 16 - 3 + 1 = 14 rows left: a 20x20 kernel cannot fit (Keras refuses it when the layer is called).
  'z = layers.Conv2D(4, 20, name="bad")(y)',
];

describe('notebooks in the editor', () => {
  it('analyses the code cells as one document and maps hovers, lenses, hints and diagnostics to their cells', async () => {
    const servers: AnalysisServer[] = [];
    const sent: ToAnalysisWorker[] = [];
    const ctx = new Ctx(extension, inProcess(servers, sent));
    const nb = new FakeNotebook('/w/nb.ipynb', CELLS);
    const [c0, c1, c2, c3] = nb.cells.map((c) => c.document);
    fake.openNotebook(nb);

    const views = await ctx.analysed(c2 as never);
    assert.ok(views);
    // One document for the worker: the notebook, never its cells.
    const opened = sent.filter((m) => m.type === 'open');
    assert.deepEqual(opened.map((m) => 'uri' in m && m.uri), ['file:///w/nb.ipynb']);
    assert.deepEqual(servers[0].analyses.map((a) => a.uri), ['file:///w/nb.ipynb']);
    // The program: the cells in order, one newline after each, the magic blanked to spaces.
    const program = ctx.source(c1 as never);
    assert.equal(program.key, 'file:///w/nb.ipynb');
    assert.equal(program.text, CELLS.map((t) => t.replace('%matplotlib inline', ' '.repeat('%matplotlib inline'.length))).join('\n') + '\n');
    assert.strictEqual(ctx.views(c0 as never), views);

    // The model's CodeLens is above its line in the cell that builds it, and in no other cell.
    const lens = views.codeLenses.find((l) => l.model === 'tiny');
    assert.ok(lens);
    const anchor = ctx.positionAt(c2 as never, lens.offset);
    assert.deepEqual(anchor && { line: anchor.line, character: anchor.character }, { line: 0, character: lens.offset - program.text.indexOf('m = keras.Model') });
    assert.equal(ctx.positionAt(c0 as never, lens.offset), null);
    assert.equal(ctx.positionAt(c1 as never, lens.offset), null);

    // A hover on Conv2D in cell 1: asked at the program offset, its range back on cell 1's line 2.
    const at = c1.positionAt(CELLS[1].indexOf('Conv2D') + 2) as Position;
    assert.equal(ctx.offsetAt(c1 as never, at as never), program.text.indexOf('Conv2D') + 2);
    const hover = await ctx.request(c1 as never, 'hover', { offset: ctx.offsetAt(c1 as never, at as never) }, true);
    assert.match(hover?.markdown ?? '', /Conv2D/);
    assert.equal(ctx.rangeOf(c1 as never, hover!)?.start.line, 2);
    assert.equal(ctx.rangeOf(c2 as never, hover!), null);

    // The inlay hint of layer c lands on cell 1's line 2; Keras' error on "bad" in cell 3's line 0.
    assert.ok(views.inlayHints.some((h) => ctx.positionAt(c1 as never, h.offset)?.line === 2));
    const errors = views.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1);
    assert.equal(ctx.rangeOf(c3 as never, errors[0])?.start.line, 0);
    for (const other of [c0, c1, c2]) assert.equal(ctx.rangeOf(other as never, errors[0]), null);

    // Typing in an earlier cell: one program edit, a new version, the later cells still map.
    const fired: string[] = [];
    ctx.onDidAnalyze((d) => fired.push(d.uri.toString()));
    c0.type(0, '# setup\n');
    const after = await ctx.analysed(c3 as never);
    assert.ok(after);
    const change = sent.filter((m) => m.type === 'change').at(-1);
    assert.deepEqual(change && 'edits' in change ? change.edits : null, [{ from: 0, to: 0, insert: '# setup\n' }]);
    assert.equal(ctx.source(c0 as never).text.slice(0, 8), '# setup\n');
    const moved = after.diagnostics.find((d) => d.severity === 'error')!;
    assert.equal(ctx.rangeOf(c3 as never, moved)?.start.line, 0);
    // Every code cell hears of the analysis (each publishes its own diagnostics).
    assert.deepEqual(fired.sort(), nb.cells.map((c) => c.document.uri.toString()).sort());

    // A cell left with an unclosed bracket: its SyntaxError on its own line, and the cell after it still analysed.
    c2.type(CELLS[2].length, '\nq = layers.Dense(');
    const open = await ctx.analysed(c3 as never);
    assert.ok(open);
    const syntax = ctx.syntaxDiagnostics(c2 as never);
    assert.deepEqual(syntax.map((d) => [d.severity, d.message.startsWith("SyntaxError: '(' was never closed.")]), [['error', true]]);
    const bracket = ctx.rangeOf(c2 as never, syntax[0]);
    assert.deepEqual(bracket && [bracket.start.line, bracket.start.character], [1, 'q = layers.Dense'.length]);
    for (const other of [c0, c1, c3]) assert.equal(ctx.rangeOf(other as never, syntax[0]), null);
    // Without the left-out cell the later cell reads as before: Keras' error on "bad" in cell 3, nothing swallowed.
    const stillThere = open.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(stillThere.length, 1);
    assert.equal(ctx.rangeOf(c3 as never, stillThere[0])?.start.line, 0);

    fake.closeNotebook(nb);
    await new Promise((r) => setImmediate(r));
    assert.ok(sent.some((m) => m.type === 'close' && m.uri === 'file:///w/nb.ipynb'));
    ctx.dispose();
  });
});
