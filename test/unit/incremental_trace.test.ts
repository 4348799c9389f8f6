/**
 * The incremental trace (extension/engine/trace/incremental_trace.ts) against tracing afresh:
 * after every edit of a random seeded series (typing, deleting, a digit retyped, a line cut or
 * pasted, early, middle and late in the file), the editor session's analysis must be the same
 * object graph, JSON, summary and hovers as a fresh analysis of the same text (one that reuses
 * nothing from earlier analyses either: extension/engine/reuse.ts). Over the fixed
 * examples, the golden notebooks (edited cell by cell) and the corpus when present.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze, type Analysis, type AnalyzeOptions } from '../../extension/engine/analysis/analyze';
import { codeCells } from '../../extension/engine/notebook/analyze_notebook';
import { parseIpynb } from '../../extension/engine/notebook/ipynb';
import { NotebookSession } from '../../extension/engine/notebook/notebook_session';
import { NotebookProgram, type ProgramCell } from '../../extension/engine/notebook/program';
import type { TextEdit } from '../../extension/engine/parse';
import { setReuseEnabled } from '../../extension/engine/reuse';
import { reusedOrders } from '../../extension/engine/trace/recent_graphs';
import { reusedModels, reusedSummaries } from '../../extension/engine/analysis/model_memo';
import { reusedInsides } from '../../extension/engine/analysis/entries';
import { extendedModels, keptInnerEntries, keptModelNodes } from '../../extension/engine/trace/tracking_kept';
import { resumedPrefixes } from '../../extension/engine/analysis/prefix_memo';
import { DocumentSession } from '../../extension/engine/session/document_session';
import { setCheckpointAudit } from '../../extension/engine/trace/checkpoint';
import { loadCorpus } from '../corpus/compare';
import { EXAMPLE_FILES, example, ROOT } from '../support/analyze';
import { lcg } from '../support/random';
import { assertSameAnalysis } from '../support/same_analysis';

type Random = () => number;

const pick = <T>(next: Random, xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];

function lineAround(text: string, at: number): { from: number; to: number } {
  const from = text.lastIndexOf('\n', at - 1) + 1;
  const end = text.indexOf('\n', at);
  return { from, to: end < 0 ? text.length : end + 1 };
}

/**
 * One random edit. Half of them near the previous one (typing goes on where it was, which is
 * what the checkpoint is for), the others anywhere.
 */
function randomEdit(text: string, next: Random, near: number | null): TextEdit {
  const at = near !== null && next() < 0.5 ? Math.max(0, Math.min(text.length, near + Math.floor(next() * 9) - 4)) : Math.floor(next() * (text.length + 1));
  const r = next();
  if (r < 0.25) {
    const digits = [...text.matchAll(/\d/g)].map((m) => m.index!);
    if (digits.length) {
      const d = near !== null && next() < 0.5 ? digits.reduce((best, x) => (Math.abs(x - at) < Math.abs(best - at) ? x : best)) : pick(next, digits);
      return { from: d, to: d + 1, insert: String(Math.floor(next() * 10)) };
    }
  }
  if (r < 0.5) return { from: at, to: at, insert: pick(next, [' ', 'x', '1', '(', ')', ',', '\n', '=', '.', '    ']) };
  if (r < 0.7) return { from: at, to: Math.min(text.length, at + 1 + Math.floor(next() * 3)), insert: '' };
  if (r < 0.8) return { ...lineAround(text, at), insert: '' };
  if (r < 0.9) {
    const line = lineAround(text, Math.floor(next() * text.length));
    const to = lineAround(text, at).from;
    return { from: to, to, insert: text.slice(line.from, line.to) };
  }
  const start = lineAround(text, at).from;
  return { from: start, to: start, insert: pick(next, ['y = layers.Dense(3)(x)\n', 'layers.Conv2D(8, 3)\n', 'def f(a=1):\n    return a\n', 'x = f()\n', 'global x\n', 'keras.backend.clear_session()\n']) };
}

const apply = (text: string, e: TextEdit) => text.slice(0, e.from) + e.insert + text.slice(e.to);

const LIMITS = { maxSteps: 200_000 };

