/**
 * A saved model is a model: `.keras` archives and legacy full-model `.h5` files written by real
 * Keras (test/goldens/weights) analyse layer by layer like their Python source, and run with their
 * own weights to Keras' predict.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import type { ModelReport } from '../../extension/engine/analysis/analyze';
import { chooseModel } from '../../extension/engine/analysis/model_choice';
import { analyzeSavedModel } from '../../extension/engine/saved_model/saved_model';
import { runCli } from '../../extension/cli/main';
import { readNpy } from '../../extension/runtime/inputs/npy';

const GOLDENS = path.join(__dirname, '..', 'goldens', 'weights');
const manifest = JSON.parse(readFileSync(path.join(GOLDENS, 'manifest.json'), 'utf8')) as {
  cases: Record<string, { source: string; input: string; output: string; model_name: string; files: Record<string, string | null> }>;
};
const tmp = mkdtempSync(path.join(tmpdir(), 'convlens-saved-'));

/** What Keras' summary shows per layer. */
function rows(m: ModelReport) {
  return m.layers.map((l) => ({ name: l.layer.name, type: l.layer.type, shape: l.outputShape, params: l.params }));
}

/** The model a file is about (the outermost one), as rows. */
function saved(report: ModelReport | null) {
  assert.ok(report);
  return { model: report.graph.name, layers: rows(report), totals: report.totals };
}

const REBUILT = ['named_convs', 'twelve_same_convs', 'auto_named', 'conv_kinds', 'nested_sequential', 'nested_functional', 'shared_layer'];

describe('analyze model.keras / model.h5 equals analyze model.py', () => {
  for (const name of REBUILT) {
    const golden = manifest.cases[name];
    const fromSource = analyze(readFileSync(path.join(GOLDENS, golden.source), 'utf8'));
    for (const key of ['keras', 'legacy_h5'] as const) {
      const file = golden.files[key];
      if (!file) continue;
      it(`${file}`, async () => {
        const analysis = await analyzeSavedModel(path.join(GOLDENS, file));
        assert.deepEqual(analysis.analysis.diagnostics.filter((d) => d.severity === 'error'), []);
        assert.deepEqual(saved(chooseModel(analysis.analysis)), saved(chooseModel(fromSource)));
        assert.equal(chooseModel(analysis.analysis)?.graph.name, golden.model_name);
      });
    }
  }
});

describe('saved models run with their own weights', () => {
  for (const name of REBUILT) {
    const golden = manifest.cases[name];
    it(`convlens run ${golden.files.keras} reproduces Keras' predict`, async () => {
      const out = path.join(tmp, `${name}.npy`);
      const log: string[] = [];
      const code = await runCli(['run', path.join(GOLDENS, golden.files.keras!), '--input', path.join(GOLDENS, golden.input), '--save-output', out, '--no-rf', '--json'], { out: (s) => log.push(s), err: (s) => log.push(s) });
      assert.equal(code, 0, log.join('\n'));
      const got = readNpy(readFileSync(out)).data;
      const want = readNpy(readFileSync(path.join(GOLDENS, golden.output))).data;
      let diff = 0;
      let scale = 1e-12;
      want.forEach((w, i) => {
        diff = Math.max(diff, Math.abs(got[i] - w));
        scale = Math.max(scale, Math.abs(w));
      });
      assert.ok(diff / scale <= 1e-5, `relative error ${diff / scale}`);
    });
  }
});

describe('saved files that are not (rebuildable) models', () => {
  const cli = async (file: string) => {
    const err: string[] = [];
    const code = await runCli(['analyze', path.join(GOLDENS, file)], { out: () => {}, err: (s) => err.push(s) });
    return { code, err: err.join('\n') };
  };

  it('a subclassed model: its architecture is code, one line, exit 1', async () => {
    const { code, err } = await cli('subclassed_model.keras');
    assert.equal(code, 1);
    assert.equal(err, 'convlens: subclassed_model.keras cannot be shown as a model: it holds a subclassed model (convlens_goldens>Net): its architecture is Python code, not configuration, so open the source that defines it');
  });

  it('a weights-only legacy file has no architecture', async () => {
    const { code, err } = await cli('named_convs.legacy-weights.h5');
    assert.equal(code, 1);
    assert.equal(err, "convlens: named_convs.legacy-weights.h5 holds weights only, no architecture: give it with --weights to the model's source");
  });

  it('a custom layer class: the layers around it are analysed, the diagnostic names the layer', async () => {
    const out: string[] = [];
    await runCli(['analyze', path.join(GOLDENS, 'custom_layer.keras')], { out: (s) => out.push(s), err: (s) => out.push(s) });
    assert.match(out.join('\n'), /custom_layer\.keras \(layer scaled_stack\): info: ConvLens does not model the layer `ScaledConvStack`/);
    assert.match(out.join('\n'), /stem \(Conv2D\) +\(None, 16, 16, 6\) +168 /);
  });
});
