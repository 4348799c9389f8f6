/**
 * Notebooks: cells read from .ipynb, magics blanked, the code cells analysed as one program and
 * every position mapped back to its cell. Shapes, params and errors are compared with what real
 * Keras did running the cells in order (test/goldens/notebooks, scripts/goldens/make_notebook_goldens.py).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Analysis } from '../../extension/engine/analysis/analyze';
import { analyzeNotebook, codeCells } from '../../extension/engine/notebook/analyze_notebook';
import { NotebookFormatError, parseIpynb } from '../../extension/engine/notebook/ipynb';
import { blankMagics } from '../../extension/engine/notebook/magics';
import { NotebookSession, programEdit } from '../../extension/engine/notebook/notebook_session';
import { NotebookProgram, type ProgramCell } from '../../extension/engine/notebook/program';
import { parsePython } from '../../extension/engine/parse';
import { ROOT } from '../support/analyze';
import { lcg } from '../support/random';

const DIR = path.join(ROOT, 'test', 'goldens', 'notebooks');

interface GoldenLayer { name: string; class: string; outputShape: (number | null)[]; params: number }
interface Golden {
  models: { variable: string; name: string; layers: GoldenLayer[]; params: number }[];
  error: { cell: number; line: number; type: string; message: string } | null;
  /** Cells Python would not compile, each compiled on its own as Jupyter does. */
  syntaxErrors: { cell: number; line: number; column: number; message: string }[];
}
interface Case { name: string; notebook: string; order?: number[]; edit?: { cell: number; replace: [string, string] } }

const cases: Case[] = JSON.parse(readFileSync(path.join(DIR, 'cases.json'), 'utf8')).cases;
const golden = (name: string): Golden => JSON.parse(readFileSync(path.join(DIR, `${name}.golden.json`), 'utf8'));
const notebookCells = (file: string) => codeCells(parseIpynb(readFileSync(path.join(DIR, file), 'utf8')));

/** The case's cells as Run All saw them in the golden run. */
function caseCells(c: Case): ProgramCell[] {
  let cells = notebookCells(c.notebook);
  if (c.order) cells = c.order.map((k) => cells[k]);
  if (c.edit) cells = cells.map((cell) => (cell.key === c.edit!.cell ? { ...cell, text: cell.text.replace(...c.edit!.replace) } : cell));
  return cells;
}

/** ConvLens against Keras: every layer's output shape and params, the totals, the error's cell and line. */
function assertMatchesKeras(program: NotebookProgram, analysis: Analysis, truth: Golden): void {
  // The cells Python refuses: the same cells, on the line and column Python names, in its words.
  const left = program.syntaxErrors.map((e) => {
    const at = program.locate(e.from)!;
    return { cell: at.key, line: at.line, column: at.column, message: e.message };
  });
  assert.deepEqual(left, truth.syntaxErrors);
  for (const gm of truth.models) {
    const m = analysis.models.find((x) => x.graph.name === gm.name);
    assert.ok(m, `ConvLens found no model ${gm.name} (found ${analysis.models.map((x) => x.graph.name).join(', ')})`);
    assert.equal(m.totals.params, gm.params, `${gm.name} params`);
    const entries = new Map(m.entries.map((e) => [e.name, e]));
    for (const gl of gm.layers) {
      const e = entries.get(gl.name);
      assert.ok(e, `${gm.name}: no layer ${gl.name}`);
      assert.deepEqual(e.outputShape, gl.outputShape, `${gl.name} output shape`);
      assert.equal(e.params ? e.params.trainable + e.params.nonTrainable : null, gl.params, `${gl.name} params`);
    }
  }
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (!truth.error) {
    assert.deepEqual(errors.map((d) => d.message), []);
    return;
  }
  assert.equal(errors.length, 1, errors.map((d) => d.message).join('\n'));
  const at = program.locate(errors[0].from)!;
  assert.deepEqual({ cell: at.key, line: at.line }, { cell: truth.error.cell, line: truth.error.line });
  assert.ok(errors[0].message.includes(truth.error.message.slice(0, 50)), `${errors[0].message}\nvs Keras: ${truth.error.message}`);
}

