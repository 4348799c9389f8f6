/**
 * Keras initializers, seeded so that runs repeat. Each weight draws from its own stream derived
 * from (seed, layer name, weight name), so adding a layer does not change the others' weights.
 */
import { pyRepr } from './args';
import { ArgValue, LoweringError, ObjectArg, Unknown, WeightSpec } from './types';

/** xoshiro128** seeded through splitmix32: fast, good enough for weights. */
export class Rng {
  private s: Uint32Array;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s = Uint32Array.of(next(), next(), next(), next());
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result / 4294967296;
  }

  normal(): number {
    // Box-Muller; 1 - u keeps the logarithm finite.
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Normal truncated to two standard deviations, as Keras' truncated_normal. */
  truncatedNormal(): number {
    for (;;) {
      const z = this.normal();
      if (Math.abs(z) <= 2) return z;
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** FNV-1a over the text, mixed with the seed. */
export function streamSeed(seed: number, ...parts: string[]): number {
  let h = 0x811c9dc5 ^ seed;
  for (const ch of parts.join('/')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Keras compute_fans: the last two axes are (in, out), the rest the receptive field. */
export function fans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

/** Normalizes "glorot_uniform", "GlorotUniform", keras.initializers.GlorotUniform(...) to a key. */
function identify(init: ArgValue): { key: string; args: Record<string, ArgValue> } {
  if (typeof init === 'string') return { key: init.replace(/_/g, '').toLowerCase(), args: {} };
  if (init && typeof init === 'object' && !Array.isArray(init) && !(init instanceof Unknown)) {
    const obj = init as ObjectArg;
    return { key: obj.name.split('.').pop()!.replace(/_/g, '').toLowerCase(), args: obj.args ?? {} };
  }
  if (init === null) return { key: 'zeros', args: {} };
  throw new LoweringError(`the initializer ${pyRepr(init)} could not be evaluated`);
}

function num(args: Record<string, ArgValue>, names: string[], fallback: number): number {
  for (const n of names) {
    const v = args[n];
    if (typeof v === 'number') return v;
  }
  return fallback;
}

/** Variance-scaling family (glorot, he, lecun): scale / fan. */
function varianceScaling(shape: number[], scale: number, mode: 'fan_in' | 'fan_out' | 'fan_avg', distribution: 'uniform' | 'truncated'): (rng: Rng) => number {
  const { fanIn, fanOut } = fans(shape);
  const fan = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
  const variance = scale / Math.max(1, fan);
  if (distribution === 'uniform') {
    const limit = Math.sqrt(3 * variance);
    return (rng) => (rng.uniform() * 2 - 1) * limit;
  }
  // Keras divides by the stddev of a standard normal truncated at 2 sigma.
  const stddev = Math.sqrt(variance) / 0.87962566103423978;
  return (rng) => rng.truncatedNormal() * stddev;
}

/**
 * Keras' Orthogonal: a normal (rows x cols) matrix, rows = all axes but the last, made orthonormal
 * (QR with the signs that make R's diagonal positive, which Gram-Schmidt gives), times gain.
 */
function orthogonal(shape: number[], gain: number, rng: Rng): Float32Array {
  const cols = shape[shape.length - 1] ?? 1;
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  // Orthonormal vectors along the longer side: columns when rows >= cols, else rows.
  const [n, m] = rows >= cols ? [cols, rows] : [rows, cols];
  const v = Array.from({ length: n }, () => Float64Array.from({ length: m }, () => rng.normal()));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < m; k++) dot += v[i][k] * v[j][k];
      for (let k = 0; k < m; k++) v[i][k] -= dot * v[j][k];
    }
    let norm = 0;
    for (let k = 0; k < m; k++) norm += v[i][k] * v[i][k];
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < m; k++) v[i][k] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? v[c][r] : v[r][c]);
  return out;
}

export function initialize(spec: WeightSpec, seed: number, layerName: string): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  const { key, args } = identify(spec.initializer);
  const rng = new Rng(streamSeed(seed, layerName, spec.name));
  let draw: ((rng: Rng) => number) | null = null;
  switch (key) {
    case 'zeros': case 'zero': return out;
    case 'ones': case 'one': return out.fill(1);
    case 'constant': return out.fill(num(args, ['value', '_0'], 0));
    case 'glorotuniform': draw = varianceScaling(spec.shape, 1, 'fan_avg', 'uniform'); break;
    case 'glorotnormal': draw = varianceScaling(spec.shape, 1, 'fan_avg', 'truncated'); break;
    case 'heuniform': draw = varianceScaling(spec.shape, 2, 'fan_in', 'uniform'); break;
    case 'henormal': draw = varianceScaling(spec.shape, 2, 'fan_in', 'truncated'); break;
    case 'lecununiform': draw = varianceScaling(spec.shape, 1, 'fan_in', 'uniform'); break;
    case 'lecunnormal': draw = varianceScaling(spec.shape, 1, 'fan_in', 'truncated'); break;
    case 'variancescaling': {
      const mode = args.mode ?? args._1 ?? 'fan_in';
      const distribution = args.distribution ?? args._2 ?? 'truncated_normal';
      if (mode !== 'fan_in' && mode !== 'fan_out' && mode !== 'fan_avg') throw new LoweringError(`VarianceScaling mode ${pyRepr(mode)} is not supported`);
      const scale = num(args, ['scale', '_0'], 1);
      if (distribution === 'untruncated_normal') {
        const { fanIn, fanOut } = fans(spec.shape);
        const std = Math.sqrt(scale / Math.max(1, mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2));
        draw = (r) => std * r.normal();
      } else if (distribution === 'uniform' || distribution === 'truncated_normal' || distribution === 'normal') {
        draw = varianceScaling(spec.shape, scale, mode, distribution === 'uniform' ? 'uniform' : 'truncated');
      } else throw new LoweringError(`VarianceScaling distribution ${pyRepr(distribution)} is not supported`);
      break;
    }
    case 'orthogonal': case 'orthogonalinitializer':
      return orthogonal(spec.shape, num(args, ['gain', '_0'], 1), rng);
    case 'randomnormal': case 'normal': {
      const mean = num(args, ['mean', '_0'], 0);
      const std = num(args, ['stddev', '_1'], 0.05);
      draw = (r) => mean + std * r.normal();
      break;
    }
    case 'truncatednormal': {
      const mean = num(args, ['mean', '_0'], 0);
      const std = num(args, ['stddev', '_1'], 0.05);
      draw = (r) => mean + std * r.truncatedNormal();
      break;
    }
    case 'randomuniform': case 'uniform': {
      const lo = num(args, ['minval', '_0'], -0.05);
      const hi = num(args, ['maxval', '_1'], 0.05);
      draw = (r) => lo + (hi - lo) * r.uniform();
      break;
    }
    default:
      throw new LoweringError(`the initializer "${key}" is not supported; use a Keras built-in initializer or load trained weights`);
  }
  for (let i = 0; i < size; i++) out[i] = draw(rng);
  return out;
}
