/** Small greyscale thumbnails of a feature map's first channels (for the sidebar). */
import { imageAxes, pixelIndex, type DataFormat } from '../../engine/analysis/data_format';

export interface Thumbnails {
  /** Channels shown (the first ones), thumbnail height and width. */
  channels: number;
  height: number;
  width: number;
  /** channels x height x width bytes, each channel scaled to 0..255 by its own min and max. */
  data: Uint8Array;
}

/**
 * From a 4D tensor (batch item 0) laid out NHWC or NCHW as `format` says: up to `maxChannels`
 * channels, downsampled to `size`.
 */
export function featureThumbnails(dims: number[], data: Float32Array, format: DataFormat = 'channels_last', maxChannels = 8, size = 32): Thumbnails | null {
  if (dims.length !== 4) return null;
  const { height: H, width: W, channels: C } = imageAxes(dims, format);
  const at = (y: number, x: number, c: number) => data[pixelIndex(format, H, W, C, y, x, c)];
  const channels = Math.min(C, maxChannels);
  const scale = Math.max(1, Math.ceil(Math.max(H, W) / size));
  const h = Math.ceil(H / scale);
  const w = Math.ceil(W / scale);
  const out = new Uint8Array(channels * h * w);
  for (let c = 0; c < channels; c++) {
    let min = Infinity;
    let max = -Infinity;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const v = at(y, x, c);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const range = max - min || 1;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      // Nearest sample: thumbnails show structure, not exact values.
      const v = at(Math.min(y * scale, H - 1), Math.min(x * scale, W - 1), c);
      out[(c * h + y) * w + x] = Math.round(((v - min) / range) * 255);
    }
  }
  return { channels, height: h, width: w, data: out };
}
