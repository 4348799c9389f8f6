/**
 * `npm run bench`: ConvLens analysis vs tfjs-layers building the same model, side by side.
 * ConvLens: cold (fresh parse + trace + analysis) and per keystroke (one-character edit through
 * the editor's DocumentSession: incremental re-parse, incremental re-trace from the checkpoint
 * before the edited statement, analysis), with the edit early in the file (the first Conv2D)
 * and late (the last one); and the old path that re-traced the whole file on every keystroke.
 * Medians over repeated runs; never a pass/fail test.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { analyze } from '../extension/engine/analysis/analyze';
import { IncrementalParser } from '../extension/engine/parse';
import { DocumentSession } from '../extension/engine/session/document_session';
import { clearTraceCache, setTraceCacheEnabled } from '../extension/engine/trace/trace_cache';
import { chainPython, chainTfjs, RESNET152_HEAD_PYTHON, resnet152HeadTfjs, xceptionTfjs } from './models';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(runs: number, fn: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

type Where = 'early' | 'late';

/** Where the edit is: after the first (early) or the last (late) `anchor`. */
function editAt(text: string, anchor: string, where: Where): number {
  return (where === 'early' ? text.indexOf(anchor) : text.lastIndexOf(anchor)) + anchor.length;
}

/** Alternately inserts and deletes one digit inside a filter count, as typing would, through the editor's session. */
function keystroke(text: string, anchor: string, where: Where = 'late'): number {
  const session = new DocumentSession();
  session.update(text, 0);
  const at = editAt(text, anchor, where);
  let current = text;
  let inserted = false;
  let version = 0;
  return time(30, () => {
    const edit = inserted ? { from: at, to: at + 1, insert: '' } : { from: at, to: at, insert: '1' };
    current = current.slice(0, edit.from) + edit.insert + current.slice(edit.to);
    inserted = !inserted;
    session.update(current, ++version, [edit]);
  });
}

/** The path before the incremental trace: incremental re-parse, the whole file traced again. */
function keystrokeRetracingAll(text: string, anchor: string, where: Where): number {
  const parser = new IncrementalParser();
  parser.parse(text);
  const at = editAt(text, anchor, where);
  let current = text;
  let inserted = false;
  return time(30, () => {
    const edit = inserted ? { from: at, to: at + 1, insert: '' } : { from: at, to: at, insert: '1' };
    current = current.slice(0, edit.from) + edit.insert + current.slice(edit.to);
    inserted = !inserted;
    const tree = parser.parse(current, [edit]);
    analyze(current, { tree });
  });
}