/**
 * The reference: a fresh trace and an analysis that reuses nothing from earlier analyses (so a
 * reuse that is wrong differs from it even where the session's analysis would reuse the same way).
 */
function fromScratch(text: string, options: Omit<AnalyzeOptions, 'tree'>): Analysis {
  setReuseEnabled(false);
  try {
    return analyze(text, options);
  } finally {
    setReuseEnabled(true);
  }
}

/** Helper calls taken over (watched_statement.ts), and statements of function bodies (body_graft.ts), in all the series so far. */
let helperCallsTaken = 0;
let bodyStatementsTaken = 0;

/** Runs `edits` random edits of `original` through one DocumentSession; returns how many traces resumed. */
function editSeries(name: string, original: string, edits: number, seed: number, options: Omit<AnalyzeOptions, 'tree'> = { limits: LIMITS }): number {
  const next = lcg(seed);
  const session = new DocumentSession(options);
  let text = original;
  session.update(text, 0);
  let near: number | null = null;
  let resumed = 0;
  for (let version = 1; version <= edits; version++) {
    const edit = randomEdit(text, next, near);
    near = edit.from + edit.insert.length;
    text = apply(text, edit);
    const incremental = session.update(text, version, [edit]);
    if (session.tracer.stats.fresh === null) resumed++;
    helperCallsTaken += session.tracer.stats.graftedHelpers;
    bodyStatementsTaken += session.tracer.stats.graftedInBodies;
    assertSameAnalysis(incremental, fromScratch(text, options), text, `${name}, edit ${version} ${JSON.stringify(edit)} (${JSON.stringify(session.tracer.stats)})`);
  }
  return resumed;
}


// Every restore checks that the writes to layers it undoes (instead of saving them) were all logged.
setCheckpointAudit(true);

describe('incremental trace: random edits give the same analysis as tracing afresh', () => {
  for (const [i, file] of EXAMPLE_FILES.entries()) {
    it(file, () => {
      const resumed = editSeries(file, example(file), 40, 1000 + i);
      // Not vacuous: most of these traces resumed from a checkpoint.
      assert.ok(resumed >= 10, `${file}: only ${resumed} of 40 traces resumed`);
    });
  }

  it('helper calls among the statements taken over in the examples', () => {
    console.log(`examples: ${helperCallsTaken} helper calls taken over`);
    // Not vacuous: the examples built with helpers (U-Net's double_conv, Xception's sep_bn after its loops...) had some taken over.
    assert.ok(helperCallsTaken > 0);
  });

  it('with a small step budget (traces cut short, still the same)', () => {
    const resumed = editSeries('xception.py, 3,000 steps', example('xception.py'), 25, 77, { limits: { maxSteps: 3_000 } });
    assert.ok(resumed >= 5, `only ${resumed} resumed`);
  });

  it('with a default input shape', () => {
    editSeries('unet.py, input shape', example('unet.py'), 15, 78, { limits: LIMITS, defaultInputShape: [64, 64, 1] });
  });

  it('the corpus of real Keras code (when present)', () => {
    const files = loadCorpus();
    let resumed = 0;
    const bodyStatementsBefore = bodyStatementsTaken;
    for (const [i, file] of files.entries()) resumed += editSeries(file.entry.file, file.text, 8, 5000 + i);
    console.log(`corpus: ${files.length} files, ${files.length * 8} edits, ${resumed} resumed, ${bodyStatementsTaken - bodyStatementsBefore} statements of function bodies taken over`);
    if (files.length) assert.ok(resumed > files.length, `only ${resumed} traces resumed`);
  });
});

