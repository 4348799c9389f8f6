/**
 * Damaged, hostile and mismatched weight files: one clear line each (what, where, both shapes),
 * nothing from the HDF5 library on stderr, and sizes refused from metadata before reading.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { analyze } from '../../extension/engine/analysis/analyze';
import { chooseModel } from '../../extension/engine/analysis/model_choice';
import { TrainedWeights, WeightFileError } from '../../extension/engine/weights/trained_weights';
import { runCli } from '../../extension/cli/main';

const GOLDENS = path.join(__dirname, '..', 'goldens', 'weights');
const tmp = mkdtempSync(path.join(tmpdir(), 'convlens-damaged-'));

function graphOf(source: string) {
  return chooseModel(analyze(source))!.graph;
}
const golden = (name: string) => graphOf(readFileSync(path.join(GOLDENS, 'cases', `${name}.py`), 'utf8'));

async function refusal(file: string, source = 'twelve_same_convs', maxBytes?: number): Promise<string> {
  try {
    await TrainedWeights.load(file, golden(source), maxBytes);
  } catch (e) {
    assert.ok(e instanceof WeightFileError, `a WeightFileError, got ${(e as Error).stack}`);
    assert.doesNotMatch(e.message, /\n/, 'one line');
    return e.message;
  }
  assert.fail('the file was accepted');
}

/** Captures what the process writes to stderr while `body` runs (the HDF5 library prints there). */
async function stderrOf(body: () => Promise<unknown>): Promise<string> {
  const chunks: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((c: string | Uint8Array) => (chunks.push(String(c)), true)) as typeof process.stderr.write;
  try {
    await body();
  } finally {
    process.stderr.write = write;
  }
  return chunks.join('');
}

describe('damaged weight files', () => {
  it('a truncated .weights.h5 says so, and the HDF5 library prints nothing', async () => {
    const whole = readFileSync(path.join(GOLDENS, 'twelve_same_convs.weights.h5'));
    const file = path.join(tmp, 'cut.weights.h5');
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    let message = '';
    const noise = await stderrOf(async () => (message = await refusal(file)));
    assert.match(message, new RegExp(`cut\\.weights\\.h5 is truncated: its HDF5 header declares ${whole.length} bytes, the file has ${Math.floor(whole.length / 2)}`));
    assert.equal(noise, '');
  });

  it('neither HDF5 nor a zip', async () => {
    const file = path.join(tmp, 'notes.weights.h5');
    writeFileSync(file, 'these are not weights\n');
    assert.equal(await refusal(file), 'notes.weights.h5 is not an HDF5 file');
  });

  it('a truncated .keras archive', async () => {
    const whole = readFileSync(path.join(GOLDENS, 'twelve_same_convs.keras'));
    const file = path.join(tmp, 'cut.keras');
    writeFileSync(file, whole.subarray(0, 2000));
    assert.match(await refusal(file), /^cut\.keras is not a readable \.keras archive .*is it truncated\?$/);
  });

  it('a zip that is not a .keras archive', async () => {
    const file = path.join(tmp, 'photos.keras');
    writeFileSync(file, zipSync({ 'a.txt': new TextEncoder().encode('hello') }));
    assert.equal(await refusal(file), 'photos.keras is a zip without config.json or model.weights.h5: not a .keras archive');
  });

  it('a .keras whose weights would inflate past the budget is refused before inflating', async () => {
    const zip = zipSync({ 'model.weights.h5': new Uint8Array(1000) }, { level: 0 });
    // Declare 3.5 GiB uncompressed in the central directory (what a zip bomb does).
    const view = Buffer.from(zip);
    const central = view.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    view.writeUInt32LE(0xe0000000, central + 24);
    const file = path.join(tmp, 'bomb.keras');
    writeFileSync(file, view);
    assert.match(await refusal(file), /^bomb\.keras would inflate to more than the memory budget of 2048 MiB \(model\.weights\.h5 declares 3584 MiB\)$/);
  });
});

