/**
 * `npm run bench`: ConvLens analysis vs tfjs-layers building the same model, side by side.
 * ConvLens: cold (fresh parse + trace + analysis) and per keystroke (one-character edit through
 * the editor's DocumentSession: incremental re-parse, incremental re-trace from the checkpoint
 * before the edited statement, analysis), with the edit early in the file (the first Conv2D)
 * and late (the last one); the old path that re-traced the whole file on every keystroke, typed
 * side by side with the session (keystrokes in turn after a warm-up round, each path holding its
 * last analysis as the editor does); and the editor's whole path per keystroke (update + views).
 * A row's figures (keystrokes, cold analysis, tfjs-layers build) are timed in the same rounds, so
 * each ratio compares times taken under the same load. Medians over repeated runs; never a
 * pass/fail test.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { analyze, type Analysis } from '../extension/engine/analysis/analyze';
import { IncrementalParser } from '../extension/engine/parse';
import { DocumentSession } from '../extension/engine/session/document_session';
import { answer, documentViews } from '../extension/engine/session/document_views';
import { ANALYSIS_YOUNG_GENERATION_MB } from '../extension/engine/session/worker_limits';
import { clearTraceCache, setTraceCacheEnabled } from '../extension/engine/trace/trace_cache';
import { builderChainPython, chainPython, chainTfjs, helperChainPython, RESNET152_HEAD_PYTHON, resnet152HeadTfjs, xceptionTfjs } from './models';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

type Where = 'early' | 'late';

/** Where the edit is: after the first (early) or the last (late) `anchor`. */
function editAt(text: string, anchor: string, where: Where): number {
  return (where === 'early' ? text.indexOf(anchor) : text.lastIndexOf(anchor)) + anchor.length;
}

type Edit = { from: number; to: number; insert: string };
/** One keystroke's work on a path: the new text, the edit that made it, its version. */
type Step = (text: string, edit: Edit, version: number) => void;

/**
 * A typist on one path: each call alternately inserts and deletes one digit after `anchor` (a
 * filter count, as typing would) and returns the milliseconds `step` took.
 */
function typist(text: string, anchor: string, where: Where, step: Step): () => number {
  const at = editAt(text, anchor, where);
  let current = text;
  let inserted = false;
  let version = 0;
  return () => {
    const edit = inserted ? { from: at, to: at + 1, insert: '' } : { from: at, to: at, insert: '1' };
    current = current.slice(0, edit.from) + edit.insert + current.slice(edit.to);
    inserted = !inserted;
    const t0 = performance.now();
    step(current, edit, ++version);
    return performance.now() - t0;
  };
}

/** The editor's session: incremental re-parse, re-trace from the checkpoint before the edited statement, analysis. */
function sessionPath(text: string): Step {
  const session = new DocumentSession();
  session.update(text, 0);
  return (current, edit, version) => void session.update(current, version, [edit]);
}

/**
 * The path before the incremental trace: incremental re-parse, the whole file traced again. It
 * holds its analysis until the next keystroke, as the editor did (and as a session does).
 */
function retracingAllPath(text: string): Step {
  const parser = new IncrementalParser();
  parser.parse(text);
  let held: Analysis | null = null;
  return (current, edit) => {
    held = analyze(current, { tree: parser.parse(current, [edit]) });
    void held;
  };
}

/**
 * The editor's whole path per keystroke, as its analysis worker runs it: the session's update,
 * then the views posted with every analysis (diagnostics, inlay hints, code lenses) and the
 * requests the editor makes after each change (the sidebar summary, the status bar's model, the
 * sidebar's highlighted layer, code actions at the cursor). Splits each keystroke's milliseconds.
 */
