/**
 * `npm run bench`: ConvLens analysis vs tfjs-layers building the same model, side by side.
 * ConvLens: cold (fresh parse + trace + analysis) and per keystroke (one-character edit,
 * incremental re-parse + re-analysis). Medians over repeated runs; never a pass/fail test.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { analyze } from '../extension/engine/analysis/analyze';
import { IncrementalParser } from '../extension/engine/parse';
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

/** Alternately inserts and deletes one digit inside a filter count, as typing would. */
function keystroke(text: string, anchor: string): number {
  const parser = new IncrementalParser();
  parser.parse(text);
  const at = text.indexOf(anchor) + anchor.length;
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

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

async function main() {
  await tf.setBackend('cpu');
  const xception = readFileSync(path.join(process.cwd(), 'examples', 'xception.py'), 'utf8');
  const chain = chainPython(334);
  const cases = [
    { name: 'Xception (134 layers)', text: xception, anchor: 'layers.Conv2D(', tfjs: () => xceptionTfjs(tfl), tfjsRuns: 3 },
    { name: 'generated chain (1003 layers)', text: chain, anchor: 'layers.Conv2D(', tfjs: () => chainTfjs(tfl, 334), tfjsRuns: 3 },
    // tfjs-layers has no keras.applications: its peer builds the same 518 layers one by one.
    { name: 'ResNet152 backbone + head', text: RESNET152_HEAD_PYTHON, anchor: 'Dense(25', tfjs: () => resnet152HeadTfjs(tfl), tfjsRuns: 3 },
  ];
  const widths = [30, 14, 18, 20, 14, 16];
  console.log(row(['model', 'ConvLens cold', 'ConvLens keystroke', 'tfjs-layers build', 'cold speed-up', 'keystroke speed-up'], widths));
  for (const c of cases) {
    analyze(c.text); // warm the JIT once, as an editor session would be
    const report = analyze(c.text).models.at(-1)!;
    // Cold: a file opened for the first time, nothing cached (the backbone traced and recorded).
    const cold = time(10, () => {
      clearTraceCache();
      analyze(c.text);
    });
    const key = keystroke(c.text, c.anchor);
    let params = 0;
    const tfjs = time(c.tfjsRuns, () => {
      const m = c.tfjs();
      params = m.countParams();
      m.dispose();
    });
    console.log(row([`${c.name}`, `${cold.toFixed(1)} ms`, `${key.toFixed(2)} ms`, `${tfjs.toFixed(0)} ms`, `${(tfjs / cold).toFixed(0)}x`, `${(tfjs / key).toFixed(0)}x`], widths));
    if (report.layers.length < 100) throw new Error(`bench model ${c.name} traced only ${report.layers.length} layers`);
    if (params !== report.totals.params) throw new Error(`bench model ${c.name}: tfjs-layers built ${params} params, ConvLens counts ${report.totals.params}: not the same model`);
  }
  // A keras.applications backbone plus a small head, edited in the head: with the trace cache the
  // backbone is replayed, not traced again; without it, what re-tracing costs. The head alone (on an
  // Input of the backbone's output shape) is the floor.
  console.log('\nbackbone + head, keystroke in the head: with the trace cache / without / the head alone');
  for (const [app, features] of [['ResNet152', '(7, 7, 2048)'], ['EfficientNetB3', '(10, 10, 1536)'], ['MobileNetV3Small', '(7, 7, 576)']] as const) {
    const head = 'x = layers.GlobalAveragePooling2D()(x)\nx = layers.Dense(256, activation="relu")(x)\nout = layers.Dense(10, activation="softmax")(x)\n';
    const full = `import keras\nfrom keras import layers\nbase = keras.applications.${app}(include_top=False, weights="imagenet")\nbase.trainable = False\nx = base.output\n${head}model = keras.Model(base.input, out)\n`;
    const alone = `import keras\nfrom keras import layers\ninp = keras.Input(${features})\nx = inp\n${head}model = keras.Model(inp, out)\n`;
    analyze(full);
    const cached = keystroke(full, 'Dense(25');
    setTraceCacheEnabled(false);
    const uncached = keystroke(full, 'Dense(25');
    setTraceCacheEnabled(true);
    const headOnly = keystroke(alone, 'Dense(25');
    const layers = analyze(full).models.at(-1)!.graph.calls.length;
    console.log(`  ${app} (${layers} calls) + head: ${cached.toFixed(2)} ms / ${uncached.toFixed(2)} ms / ${headOnly.toFixed(2)} ms`);
  }
  console.log('\nkeystroke = one-character edit: incremental re-parse + re-trace (backbones replayed from the trace cache) + analysis (aim: well under 16 ms).');
  console.log('tfjs-layers build = constructing the same model (symbolic shapes and weight initialisation).');
}

void main();
