/**
 * Runs stay within their memory budget: every allocation is counted before it is made (batched
 * image inputs, receptive-field probes, ONNX Runtime's working memory, exports), runs leave no
 * files behind, and one run per document shows its results only while they are current.
 * Expected sizes are computed here from the layer formulas (plain arithmetic), not by ConvLens.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { analyze } from '../../extension/engine/analysis/analyze';
import { DocumentRuns, runIsStale } from '../../extension/editor/document_runs';
import { BudgetExceeded, ortWorkingBytes, RUNTIME_BASELINE_BYTES } from '../../extension/runtime/memory_budget';
import { InProcessRunner } from '../../extension/runtime/ort/in_process_runner';
import { lastSpatialLayer, measureReceptiveField, probeBatch } from '../../extension/runtime/rf_probe';
import { exportJob, JobFailure, runJob, type RunJob } from '../../extension/runtime/run_job';
import { InitializerWeights } from '../../extension/engine/lowering/weights';
import { runWithPeakRss } from '../support/peak_rss';

const ROOT = path.resolve(__dirname, '..', '..');
// The CLI from its sources (through tsx), never a dist/ bundle that may predate them.
const CLI = ['--import', 'tsx', path.join(ROOT, 'extension', 'cli', 'bin.ts')];
const MiB = 2 ** 20;
const tmp = mkdtempSync(path.join(tmpdir(), 'convlens-budget-'));
const runner = new InProcessRunner();
after(() => rmSync(tmp, { recursive: true, force: true }));

const model = (input: string, body: string) => `import keras\nfrom keras import layers\nx = keras.Input(${input})\n${body}\n`;
const TINY = model('(16, 16, 3)', 'y = layers.Conv2D(8, 3, padding="same", name="c")(x)\nm = keras.Model(x, layers.GlobalAveragePooling2D()(y), name="tiny")');
const job = (over: Partial<RunJob>): RunJob => ({ text: TINY, input: { kind: 'random' }, seed: 0, batch: 1, memoryBudgetMB: 64, threads: 1, receptiveField: false, ...over });

function png(file: string, width: number, height: number): string {
  const p = new PNG({ width, height });
  p.data.fill(120);
  writeFileSync(file, PNG.sync.write(p));
  return file;
}

describe('batched image inputs are counted before they are built', () => {
  it('a batch whose copies of the image exceed the budget is refused before decoding', async () => {
    const image = png(path.join(tmp, 'small.png'), 16, 16);
    // 4096 items x 16 x 16 x 3 floats = 12 MiB, twice (ours and the runner's copy): over 16 MiB.
    const before = process.memoryUsage().arrayBuffers;
    await assert.rejects(runJob(job({ input: { kind: 'image', path: image, preprocess: 'unit' }, batch: 4096, memoryBudgetMB: 16 }), runner), (e: unknown) => {
      assert.ok(e instanceof JobFailure && !e.usage, String(e));
      assert.match(e.message, /input 24 MiB/);
      assert.match(e.message, /over the memory budget of 16 MiB/);
      return true;
    });
    assert.ok(process.memoryUsage().arrayBuffers - before < 4 * MiB, 'no batch buffer was allocated');
  });

  it('the decoded size of a large image counts, from its header', async () => {
    // A 4000 x 4000 PNG decodes to 61 MiB of RGBA: over a 32 MiB budget though the model input is 16 x 16.
    const image = png(path.join(tmp, 'large.png'), 4000, 4000);
    await assert.rejects(runJob(job({ input: { kind: 'image', path: image, preprocess: 'unit' }, memoryBudgetMB: 32 }), runner), /input preparation 6\d MiB.*over the memory budget of 32 MiB/);
  });

  it('within the budget the same batch runs', async () => {
    const image = png(path.join(tmp, 'ok.png'), 16, 16);
    const r = await runJob(job({ input: { kind: 'image', path: image, preprocess: 'unit' }, batch: 8, memoryBudgetMB: 64 }), runner);
    assert.deepEqual(r.inputShape, [8, 16, 16, 3]);
  });
});

describe("ONNX Runtime's working memory is part of the estimate", () => {
  it('a convolution: its input, its output and the unfolded 3x3 patches (im2col)', () => {
    const report = analyze(TINY).models[0];
    const conv = report.layers.find((l) => l.layer.name === 'c')!;
    // Conv2D(8, 3, same) on 16x16x3: input 16*16*3, output 16*16*8, patches 16*16 positions x 3*3*3.
    const expected = (16 * 16 * 3 + 16 * 16 * 8 + 16 * 16 * 27) * 4;
    assert.equal(ortWorkingBytes(report, 1, conv), expected);
  });

  it('the run refuses when the working memory alone breaks the budget', async () => {
    // One 3x3 conv on 512x512x64: input 64 MiB, output 64 MiB, patches 576 MiB; weights and
    // activations fit far below that, so only the working memory can refuse it.
    const text = model('(512, 512, 64)', 'm = keras.Model(x, layers.Conv2D(64, 3, padding="same")(x), name="wide")');
    await assert.rejects(runJob(job({ text, memoryBudgetMB: 600 }), runner), /ONNX Runtime working memory 704 MiB.*over the memory budget of 600 MiB/);
  });
});

describe('receptive-field probes stay within the budget', () => {
  const text = model('(256, 256, 3)', 'y = layers.Conv2D(4, 3, padding="same", activation="relu")(x)\ny = layers.Conv2D(4, 3, padding="same")(y)\nm = keras.Model(x, y, name="probe")');

  it('the probe batch shrinks to fit, and the measured field still agrees', async () => {
    const report = analyze(text).models[0];
    const target = lastSpatialLayer(report)!;
    const item = 256 * 256 * 3 * 4;
    // Per probe: its input twice (768 KiB each), the input map and two 256x256x4 maps, and the largest
    // layer's working memory (input 1 MiB + output 1 MiB + 256*256*36 patches, 9 MiB).
    const perItem = item * 2 + (256 * 256 * 3 + 2 * 256 * 256 * 4) * 4 + (256 * 256 * 4 + 256 * 256 * 4 + 256 * 256 * 36) * 4;
    const batch = probeBatch(report, target, item, 32, 64 * MiB);
    // The truncated model's 260 weights, five copies of 4 bytes (see WEIGHT_COPIES_RUN).
    assert.equal(batch, Math.floor((64 * MiB - (3 * 3 * 3 * 4 + 4 + 3 * 3 * 4 * 4 + 4) * 4 * 5) / perItem));
    assert.ok(batch >= 1 && batch < 32);
    const rf = await measureReceptiveField(report, runner, { weights: new InitializerWeights(0), erfSamples: 0, memoryBudgetBytes: 64 * MiB });
    assert.ok(rf.agrees);
    // Two 3x3 convs: a 5x5 field around the centre unit (128, 128).
    assert.deepEqual(rf.measured, [{ start: 126, end: 130 }, { start: 126, end: 130 }]);
  });

  it('a budget too small for one probe is refused', () => {
    const report = analyze(text).models[0];
    assert.throws(() => probeBatch(report, lastSpatialLayer(report)!, 256 * 256 * 3 * 4, 32, 8 * MiB), BudgetExceeded);
  });
});

describe('export under the same budget', () => {
  // Dense(1000) on 1000 features: 1,001,000 parameters, 3.8 MiB; an export holds them twice.
  const text = model('(1000,)', 'm = keras.Model(x, layers.Dense(1000)(x), name="dense")');

  it('refuses when two copies of the weights exceed the budget', async () => {
    await assert.rejects(exportJob({ kind: 'export', text, seed: 0, memoryBudgetMB: 4 }), /Exporting dense would need about 8 MiB \(weights 8 MiB\), over the memory budget of 4 MiB/);
  });

  it('exports within it', async () => {
    const r = await exportJob({ kind: 'export', text, seed: 0, memoryBudgetMB: 16 });
    assert.ok(r.bytes.byteLength > 1_001_000 * 4);
  });
});

describe('one run per document', () => {
  const cancellable = () => {
    const c = { cancelled: false, disposed: false, cancel: () => (c.cancelled = true), dispose: () => (c.disposed = true) };
    return c;
  };

  it('a second Run asks; yes cancels the first, whose result is then never shown', async () => {
    const asked: string[] = [];
    const runs = new DocumentRuns(async (m) => (asked.push(m), true), cancellable);
    const first = (await runs.begin('file:///a.py', 'm1'))!;
    const second = (await runs.begin('file:///a.py', 'm2'))!;
    assert.deepEqual(asked, ['m1']);
    assert.ok(first.cancel.cancelled && first.cancel.disposed);
    assert.ok(!runs.isNewest('file:///a.py', first.id), 'the older run can never show its result');
    assert.ok(runs.isNewest('file:///a.py', second.id));
    runs.end('file:///a.py', first.id);
    assert.ok(runs.isNewest('file:///a.py', second.id), 'the older run ending does not end the newer one');
  });

  it('no keeps the first; other documents run side by side', async () => {
    const runs = new DocumentRuns(async () => false, cancellable);
    const first = (await runs.begin('file:///a.py', 'm1'))!;
    assert.equal(await runs.begin('file:///a.py', 'm1'), null);
    assert.ok(!first.cancel.cancelled);
    assert.ok(await runs.begin('file:///b.py', 'm1'));
    runs.end('file:///a.py', first.id);
    assert.ok(first.cancel.disposed);
    assert.ok(await runs.begin('file:///a.py', 'm1'), 'after it ends, no question');
  });

  it('results carry the document version; an edit makes them stale', async () => {
    const r = await runJob(job({ documentVersion: 7 }), runner);
    assert.equal(r.documentVersion, 7);
    const source = { document: 'file:///a.py', version: r.documentVersion };
    assert.equal(runIsStale(source, 'file:///a.py', 7), false);
    assert.equal(runIsStale(source, 'file:///a.py', 8), true);
    assert.equal(runIsStale(source, 'file:///b.py', 8), false, 'another file says nothing about this run');
  });
});

describe('the CLI as a child process', () => {
  const cli = (args: string[]) => runWithPeakRss(process.execPath, [...CLI, ...args], { cwd: ROOT });

  it('leaves no /tmp/mat-debug-<pid>.log (ONNX Runtime telemetry off)', async () => {
    const file = path.join(tmp, 'tiny.py');
    writeFileSync(file, TINY);
    const started = Date.now() - 1000;
    const child = await new Promise<{ pid: number; code: number | null }>((resolve) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const p = require('node:child_process').spawn(process.execPath, [...CLI, 'run', file, '--no-rf'], { cwd: ROOT, stdio: 'ignore' });
      p.on('exit', (code: number | null) => resolve({ pid: p.pid, code }));
    });
    assert.equal(child.code, 0);
    // A file of that name from an older process with the same pid (pids are reused) does not count.
    const log = `/tmp/mat-debug-${child.pid}.log`;
    assert.ok(!existsSync(log) || statSync(log).mtimeMs < started, `${log} was written by this run`);
  });

  it(`peak RSS within the budget plus the runtime's own ${RUNTIME_BASELINE_BYTES / MiB} MiB, near the budget`, { skip: !existsSync('/proc/self/status') }, async () => {
    // 256x256x3 input, three 3x3 convs (probes at every pixel of both axes: 512 impulses of 768 KiB,
    // 384 MiB if they were all made at once) under a 96 MiB budget.
    const file = path.join(tmp, 'near.py');
    writeFileSync(file, model('(256, 256, 3)', 'y = layers.Conv2D(8, 3, padding="same", activation="relu")(x)\ny = layers.Conv2D(8, 3, padding="same", activation="relu")(y)\nm = keras.Model(x, layers.Conv2D(8, 3, padding="same")(y), name="near")'));
    const r = await cli(['run', file, '--memory-budget', '96', '--threads', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /measured in the image rows 125\.\.131, cols 125\.\.131: agrees/);
    assert.ok(r.peakBytes > 0);
    assert.ok(r.peakBytes <= 96 * MiB + RUNTIME_BASELINE_BYTES, `peak ${(r.peakBytes / MiB).toFixed(0)} MiB`);
  });

  it('a run estimated at 95% of its budget stays within it plus the runtime baseline', { skip: !existsSync('/proc/self/status') }, async () => {
    // Two 3x3 convs on 512x512x16 (batch 1): input 16 MiB, maps of 32 MiB, and the second conv's
    // 3x3x32 patches (288 MiB): estimated at 544 MiB; the budget is 576 MiB.
    const file = path.join(tmp, 'wide.py');
    writeFileSync(file, model('(512, 512, 16)', 'y = layers.Conv2D(32, 3, padding="same", activation="relu")(x)\nm = keras.Model(x, layers.Conv2D(32, 3, padding="same")(y), name="wide")'));
    const r = await cli(['run', file, '--no-rf', '--memory-budget', '576', '--threads', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.peakBytes > 0);
    assert.ok(r.peakBytes <= 576 * MiB + RUNTIME_BASELINE_BYTES, `peak ${(r.peakBytes / MiB).toFixed(0)} MiB`);
    // And at 512 MiB the same run is refused: the estimate is what keeps it within the budget.
    const refused = await cli(['run', file, '--no-rf', '--memory-budget', '512']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /would need about 544 MiB/);
  });

  it('over the budget: refused at the runtime baseline, exit 1', { skip: !existsSync('/proc/self/status') }, async () => {
    const file = path.join(tmp, 'over.py');
    writeFileSync(file, model('(512, 512, 3)', 'm = keras.Model(x, layers.Conv2D(64, 3, padding="same")(x), name="over")'));
    const r = await cli(['run', file, '--batch', '64', '--memory-budget', '256']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /over the memory budget of 256 MiB/);
    assert.ok(r.peakBytes <= RUNTIME_BASELINE_BYTES, `peak ${(r.peakBytes / MiB).toFixed(0)} MiB`);
  });
});