describe('notebook files', () => {
  it('reads cells whose source is a list of lines or one string', () => {
    const nb = parseIpynb(JSON.stringify({ nbformat: 4, cells: [{ cell_type: 'markdown', source: '# t' }, { cell_type: 'code', source: ['a = 1\n', 'b = 2'] }] }));
    assert.deepEqual(nb.cells.map((c) => [c.index, c.kind, c.source]), [[0, 'markdown', '# t'], [1, 'code', 'a = 1\nb = 2']]);
  });

  it('says where the JSON is broken, and what is not a notebook', () => {
    assert.throws(() => parseIpynb('{\n "cells": [\n  {"cell_type": "code",,}\n ]\n}'), (e: Error) => e instanceof NotebookFormatError && /not valid JSON at line 3, column 24/.test(e.message));
    assert.throws(() => parseIpynb('[1, 2]'), /not a Jupyter notebook: the file is not a JSON object/);
    assert.throws(() => parseIpynb('{"metadata": {}}'), /no "cells" list/);
    assert.throws(() => parseIpynb('{"nbformat": 3, "worksheets": []}'), /nbformat 3 notebooks are not supported/);
    assert.throws(() => parseIpynb('{"cells": [{"cell_type": "code", "source": 3}]}'), /cell 1: "source" is neither/);
    assert.throws(() => analyzeNotebook('{"cells": [], "metadata": {"kernelspec": {"language": "R"}}}'), /kernel language is R/);
  });
});

describe('IPython magics', () => {
  it('blanks line magics, shell lines, captured shell output and help, keeping every offset', () => {
    const cell = '%matplotlib inline\nimport keras\n  !pip install keras \\\n    tensorflow\nfiles = !ls\nkeras.layers.Conv2D?\nx = 100 % 7\n';
    const out = blankMagics(cell);
    assert.equal(out.length, cell.length);
    assert.deepEqual(out.split('\n').map((l) => l.trim()), ['', 'import keras', '', '', '', '', 'x = 100 % 7', '']);
  });

  it('blanks a whole %% cell', () => {
    const cell = '\n%%bash\necho hi\nls -la';
    assert.equal(blankMagics(cell), '\n      \n       \n      ');
  });
});

describe('notebook programs', () => {
  it('joins the code cells in order and maps offsets both ways', () => {
    const p = new NotebookProgram([{ key: 1, text: 'a = 1\nb = 2' }, { key: 4, text: '%time x\nc = a + b' }]);
    assert.equal(p.text, 'a = 1\nb = 2\n       \nc = a + b\n');
    const c = p.text.indexOf('c =');
    assert.deepEqual(p.locate(c), { key: 4, offset: 8, line: 2, column: 1 });
    assert.deepEqual(p.locate(p.text.indexOf('b =')), { key: 1, offset: 6, line: 2, column: 1 });
    assert.equal(p.programOffset(4, 8), c);
    assert.deepEqual(p.inCell(4, { from: c, to: c + 9 }), { from: 8, to: 17 });
    assert.equal(p.inCell(1, { from: c, to: c + 9 }), null);
  });

  it('turns any change into one edit of the program', () => {
    assert.deepEqual(programEdit('abcXdef', 'abcYYdef'), { from: 3, to: 4, insert: 'YY' });
    assert.deepEqual(programEdit('aaa', 'aaaa'), { from: 3, to: 3, insert: 'a' });
    assert.equal(programEdit('same', 'same'), null);
  });
});

