/**
 * Plain-loop reference implementations (NHWC, batch first), written from the definitions, for
 * numeric tests of the ONNX lowering where tfjs-layers is not a faithful oracle.
 */

export interface Tensor {
  data: Float32Array;
  shape: number[];
}

const at4 = (s: number[], n: number, h: number, w: number, c: number) => ((n * s[1] + h) * s[2] + w) * s[3] + c;

/** TF/Keras 'same': total = max((ceil(L/s)-1)*s + k_eff - L, 0); the extra pixel goes after. */
export function samePadBefore(len: number, k: number, s: number, d: number): number {
  const kEff = d * (k - 1) + 1;
  const out = Math.ceil(len / s);
  return Math.floor(Math.max((out - 1) * s + kEff - len, 0) / 2);
}

function outLen(len: number, k: number, s: number, d: number, padding: string): number {
  const kEff = d * (k - 1) + 1;
  return padding === 'same' ? Math.ceil(len / s) : Math.floor((len - kEff) / s) + 1;
}

export interface ConvOpts {
  strides: [number, number];
  dilation: [number, number];
  padding: 'same' | 'valid';
  groups?: number;
}

/** Keras Conv2D: kernel [kh, kw, C/groups, F]. */
export function conv2d(x: Tensor, kernel: Tensor, bias: Float32Array | null, o: ConvOpts): Tensor {
  const [N, H, W, C] = x.shape;
  const [kh, kw, cg, F] = kernel.shape;
  const groups = o.groups ?? 1;
  const fg = F / groups;
  const [sh, sw] = o.strides;
  const [dh, dw] = o.dilation;
  const OH = outLen(H, kh, sh, dh, o.padding);
  const OW = outLen(W, kw, sw, dw, o.padding);
  const ph = o.padding === 'same' ? samePadBefore(H, kh, sh, dh) : 0;
  const pw = o.padding === 'same' ? samePadBefore(W, kw, sw, dw) : 0;
  const shape = [N, OH, OW, F];
  const out = new Float32Array(N * OH * OW * F);
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let f = 0; f < F; f++) {
    const g = Math.floor(f / fg);
    let acc = bias ? bias[f] : 0;
    for (let i = 0; i < kh; i++) {
      const ih = oh * sh + i * dh - ph;
      if (ih < 0 || ih >= H) continue;
      for (let j = 0; j < kw; j++) {
        const iw = ow * sw + j * dw - pw;
        if (iw < 0 || iw >= W) continue;
        for (let c = 0; c < cg; c++) acc += x.data[at4(x.shape, n, ih, iw, g * cg + c)] * kernel.data[((i * kw + j) * cg + c) * F + f];
      }
    }
    out[at4(shape, n, oh, ow, f)] = acc;
  }
  void C;
  return { data: out, shape };
}

/** Keras DepthwiseConv2D: kernel [kh, kw, C, m]; output channel c*m + j. */
export function depthwise2d(x: Tensor, kernel: Tensor, bias: Float32Array | null, o: ConvOpts): Tensor {
  const [N, H, W, C] = x.shape;
  const [kh, kw, , m] = kernel.shape;
  const [sh, sw] = o.strides;
  const [dh, dw] = o.dilation;
  const OH = outLen(H, kh, sh, dh, o.padding);
  const OW = outLen(W, kw, sw, dw, o.padding);
  const ph = o.padding === 'same' ? samePadBefore(H, kh, sh, dh) : 0;
  const pw = o.padding === 'same' ? samePadBefore(W, kw, sw, dw) : 0;
  const shape = [N, OH, OW, C * m];
  const out = new Float32Array(N * OH * OW * C * m);
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let c = 0; c < C; c++) for (let q = 0; q < m; q++) {
    let acc = bias ? bias[c * m + q] : 0;
    for (let i = 0; i < kh; i++) {
      const ih = oh * sh + i * dh - ph;
      if (ih < 0 || ih >= H) continue;
      for (let j = 0; j < kw; j++) {
        const iw = ow * sw + j * dw - pw;
        if (iw < 0 || iw >= W) continue;
        acc += x.data[at4(x.shape, n, ih, iw, c)] * kernel.data[((i * kw + j) * C + c) * m + q];
      }
    }
    out[at4(shape, n, oh, ow, c * m + q)] = acc;
  }
  return { data: out, shape };
}

/**
 * Keras Conv2DTranspose as the adjoint of Conv2D (tf.nn.conv2d_transpose is conv2d's input
 * gradient): y[i*s + j*d - pad] += x[i] * w[j], where pad is the forward conv's 'same' padding on
 * the output length. Kernel [kh, kw, F, C]. `outSize` is the Keras output size.
 */