function editorPath(text: string, cursor: number, split: { update: number[]; views: number[] }): Step {
  const session = new DocumentSession();
  session.update(text, 0);
  return (current, edit, version) => {
    const t0 = performance.now();
    const analysis = session.update(current, version, [edit]);
    const t1 = performance.now();
    const views = documentViews(analysis);
    answer(current, analysis, { kind: 'summary', args: {} });
    answer(current, analysis, { kind: 'model', args: { offset: cursor } });
    answer(current, analysis, { kind: 'layer', args: { offset: cursor } });
    const here = views.diagnostics.filter((d) => d.from <= cursor && cursor <= d.to);
    answer(current, analysis, { kind: 'codeActions', args: { offset: cursor, diagnostics: here } });
    split.update.push(t1 - t0);
    split.views.push(performance.now() - t1);
  };
}

/**
 * Median milliseconds per keystroke of each path, typed side by side: each path types a block of
 * keystrokes in turn, the order rotated each round, the first round a warm-up (the JIT and the
 * young generation reach their steady state); so no path is measured colder or under other load.
 * A block's first keystroke is not counted: it pays for scavenging what the path before it left
 * young (the old path leaves ~30 ms of garbage per keystroke on the chain), which a path alone in
 * the editor's analysis worker never meets.
 */
const KEYSTROKES_PER_BLOCK = 11;

/** A comment put above a model, typed in (a digit after it). */
const COMMENT = '# notes on this model';

/** Rounds per side-by-side measure, the first a warm-up: 7 counted give each path 70 keystrokes (4 gave 30, and a run's medians moved with the machine's load). */
const ROUNDS = 8;

/**
 * Median milliseconds per keystroke of one path typed alone, as the editor's analysis worker types
 * (no other path's garbage to meet): `counted` keystrokes after `warm` of warm-up.
 */
function typedAlone(next: () => number, warm = 60, counted = 200): number {
  for (let i = 0; i < warm; i++) next();
  const samples: number[] = [];
  for (let i = 0; i < counted; i++) samples.push(next());
  return median(samples);
}

/**
 * A path timed in the side-by-side rounds that is not a keystroke (a build, a cold analysis): it
 * runs `perRound` times per round, every run after the warm-up round counted (a run of it is long
 * enough that the garbage of the path before it does not matter).
 */
interface Spaced {
  run: () => number;
  perRound: number;
}

