/** Reading bound arguments the way Keras standardizes them (standardize_tuple, padding, data_format). */
import { ArgValue, BoundArgs, KerasError, NeedsUnknown, ObjectArg, ParamSpec, Unknown } from './types';

/**
 * A bound argument, known all through: an unknown anywhere inside (say `(1, 1, n)`) makes the
 * layer unknown rather than a Keras error, since Keras errors only on values it has.
 */
export function raw(args: BoundArgs, name: string): ArgValue {
  const v = args.values.get(name);
  if (hasUnknown(v)) throw new NeedsUnknown(name);
  return v === undefined ? null : v;
}

function hasUnknown(v: ArgValue | undefined): boolean {
  return v instanceof Unknown || (Array.isArray(v) && v.some(hasUnknown));
}

/** Python-like rendering of an argument, for error messages. */
export function pyRepr(v: ArgValue): string {
  if (v === null) return 'None';
  if (v instanceof Unknown) return '<unknown>';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(', ')})`;
  return (v as ObjectArg).name;
}

export function isInt(v: ArgValue): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** An argument that never decides shapes (initializers, regularizers): read as is, even if unknown. */
export function opaque(args: BoundArgs, name: string): ArgValue {
  return args.values.get(name) ?? null;
}

export function int(args: BoundArgs, name: string): number {
  const v = raw(args, name);
  if (!isInt(v)) throw new KerasError('keras-arg-type', `Argument \`${name}\` must be an integer. Received: ${name}=${pyRepr(v)}`);
  return v;
}

export function optInt(args: BoundArgs, name: string): number | null {
  const v = raw(args, name);
  return v === null ? null : int(args, name);
}

export function num(args: BoundArgs, name: string): number {
  const v = raw(args, name);
  if (typeof v !== 'number') throw new KerasError('keras-arg-type', `Argument \`${name}\` must be a number. Received: ${name}=${pyRepr(v)}`);
  return v;
}

export function bool(args: BoundArgs, name: string): boolean {
  const v = raw(args, name);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (v === null) return false;
  throw new KerasError('keras-arg-type', `Argument \`${name}\` must be a boolean. Received: ${name}=${pyRepr(v)}`);
}

export function str(args: BoundArgs, name: string): string {
  const v = raw(args, name);
  if (typeof v !== 'string') throw new KerasError('keras-arg-type', `Argument \`${name}\` must be a string. Received: ${name}=${pyRepr(v)}`);
  return v;
}

/** Keras' standardize_tuple: an int or an iterable of n ints, each > 0 (or >= 0). */
export function intTuple(args: BoundArgs, name: string, n: number, allowZero = false): number[] {
  const v = raw(args, name);
  return standardizeTuple(v, n, name, allowZero);
}

export function standardizeTuple(v: ArgValue, n: number, name: string, allowZero = false): number[] {
  const msg = () => `The \`${name}\` argument must be a tuple of ${n} integers. Received ${name}=${pyRepr(v)}`;
  let tuple: number[];
  if (isInt(v)) tuple = Array(n).fill(v);
  else if (Array.isArray(v)) {
    if (v.length !== n) throw new KerasError('keras-arg-tuple', msg());
    for (const e of v) if (e instanceof Unknown) throw new NeedsUnknown(name);
    if (!v.every(isInt)) throw new KerasError('keras-arg-tuple', msg());
    tuple = v as number[];
  } else throw new KerasError('keras-arg-tuple', msg());
  const bad = tuple.filter((x) => (allowZero ? x < 0 : x <= 0));
  if (bad.length) {
    throw new KerasError('keras-arg-tuple', `${msg()}, including values {${[...new Set(bad)].join(', ')}} that do not satisfy \`value ${allowZero ? '>= 0' : '> 0'}\``);
  }
  return tuple;
}

export type Padding = 'valid' | 'same' | 'causal';

export function padding(args: BoundArgs, name = 'padding', allowCausal = false): Padding {
  const v = raw(args, name);
  const allowed = allowCausal ? ['valid', 'same', 'causal'] : ['valid', 'same'];
  const p = typeof v === 'string' ? v.toLowerCase() : v;
  if (typeof p !== 'string' || !allowed.includes(p)) {
    throw new KerasError('keras-padding', `The \`padding\` argument must be a list/tuple or one of {${allowed.map((a) => `'${a}'`).join(', ')}}. Received: ${typeof p === 'string' ? p : pyRepr(v)}`);
  }
  return p as Padding;
}

export type DataFormat = 'channels_last' | 'channels_first';

export function dataFormat(args: BoundArgs, name = 'data_format'): DataFormat {
  const v = raw(args, name);
  // None: the global setting at construction time (Keras' standardize_data_format).
  if (v === null) return args.imageDataFormat ?? 'channels_last';
  return standardDataFormat(v);
}

/** Keras' standardize_data_format: the value lowercased, else its error (which prints it lowercased). */
export function standardDataFormat(v: ArgValue): DataFormat {
  const f = typeof v === 'string' ? v.toLowerCase() : v;
  if (f !== 'channels_last' && f !== 'channels_first') {
    const shown = typeof v === 'string' ? v.toLowerCase() : pyRepr(v);
    throw new KerasError('keras-data-format', `The \`data_format\` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=${shown}`);
  }
  return f;
}

/** Name of an activation argument (string, callable or None). */
export function activationName(args: BoundArgs, name = 'activation'): string | null {
  const v = args.values.get(name);
  if (v === undefined || v === null) return null;
  if (v instanceof Unknown) return 'unknown';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && !Array.isArray(v)) return v.name;
  return pyRepr(v);
}

export const KNOWN_ACTIVATIONS = new Set([
  'linear', 'relu', 'relu6', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax', 'log_softmax', 'softplus',
  'softsign', 'swish', 'silu', 'gelu', 'elu', 'selu', 'leaky_relu', 'exponential', 'mish', 'hard_swish',
  'hard_silu', 'celu', 'glu', 'squareplus', 'sparse_plus', 'soft_shrink', 'hard_shrink', 'tanh_shrink', 'sparsemax', 'threshold',
]);

/** Keras activations.get: unknown string names are a ValueError. */
export function checkActivation(args: BoundArgs, name = 'activation'): string | null {
  const v = args.values.get(name);
  if (typeof v === 'string' && !KNOWN_ACTIVATIONS.has(v)) {
    throw new KerasError('keras-activation', `Could not interpret activation function identifier: ${v}`);
  }
  return activationName(args, name);
}

export function product(xs: readonly number[]): number {
  let p = 1;
  for (const x of xs) p *= x;
  return p;
}

/** The weight-related tail shared by Keras' Dense and conv signatures (after use_bias). */
export const WEIGHT_PARAMS: ParamSpec[] = [
  { name: 'kernel_initializer', default: 'glorot_uniform' },
  { name: 'bias_initializer', default: 'zeros' },
  { name: 'kernel_regularizer', default: null },
  { name: 'bias_regularizer', default: null },
  { name: 'activity_regularizer', default: null },
  { name: 'kernel_constraint', default: null },
  { name: 'bias_constraint', default: null },
];

/** Arguments given as keywords, every other parameter at its default (how code builds a kind itself). */
export function bindKeywords(kernel: { params: ParamSpec[]; popped?: ParamSpec[] }, keywords: Record<string, ArgValue>): BoundArgs {
  const values = new Map<string, ArgValue>();
  for (const p of [...kernel.params, ...(kernel.popped ?? [])]) if (p.default !== undefined) values.set(p.name, p.default);
  for (const [name, v] of Object.entries(keywords)) values.set(name, v);
  return { values, given: new Set(Object.keys(keywords)) };
}