describe('cells left open at their end', () => {
  // Whole cells Python compiles on their own.
  const VALID = ['z = 1', 'def h():\n    pass', 'y', 'x = f(1, [2])', '@dec\ndef k():\n    return 1', 'class C:\n    a = 1', 's = """doc"""', 'if y:\n    z = 2\nelse:\n    z = 3', 'import keras', '(a,\n b) = 1, 2'];
  // Code cut anywhere is what a cell holds while it is typed: open brackets, strings of every kind, continuations, decorators, headers.
  const TYPED = ['x = layers.Conv2D(8, (3, 3), name="c{}")(inputs)  # (', 's = """doc\n(more"""', "t = f'{x}' + r'\\d' + b'''q'''", 'y = x + \\\n    1', '@dec\ndef k(a=[1, {2: (3,)}]):\n    return a', 'for i in range(3):\n    z = i', 'w = lambda: (1, [2])', "u = {'k': ('v',\n      'w')}"];

  it('no statement runs from a cell into a later cell that compiles, with cells cut anywhere while typed (3,000 seeded notebooks)', () => {
    const random = lcg(15);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
    for (let n = 0; n < 3000; n++) {
      const valid = new Set<number>();
      const cells: ProgramCell[] = Array.from({ length: 4 }, (_, key) => {
        if (random() < 0.5) {
          const typed = pick(TYPED);
          return { key, text: `${pick(VALID)}\n${typed.slice(0, Math.floor(random() * (typed.length + 1)))}` };
        }
        valid.add(key);
        return { key, text: pick(VALID) };
      });
      const program = new NotebookProgram(cells);
      const tree = parsePython(program.text);
      for (let node = tree.topNode.firstChild; node; node = node.nextSibling) {
        const first = program.cellAt(node.from)!;
        // Code of each later cell the statement takes in (blank lines, e.g. a left-out cell, are nothing).
        for (const later of program.cells.filter((c) => c.start > first.start && c.start < node!.to)) {
          const taken = program.text.slice(later.start, Math.min(node.to, later.start + later.length));
          assert.ok(!valid.has(later.key) || taken.trim() === '', `case ${n}: ${node.name} runs from cell ${first.key} into cell ${later.key}\n${JSON.stringify(cells.map((c) => c.text))}`);
        }
      }
    }
  });

  it('a left-out cell keeps its place: offsets in the cells after it and in it map as before', () => {
    const cells = [{ key: 0, text: 'a = 1' }, { key: 2, text: 'b = f(\n  2,' }, { key: 3, text: 'c = 3' }];
    const p = new NotebookProgram(cells);
    assert.equal(p.text, 'a = 1\n      \n    \nc = 3\n');
    assert.deepEqual(p.syntaxErrors, [{ key: 2, from: 11, to: 12, message: "'(' was never closed" }]);
    assert.deepEqual(p.locate(p.text.indexOf('c =')), { key: 3, offset: 0, line: 1, column: 1 });
    assert.deepEqual(p.locate(13), { key: 2, offset: 7, line: 2, column: 1 });
  });

  it('half-typed code that stays on its line is analysed, as in a .py file', () => {
    const p = new NotebookProgram([{ key: 0, text: 'x = layers.' }, { key: 1, text: 'y = 3 +' }, { key: 2, text: "s = 'abc" }]);
    assert.deepEqual(p.syntaxErrors, []);
    assert.equal(p.text, "x = layers.\ny = 3 +\ns = 'abc\n");
  });
});

describe('notebooks against Keras running the cells in order', () => {
  for (const c of cases) {
    it(c.name, () => {
      const session = new NotebookSession();
      const { program, analysis } = session.update(caseCells(c), 'v1');
      assertMatchesKeras(program, analysis, golden(c.name));
    });
  }

  it('a model split over cells: each result sits in the cell that wrote it', () => {
    const { program, analysis } = analyzeNotebook(readFileSync(path.join(DIR, 'unet.ipynb'), 'utf8'));
    const unet = analysis.models.find((m) => m.graph.name === 'unet')!;
    const where = (name: string) => {
      const l = unet.layers.find((x) => x.layer.name === name)!;
      const p = program.locate(l.call.span.from)!;
      return [p.key, p.line];
    };
    // conv_block's layers are written in cell 2; the first pooling in cell 4, the head in cell 8.
    assert.deepEqual(where('conv2d'), [2, 2]);
    assert.deepEqual(where('max_pooling2d'), [4, 3]);
    assert.deepEqual(where('conv2d_10'), [8, 7]);
    assert.deepEqual(program.locate(unet.graph.span.from)!.key, 9);
    // Nothing is reported in the cells with magics, shell lines and the bash cell.
    assert.deepEqual(analysis.diagnostics.filter((d) => [1, 5, 6].includes(program.locate(d.from)!.key)).map((d) => d.message), []);
  });

  it('editing the last cell re-parses only around the edit and matches Keras on the edited notebook', () => {
    const c = cases.find((x) => x.name === 'unet_last_cell_edited')!;
    const session = new NotebookSession();
    const first = session.update(notebookCells(c.notebook), 'v1');
    const edited = caseCells(c);
    const after = session.update(edited, 'v2');
    const cell = after.program.span(c.edit!.cell)!;
    const edit = session.lastEdit!;
    assert.ok(edit.from >= cell.start && edit.to <= cell.start + cell.length, 'the edit lies inside the edited cell');
    assert.equal(edit.insert, '3');
    assert.notEqual(first.analysis, after.analysis);
    assertMatchesKeras(after.program, after.analysis, golden(c.name));
    assert.equal(session.analysisFor('v1'), null);
    assert.equal(session.analysisFor('v2'), after);
  });

  it('reordering cells re-analyses in the new order', () => {
    const session = new NotebookSession();
    session.update(caseCells(cases.find((x) => x.name === 'filters')!), 'v1');
    const reordered = cases.find((x) => x.name === 'filters_reordered')!;
    const after = session.update(caseCells(reordered), 'v2');
    assertMatchesKeras(after.program, after.analysis, golden('filters_reordered'));
  });
});