describe('weight files that do not fit the model', () => {
  it('another model\'s Keras 3 file: the layer, the variables and the path inside the file', async () => {
    // named_convs' first Conv2D has no bias: layers/conv2d/vars holds the kernel only.
    const msg = await refusal(path.join(GOLDENS, 'named_convs.weights.h5'));
    assert.equal(msg, 'layer "c1" (Conv2D) has 2 variables (kernel, bias); named_convs.weights.h5 has 1 at /layers/conv2d/vars');
  });

  it('a layer of another width: the layer, the path inside the file and both shapes', async () => {
    const source = readFileSync(path.join(GOLDENS, 'cases', 'twelve_same_convs.py'), 'utf8').replace('layers.Conv2D(4, 3, padding="same", name="c2")', 'layers.Conv2D(5, 3, padding="same", name="c2")');
    await assert.rejects(TrainedWeights.load(path.join(GOLDENS, 'twelve_same_convs.weights.h5'), graphOf(source)), (e: Error) => {
      assert.equal(e.message, 'layer "c2" (Conv2D) kernel has shape (3, 3, 4, 5); twelve_same_convs.weights.h5 has (3, 3, 4, 4) at /layers/conv2d_1/vars/0');
      return true;
    });
  });

  it('another model\'s legacy file: counts first (legacy files pair by order)', async () => {
    const msg = await refusal(path.join(GOLDENS, 'conv_kinds.legacy.h5'));
    assert.match(msg, /^"twelve_same_convs" has 13 layers with weights; conv_kinds\.legacy\.h5 has \d+ \(layers are paired by order in legacy HDF5 files\)$/);
  });

  it('a model with one layer more than the file: the missing group is named', async () => {
    const source = readFileSync(path.join(GOLDENS, 'cases', 'twelve_same_convs.py'), 'utf8').replace('layers.GlobalAveragePooling2D(', 'layers.Conv2D(4, 3, padding="same"),\n        layers.GlobalAveragePooling2D(');
    assert.notEqual(source, readFileSync(path.join(GOLDENS, 'cases', 'twelve_same_convs.py'), 'utf8'));
    await assert.rejects(TrainedWeights.load(path.join(GOLDENS, 'twelve_same_convs.weights.h5'), graphOf(source)), /twelve_same_convs\.weights\.h5 has no \/layers\/conv2d_12\/vars for layer "conv2d(_\d+)?" \(Conv2D\): it was not saved from this model/);
  });

  it('a file with a layer more than the model: the stray path is named, nothing is loaded', async () => {
    const source = readFileSync(path.join(GOLDENS, 'cases', 'twelve_same_convs.py'), 'utf8').replace('layers.Conv2D(4, 3, padding="same", name="c12"),', '');
    await assert.rejects(TrainedWeights.load(path.join(GOLDENS, 'twelve_same_convs.weights.h5'), graphOf(source)), /holds variables at \/layers\/conv2d_11\/vars that no layer of "twelve_same_convs" has/);
  });

  it('a dataset declaring 160 GB is refused from its metadata, without reading it', async () => {
    const before = process.memoryUsage().rss;
    const msg = await refusal(path.join(GOLDENS, 'hostile', 'huge_dataset.weights.h5'));
    assert.match(msg, /^layer "c\d+" \(Conv2D\) kernel has shape \(3, 3, 4, 4\); huge_dataset\.weights\.h5 has \(100000, 100000, 4, 4\) at \/layers\/conv2d\/vars\/0$/);
    assert.ok(process.memoryUsage().rss - before < 256 * 2 ** 20, 'no large allocation');
  });

  it('weights larger than the memory budget are refused before reading', async () => {
    assert.match(await refusal(path.join(GOLDENS, 'twelve_same_convs.weights.h5'), 'twelve_same_convs', 4096), /the weights of "twelve_same_convs" need 0\.\d+ MiB, more than the memory budget of 0\.00 MiB/);
  });

  it('convlens run exits 1 with one line naming the file and the reason', async () => {
    const err: string[] = [];
    const code = await runCli(['run', path.join(GOLDENS, 'cases', 'twelve_same_convs.py'), '--weights', path.join(GOLDENS, 'named_convs.keras')], { out: () => {}, err: (s) => err.push(s) });
    assert.equal(code, 1);
    assert.match(err.join('\n'), /^convlens: cannot load weights from .*named_convs\.keras: layer "c1" \(Conv2D\) has 2 variables \(kernel, bias\); named_convs\.keras \(model\.weights\.h5\) has 1 at \/layers\/conv2d\/vars$/);
  });
});
