/** The `convlens analyze` command: output, JSON document, exit status. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../extension/cli/main';
import { ROOT } from '../support/analyze';

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function tempFile(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'convlens-cli-'));
  const file = path.join(dir, 'model.py');
  writeFileSync(file, text);
  return file;
}

describe('convlens analyze', () => {
  it('prints a Keras-like summary with totals', async () => {
    const r = await run(['analyze', path.join(ROOT, 'examples/mobilenet_v1.py'), '--quiet']);
    assert.equal(r.code, 0);
    assert.match(r.out, /Model: "mobilenet_1\.00_224" \(model\) \[functional\]/);
    assert.match(r.out, /conv_pw_13 \(Conv2D\)\s+\(None, 7, 7, 1024\)\s+1,048,576\s+51\.38M\s+315x315 \/32/);
    assert.match(r.out, / Total params: 4,253,864/);
  });

  it('--json follows the documented version-1 document', async () => {
    const r = await run(['analyze', path.join(ROOT, 'examples/xception.py'), '--json']);
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.out);
    assert.equal(doc.version, 1);
    const m = doc.models[0];
    assert.deepEqual(Object.keys(m), ['name', 'variable', 'line', 'column', 'inputs', 'outputs', 'layers', 'totals']);
    assert.equal(m.name, 'xception');
    assert.equal(m.variable, 'model');
    assert.deepEqual(m.inputs, [[null, 299, 299, 3]]);
    assert.deepEqual(m.outputs, [[null, 1000]]);
    assert.equal(m.totals.params, 22_910_480);
    const source = readFileSync(path.join(ROOT, 'examples/xception.py'), 'utf8').split('\n');
    const line = source.findIndex((l) => l.includes('name="block1_conv1"')) + 1;
    const conv = m.layers.find((l: { name: string }) => l.name === 'block1_conv1');
    assert.deepEqual(conv, {
      name: 'block1_conv1', type: 'Conv2D', line, column: source[line - 1].indexOf('layers.') + 1, inbound: ['input_layer'],
      outputShape: [null, 149, 149, 32], params: 864, trainableParams: 864, nonTrainableParams: 0,
      macs: 149 * 149 * 3 * 3 * 3 * 32, receptiveField: { size: [3, 3], stride: [2, 2], padding: [0, 0] },
    });
    assert.deepEqual(m.layers.find((l: { name: string }) => l.name === 'avg_pool').receptiveField, { global: true });
  });

  it('exit status 1 on an error diagnostic, printed as file:line:col', async () => {
    const file = tempFile('import keras\nfrom keras import layers\nx = keras.Input((4, 4, 1))\ny = layers.Conv2D(2, 5)(x)\nm = keras.Model(x, y)\n');
    const r = await run(['analyze', file]);
    assert.equal(r.code, 1);
    assert.ok(r.out.includes(`${file}:4:5: error: Computed output size would be zero or negative.`), r.out);
  });

  it('--input-shape feeds models without an input', async () => {
    const file = tempFile('import keras\nfrom keras import layers\nm = keras.Sequential([layers.Conv2D(2, 3), layers.Flatten()])\n');
    const doc = JSON.parse((await run(['analyze', file, '--input-shape', '10,10,3', '--json'])).out);
    assert.deepEqual(doc.models[0].outputs, [[null, 128]]);
  });

  it('usage errors exit 2 with a message', async () => {
    assert.equal((await run([])).code, 2);
    assert.equal((await run(['frobnicate'])).code, 2);
    assert.equal((await run(['analyze'])).code, 2);
    assert.equal((await run(['analyze', 'x.py', '--input-shape', 'big'])).code, 2);
    const missing = await run(['analyze', path.join(ROOT, 'no-such-file.py')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read .*ENOENT/);
  });

  it('a file that is not Python source is refused with a usage error, not read as Python', async () => {
    for (const name of ['README.md', 'notes.txt', 'config.json']) {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'convlens-cli-')), name);
      writeFileSync(file, 'See the model below.\n');
      const r = await run(['analyze', file]);
      assert.equal(r.code, 2, name);
      assert.match(r.err, new RegExp(`${name.replace('.', '\\.')} is not Python source: convlens reads \\.py files, Jupyter notebooks \\(\\.ipynb\\) and saved models \\(\\.keras, \\.h5\\)`));
    }
  });

  it('--input-shape fills the None axes of a declared input; a shape of another rank is a usage error', async () => {
    const file = tempFile('import keras\ninputs = keras.Input((None, None, 3))\nx = keras.layers.Conv2D(8, 3, strides=2)(inputs)\nmodel = keras.Model(inputs, x)\n');
    const filled = await run(['analyze', file, '--input-shape', '64,64,3', '--json']);
    // Keras on a (None, 64, 64, 3) input: Conv2D(8, 3, strides=2, padding="valid") gives (None, 31, 31, 8).
    assert.deepEqual(JSON.parse(filled.out).models[0].layers.map((l: { outputShape: unknown }) => l.outputShape), [[null, 64, 64, 3], [null, 31, 31, 8]]);
    const wrongRank = await run(['analyze', file, '--input-shape', '64,64']);
    assert.equal(wrongRank.code, 2);
    assert.match(wrongRank.err, /--input-shape gives 2 axes, but the model's input has 3: \(None, None, 3\)/);
  });

  it('a `# convlens: input_shape=` comment above a keras.Input fills its None axes too, ahead of --input-shape', async () => {
    const file = tempFile('import keras\n# convlens: input_shape=(64, 48, 3)\ninputs = keras.Input((None, None, 3))\nx = keras.layers.Conv2D(4, 3, strides=2, padding="same")(inputs)\nmodel = keras.Model(inputs, x)\n');
    // Keras on a (None, 64, 48, 3) input: Conv2D(4, 3, strides=2, padding="same") gives (None, 32, 24, 4).
    for (const args of [[], ['--input-shape', '16,16,3']]) {
      const r = await run(['analyze', file, '--json', ...args]);
      assert.deepEqual(JSON.parse(r.out).models[0].layers.map((l: { outputShape: unknown }) => l.outputShape), [[null, 64, 48, 3], [null, 32, 24, 4]], args.join(' '));
    }
  });

  it('a file without models says so', async () => {
    const r = await run(['analyze', tempFile('print("hello")\n')]);
    assert.equal(r.code, 0);
    assert.match(r.out, /No Keras model found/);
  });
});