describe('incremental trace: notebooks edited cell by cell', () => {
  const DIR = path.join(ROOT, 'test', 'goldens', 'notebooks');
  for (const [n, file] of ['unet.ipynb', 'filters.ipynb', 'keras_error.ipynb'].entries()) {
    it(file, () => {
      const next = lcg(300 + n);
      let cells: ProgramCell[] = codeCells(parseIpynb(readFileSync(path.join(DIR, file), 'utf8')));
      const session = new NotebookSession({ limits: LIMITS });
      session.update(cells, 'v0');
      let near: number | null = null;
      let cell = cells.length - 1;
      for (let version = 1; version <= 25; version++) {
        if (next() < 0.3) {
          cell = Math.floor(next() * cells.length);
          near = null;
        }
        if (next() < 0.08 && cells.length > 1) {
          // A cell moved to the end (Run All then runs it last).
          const [moved] = cells.splice(cell, 1);
          cells = [...cells, moved];
          cell = cells.length - 1;
        } else {
          const edit = randomEdit(cells[cell].text, next, near);
          near = edit.from + edit.insert.length;
          cells = cells.map((c, i) => (i === cell ? { ...c, text: apply(c.text, edit) } : c));
        }
        const result = session.update(cells, `v${version}`);
        const text = new NotebookProgram(cells).text;
        assert.equal(result.program.text, text);
        assertSameAnalysis(result.analysis, fromScratch(text, { limits: LIMITS }), text, `${file}, edit ${version}`);
      }
    });
  }
});

describe('incremental trace: a notebook past ~45,000 characters (where Lezer once put error nodes in valid code; see long_modules.test.ts)', () => {
  it('edited in its last cell, is what a fresh parse and trace of the program give', () => {
    const cells: ProgramCell[] = [{ key: 0, text: '%matplotlib inline\nimport keras\nfrom keras import layers\nx = inputs = keras.Input(shape=(32, 32, 8))' }];
    for (let i = 0; i < 300; i++) cells.push({ key: cells.length, text: `# block ${i}\nx = layers.Conv2D(8, 3, padding="same", name="conv_${i}")(x)\nx = layers.BatchNormalization(name="bn_${i}")(x)\nx = layers.ReLU(name="relu_${i}")(x)${i % 10 === 0 ? '\n!nvidia-smi' : ''}` });
    cells.push({ key: cells.length, text: 'x = layers.Conv2D(8, 1, name="head")(x)\nmodel = keras.Model(inputs, x, name="chain")' });
    const session = new NotebookSession({ limits: LIMITS });
    session.update(cells, 'v0');
    for (let v = 1; v <= 3; v++) {
      const edited = cells.map((c, i) => (i === cells.length - 1 ? { ...c, text: c.text.replace('Conv2D(8, 1', v % 2 ? 'Conv2D(81, 1' : 'Conv2D(8, 1') } : c));
      const result = session.update(edited, `v${v}`);
      const text = new NotebookProgram(edited).text;
      assertSameAnalysis(result.analysis, fromScratch(text, { limits: LIMITS }), text, `long notebook, edit ${v}`);
    }
  });
});