function sideBySide(paths: Record<string, (() => number) | Spaced>, rounds = ROUNDS, perRound = KEYSTROKES_PER_BLOCK): Record<string, number> {
  const names = Object.keys(paths);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    const order = [...names.slice(r % names.length), ...names.slice(0, r % names.length)];
    for (const name of order) {
      const path = paths[name];
      const spaced = typeof path === 'function' ? null : path;
      for (let i = 0; i < (spaced ? spaced.perRound : perRound); i++) {
        const ms = spaced ? spaced.run() : (path as () => number)();
        if (r > 0 && (spaced || i > 0)) samples[name].push(ms);
      }
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
}

/** Milliseconds `fn` takes once. */
function timed(fn: () => void): () => number {
  return () => {
    const t0 = performance.now();
    fn();
    return performance.now() - t0;
  };
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

/** The semi-space size this process runs with: `npm run bench` gives it the editor analysis worker's young generation. */
function youngGenerationNote(): string {
  const semiSpaceMb = ANALYSIS_YOUNG_GENERATION_MB / 3;
  const flag = process.execArgv.find((a) => a.startsWith('--max-semi-space-size='));
  return flag && Number(flag.split('=')[1]) === semiSpaceMb
    ? `${semiSpaceMb} MB semi-spaces, as the editor's analysis worker (engine/session/worker_limits.ts)`
    : `V8's default semi-spaces, not the editor analysis worker's ${semiSpaceMb} MB (run it with --max-semi-space-size=${semiSpaceMb}, as \`npm run bench\` does)`;
}

/** The 1-minute load average, two decimals (other tenants of a shared VM included). */
function loadNow(): string {
  return loadavg()[0].toFixed(2);
}

async function main() {
  const loadAtStart = loadNow();
  await tf.setBackend('cpu');
  const xception = readFileSync(path.join(process.cwd(), 'examples', 'xception.py'), 'utf8');
  const chain = chainPython(334);
  const cases = [
    // Early: in the first Conv2D (Xception's is in a helper every block calls); late: the last layer or Conv2D.
    // Each edit keeps the text valid Python (a syntax error makes the parse from it on start afresh).
    { name: 'Xception (134 layers)', text: xception, early: 'layers.Conv2D(filters, (1', late: 'Dense(1000', tfjs: () => xceptionTfjs(tfl) },
    { name: 'generated chain (1003 layers)', text: chain, early: 'layers.Conv2D(', late: 'layers.Conv2D(', tfjs: () => chainTfjs(tfl, 334) },
    // The same 1003 layers made by 334 calls of a helper: the calls after the edit are taken over whole.
    { name: 'helper-built chain (1003 layers)', text: helperChainPython(334), early: 'conv_bn_relu(x, 1', late: 'conv_bn_relu(x, 1', tfjs: () => chainTfjs(tfl, 334) },
    // The same 1003 layers built in a function (`model = build()`): the body's statements are taken over as the module's are.
    { name: 'chain built in a function (1003 layers)', text: builderChainPython(334), early: 'layers.Conv2D(', late: 'layers.Conv2D(', tfjs: () => chainTfjs(tfl, 334) },
    // tfjs-layers has no keras.applications: its peer builds the same 518 layers one by one.
    { name: 'ResNet152 backbone + head', text: RESNET152_HEAD_PYTHON, early: 'input_shape=(224', late: 'Dense(25', tfjs: () => resnet152HeadTfjs(tfl) },
  ];
  const widths = [40, 14, 16, 16, 18, 14, 18];
  console.log(row(['model', 'ConvLens cold', 'keystroke late', 'keystroke early', 'tfjs-layers build', 'cold speed-up', 'keystroke speed-up'], widths));
  const before: string[] = [];
  const where: string[] = [];
  const tfjsBuild = new Map<string, number>();
  for (const c of cases) {
    analyze(c.text); // warm the JIT once, as an editor session would be
    const report = analyze(c.text).models.at(-1)!;
    let params = 0;
    const tfjsBuildOnce = {
      perRound: 1,
      run: timed(() => {
        const m = c.tfjs();
        params = m.countParams();
        m.dispose();
      }),
    };
    // Each ratio compares times taken in the same rounds, so under the same load: the cold analysis
    // (a file opened for the first time, nothing cached: the backbone traced and recorded) with the
    // tfjs-layers build, before any session has typed (their memos would make it warm); then the
    // keystrokes with the build again.
    const coldSide = sideBySide({
      cold: { perRound: 2, run: timed(() => {
        clearTraceCache();
        analyze(c.text);
      }) },
      tfjs: tfjsBuildOnce,
    });
    // The editor's paths with the build. The paths of before the incremental trace, which no editor
    // runs beside them (each leaves tens of MB of garbage and a working set of its own per keystroke),
    // are typed in rounds of their own, after.
    const { late, early, tfjs } = sideBySide({
      late: typist(c.text, c.late, 'late', sessionPath(c.text)),
      early: typist(c.text, c.early, 'early', sessionPath(c.text)),
      tfjs: tfjsBuildOnce,
    });
    const old = sideBySide({
      late: typist(c.text, c.late, 'late', retracingAllPath(c.text)),
      early: typist(c.text, c.early, 'early', retracingAllPath(c.text)),
    });
    const { cold, tfjs: tfjsBeside } = coldSide;
    before.push(`  ${c.name.padEnd(40)} late ${old.late.toFixed(2)} ms, early ${old.early.toFixed(2)} ms`);
    where.push(`  ${c.name.padEnd(40)} late: after \`${c.late}\` at ${lineOf(c.text, editAt(c.text, c.late, 'late'))}; early: after \`${c.early}\` at ${lineOf(c.text, editAt(c.text, c.early, 'early'))}`);
    tfjsBuild.set(c.name, tfjs);
    console.log(row([`${c.name}`, `${cold.toFixed(1)} ms`, `${late.toFixed(2)} ms`, `${early.toFixed(2)} ms`, `${tfjs.toFixed(0)} ms`, `${(tfjsBeside / cold).toFixed(0)}x`, `${(tfjs / late).toFixed(0)}x / ${(tfjs / early).toFixed(0)}x`], widths));
    if (report.layers.length < 100) throw new Error(`bench model ${c.name} traced only ${report.layers.length} layers`);
    if (params !== report.totals.params) throw new Error(`bench model ${c.name}: tfjs-layers built ${params} params, ConvLens counts ${report.totals.params}: not the same model`);
  }
  // The editor's whole path on the chain's late and early edits: the session's update, then the views.
  const splits = { late: { update: [] as number[], views: [] as number[] }, early: { update: [] as number[], views: [] as number[] } };
  const whole = sideBySide({
    late: typist(chain, 'layers.Conv2D(', 'late', editorPath(chain, editAt(chain, 'layers.Conv2D(', 'late'), splits.late)),
    early: typist(chain, 'layers.Conv2D(', 'early', editorPath(chain, editAt(chain, 'layers.Conv2D(', 'early'), splits.early)),
  });
  // Each block's first keystroke is not counted, as sideBySide does; nor the warm-up round.
  const measured = (xs: number[]) => median(xs.filter((_, i) => i >= KEYSTROKES_PER_BLOCK && i % KEYSTROKES_PER_BLOCK !== 0));
  console.log('\nthe editor\'s whole path per keystroke, generated chain:');
  for (const at of ['late', 'early'] as const) {
    console.log(`  ${at} edit: ${whole[at].toFixed(2)} ms = session update ${measured(splits[at].update).toFixed(2)} ms + views ${measured(splits[at].views).toFixed(2)} ms`);
  }
  console.log('  (views: diagnostics, inlay hints and code lenses, then the sidebar summary, status-bar model, highlighted layer and code actions at the cursor)');
  // The chain typed alone: the side-by-side paths meet each other's garbage, the editor's worker does not.
  const chainBuild = tfjsBuild.get('generated chain (1003 layers)')!;
  const aloneEarly = typedAlone(typist(chain, 'layers.Conv2D(', 'early', sessionPath(chain)));
  const aloneLate = typedAlone(typist(chain, 'layers.Conv2D(', 'late', sessionPath(chain)));
  console.log(`\ngenerated chain typed alone (one path at a time, 200 keystrokes after 60 of warm-up, as the editor's analysis worker types): early ${aloneEarly.toFixed(2)} ms (${(chainBuild / aloneEarly).toFixed(0)}x tfjs-layers), late ${aloneLate.toFixed(2)} ms (${(chainBuild / aloneLate).toFixed(0)}x)`);
  // A comment typed above the model: no statement changes, but every one moves. The trace resumes
  // from the checkpoint before the first statement: the imports and the Input run again, and the
  // cut-off takes plain statements over from there (the chain's layers, the helper chain's calls,
  // Xception's module-level loops and helper calls; not the backbone).
  const inComment = cases.map((c) => {
    const text = `${COMMENT}\n${c.text}`;
    const ms = typedAlone(typist(text, COMMENT, 'early', sessionPath(text)), 10, 40);
    return `${c.name} ${ms.toFixed(1)} ms (${(tfjsBuild.get(c.name)! / ms).toFixed(0)}x)`;
  });
  console.log(`a keystroke in a comment above the model, typed alone (40 after 10 of warm-up): ${inComment.join(', ')} (the imports, definitions and the Input run again, then the early cut-off as after any edit: the chain's layer statements, the helper chain's calls and Xception's loops and helper calls are taken over; the backbone runs again)`);
  console.log('\nwhere each keystroke is (a one-digit insertion, then its deletion, alternately):');
  for (const line of where) console.log(line);
  console.log('\nthe same keystrokes re-tracing the whole file (the path before the incremental trace):');
  for (const line of before) console.log(line);
  // A keras.applications backbone plus a small head, edited in the head: the incremental trace
  // resumes after the backbone; re-tracing the whole file, the trace cache replays the backbone
  // (without the cache: what tracing it costs). The head alone (on an Input of the backbone's
  // output shape) is the floor.
  // A small model typed the same way, for "a backbone head re-analyses as fast as a small model":
  // VGG16 (22 layers), its last Dense.
  const vgg16 = readFileSync(path.join(process.cwd(), 'examples', 'vgg16.py'), 'utf8');
  const small = sideBySide({ small: typist(vgg16, 'Dense(1000', 'late', sessionPath(vgg16)) }).small;
  console.log(`\nbackbone + head, keystroke in the head: incremental on base.output / incremental on base(inputs) (the backbone nested as one layer) / re-tracing all with the trace cache / without it / the head alone (a small model, VGG16's 22 layers, edited at its last Dense: ${small.toFixed(2)} ms)`);
  for (const [app, size, features] of [['ResNet152', 224, '(7, 7, 2048)'], ['EfficientNetB3', 300, '(10, 10, 1536)'], ['EfficientNetB7', 600, '(19, 19, 2560)'], ['MobileNetV3Small', 224, '(7, 7, 576)']] as const) {
    const head = 'x = layers.GlobalAveragePooling2D()(x)\nx = layers.Dense(256, activation="relu")(x)\nout = layers.Dense(10, activation="softmax")(x)\n';
    const full = `import keras\nfrom keras import layers\nbase = keras.applications.${app}(include_top=False, weights="imagenet")\nbase.trainable = False\nx = base.output\n${head}model = keras.Model(base.input, out)\n`;
    const nested = `import keras\nfrom keras import layers\nbase = keras.applications.${app}(include_top=False, weights="imagenet", input_shape=(${size}, ${size}, 3))\nbase.trainable = False\ninputs = keras.Input((${size}, ${size}, 3))\nx = base(inputs, training=False)\n${head}model = keras.Model(inputs, out)\n`;
    const alone = `import keras\nfrom keras import layers\ninp = keras.Input(${features})\nx = inp\n${head}model = keras.Model(inp, out)\n`;
    analyze(full);
    analyze(nested);
    const headPaths = sideBySide({
      incremental: typist(full, 'Dense(25', 'late', sessionPath(full)),
      nestedIncremental: typist(nested, 'Dense(25', 'late', sessionPath(nested)),
      cached: typist(full, 'Dense(25', 'late', retracingAllPath(full)),
      headOnly: typist(alone, 'Dense(25', 'late', sessionPath(alone)),
    });
    const { incremental, nestedIncremental, cached, headOnly } = headPaths;
    setTraceCacheEnabled(false);
    const { uncached } = sideBySide({ uncached: typist(full, 'Dense(25', 'late', retracingAllPath(full)) });
    setTraceCacheEnabled(true);
    const layers = analyze(full).models.at(-1)!.graph.calls.length;
    console.log(`  ${app} (${layers} calls) + head: ${incremental.toFixed(2)} ms / ${nestedIncremental.toFixed(2)} ms / ${cached.toFixed(2)} ms / ${uncached.toFixed(2)} ms / ${headOnly.toFixed(2)} ms`);
  }
  console.log('\nkeystroke = one-character edit in a Conv2D filter count (late: the last Conv2D, early: the first) through the editor session:');
  console.log('incremental re-parse + re-trace of the statements from the edited one on, until the state is the last trace\'s again (its plain layer statements and helper calls after that point are taken over; backbones replayed from the trace cache) + analysis. Aim: <= 5 ms at 1000 layers, >= 50x tfjs-layers.');
  console.log('tfjs-layers build = constructing the same model (symbolic shapes and weight initialisation), timed in the same rounds as the keystrokes (the column), and again beside the cold analysis (the cold speed-up).');
  console.log(`young generation: ${youngGenerationNote()}.`);
  // Other tenants' load slows a 2 ms keystroke more than a 100 ms build (3.5x against 1.4x on
  // this VM between loads of 0.3 and 1.5): the ratios are read with it.
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}); load average ${loadAtStart} at the start, ${loadNow()} at the end.`);
}

void main();