export function convTranspose2d(x: Tensor, kernel: Tensor, bias: Float32Array | null, o: ConvOpts, outSize: [number, number]): Tensor {
  const [N, H, W, C] = x.shape;
  const [kh, kw, F] = kernel.shape;
  const [sh, sw] = o.strides;
  const [dh, dw] = o.dilation;
  const [OH, OW] = outSize;
  const ph = o.padding === 'same' ? samePadBefore(OH, kh, sh, dh) : 0;
  const pw = o.padding === 'same' ? samePadBefore(OW, kw, sw, dw) : 0;
  const shape = [N, OH, OW, F];
  const out = new Float32Array(N * OH * OW * F);
  for (let n = 0; n < N; n++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
    const oh = h * sh + i * dh - ph;
    const ow = w * sw + j * dw - pw;
    if (oh < 0 || oh >= OH || ow < 0 || ow >= OW) continue;
    for (let f = 0; f < F; f++) {
      let acc = 0;
      for (let c = 0; c < C; c++) acc += x.data[at4(x.shape, n, h, w, c)] * kernel.data[((i * kw + j) * F + f) * C + c];
      out[at4(shape, n, oh, ow, f)] += acc;
    }
  }
  if (bias) for (let p = 0; p < out.length; p++) out[p] += bias[p % F];
  return { data: out, shape };
}

/** Keras pooling; average counts only real (unpadded) pixels. */
export function pool2d(x: Tensor, kind: 'max' | 'avg', pool: [number, number], strides: [number, number], padding: 'same' | 'valid'): Tensor {
  const [N, H, W, C] = x.shape;
  const OH = outLen(H, pool[0], strides[0], 1, padding);
  const OW = outLen(W, pool[1], strides[1], 1, padding);
  const ph = padding === 'same' ? samePadBefore(H, pool[0], strides[0], 1) : 0;
  const pw = padding === 'same' ? samePadBefore(W, pool[1], strides[1], 1) : 0;
  const shape = [N, OH, OW, C];
  const out = new Float32Array(N * OH * OW * C);
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let c = 0; c < C; c++) {
    let acc = kind === 'max' ? -Infinity : 0;
    let count = 0;
    for (let i = 0; i < pool[0]; i++) for (let j = 0; j < pool[1]; j++) {
      const ih = oh * strides[0] + i - ph;
      const iw = ow * strides[1] + j - pw;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      const v = x.data[at4(x.shape, n, ih, iw, c)];
      acc = kind === 'max' ? Math.max(acc, v) : acc + v;
      count++;
    }
    out[at4(shape, n, oh, ow, c)] = kind === 'max' ? acc : acc / count;
  }
  return { data: out, shape };
}

/** UpSampling2D: nearest copies floor(o / f); bilinear uses half-pixel centres, clamped at the borders. */
export function upsample2d(x: Tensor, size: [number, number], interpolation: 'nearest' | 'bilinear'): Tensor {
  const [N, H, W, C] = x.shape;
  const OH = H * size[0];
  const OW = W * size[1];
  const shape = [N, OH, OW, C];
  const out = new Float32Array(N * OH * OW * C);
  const coord = (o: number, f: number, len: number) => {
    const src = Math.min(Math.max((o + 0.5) / f - 0.5, 0), len - 1);
    const lo = Math.floor(src);
    return { lo, hi: Math.min(lo + 1, len - 1), t: src - lo };
  };
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let c = 0; c < C; c++) {
    let v: number;
    if (interpolation === 'nearest') v = x.data[at4(x.shape, n, Math.floor(oh / size[0]), Math.floor(ow / size[1]), c)];
    else {
      const a = coord(oh, size[0], H);
      const b = coord(ow, size[1], W);
      const p = (h: number, w: number) => x.data[at4(x.shape, n, h, w, c)];
      const top = p(a.lo, b.lo) * (1 - b.t) + p(a.lo, b.hi) * b.t;
      const bottom = p(a.hi, b.lo) * (1 - b.t) + p(a.hi, b.hi) * b.t;
      v = top * (1 - a.t) + bottom * a.t;
    }
    out[at4(shape, n, oh, ow, c)] = v;
  }
  return { data: out, shape };
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** NCHW <-> NHWC for channels_first cases. */
export function toNhwc(t: Tensor): Tensor {
  const [N, C, H, W] = t.shape;
  const out = new Float32Array(t.data.length);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) out[((n * H + h) * W + w) * C + c] = t.data[((n * C + c) * H + h) * W + w];
  return { data: out, shape: [N, H, W, C] };
}
