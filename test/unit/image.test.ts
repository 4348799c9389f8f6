/** Image inputs: PNG and JPEG decoding, resizing and preprocessing, and running on them. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { runCli } from '../../extension/cli/main';
import { decodeImage, imageToInput, resizeBilinear } from '../../extension/runtime/inputs/image';
import { upsample2d } from '../support/reference';

function png(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Uint8Array {
  const img = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const [r, g, b] = pixel(x, y);
    img.data.set([r, g, b, 255], (y * width + x) * 4);
  }
  return PNG.sync.write(img);
}

describe('decoding and preprocessing', () => {
  it('PNG pixels come back exactly', () => {
    const img = decodeImage(png(3, 2, (x, y) => [x * 100, y * 200, 7]));
    assert.deepEqual([img.width, img.height], [3, 2]);
    assert.deepEqual(Array.from(img.data.subarray(((1 * 3) + 2) * 4, ((1 * 3) + 2) * 4 + 4)), [200, 200, 7, 255]);
  });

  it('JPEG decodes close to its source colour', () => {
    const w = 16;
    const data = new Uint8Array(w * w * 4);
    for (let i = 0; i < w * w; i++) data.set([200, 40, 90, 255], i * 4);
    const encoded = jpeg.encode({ data, width: w, height: w }, 95).data;
    const img = decodeImage(encoded);
    assert.ok(Math.abs(img.data[0] - 200) <= 3 && Math.abs(img.data[1] - 40) <= 3 && Math.abs(img.data[2] - 90) <= 3);
  });

  it('bilinear resize by 2 uses half-pixel centres (as Keras / tf.image.resize)', () => {
    const src = decodeImage(png(3, 2, (x, y) => [x * 50 + y * 30, 0, 0]));
    const resized = resizeBilinear(src, 4, 6);
    const red = Float32Array.from({ length: 4 * 6 }, (_, i) => resized[i * 4]);
    const ref = upsample2d({ data: Float32Array.from({ length: 6 }, (_, i) => src.data[i * 4]), shape: [1, 2, 3, 1] }, [2, 2], 'bilinear');
    assert.deepEqual(Array.from(red), Array.from(ref.data));
  });

  it('preprocessing ranges: raw, unit, symmetric, imagenet; grey for one channel', () => {
    const img = decodeImage(png(2, 2, () => [255, 0, 51]));
    assert.deepEqual(Array.from(imageToInput(img, 1, 1, 3, 'raw')), [255, 0, 51]);
    assert.deepEqual(Array.from(imageToInput(img, 1, 1, 3, 'unit')), [1, 0, 0.2].map(Math.fround));
    assert.deepEqual(Array.from(imageToInput(img, 1, 1, 3, 'symmetric')), [1, -1, 51 / 127.5 - 1].map(Math.fround));
    const net = imageToInput(img, 1, 1, 3, 'imagenet');
    assert.ok(Math.abs(net[0] - (1 - 0.485) / 0.229) < 1e-5 && Math.abs(net[1] - (0 - 0.456) / 0.224) < 1e-5);
    assert.ok(Math.abs(imageToInput(img, 1, 1, 1, 'raw')[0] - (0.299 * 255 + 0.114 * 51)) < 1e-3);
    assert.throws(() => imageToInput(img, 1, 1, 4, 'raw'), /4 channels/);
  });

  it('refuses a huge PNG from its header', () => {
    const bytes = png(2, 2, () => [0, 0, 0]);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    view.setUint32(16, 100_000);
    view.setUint32(20, 100_000);
    assert.throws(() => decodeImage(bytes), /over the 40 MP limit/);
  });
});

describe('convlens run on an image', () => {
  it('resizes to the model input and runs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convlens-img-'));
    const model = path.join(dir, 'm.py');
    writeFileSync(model, 'import keras\nfrom keras import layers\nx = keras.Input((16, 16, 3))\ny = layers.Conv2D(4, 3)(x)\nmodel = keras.Model(x, layers.GlobalMaxPooling2D()(y))\n');
    const image = path.join(dir, 'cat.png');
    writeFileSync(image, png(40, 30, (x, y) => [x * 6, y * 8, 128]));
    const out: string[] = [];
    const code = await runCli(['run', model, '--input', image, '--preprocess', 'imagenet', '--batch', '2', '--json', '--no-rf'], { out: (s) => out.push(s), err: (s) => out.push(s) });
    assert.equal(code, 0, out.join('\n'));
    const doc = JSON.parse(out.join('\n'));
    assert.deepEqual(doc.inputShape, [2, 16, 16, 3]);
    assert.deepEqual(doc.outputShape, [2, 4]);
  });
});