describe('incremental trace: what an edit after a statement can change in the state before it', () => {
  /** Edits `edit` times at the anchor (typing a digit there and taking it back), comparing each time. */
  function typeAt(text: string, anchor: string, times = 6): { resumed: number } {
    const session = new DocumentSession({ limits: LIMITS });
    session.update(text, 0);
    const at = text.indexOf(anchor);
    assert.ok(at >= 0, anchor);
    let current = text;
    let resumed = 0;
    for (let v = 1; v <= times; v++) {
      const edit = v % 2 ? { from: at, to: at, insert: '7' } : { from: at, to: at + 1, insert: '' };
      current = apply(current, edit);
      const incremental = session.update(current, v, [edit]);
      if (session.tracer.stats.fresh === null) resumed++;
    helperCallsTaken += session.tracer.stats.graftedHelpers;
      assertSameAnalysis(incremental, fromScratch(current, { limits: LIMITS }), current, `${anchor} edit ${v}`);
    }
    return { resumed };
  }

  const PRELUDE = 'import keras\nfrom keras import layers\nimport functools\n';

  it('lists, dicts and objects made before the edit and changed after it', () => {
    const text = `${PRELUDE}blocks = []\nwidths = {"a": 8}\nx = inputs = keras.Input((32, 32, 3))\nx = layers.Conv2D(8, 3)(x)\nblocks.append(x)\nwidths["b"] = 16\nx = layers.Conv2D(widths["b"], 3)(x)\nblocks.append(x)\ny = layers.Concatenate()([layers.Cropping2D(2)(blocks[0]), blocks[-1]])\nmodel = keras.Model(inputs, y)\n`;
    const { resumed } = typeAt(text, '16\nx = layers');
    assert.ok(resumed >= 4);
  });

  it('a Sequential built before the edit and added to after it; a layer called again later; trainable changed later', () => {
    const text = `${PRELUDE}model = keras.Sequential([keras.Input((16,)), layers.Dense(8)])\nshared = layers.Dense(4)\nmodel.add(shared)\nmodel.add(layers.Dense(3))\nshared.trainable = False\nother = keras.Sequential([keras.Input((4,)), shared])\n`;
    typeAt(text, '3))\nshared');
  });

  it('automatic names: layers named before the edit keep their numbers, later ones count on', () => {
    const text = `${PRELUDE}x = inputs = keras.Input((32, 32, 3))\nx = layers.Conv2D(8, 3)(x)\nx = layers.Conv2D(8, 3)(x)\nx = layers.Conv2D(9, 3)(x)\nx = layers.Conv2D(8, 3)(x)\nm = keras.Model(inputs, x)\nkeras.backend.clear_session()\nn = keras.Sequential([keras.Input((3,)), layers.Dense(2)])\n`;
    typeAt(text, '9, 3)');
  });

  it('functools.partial and bound methods made before the edit, called after it', () => {
    const text = `${PRELUDE}Conv = functools.partial(layers.Conv2D, padding="same")\nx = inputs = keras.Input((32, 32, 3))\nm = keras.Sequential()\nadd = m.add\nx = Conv(8, 3)(x)\nadd(keras.Input((8,)))\nadd(layers.Dense(5))\nx = Conv(16, 3)(x)\nmodel = keras.Model(inputs, x)\n`;
    typeAt(text, '16, 3)');
  });

  it('a function defined before the edit, called after it; an edit inside a function called earlier', () => {
    const text = `${PRELUDE}def block(x, f=8):\n    x = layers.Conv2D(f, 3, padding="same")(x)\n    return layers.ReLU()(x)\n\nx = inputs = keras.Input((32, 32, 3))\nx = block(x)\nx = block(x, 16)\nx = block(x, 32)\nmodel = keras.Model(inputs, x)\n`;
    typeAt(text, '32)\nmodel');
    typeAt(text, '3, padding');
  });

  it('global statements and a builder never called', () => {
    const text = `${PRELUDE}count = 0\ndef make(width=8):\n    global count\n    count += 1\n    inputs = keras.Input((width,))\n    return keras.Model(inputs, layers.Dense(count)(inputs))\n\nfirst = make()\nsecond = make(4)\ndef unused(w=3):\n    i = keras.Input((w,))\n    return keras.Model(i, layers.Dense(2)(i))\n`;
    typeAt(text, '4)\ndef');
    typeAt(text, '2)(i)');
  });

  it('a keras.applications backbone before the edit (replayed or not), its head after it', () => {
    const text = `${PRELUDE}base = keras.applications.MobileNetV3Small(input_shape=(64, 64, 3), include_top=False, weights=None)\nbase.trainable = False\nx = layers.GlobalAveragePooling2D()(base.output)\nx = layers.Dense(10)(x)\nmodel = keras.Model(base.input, x)\n`;
    const { resumed } = typeAt(text, '10)(x)');
    assert.ok(resumed >= 4);
  });

  it('an input-shape comment added after the checkpoint', () => {
    const text = `${PRELUDE}m = keras.Sequential([layers.Conv2D(8, 3)])\nx = 1\n# convlens: input_shape=(32, 32, 3)\nn = keras.Sequential([layers.Conv2D(4, 3)])\n`;
    typeAt(text, '32, 32, 3)');
    typeAt(text, '4, 3)])');
  });

  it('tensor names: spots met before the checkpoint met again after it (a helper called later), the checkpoint moved later and earlier', () => {
    const text = `${PRELUDE}def block(x, f=8):\n    y = layers.Conv2D(f, 3, padding="same")(x)\n    return y\n\nx = inputs = keras.Input((32, 32, 3))\nx = block(x)\nx = block(x, 16)\nz = x\nx = block(x, 32)\nmodel = keras.Model(inputs, x)\n`;
    const session = new DocumentSession({ limits: LIMITS });
    let current = text;
    session.update(current, 0);
    let resumed = 0;
    for (const [v, anchor] of ['16)', '16)', '16)', '16)', '32)', '32)', '32)', '32)', '16)', '16)'].entries()) {
      // A '1' typed before the anchor, then taken back.
      const typing = v % 2 === 0;
      const at = current.indexOf(typing ? anchor : `1${anchor}`);
      assert.ok(at >= 0, `${anchor} in ${current}`);
      const edit = typing ? { from: at, to: at, insert: '1' } : { from: at, to: at + 1, insert: '' };
      current = apply(current, edit);
      const incremental = session.update(current, v + 1, [edit]);
      if (session.tracer.stats.fresh === null) resumed++;
    helperCallsTaken += session.tracer.stats.graftedHelpers;
      // The helper's `y` and `x` spots: one entry each, counted over all three calls, holding the last call's tensor.
      const y = incremental.tensorNames.find((n) => n.name === 'y');
      assert.equal(y?.times, 3, current);
      assert.equal(y?.tensor, incremental.models[0].graph.calls.at(-1)?.output);
      assertSameAnalysis(incremental, fromScratch(current, { limits: LIMITS }), current, `edit ${v + 1} at ${anchor}`);
    }
    assert.ok(resumed >= 4);
  });

  it('an edit before the checkpoint, then after it again: traced afresh, then resumed', () => {
    const text = `${PRELUDE}x = inputs = keras.Input((32, 32, 3))\nx = layers.Conv2D(8, 3)(x)\nx = layers.Conv2D(16, 3)(x)\nmodel = keras.Model(inputs, x)\n`;
    const session = new DocumentSession({ limits: LIMITS });
    let current = text;
    session.update(current, 0);
    const steps: (string | null)[] = [];
    for (const [v, anchor] of ['16, 3', '16, 3', '16, 3', '8, 3', '8, 3', '16, 3'].entries()) {
      const at = current.indexOf(anchor);
      const edit = { from: at, to: at, insert: '1' };
      current = apply(current, edit);
      const incremental = session.update(current, v + 1, [edit]);
      steps.push(session.tracer.stats.fresh);
      assertSameAnalysis(incremental, fromScratch(current, { limits: LIMITS }), current, `edit ${v + 1} at ${anchor}`);
    }
    // First edit: resumed from the checkpoint the first trace made before its first statement; then
    // from the edited statement's; an edit earlier than the checkpoint starts afresh.
    assert.equal(steps[0], null);
    assert.equal(steps[2], null);
    assert.equal(steps[3], 'an edit before the checkpoint');
    assert.equal(steps[5], null);
  });
});

