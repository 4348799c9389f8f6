/** Image inputs: PNG / JPEG decoding (pngjs, jpeg-js), bilinear resize, Keras-style preprocessing. */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { pixelIndex, type DataFormat } from '../../engine/analysis/data_format';

export type Preprocess = 'raw' | 'unit' | 'symmetric' | 'imagenet';

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel, row-major. */
  data: Uint8Array;
}

/** Largest image accepted before decoding (its header says the size). */
export const MAX_IMAGE_PIXELS = 40_000_000;

/** Width and height from a PNG or JPEG header (before decoding); null when the header is not found. */
export function imageDimensions(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50) return { width: view.getUint32(16), height: view.getUint32(20) };
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  // JPEG: walk the segments to a start-of-frame marker (C0..CF except C4, C8, CC).
  for (let i = 2; i + 9 < bytes.length; ) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(i + 5), width: view.getUint16(i + 7) };
    }
    i += 2 + view.getUint16(i + 2);
  }
  return null;
}

export function decodeImage(bytes: Uint8Array): RgbaImage {
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  if (isPng) {
    // Refuse huge images from the header, before allocating their pixels.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length >= 24 && view.getUint32(16) * view.getUint32(20) > MAX_IMAGE_PIXELS) {
      throw new Error(`the image is ${view.getUint32(16)}x${view.getUint32(20)} pixels, over the ${MAX_IMAGE_PIXELS / 1e6} MP limit`);
    }
    const png = PNG.sync.read(Buffer.from(bytes));
    return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
  }
  if (isJpeg) {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6 });
    return { width: img.width, height: img.height, data: img.data };
  }
  throw new Error('not a PNG or JPEG image');
}

/** Bilinear resize with half-pixel centres (as tf.image.resize), per RGBA channel, to floats. */
export function resizeBilinear(img: RgbaImage, height: number, width: number): Float32Array {
  const out = new Float32Array(height * width * 4);
  const sy = img.height / height;
  const sx = img.width / width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const tx = fx - x0;
      for (let c = 0; c < 4; c++) {
        const p = (yy: number, xx: number) => img.data[(yy * img.width + xx) * 4 + c];
        const top = p(y0, x0) * (1 - tx) + p(y0, x1) * tx;
        const bottom = p(y1, x0) * (1 - tx) + p(y1, x1) * tx;
        out[(y * width + x) * 4 + c] = top * (1 - ty) + bottom * ty;
      }
    }
  }
  return out;
}

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/**
 * An image as one sample for a model input of height x width x channels (3: RGB, 1: luma), laid out
 * HWC (channels_last) or CHW (channels_first), scaled as `preprocess` says: raw 0..255, unit
 * [0, 1], symmetric [-1, 1], imagenet (x/255 - mean) / std.
 */
export function imageToInput(img: RgbaImage, height: number, width: number, channels: number, preprocess: Preprocess, format: DataFormat = 'channels_last'): Float32Array {
  if (channels !== 1 && channels !== 3) throw new Error(`the model input has ${channels} channels; images feed 1 (grey) or 3 (RGB)`);
  const rgba = resizeBilinear(img, height, width);
  const out = new Float32Array(height * width * channels);
  for (let i = 0; i < height * width; i++) {
    const rgb = [rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2]];
    const values = channels === 3 ? rgb : [0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]];
    values.forEach((v, c) => {
      let x = v;
      if (preprocess === 'unit') x = v / 255;
      else if (preprocess === 'symmetric') x = v / 127.5 - 1;
      else if (preprocess === 'imagenet') x = channels === 3 ? (v / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c] : (v / 255 - 0.449) / 0.226;
      out[pixelIndex(format, height, width, channels, Math.floor(i / width), i % width, c)] = x;
    });
  }
  return out;
}