/** "line 12 of 1009 (1%)": where an edit at `at` is. */
function lineOf(text: string, at: number): string {
  const line = text.slice(0, at).split('\n').length;
  const lines = text.split('\n').length;
  return `line ${line} of ${lines} (${Math.round((100 * line) / lines)}%)`;
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

async function main() {
  await tf.setBackend('cpu');
  const xception = readFileSync(path.join(process.cwd(), 'examples', 'xception.py'), 'utf8');
  const chain = chainPython(334);
  const cases = [
    // Early: in the first Conv2D (Xception's is in a helper every block calls); late: the last layer or Conv2D.
    // Each edit keeps the text valid Python (a syntax error makes the parse from it on start afresh).
    { name: 'Xception (134 layers)', text: xception, early: 'layers.Conv2D(filters, (1', late: 'Dense(1000', tfjs: () => xceptionTfjs(tfl), tfjsRuns: 3 },
    { name: 'generated chain (1003 layers)', text: chain, early: 'layers.Conv2D(', late: 'layers.Conv2D(', tfjs: () => chainTfjs(tfl, 334), tfjsRuns: 3 },
    // tfjs-layers has no keras.applications: its peer builds the same 518 layers one by one.
    { name: 'ResNet152 backbone + head', text: RESNET152_HEAD_PYTHON, early: 'input_shape=(224', late: 'Dense(25', tfjs: () => resnet152HeadTfjs(tfl), tfjsRuns: 3 },
  ];
  const widths = [30, 14, 16, 16, 18, 14, 18];
  console.log(row(['model', 'ConvLens cold', 'keystroke late', 'keystroke early', 'tfjs-layers build', 'cold speed-up', 'keystroke speed-up'], widths));
  const before: string[] = [];
  const where: string[] = [];
  for (const c of cases) {
    analyze(c.text); // warm the JIT once, as an editor session would be
    const report = analyze(c.text).models.at(-1)!;
    // Cold: a file opened for the first time, nothing cached (the backbone traced and recorded).
    const cold = time(10, () => {
      clearTraceCache();
      analyze(c.text);
    });
    const late = keystroke(c.text, c.late, 'late');
    const early = keystroke(c.text, c.early, 'early');
    before.push(`  ${c.name.padEnd(30)} late ${keystrokeRetracingAll(c.text, c.late, 'late').toFixed(2)} ms, early ${keystrokeRetracingAll(c.text, c.early, 'early').toFixed(2)} ms`);
    where.push(`  ${c.name.padEnd(30)} late: after \`${c.late}\` at ${lineOf(c.text, editAt(c.text, c.late, 'late'))}; early: after \`${c.early}\` at ${lineOf(c.text, editAt(c.text, c.early, 'early'))}`);
    let params = 0;
    const tfjs = time(c.tfjsRuns, () => {
      const m = c.tfjs();
      params = m.countParams();
      m.dispose();
    });
    console.log(row([`${c.name}`, `${cold.toFixed(1)} ms`, `${late.toFixed(2)} ms`, `${early.toFixed(2)} ms`, `${tfjs.toFixed(0)} ms`, `${(tfjs / cold).toFixed(0)}x`, `${(tfjs / late).toFixed(0)}x / ${(tfjs / early).toFixed(0)}x`], widths));
    if (report.layers.length < 100) throw new Error(`bench model ${c.name} traced only ${report.layers.length} layers`);
    if (params !== report.totals.params) throw new Error(`bench model ${c.name}: tfjs-layers built ${params} params, ConvLens counts ${report.totals.params}: not the same model`);
  }
  console.log('\nwhere each keystroke is (a one-digit insertion, then its deletion, alternately):');
  for (const line of where) console.log(line);
  console.log('\nthe same keystrokes re-tracing the whole file (the path before the incremental trace):');
  for (const line of before) console.log(line);
  // A keras.applications backbone plus a small head, edited in the head: the incremental trace
  // resumes after the backbone; re-tracing the whole file, the trace cache replays the backbone
  // (without the cache: what tracing it costs). The head alone (on an Input of the backbone's
  // output shape) is the floor.
  console.log('\nbackbone + head, keystroke in the head: incremental / re-tracing all with the trace cache / without it / the head alone');
  for (const [app, features] of [['ResNet152', '(7, 7, 2048)'], ['EfficientNetB3', '(10, 10, 1536)'], ['MobileNetV3Small', '(7, 7, 576)']] as const) {
    const head = 'x = layers.GlobalAveragePooling2D()(x)\nx = layers.Dense(256, activation="relu")(x)\nout = layers.Dense(10, activation="softmax")(x)\n';
    const full = `import keras\nfrom keras import layers\nbase = keras.applications.${app}(include_top=False, weights="imagenet")\nbase.trainable = False\nx = base.output\n${head}model = keras.Model(base.input, out)\n`;
    const alone = `import keras\nfrom keras import layers\ninp = keras.Input(${features})\nx = inp\n${head}model = keras.Model(inp, out)\n`;
    analyze(full);
    const incremental = keystroke(full, 'Dense(25');
    const cached = keystrokeRetracingAll(full, 'Dense(25', 'late');
    setTraceCacheEnabled(false);
    const uncached = keystrokeRetracingAll(full, 'Dense(25', 'late');
    setTraceCacheEnabled(true);
    const headOnly = keystroke(alone, 'Dense(25');
    const layers = analyze(full).models.at(-1)!.graph.calls.length;
    console.log(`  ${app} (${layers} calls) + head: ${incremental.toFixed(2)} ms / ${cached.toFixed(2)} ms / ${uncached.toFixed(2)} ms / ${headOnly.toFixed(2)} ms`);
  }
  console.log('\nkeystroke = one-character edit in a Conv2D filter count (late: the last Conv2D, early: the first) through the editor session:');
  console.log('incremental re-parse + re-trace of the statements from the edited one on (backbones replayed from the trace cache) + analysis. Aim: <= 5 ms at 1000 layers.');
  console.log('tfjs-layers build = constructing the same model (symbolic shapes and weight initialisation).');
}

void main();