describe('incremental analysis: what the analysis reuses from the last keystroke is redone when what it was made from changed', () => {
  /** The edit that turns `a` into `b` (their common prefix and suffix kept). */
  function diff(a: string, b: string): TextEdit {
    let from = 0;
    while (from < a.length && from < b.length && a[from] === b[from]) from++;
    let tail = 0;
    while (tail < a.length - from && tail < b.length - from && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
    return { from, to: a.length - tail, insert: b.slice(from, b.length - tail) };
  }

  /**
   * Each text in turn through one session (as the edits between them), each compared with a fresh
   * analysis made from scratch; `rounds` times over, so every text also follows every other. Returns how many traces
   * resumed from a checkpoint (the old calls were handed to the analysis again).
   */
  function typeSeries(texts: string[], rounds = 3): number {
    const session = new DocumentSession({ limits: LIMITS });
    let current = texts[0];
    session.update(current, 0);
    let resumed = 0;
    let version = 0;
    for (let r = 0; r < rounds; r++) {
      for (const [i, text] of texts.entries()) {
        if (text === current) continue;
        const analysis = session.update(text, ++version, [diff(current, text)]);
        current = text;
        if (session.tracer.stats.fresh === null) resumed++;
    helperCallsTaken += session.tracer.stats.graftedHelpers;
        assertSameAnalysis(analysis, fromScratch(text, { limits: LIMITS }), text, `text ${i}, round ${r}`);
      }
    }
    return resumed;
  }

  /** The texts `template` gives for each of `values` in place of `$`. */
  const variants = (template: string, values: string[]) => values.map((v) => template.replaceAll('$', v));

  const PRELUDE = 'import keras\nfrom keras import layers\n';

  it('a model built before the edit, then frozen, re-configured or extended after it (its calls analysed again, not reused)', () => {
    const text = `${PRELUDE}inputs = keras.Input((16, 16, 3))\nconv = layers.Conv2D(8, 3)\nx = conv(inputs)\nx = layers.Conv2D(8, 3, dilation_rate=2)(x)\nencoder = keras.Model(inputs, x)\ny = layers.Dense(4)(encoder.output)\n$\nfull = keras.Model(inputs, y)\n`;
    assert.ok(typeSeries(variants(text, ['conv.trainable = False', 'encoder.trainable = False', 'conv.trainable = True', 'z = conv(x)', 'pass'])) >= 4);
  });

  it('a model edited after 40 unchanged calls: a layer called twice among them called again, frozen, a merge with one of them, a dilation chain through them', () => {
    const body = Array.from({ length: 20 }, (_, i) => `x = layers.Conv2D(4, 3, padding="same", dilation_rate=${i % 2 ? 2 : 1})(x)\nx = layers.ReLU()(x)\n`).join('');
    const text = `${PRELUDE}inputs = keras.Input((16, 16, 4))\nshared = layers.Conv2D(4, 3, padding="same")\nmid = shared(inputs)\nx = shared(mid)\n${body}$\nmodel = keras.Model(inputs, y)\n`;
    const prefixesBefore = resumedPrefixes.count;
    const edits = ['y = shared(x)', 'y = layers.Conv2D(4, 3, padding="same", dilation_rate=2)(x)', 'shared.trainable = False\ny = shared(x)', 'y = layers.Add()([x, mid])', 'y = layers.Conv2D(4, 3, padding="same", dilation_rate=4)(x)'];
    assert.ok(typeSeries(variants(text, edits)) >= 8);
    assert.ok(resumedPrefixes.count - prefixesBefore >= 4, `${resumedPrefixes.count - prefixesBefore} prefixes resumed`);
  });

  it('a layer frozen after its call, and unfrozen (params, totals)', () => {
    const text = `${PRELUDE}x = inputs = keras.Input((32, 32, 8))\nconv = layers.Conv2D(16, 3)\nx = conv(x)\nx = layers.Conv2D(16, 3, dilation_rate=2)(x)\nmodel = keras.Model(inputs, x)\nconv.trainable = $\ny = 1\n`;
    assert.ok(typeSeries(variants(text, ['False', 'True', 'bool(0)'])) >= 4);
  });

  it('a backbone frozen after it was built, its head after that (params of every backbone layer)', () => {
    const text = `${PRELUDE}base = keras.applications.MobileNetV3Small(input_shape=(64, 64, 3), include_top=False, weights=None)\nx = layers.GlobalAveragePooling2D()(base.output)\nbase.trainable = $\nx = layers.Dense(10)(x)\nmodel = keras.Model(base.input, x)\n`;
    assert.ok(typeSeries(variants(text, ['False', 'True'])) >= 2);
    // One layer of it frozen or renamed after it was built: its kept node, entries and summary are not the backbone's now.
    const oneLayer = `${PRELUDE}base = keras.applications.MobileNetV3Small(input_shape=(64, 64, 3), include_top=False, weights=None)\nx = layers.GlobalAveragePooling2D()(base.output)\n$\nx = layers.Dense(10)(x)\nmodel = keras.Model(base.input, x)\n`;
    assert.ok(typeSeries(variants(oneLayer, ['pass', 'y = 1', 'base.layers[3].trainable = False', 'y = 2', 'base.layers[3].name = "renamed"', 'y = 3'])) >= 4);
  });

  it('a backbone + head edited in the head; the backbone nested as one layer of the model', () => {
    const flat = `${PRELUDE}base = keras.applications.ResNet50(input_shape=(64, 64, 3), include_top=False, weights=None)\nbase.trainable = False\nx = layers.GlobalAveragePooling2D()(base.output)\nx = layers.Dense($)(x)\nmodel = keras.Model(base.input, x)\n`;
    const modelsBefore = reusedModels.count;
    const prefixesBefore = resumedPrefixes.count;
    const nodesBefore = keptModelNodes.count;
    const extendedBefore = extendedModels.count;
    const summariesBefore = reusedSummaries.count;
    assert.ok(typeSeries(variants(flat, ['10', '101', '1'])) >= 4);
    // The backbone, a model built before the edit, had its calls' analysis reused whole; the model
    // around it, re-built on each edit, resumed its analysis after the backbone's calls.
    assert.ok(reusedModels.count - modelsBefore >= 4, `${reusedModels.count - modelsBefore} models reused`);
    assert.ok(resumedPrefixes.count - prefixesBefore >= 4, `${resumedPrefixes.count - prefixesBefore} prefixes resumed`);
    // The backbone's tracking node, entries, totals and entry reports were the kept ones, and the
    // model around it was listed as the backbone's layers and order plus the head's.
    assert.ok(keptModelNodes.count - nodesBefore >= 4 && reusedSummaries.count - summariesBefore >= 4, `${keptModelNodes.count - nodesBefore} nodes, ${reusedSummaries.count - summariesBefore} summaries kept`);
    assert.ok(extendedModels.count - extendedBefore >= 4, `${extendedModels.count - extendedBefore} models extended`);
    // Heads whose calls do not give Keras' order as read off them: a layer called twice, a layer of
    // the backbone called again, a nested model, an operation.
    const heads = `${PRELUDE}base = keras.applications.MobileNetV3Small(input_shape=(32, 32, 3), include_top=False, weights=None)\nshared = layers.Conv2D(576, 1)\ninner = keras.Sequential([layers.Conv2D(576, 1)])\nx = base.output\n$\nx = layers.GlobalAveragePooling2D()(x)\nmodel = keras.Model(base.input, layers.Dense(3)(x))\n`;
    assert.ok(typeSeries(variants(heads, ['x = shared(x)', 'x = shared(shared(x))', 'x = base.layers[-1](x)', 'x = inner(x)', 'x = keras.ops.relu(x)', 'x = x + 1', 'pass'])) >= 4);
    const nested = `${PRELUDE}base = keras.applications.MobileNetV2(input_shape=(64, 64, 3), include_top=False, weights=None)\ninputs = keras.Input((64, 64, 3))\nx = base(inputs, training=False)\nx = layers.Conv2D($, 3, padding="same")(x)\nx = layers.GlobalAveragePooling2D()(x)\nmodel = keras.Model(inputs, x)\n`;
    const ordersBefore = reusedOrders.count;
    assert.ok(typeSeries(variants(nested, ['8', '81', '16'])) >= 4);
    // The model's order (its nested backbone one entry) was made on the last one's, not afresh.
    assert.ok(reusedOrders.count - ordersBefore >= 4, `${reusedOrders.count - ordersBefore} orders reused`);
  });

  it('a nested backbone frozen, unfrozen or applied again after its settled application, and nested models that hold models', () => {
    const modelEntriesBefore = keptInnerEntries.count;
    const insidesBefore = reusedInsides.count;
    const applied = `${PRELUDE}base = keras.applications.MobileNetV3Small(input_shape=(32, 32, 3), include_top=False, weights=None)\ninputs = keras.Input((32, 32, 3))\nx = base(inputs)\n$\nx = layers.GlobalAveragePooling2D()(x)\nmodel = keras.Model(inputs, layers.Dense(5)(x))\n`;
    assert.ok(typeSeries(variants(applied, ['base.trainable = False', 'base.trainable = True', 'pass', 'y = 1', 'base.layers[3].trainable = False', 'x = base(x)'])) >= 4);
    // A kept inside was met: typing after the backbone's application changed nothing in it (`pass`, then `y = 1`).
    assert.ok(keptInnerEntries.count > modelEntriesBefore && reusedInsides.count > insidesBefore, `${keptInnerEntries.count - modelEntriesBefore} ${reusedInsides.count - insidesBefore}`);
    const holding = `${PRELUDE}inner = keras.Sequential([layers.Conv2D(4, 3), layers.ReLU()])\nmid = keras.Sequential([inner, layers.Conv2D(4, 1)])\ninputs = keras.Input((16, 16, 3))\nx = mid(inputs)\nx = layers.Conv2D($, 1)(x)\nmodel = keras.Model(inputs, x)\n`;
    assert.ok(typeSeries(variants(holding, ['4', '41', '8'])) >= 4);
    // A custom layer whose second call, after the edit, runs a layer the first did not: its entries are grouped again.
    const block = 'class Block(layers.Layer):\n    def __init__(self):\n        super().__init__()\n        self.conv = layers.Conv2D(4, 3, padding="same")\n        self.drop = layers.Dropout(0.5)\n    def call(self, x, training=False):\n        x = self.conv(x)\n        if training:\n            x = self.drop(x)\n        return x\n';
    const branching = `${PRELUDE}${block}b = Block()\ninputs = keras.Input((16, 16, 4))\nx = b(inputs)\n$\nmodel = keras.Model(inputs, x)\n`;
    assert.ok(typeSeries(variants(branching, ['pass', 'y = 1', 'x = b(x, training=True)', 'y = 2'])) >= 4);
  });

  it('a head on a nested backbone where the last order cannot be reused: an unused input, a branch off the backbone, a layer shared with the head', () => {
    const backbone = `${PRELUDE}base = keras.applications.MobileNetV3Small(input_shape=(32, 32, 3), include_top=False, weights=None)\ninputs = keras.Input((32, 32, 3))\nextra = keras.Input((4,))\nx = base(inputs)\nshared = layers.Dense(6)\n`;
    const unused = `${backbone}x = layers.GlobalAveragePooling2D()(x)\nx = layers.Dense($)(x)\nmodel = keras.Model([inputs, extra], x)\n`;
    const branch = `${backbone}g = layers.GlobalAveragePooling2D()(x)\nm = layers.GlobalMaxPooling2D()(x)\ny = layers.Dense($)(g)\nmodel = keras.Model(inputs, layers.Concatenate()([y, m]))\n`;
    const sharedHead = `${backbone}x = layers.GlobalAveragePooling2D()(x)\nx = layers.Dense(6)(x)\nx = shared(x)\nx = layers.Dense($)(x)\nx = shared(x)\nmodel = keras.Model(inputs, x)\n`;
    for (const text of [unused, branch, sharedHead]) assert.ok(typeSeries(variants(text, ['6', '61', '7'])) >= 4);
  });

  it('the same calls in two models with other receptive fields and dilation chains (one starts at an intermediate tensor)', () => {
    const text = `${PRELUDE}inputs = keras.Input((64, 64, 8))\nx = layers.Conv2D(8, 3, padding="same")(inputs)\nmid = layers.Conv2D(8, 3, padding="same", dilation_rate=2)(x)\ny = layers.Conv2D(8, 3, padding="same", dilation_rate=2)(mid)\ny = layers.Conv2D(8, 3, padding="same", dilation_rate=$)(y)\nwhole = keras.Model(inputs, y)\ntail = keras.Model(mid, y)\n`;
    // In the whole model the chain starts at \`mid\` (rate 2: gridding after it), in the tail after it.
    assert.ok(typeSeries(variants(text, ['2', '3', '4'])) >= 4);
  });

  it('a layer called once, then twice, then three times in one model (its report summed over the calls)', () => {
    const text = `${PRELUDE}a = keras.Input((16,))\nshared = layers.Dense(16)\nx = shared(a)\n$model = keras.Model(a, x)\n`;
    typeSeries(variants(text, ['', 'x = shared(x)\n', 'x = shared(x)\nx = shared(x)\n']));
  });

  it('an input shape changed through the model (every shape, field and saving after it)', () => {
    const text = `${PRELUDE}x = inputs = keras.Input(($, $, 8))\nfor i in range(6):\n    x = layers.Conv2D(16, 3, padding="same")(x)\n    x = layers.ReLU()(x)\nmodel = keras.Model(inputs, x)\n`;
    typeSeries(variants(text, ['32', '64', 'None']));
  });

  it('a config value changed upstream (the gridding chain and receptive fields after it)', () => {
    const text = `${PRELUDE}x = inputs = keras.Input((64, 64, 8))\nx = layers.Conv2D(8, 3, padding="same", dilation_rate=$)(x)\nfor r in (2, 4):\n    x = layers.Conv2D(8, 3, padding="same", dilation_rate=r)(x)\nx = layers.Conv2DTranspose(8, 3, strides=2)(x)\nmodel = keras.Model(inputs, x)\n`;
    typeSeries(variants(text, ['2', '1', '3', '4']));
  });
});