describe('convlens analyze NOTEBOOK.ipynb', () => {
  async function run(args: string[]) {
    const { runCli } = await import('../../extension/cli/main');
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const file = path.join(DIR, 'keras_error.ipynb');
  const truth = golden('keras_error');

  it('prints the models and each diagnostic as file:cell N:line:column', async () => {
    const r = await run(['analyze', file]);
    assert.equal(r.code, 1);
    const demo = truth.models.find((m) => m.name === 'nb_demo')!;
    assert.match(r.out, /Model: "nb_demo" \(small\) \[functional\]/);
    assert.match(r.out, new RegExp(` Total params: ${demo.params.toLocaleString('en-US')}\\n`));
    // Cells count from 1 in what people read; the golden counts from 0 (Python's index).
    const at = `${file}:cell ${truth.error!.cell + 1}:${truth.error!.line}:`;
    const line = r.out.split('\n').find((l) => l.includes(': error: '));
    assert.ok(line?.startsWith(at), `${line}\nexpected at ${at}`);
  });

  it('--json gives every position a cell, line and column', async () => {
    const r = await run(['analyze', file, '--json']);
    const doc = JSON.parse(r.out);
    const demo = doc.models.find((m: { name: string }) => m.name === 'nb_demo');
    assert.deepEqual(Object.keys(demo).slice(0, 5), ['name', 'variable', 'cell', 'line', 'column']);
    assert.deepEqual([demo.cell, demo.line], [5, 2]);
    const c1 = demo.layers.find((l: { name: string }) => l.name === 'c1');
    assert.deepEqual([c1.cell, c1.line, c1.outputShape], [3, 2, truth.models[0].layers.find((l) => l.name === 'c1')!.outputShape]);
    const error = doc.diagnostics.find((d: { severity: string }) => d.severity === 'error');
    assert.deepEqual([error.cell, error.line], [truth.error!.cell + 1, truth.error!.line]);
    assert.equal(error.endLine, truth.error!.line);
    for (const d of doc.diagnostics) assert.ok(Number.isInteger(d.cell) && d.line >= 1 && d.column >= 1);
  });

  it('reports each cell left open on the cell, line and column Python names, and still the model of the others', async () => {
    const open = golden('unclosed');
    const r = await run(['analyze', path.join(DIR, 'unclosed.ipynb'), '--json']);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.out);
    const errors = doc.diagnostics.filter((d: { severity: string }) => d.severity === 'error');
    // Cells count from 1 in reports; the golden counts from 0 (Python's index).
    assert.deepEqual(
      errors.map((d: { cell: number; line: number; column: number; message: string }) => [d.cell - 1, d.line, d.column, d.message.startsWith(`SyntaxError: ${open.syntaxErrors.find((e) => e.cell === d.cell - 1)?.message}.`)]),
      open.syntaxErrors.map((e) => [e.cell, e.line, e.column, true]),
    );
    assert.deepEqual(doc.models.map((m: { name: string; totals: { params: number } }) => [m.name, m.totals.params]), open.models.map((m) => [m.name, m.params]));
  });

  it('refuses a broken notebook with a clear message', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const bad = path.join(mkdtempSync(path.join(tmpdir(), 'convlens-nb-')), 'bad.ipynb');
    writeFileSync(bad, '{"cells": [\n');
    const r = await run(['analyze', bad]);
    assert.equal(r.code, 1);
    assert.match(r.err, /bad\.ipynb: not valid JSON: it ends early, at line 2/);
  });
});
